'use strict';
var shared = require('./_util');
var emitICMP = shared.emitterFor('icmp');

function ICMP(emitter) {
  this.emitter = emitter;
  this.type = undefined;
  this.code = undefined;
  this.checksum = undefined;
}

ICMP.prototype.decoderName = 'icmp';
ICMP.prototype.eventsOnDecode = true;

// ICMP types whose header carries an identifier and a sequence number:
// echo (0, 8), timestamp (13, 14), information (15, 16), address mask (17, 18, RFC 950).
var HAS_ID_SEQ = { 0: true, 8: true, 13: true, 14: true, 15: true, 16: true, 17: true, 18: true };

// https://www.rfc-editor.org/rfc/rfc792
ICMP.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  this.type = shared.u8(r, offset);
  this.code = shared.u8(r, offset + 1);
  this.checksum = shared.u16(r, offset + 2);
  if (this.checksum === undefined) {
    this._error = 'truncated ICMP header';
  } else if (HAS_ID_SEQ[this.type] === true) {
    // Echo, timestamp, information and address mask messages: identifier and sequence number.
    this.id = shared.u16(r, offset + 4);
    this.seq = shared.u16(r, offset + 6);
    if (this.seq === undefined) {
      this._error = 'truncated ICMP ' + (this.type === 0 || this.type === 8 ? 'echo' : 'query') + ' header';
    }
  }
  if (this.emitter) { emitICMP(this.emitter, this); }
  return this;
};

var UNREACHABLE = [
  'Destination Network Unreachable',
  'Destination Host Unreachable',
  'Destination Protocol Unreachable',
  'Destination Port Unreachable',
  'Fragmentation required, and DF flag set',
  'Source route failed',
  'Destination network unknown',
  'Destination host unknown',
  'Source host isolated',
  'Network administratively prohibited',
  'Host administratively prohibited',
  'Network unreachable for TOS',
  'Host unreachable for TOS',
  'Communication administratively prohibited'
];
var REDIRECT = ['Redirect Network', 'Redirect Host', 'Redirect TOS and Network', 'Redirect TOS and Host'];
var SIMPLE = {
  0: 'Echo Reply',
  4: 'Source Quench',
  6: 'Alternate Host Address',
  7: 'Reserved',
  8: 'Echo Request',
  9: 'Router Advertisement',
  10: 'Router Solicitation'
};

ICMP.prototype.toString = function () {
  var type = this.type, code = this.code;
  if (type === 3) {
    return code >= 0 && code < UNREACHABLE.length ? UNREACHABLE[code] :
      'Destination Unreachable (unknown code ' + code + ')';
  }
  if (type === 5) {
    return code >= 0 && code < REDIRECT.length ? REDIRECT[code] : 'Redirect (unknown code ' + code + ')';
  }
  if (type === 11) {
    if (code === 0) { return 'TTL expired in transit'; }
    if (code === 1) { return 'Fragment reassembly time exceeded'; }
    return 'Time Exceeded (unknown code ' + code + ')';
  }
  if (Object.prototype.hasOwnProperty.call(SIMPLE, type)) { return SIMPLE[type]; }
  return 'type ' + type + ' code ' + code;
};

module.exports = ICMP;
