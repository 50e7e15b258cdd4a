'use strict';
var internal = require('./_internal');
var emitUDP = internal.emitterFor('udp');
var DNS = require('./dns');

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

// https://www.rfc-editor.org/rfc/rfc768
UDP.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  if (r.length - offset >= 8) {
    this.sport = (r[offset] << 8) | r[offset + 1];
    this.dport = (r[offset + 2] << 8) | r[offset + 3];
    this.length = (r[offset + 4] << 8) | r[offset + 5];
    this.checksum = (r[offset + 6] << 8) | r[offset + 7];
    // A view of [header end, header end + length - 8), cut to what was captured.
    this.data = r.subarray(offset + 8, offset + (this.length > 8 ? this.length : 8));
  } else {
    this.sport = internal.u16(r, offset);
    this.dport = internal.u16(r, offset + 2);
    this.length = internal.u16(r, offset + 4);
    this.checksum = internal.u16(r, offset + 6);
    this.data = r.subarray(r.length, r.length);
    this._error = 'truncated UDP header';
  }
  if (this.emitter) { emitUDP(this.emitter, this); }
  return this;
};

// Fast path of decode.packet: the same object as `new UDP(emitter).decode(r, offset)`.
function DecodedUDP(emitter, r, offset) {
  this.emitter = emitter;
  this.sport = (r[offset] << 8) | r[offset + 1];
  this.dport = (r[offset + 2] << 8) | r[offset + 3];
  var length = (r[offset + 4] << 8) | r[offset + 5];
  this.length = length;
  this.checksum = (r[offset + 6] << 8) | r[offset + 7];
  this.data = r.subarray(offset + 8, offset + (length > 8 ? length : 8));
}
DecodedUDP.prototype = UDP.prototype;

function decodeUDP(emitter, r, offset) {
  if (r.length - offset >= 8) {
    var udp = new DecodedUDP(emitter, r, offset);
    if (emitter) { emitUDP(emitter, udp); }
    return udp;
  }
  return new UDP(emitter).decode(r, offset);
}
internal.decodeUDP = decodeUDP;

// For an 8-byte header the structure pass vouched for.
function mappedUDP(emitter, r, offset) {
  var udp = new DecodedUDP(emitter, r, offset);
  if (emitter) { emitUDP(emitter, udp); }
  return udp;
}
internal.mappedUDP = mappedUDP;

UDP.prototype.toString = function () {
  var ret = 'UDP ' + this.sport + '->' + this.dport + ' len ' + this.length;
  if ((this.sport === 53 || this.dport === 53) && this.data) {
    ret += new DNS().decode(this.data, 0, this.data.length).toString();
  }
  return ret;
};

module.exports = UDP;
