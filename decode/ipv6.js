'use strict';
var IPv6Addr = require('./ipv6_addr');
var internal = require('./_internal');
var emitIPv6 = internal.emitterFor('ipv6');
var decodeNext = require('./_next');

// Exported before requiring ip_protocols, which requires this module back.
module.exports = IPv6;
var protocols = require('./ip_protocols');

function IPv6(emitter) {
  this.emitter = emitter;
  this.version = undefined;
  this.trafficClass = undefined;
  this.flowLabel = undefined;
  this.payloadLength = undefined;
  this.nextHeader = undefined;
  this.hopLimit = undefined;
  this.saddr = undefined;
  this.daddr = undefined;
  this.payload = undefined;
}

IPv6.prototype.decoderName = 'ipv6';
IPv6.prototype.eventsOnDecode = true;

// https://www.rfc-editor.org/rfc/rfc8200
IPv6.prototype.decode = function (raw_packet, offset) {
  var avail = raw_packet.length - offset;
  if (!(avail >= 40)) {
    return this._decodeShort(raw_packet, offset, avail);
  }
  var b0 = raw_packet[offset], b1 = raw_packet[offset + 1];
  this.version = b0 >> 4;
  this.trafficClass = ((b0 & 0x0f) << 4) | (b1 >> 4);
  this.flowLabel = ((b1 & 0x0f) << 16) | (raw_packet[offset + 2] << 8) | raw_packet[offset + 3];
  this.payloadLength = (raw_packet[offset + 4] << 8) | raw_packet[offset + 5];
  this.nextHeader = raw_packet[offset + 6];
  this.hopLimit = raw_packet[offset + 7];
  this.saddr = new IPv6Addr(raw_packet, offset + 8);
  this.daddr = new IPv6Addr(raw_packet, offset + 24);

  var len = this.payloadLength;
  if (len === 0 && this.nextHeader !== 59) {
    // A jumbogram (the real length is in a hop-by-hop option), or a TSO / BIG TCP
    // segment captured before segmentation: the payload is the rest of the frame.
    len = avail - 40;
  }
  var Decoder = protocols[this.nextHeader];
  if (Decoder === undefined) {
    this.protocolName = 'Unknown';
  } else if (internal.nesting.depth >= internal.MAX_DEPTH) {
    this._error = 'too many nested headers';
  } else {
    this.payload = decodeNext(Decoder, this.emitter, raw_packet, offset + 40, len);
  }

  if (this.emitter) { emitIPv6(this.emitter, this); }
  return this;
};

// Fast path of decode.packet (decodeIPv6 below): the objects of `new IPv6(emitter).decode()`,
// built in one pass when the next header is known. Same prototype, same own properties in the
// same order.
function DecodedIPv6(emitter, r, offset, payloadLength, nextHeader, payload) {
  var b0 = r[offset], b1 = r[offset + 1];
  this.emitter = emitter;
  this.version = b0 >> 4;
  this.trafficClass = ((b0 & 0x0f) << 4) | (b1 >> 4);
  this.flowLabel = ((b1 & 0x0f) << 16) | (r[offset + 2] << 8) | r[offset + 3];
  this.payloadLength = payloadLength;
  this.nextHeader = nextHeader;
  this.hopLimit = r[offset + 7];
  this.saddr = new IPv6Addr(r, offset + 8);
  this.daddr = new IPv6Addr(r, offset + 24);
  this.payload = payload;
}
DecodedIPv6.prototype = IPv6.prototype;

// The IPv6 object of a header already read, with its decoded payload: built and announced.
// Shared by decodeIPv6 and the layer-map builders.
function builtIPv6(emitter, r, offset, payloadLength, nextHeader, payload) {
  var ip = new DecodedIPv6(emitter, r, offset, payloadLength, nextHeader, payload);
  if (emitter) { emitIPv6(emitter, ip); }
  return ip;
}
internal.builtIPv6 = builtIPv6;

// `new IPv6(emitter).decode(r, offset)` for decode.packet.
function decodeIPv6(emitter, r, offset) {
  var avail = r.length - offset;
  if (avail >= 40) {
    var nextHeader = r[offset + 6];
    var Decoder = protocols[nextHeader];
    if (Decoder !== undefined && internal.nesting.depth < internal.MAX_DEPTH) {
      var payloadLength = (r[offset + 4] << 8) | r[offset + 5];
      var len = payloadLength === 0 && nextHeader !== 59 ? avail - 40 : payloadLength;
      var payload = decodeNext(Decoder, emitter, r, offset + 40, len);
      return builtIPv6(emitter, r, offset, payloadLength, nextHeader, payload);
    }
  }
  return new IPv6(emitter).decode(r, offset);
}
internal.decodeIPv6 = decodeIPv6;

IPv6.prototype._decodeShort = function (raw_packet, offset, avail) {
  var u8 = internal.u8;
  if (avail > 0) {
    this.version = raw_packet[offset] >> 4;
  }
  if (avail >= 4) {
    var b0 = raw_packet[offset], b1 = raw_packet[offset + 1];
    this.trafficClass = ((b0 & 0x0f) << 4) | (b1 >> 4);
    this.flowLabel = ((b1 & 0x0f) << 16) | (raw_packet[offset + 2] << 8) | raw_packet[offset + 3];
  }
  this.payloadLength = internal.u16(raw_packet, offset + 4);
  this.nextHeader = u8(raw_packet, offset + 6);
  this.hopLimit = u8(raw_packet, offset + 7);
  if (avail >= 24) { this.saddr = new IPv6Addr(raw_packet, offset + 8); }
  this._error = 'truncated IPv6 header: ' + (avail > 0 ? avail : 0) + ' of 40 bytes captured';
  if (this.emitter) { emitIPv6(this.emitter, this); }
  return this;
};

IPv6.prototype.toString = function () {
  var ret = this.saddr + ' -> ' + this.daddr + ' ';
  var p = this.payload;
  if (p === undefined || p === null) {
    ret += 'proto ' + this.nextHeader;
  } else {
    ret += p.constructor.name;
  }
  return ret + ' ' + p;
};
