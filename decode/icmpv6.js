'use strict';
var shared = require('./_util');
var emitICMPv6 = shared.emitterFor('icmpv6');
var IPv6Addr = require('./ipv6_addr');

// ICMPv6 (IPv6 next header 58), RFC 4443 / RFC 4861. New in this package.
function ICMPv6(emitter) {
  this.emitter = emitter;
  this.type = undefined;
  this.code = undefined;
  this.checksum = undefined;
}

ICMPv6.prototype.decoderName = 'icmpv6';
ICMPv6.prototype.eventsOnDecode = true;

ICMPv6.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  this.type = shared.u8(r, offset);
  this.code = shared.u8(r, offset + 1);
  this.checksum = shared.u16(r, offset + 2);
  var t = this.type;
  if (this.checksum === undefined) {
    this._error = 'truncated ICMPv6 header';
  } else if (t === 128 || t === 129) {
    this.id = shared.u16(r, offset + 4);
    this.seq = shared.u16(r, offset + 6);
    if (this.seq === undefined) { this._error = 'truncated ICMPv6 echo header'; }
  } else if (t === 135 || t === 136 || t === 137) {
    // Neighbour solicitation / advertisement, redirect: target address after 4 bytes.
    if (r.length - offset >= 24) {
      this.targetAddress = new IPv6Addr(r, offset + 8);
    } else {
      this._error = 'truncated ICMPv6 neighbour discovery message';
    }
  }
  if (this.emitter) { emitICMPv6(this.emitter, this); }
  return this;
};

var NAMES = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  128: 'Echo Request',
  129: 'Echo Reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  132: 'Multicast Listener Done',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  143: 'Multicast Listener Report v2'
};

ICMPv6.prototype.toString = function () {
  var name = Object.prototype.hasOwnProperty.call(NAMES, this.type) ? NAMES[this.type] : 'type ' + this.type;
  var ret = name + ' code ' + this.code;
  if (this.id !== undefined) { ret += ' id ' + this.id + ' seq ' + this.seq; }
  if (this.targetAddress !== undefined) { ret += ' target ' + this.targetAddress; }
  return ret;
};

module.exports = ICMPv6;
