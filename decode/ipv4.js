'use strict';
// IPv4 (https://www.rfc-editor.org/rfc/rfc791): node_pcap's IPv4 class and decode.packet's fast
// routines; the header's fields are read in one place, `readHeader`.
var Buffer = require('buffer').Buffer;
var IPv4Addr = require('./ipv4_addr');
var shared = require('./_util');
var emitIPv4 = shared.emitterFor('ipv4');
var decodeNext = require('./_next');

// Exported before requiring ip_protocols, which requires this module back.
module.exports = IPv4;
shared.exportFast(IPv4, { decode: decodeIPv4, built: builtIPv4 });
var protocols = require('./ip_protocols');

// Field offsets in the IPv4 header.
var VERSION_IHL = 0;   // version (high nibble), header length in 32-bit words (low nibble)
var DIFFSERV = 1;
var TOTAL_LENGTH = 2;  // header included; 0 for a segment captured before TSO / BIG TCP split it
var ID = 4;
var FLAGS_FRAG = 6;    // flags (3 high bits), fragment offset in 8-byte units (13 bits)
var TTL = 8;
var PROTOCOL = 9;
var CHECKSUM = 10;
var SADDR = 12;
var DADDR = 16;
var HEADER = 20;       // without options

function IPFlags(emitter) {
  this.emitter = emitter;
  this.reserved = undefined;
  this.doNotFragment = undefined;
  this.moreFragments = undefined;
}

IPFlags.prototype.decode = function (raw_flags) {
  return readFlags(this, raw_flags);
};

function readFlags(f, b6) {
  f.reserved = (b6 & 0x80) !== 0;
  f.doNotFragment = (b6 & 0x40) !== 0;
  f.moreFragments = (b6 & 0x20) !== 0;
  return f;
}

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

IPv4.prototype.decode = function (raw_packet, offset) {
  var avail = raw_packet.length - offset;
  if (!(avail >= HEADER)) {
    return this._decodeShort(raw_packet, offset, avail);
  }
  readHeader(this, raw_packet, offset);
  // IP options (headerLength > 20) are not parsed.

  var hl = this.headerLength;
  // Total length 0: a TSO / BIG TCP segment captured before segmentation; the
  // segment is the rest of the frame (tshark does the same).
  var segmentLength = this.length === 0 ? avail - hl : this.length - hl;
  if (hl < HEADER) {
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
    } else if (shared.nesting.depth >= shared.MAX_DEPTH) {
      this._error = 'too many nested headers';
    } else {
      this.payload = decodeNext(Decoder, this.emitter, raw_packet, offset + hl, segmentLength);
      if (this.flags.moreFragments) { this.isFragment = true; }
    }
  }

  if (this.emitter) { emitIPv4(this.emitter, this); }
  return this;
};

// The header's fields from version to daddr, in the order of IPv4's own properties (the caller
// has set `emitter`); the 20 bytes at `o` must be there.
function readHeader(ip, r, o) {
  var b0 = r[o + VERSION_IHL];
  ip.version = b0 >> 4;
  ip.headerLength = (b0 & 0x0f) << 2;
  ip.diffserv = r[o + DIFFSERV];
  ip.length = (r[o + TOTAL_LENGTH] << 8) | r[o + TOTAL_LENGTH + 1];
  ip.identification = (r[o + ID] << 8) | r[o + ID + 1];
  var b6 = r[o + FLAGS_FRAG];
  ip.flags = new DecodedIPFlags(b6);
  ip.fragmentOffset = (((b6 & 0x1f) << 8) | r[o + FLAGS_FRAG + 1]) << 3;
  ip.ttl = r[o + TTL];
  ip.protocol = r[o + PROTOCOL];
  ip.headerChecksum = (r[o + CHECKSUM] << 8) | r[o + CHECKSUM + 1];
  ip.saddr = new IPv4Addr(r, o + SADDR);
  ip.daddr = new IPv4Addr(r, o + DADDR);
}

// decode.packet's fast path (decodeIPv4 below, decode/_mapped.js): the objects of
// `new IPv4(emitter).decode()`, built in one pass, for the usual packet (valid lengths, not a
// non-first fragment, a known protocol). Same prototypes, same own properties in the same order.
function DecodedIPFlags(b6) {
  this.emitter = undefined;
  readFlags(this, b6);
}
DecodedIPFlags.prototype = IPFlags.prototype;

function DecodedIPv4(emitter, r, offset, payload) {
  this.emitter = emitter;
  readHeader(this, r, offset);
  this.protocolName = undefined;
  this.payload = payload;
}
DecodedIPv4.prototype = IPv4.prototype;

// The IPv4 object of a header already read, with its decoded payload: built, marked as a first
// fragment when it is one, announced. Shared by decodeIPv4 and the layer-map builders.
// (The caller has checked the header: hl >= 20, fragment offset 0, `protocol` known.)
function builtIPv4(emitter, r, offset, payload) {
  var ip = new DecodedIPv4(emitter, r, offset, payload);
  if ((r[offset + FLAGS_FRAG] & 0x20) !== 0) { ip.isFragment = true; }
  if (emitter) { emitIPv4(emitter, ip); }
  return ip;
}

// `new IPv4(emitter).decode(r, offset)` for decode.packet.
function decodeIPv4(emitter, r, offset) {
  var avail = r.length - offset;
  if (avail >= HEADER) {
    var hl = (r[offset + VERSION_IHL] & 0x0f) << 2;
    var length = (r[offset + TOTAL_LENGTH] << 8) | r[offset + TOTAL_LENGTH + 1];
    var Decoder = protocols[r[offset + PROTOCOL]];
    if (hl >= HEADER && hl <= avail && (length >= hl || length === 0) &&
            ((r[offset + FLAGS_FRAG] & 0x1f) | r[offset + FLAGS_FRAG + 1]) === 0 &&
            Decoder !== undefined && shared.nesting.depth < shared.MAX_DEPTH) {
      var payload = decodeNext(Decoder, emitter, r, offset + hl, length === 0 ? avail - hl : length - hl);
      return builtIPv4(emitter, r, offset, payload);
    }
  }
  return new IPv4(emitter).decode(r, offset);
}

// Fewer than 20 bytes: fill in what is there, record the reason and stop.
IPv4.prototype._decodeShort = function (raw_packet, offset, avail) {
  var u8 = shared.u8, u16 = shared.u16;
  if (avail > VERSION_IHL) {
    var b0 = raw_packet[offset + VERSION_IHL];
    this.version = b0 >> 4;
    this.headerLength = (b0 & 0x0f) << 2;
  }
  this.diffserv = u8(raw_packet, offset + DIFFSERV);
  this.length = u16(raw_packet, offset + TOTAL_LENGTH);
  this.identification = u16(raw_packet, offset + ID);
  if (avail > FLAGS_FRAG) {
    this.flags = new DecodedIPFlags(raw_packet[offset + FLAGS_FRAG]);
  }
  if (avail > FLAGS_FRAG + 1) {
    this.fragmentOffset = (((raw_packet[offset + FLAGS_FRAG] & 0x1f) << 8) | raw_packet[offset + FLAGS_FRAG + 1]) << 3;
  }
  this.ttl = u8(raw_packet, offset + TTL);
  this.protocol = u8(raw_packet, offset + PROTOCOL);
  this.headerChecksum = u16(raw_packet, offset + CHECKSUM);
  if (avail >= SADDR + 4) { this.saddr = new IPv4Addr(raw_packet, offset + SADDR); }
  this._error = 'truncated IPv4 header: ' + (avail > 0 ? avail : 0) + ' of ' + HEADER + ' bytes captured';
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

