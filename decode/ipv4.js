'use strict';
var Buffer = require('buffer').Buffer;
var IPv4Addr = require('./ipv4_addr');
var internal = require('./_internal');
var emitIPv4 = internal.emitterFor('ipv4');
var decodeNext = require('./_next');

// Exported before requiring ip_protocols, which requires this module back.
module.exports = IPv4;
var protocols = require('./ip_protocols');

function IPFlags(emitter) {
  this.emitter = emitter;
  this.reserved = undefined;
  this.doNotFragment = undefined;
  this.moreFragments = undefined;
}

IPFlags.prototype.decode = function (raw_flags) {
  this.reserved = (raw_flags & 0x80) !== 0;
  this.doNotFragment = (raw_flags & 0x40) !== 0;
  this.moreFragments = (raw_flags & 0x20) !== 0;
  return this;
};

IPFlags.prototype.toString = function () {
  return '[' + (this.reserved ? 'r' : '') + (this.doNotFragment ? 'd' : '') + (this.moreFragments ? 'm' : '') + ']';
};

function IPv4(emitter) {
  this.emitter = emitter;
  this.version = undefined;
  this.headerLength = undefined;
  this.diffserv = undefined;
  this.length = undefined;
  this.identification = undefined;
  this.flags = undefined;
  this.fragmentOffset = undefined;
  this.ttl = undefined;
  this.protocol = undefined;
  this.headerChecksum = undefined;
  this.saddr = undefined;
  this.daddr = undefined;
  this.protocolName = undefined;
  this.payload = undefined;
}

IPv4.prototype.decoderName = 'ipv4';
IPv4.prototype.eventsOnDecode = true;

// https://www.rfc-editor.org/rfc/rfc791
IPv4.prototype.decode = function (raw_packet, offset) {
  var avail = raw_packet.length - offset;
  if (!(avail >= 20)) {
    return this._decodeShort(raw_packet, offset, avail);
  }
  var b0 = raw_packet[offset];
  this.version = b0 >> 4;
  this.headerLength = (b0 & 0x0f) << 2;
  this.diffserv = raw_packet[offset + 1];
  this.length = (raw_packet[offset + 2] << 8) | raw_packet[offset + 3];
  this.identification = (raw_packet[offset + 4] << 8) | raw_packet[offset + 5];
  var b6 = raw_packet[offset + 6];
  this.flags = new IPFlags().decode(b6);
  this.fragmentOffset = (((b6 & 0x1f) << 8) | raw_packet[offset + 7]) << 3;
  this.ttl = raw_packet[offset + 8];
  this.protocol = raw_packet[offset + 9];
  this.headerChecksum = (raw_packet[offset + 10] << 8) | raw_packet[offset + 11];
  this.saddr = new IPv4Addr(raw_packet, offset + 12);
  this.daddr = new IPv4Addr(raw_packet, offset + 16);
  // IP options (headerLength > 20) are not parsed.

  var hl = this.headerLength;
  // Total length 0: a TSO / BIG TCP segment captured before segmentation; the
  // segment is the rest of the frame (tshark does the same).
  var segmentLength = this.length === 0 ? avail - hl : this.length - hl;
  if (hl < 20) {
    this._error = 'invalid IPv4 header length ' + hl;
  } else if (this.length !== 0 && this.length < hl) {
    this._error = 'invalid IPv4 total length ' + this.length + ' (header length ' + hl + ')';
  } else if (this.fragmentOffset > 0) {
    // Not the first fragment: no transport header here, keep the raw bytes.
    var end = this.length >= hl ? offset + this.length : raw_packet.length;
    this.payload = raw_packet.subarray(offset + (hl < avail ? hl : avail), end);
    this.isFragment = true;
  } else {
    var Decoder = protocols[this.protocol];
    if (Decoder === undefined) {
      this.protocolName = 'Unknown';
    } else if (hl > avail) {
      this._error = 'truncated IPv4 header: ' + avail + ' of ' + hl + ' bytes captured';
    } else if (internal.nesting.depth >= internal.MAX_DEPTH) {
      this._error = 'too many nested headers';
    } else {
      this.payload = decodeNext(Decoder, this.emitter, raw_packet, offset + hl, segmentLength);
      if (this.flags.moreFragments) { this.isFragment = true; }
    }
  }

  if (this.emitter) { emitIPv4(this.emitter, this); }
  return this;
};

// Fast path of decode.packet (decodeIPv4 below): the objects of `new IPv4(emitter).decode()`,
// built in one pass, for the usual packet (valid lengths, not a non-first fragment, a known
// protocol). Same prototypes, same own properties in the same order.
function DecodedIPFlags(b6) {
  this.emitter = undefined;
  this.reserved = (b6 & 0x80) !== 0;
  this.doNotFragment = (b6 & 0x40) !== 0;
  this.moreFragments = (b6 & 0x20) !== 0;
}
DecodedIPFlags.prototype = IPFlags.prototype;

function DecodedIPv4(emitter, r, offset, hl, length, b6, protocol, payload) {
  this.emitter = emitter;
  this.version = r[offset] >> 4;
  this.headerLength = hl;
  this.diffserv = r[offset + 1];
  this.length = length;
  this.identification = (r[offset + 4] << 8) | r[offset + 5];
  this.flags = new DecodedIPFlags(b6);
  this.fragmentOffset = 0;
  this.ttl = r[offset + 8];
  this.protocol = protocol;
  this.headerChecksum = (r[offset + 10] << 8) | r[offset + 11];
  this.saddr = new IPv4Addr(r, offset + 12);
  this.daddr = new IPv4Addr(r, offset + 16);
  this.protocolName = undefined;
  this.payload = payload;
}
DecodedIPv4.prototype = IPv4.prototype;

// The IPv4 object of a header already read, with its decoded payload: built, marked as a first
// fragment when it is one, announced. Shared by decodeIPv4 and the layer-map builders.
function builtIPv4(emitter, r, offset, hl, length, b6, protocol, payload) {
  var ip = new DecodedIPv4(emitter, r, offset, hl, length, b6, protocol, payload);
  if ((b6 & 0x20) !== 0) { ip.isFragment = true; }
  if (emitter) { emitIPv4(emitter, ip); }
  return ip;
}
internal.builtIPv4 = builtIPv4;

// `new IPv4(emitter).decode(r, offset)` for decode.packet.
function decodeIPv4(emitter, r, offset) {
  var avail = r.length - offset;
  if (avail >= 20) {
    var hl = (r[offset] & 0x0f) << 2;
    var length = (r[offset + 2] << 8) | r[offset + 3];
    var b6 = r[offset + 6];
    var protocol = r[offset + 9];
    var Decoder = protocols[protocol];
    if (hl >= 20 && hl <= avail && (length >= hl || length === 0) && ((b6 & 0x1f) | r[offset + 7]) === 0 &&
            Decoder !== undefined && internal.nesting.depth < internal.MAX_DEPTH) {
      var payload = decodeNext(Decoder, emitter, r, offset + hl, length === 0 ? avail - hl : length - hl);
      return builtIPv4(emitter, r, offset, hl, length, b6, protocol, payload);
    }
  }
  return new IPv4(emitter).decode(r, offset);
}
internal.decodeIPv4 = decodeIPv4;

// Fewer than 20 bytes: fill in what is there, record the reason and stop.
IPv4.prototype._decodeShort = function (raw_packet, offset, avail) {
  var u8 = internal.u8, u16 = internal.u16;
  if (avail > 0) {
    var b0 = raw_packet[offset];
    this.version = b0 >> 4;
    this.headerLength = (b0 & 0x0f) << 2;
  }
  this.diffserv = u8(raw_packet, offset + 1);
  this.length = u16(raw_packet, offset + 2);
  this.identification = u16(raw_packet, offset + 4);
  if (avail > 6) {
    this.flags = new IPFlags().decode(raw_packet[offset + 6]);
  }
  if (avail > 7) {
    this.fragmentOffset = (((raw_packet[offset + 6] & 0x1f) << 8) | raw_packet[offset + 7]) << 3;
  }
  this.ttl = u8(raw_packet, offset + 8);
  this.protocol = u8(raw_packet, offset + 9);
  this.headerChecksum = u16(raw_packet, offset + 10);
  if (avail >= 16) { this.saddr = new IPv4Addr(raw_packet, offset + 12); }
  this._error = 'truncated IPv4 header: ' + (avail > 0 ? avail : 0) + ' of 20 bytes captured';
  if (this.emitter) { emitIPv4(this.emitter, this); }
  return this;
};

IPv4.prototype.toString = function () {
  var ret = this.saddr + ' -> ' + this.daddr + ' ';
  var flags = this.flags ? this.flags.toString() : '[]';
  if (flags.length > 2) {
    ret += 'flags ' + flags + ' ';
  }
  var p = this.payload;
  if (p === undefined || p === null) {
    ret += 'proto ' + this.protocol;
  } else if (this.isFragment === true && Buffer.isBuffer(p)) {
    return ret + 'proto ' + this.protocol + ' fragment offset ' + this.fragmentOffset + ' len ' + p.length;
  } else {
    ret += p.constructor.name;
  }
  return ret + ' ' + p;
};

