'use strict';
// BSD loopback encapsulation: LINKTYPE_NULL (0, host byte order family) and
// LINKTYPE_LOOP (108, network byte order family).
var IPv4 = require('./ipv4');
var IPv6 = require('./ipv6');
var L = require('../lib/layout');
// The network layer from decode.packet's layer map (read at each call: see decode/_ethertype.js).
var mapped = require('./_mapped');

function NullPacket(emitter) {
  this.emitter = emitter;
  this.pftype = undefined;
  this.payload = undefined;
  this._error = undefined;
}

NullPacket.prototype.decoderName = 'null-packet';
NullPacket.prototype.eventsOnDecode = false;

// The header's byte order is the capturing host's; families fit in one byte,
// so whichever end is non-zero holds the value.
NullPacket.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  if (!(r.length - offset >= 4)) {
    this._error = 'truncated NULL header';
    return this;
  }
  this.pftype = (r[offset] === 0 && r[offset + 1] === 0) ? r[offset + 3] : r[offset];
  return this._decodeFamily(r, offset + 4);
};

// LINKTYPE_LOOP: the family is a 32-bit big-endian number.
NullPacket.prototype.decodeLoop = function (raw_packet, offset) {
  if (!(raw_packet.length - offset >= 4)) {
    this._error = 'truncated LOOP header';
    return this;
  }
  this.pftype = raw_packet.readUInt32BE(offset);
  return this._decodeFamily(raw_packet, offset + 4);
};

NullPacket.prototype._decodeFamily = function (raw_packet, offset) {
  var f = this.pftype;
  var p;
  if ((f === 2 || f === 24 || f === 28 || f === 30) &&
        (p = mapped.fromMap(this.emitter, raw_packet, offset, f === 2 ? L.NET_IPV4 : L.NET_IPV6)) !== undefined) {
    this.payload = p; // from decode.packet's layer map (decode/_mapped.js)
  } else if (f === 2) { // AF_INET
    this.payload = new IPv4(this.emitter).decode(raw_packet, offset);
  } else if (f === 24 || f === 28 || f === 30) { // AF_INET6: NetBSD/OpenBSD, FreeBSD, macOS
    this.payload = new IPv6(this.emitter).decode(raw_packet, offset);
  } else {
    this._error = 'unknown protocol family ' + f;
  }
  return this;
};

NullPacket.prototype.toString = function () {
  return this.pftype + ' ' + this.payload;
};

module.exports = NullPacket;
