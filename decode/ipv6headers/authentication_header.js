'use strict';
var shared = require('../_util');
// Exported before requiring the chain, which loads ip_protocols, which requires this module.
module.exports = AuthenticationHeader;
var chain = require('./_chain');

// IP Authentication Header (51), RFC 4302. Its length field counts 4-octet
// units minus 2, unlike the other extension headers.
function AuthenticationHeader(emitter) {
  this.payload = undefined;
  this.nextHeader = undefined;
  this.headerLength = undefined;
  this.spi = undefined;
  this.sequence = undefined;
  if (emitter) { shared.hidden(this, 'emitter', emitter); }
}

AuthenticationHeader.prototype.decode = function (raw_packet, offset, len) {
  if (typeof len !== 'number') { len = raw_packet.length - offset; }
  if (!(raw_packet.length - offset >= 12)) {
    this.nextHeader = shared.u8(raw_packet, offset);
    this._error = 'truncated authentication header';
    return this;
  }
  this.nextHeader = raw_packet[offset];
  this.headerLength = (raw_packet[offset + 1] + 2) * 4;
  this.spi = shared.u32(raw_packet, offset + 4);
  this.sequence = shared.u32(raw_packet, offset + 8);
  return chain.decodeNext(this, raw_packet, offset + this.headerLength, len - this.headerLength);
};

AuthenticationHeader.prototype.toString = chain.extensionToString;
