'use strict';
// UDP (https://www.rfc-editor.org/rfc/rfc768): node_pcap's UDP class and decode.packet's fast
// routines; the header's fields are read in one place, `readHeader`.
var shared = require('./_util');
var emitUDP = shared.emitterFor('udp');
var DNS = require('./dns');

// Field offsets in the UDP header.
var SPORT = 0;
var DPORT = 2;
var LENGTH = 4;   // header included
var CHECKSUM = 6;
var HEADER = 8;

function UDP(emitter) {
  this.emitter = emitter;
  this.sport = undefined;
  this.dport = undefined;
  this.length = undefined;
  this.checksum = undefined;
  this.data = undefined;
}

UDP.prototype.decoderName = 'udp';
UDP.prototype.eventsOnDecode = true;

UDP.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  if (r.length - offset >= HEADER) {
    readHeader(this, r, offset);
  } else {
    var u16 = shared.u16;
    this.sport = u16(r, offset + SPORT);
    this.dport = u16(r, offset + DPORT);
    this.length = u16(r, offset + LENGTH);
    this.checksum = u16(r, offset + CHECKSUM);
    this.data = r.subarray(r.length, r.length);
    this._error = 'truncated UDP header';
  }
  if (this.emitter) { emitUDP(this.emitter, this); }
  return this;
};

// The header's fields and the data view, in the order of UDP's own properties (the caller has
// set `emitter`); the 8 bytes at `o` must be there. `data` is [header end, header end + length
// - 8), cut to what was captured.
function readHeader(u, r, o) {
  u.sport = (r[o + SPORT] << 8) | r[o + SPORT + 1];
  u.dport = (r[o + DPORT] << 8) | r[o + DPORT + 1];
  var length = (r[o + LENGTH] << 8) | r[o + LENGTH + 1];
  u.length = length;
  u.checksum = (r[o + CHECKSUM] << 8) | r[o + CHECKSUM + 1];
  u.data = r.subarray(o + HEADER, o + (length > HEADER ? length : HEADER));
}

// decode.packet's fast path: the same object as `new UDP(emitter).decode(r, offset)`.
function DecodedUDP(emitter, r, offset) {
  this.emitter = emitter;
  readHeader(this, r, offset);
}
DecodedUDP.prototype = UDP.prototype;

function decodeUDP(emitter, r, offset) {
  if (r.length - offset >= HEADER) {
    return mappedUDP(emitter, r, offset);
  }
  return new UDP(emitter).decode(r, offset);
}

// For an 8-byte header that is there (checked by decodeUDP, or vouched for by the structure pass).
function mappedUDP(emitter, r, offset) {
  var udp = new DecodedUDP(emitter, r, offset);
  if (emitter) { emitUDP(emitter, udp); }
  return udp;
}

shared.exportFast(UDP, { decode: decodeUDP, mapped: mappedUDP });

UDP.prototype.toString = function () {
  var ret = 'UDP ' + this.sport + '->' + this.dport + ' len ' + this.length;
  if ((this.sport === 53 || this.dport === 53) && this.data) {
    ret += new DNS().decode(this.data, 0, this.data.length).toString();
  }
  return ret;
};

module.exports = UDP;
