'use strict';
// IPv6 (https://www.rfc-editor.org/rfc/rfc8200): node_pcap's IPv6 class and decode.packet's fast
// routines; the fixed header's fields are read in one place, `readHeader`.
var IPv6Addr = require('./ipv6_addr');
var shared = require('./_util');
var emitIPv6 = shared.emitterFor('ipv6');
var decodeNext = require('./_next');

// Exported before requiring ip_protocols, which requires this module back.
module.exports = IPv6;
shared.exportFast(IPv6, { decode: decodeIPv6, built: builtIPv6 });
var protocols = require('./ip_protocols');

// Field offsets in the IPv6 header.
var VERSION_TC_FLOW = 0; // version (4 bits), traffic class (8), flow label (20)
var PAYLOAD_LENGTH = 4;  // extension headers included; 0 for a jumbogram or a TSO / BIG TCP segment
var NEXT_HEADER = 6;
var HOP_LIMIT = 7;
var SADDR = 8;
var DADDR = 24;
var HEADER = 40;
var NO_NEXT_HEADER = 59;

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

IPv6.prototype.decode = function (raw_packet, offset) {
  var avail = raw_packet.length - offset;
  if (!(avail >= HEADER)) {
    return this._decodeShort(raw_packet, offset, avail);
  }
  readHeader(this, raw_packet, offset);

  var len = this.payloadLength;
  if (len === 0 && this.nextHeader !== NO_NEXT_HEADER) {
    // A jumbogram (the real length is in a hop-by-hop option), or a TSO / BIG TCP
    // segment captured before segmentation: the payload is the rest of the frame.
    len = avail - HEADER;
  }
  var Decoder = protocols[this.nextHeader];
  if (Decoder === undefined) {
    this.protocolName = 'Unknown';
  } else if (shared.nesting.depth >= shared.MAX_DEPTH) {
    this._error = 'too many nested headers';
  } else {
    this.payload = decodeNext(Decoder, this.emitter, raw_packet, offset + HEADER, len);
  }

  if (this.emitter) { emitIPv6(this.emitter, this); }
  return this;
};

// The fixed header's fields from version to daddr, in the order of IPv6's own properties (the
// caller has set `emitter`); the 40 bytes at `o` must be there.
function readHeader(ip, r, o) {
  var b0 = r[o + VERSION_TC_FLOW], b1 = r[o + VERSION_TC_FLOW + 1];
  ip.version = b0 >> 4;
  ip.trafficClass = ((b0 & 0x0f) << 4) | (b1 >> 4);
  ip.flowLabel = ((b1 & 0x0f) << 16) | (r[o + VERSION_TC_FLOW + 2] << 8) | r[o + VERSION_TC_FLOW + 3];
  ip.payloadLength = (r[o + PAYLOAD_LENGTH] << 8) | r[o + PAYLOAD_LENGTH + 1];
  ip.nextHeader = r[o + NEXT_HEADER];
  ip.hopLimit = r[o + HOP_LIMIT];
  ip.saddr = new IPv6Addr(r, o + SADDR);
  ip.daddr = new IPv6Addr(r, o + DADDR);
}

// decode.packet's fast path (decodeIPv6 below, decode/_mapped.js): the objects of
// `new IPv6(emitter).decode()`, built in one pass when the next header is known. Same
// prototype, same own properties in the same order.
function DecodedIPv6(emitter, r, offset, payload) {
  this.emitter = emitter;
  readHeader(this, r, offset);
  this.payload = payload;
}
DecodedIPv6.prototype = IPv6.prototype;

// The IPv6 object of a header already read, with its decoded payload: built and announced.
// Shared by decodeIPv6 and the layer-map builders.
function builtIPv6(emitter, r, offset, payload) {
  var ip = new DecodedIPv6(emitter, r, offset, payload);
  if (emitter) { emitIPv6(emitter, ip); }
  return ip;
}

// `new IPv6(emitter).decode(r, offset)` for decode.packet.
function decodeIPv6(emitter, r, offset) {
  var avail = r.length - offset;
  if (avail >= HEADER) {
    var nextHeader = r[offset + NEXT_HEADER];
    var Decoder = protocols[nextHeader];
    if (Decoder !== undefined && shared.nesting.depth < shared.MAX_DEPTH) {
      var payloadLength = (r[offset + PAYLOAD_LENGTH] << 8) | r[offset + PAYLOAD_LENGTH + 1];
      var len = payloadLength === 0 && nextHeader !== NO_NEXT_HEADER ? avail - HEADER : payloadLength;
      var payload = decodeNext(Decoder, emitter, r, offset + HEADER, len);
      return builtIPv6(emitter, r, offset, payload);
    }
  }
  return new IPv6(emitter).decode(r, offset);
}

IPv6.prototype._decodeShort = function (raw_packet, offset, avail) {
  var u8 = shared.u8;
  if (avail > 0) {
    this.version = raw_packet[offset] >> 4;
  }
  if (avail >= 4) {
    var b0 = raw_packet[offset], b1 = raw_packet[offset + 1];
    this.trafficClass = ((b0 & 0x0f) << 4) | (b1 >> 4);
    this.flowLabel = ((b1 & 0x0f) << 16) | (raw_packet[offset + 2] << 8) | raw_packet[offset + 3];
  }
  this.payloadLength = shared.u16(raw_packet, offset + PAYLOAD_LENGTH);
  this.nextHeader = u8(raw_packet, offset + NEXT_HEADER);
  this.hopLimit = u8(raw_packet, offset + HOP_LIMIT);
  if (avail >= SADDR + 16) { this.saddr = new IPv6Addr(raw_packet, offset + SADDR); }
  this._error = 'truncated IPv6 header: ' + (avail > 0 ? avail : 0) + ' of ' + HEADER + ' bytes captured';
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
