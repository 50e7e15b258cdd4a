'use strict';
var Buffer = require('buffer').Buffer;
var shared = require('../_util');
// Exported before requiring the chain, which loads ip_protocols, which requires this module.
module.exports = FragmentHeader;
var chain = require('./_chain');

// IPv6 Fragment header (44), RFC 8200 section 4.5. Only the first fragment
// (offset 0) is decoded further; later fragments keep their bytes as a Buffer.
function FragmentHeader(emitter) {
  this.payload = undefined;
  this.nextHeader = undefined;
  this.headerLength = undefined;
  this.fragmentOffset = undefined;
  this.moreFragments = undefined;
  this.identification = undefined;
  if (emitter) { shared.hidden(this, 'emitter', emitter); }
}

FragmentHeader.prototype.decode = function (raw_packet, offset, len) {
  if (typeof len !== 'number') { len = raw_packet.length - offset; }
  if (!(raw_packet.length - offset >= 8)) {
    this.nextHeader = shared.u8(raw_packet, offset);
    this._error = 'truncated fragment header';
    return this;
  }
  this.nextHeader = raw_packet[offset];
  this.headerLength = 8;
  var w = (raw_packet[offset + 2] << 8) | raw_packet[offset + 3];
  this.fragmentOffset = w & 0xfff8;
  this.moreFragments = (w & 1) === 1;
  this.identification = shared.u32(raw_packet, offset + 4);
  if (this.fragmentOffset > 0) {
    var end = offset + (len > 8 ? len : 8);
    this.payload = raw_packet.subarray(offset + 8, end);
    this.isFragment = true;
    return this;
  }
  return chain.decodeNext(this, raw_packet, offset + 8, len - 8);
};

FragmentHeader.prototype.toString = function () {
  var ret = 'id ' + this.identification + ' offset ' + this.fragmentOffset + (this.moreFragments ? '+ ' : ' ');
  if (Buffer.isBuffer(this.payload)) {
    return ret + 'proto ' + this.nextHeader + ' len ' + this.payload.length;
  }
  return ret + chain.extensionToString.call(this);
};
