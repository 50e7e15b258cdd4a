'use strict';
var shared = require('../_util');
// Exported before requiring the chain, which loads ip_protocols, which requires this module.
module.exports = HeaderExtension;
var chain = require('./_chain');

// A generic IPv6 extension header (RFC 6564 layout: next header, length in
// 8-octet units not counting the first 8). Options are not decoded.
function HeaderExtension(emitter) {
  this.payload = undefined;
  this.nextHeader = undefined;
  this.headerLength = undefined;
  if (emitter) { shared.hidden(this, 'emitter', emitter); }
}

HeaderExtension.prototype.decode = function (raw_packet, offset, len) {
  if (typeof len !== 'number') { len = raw_packet.length - offset; }
  if (!(raw_packet.length - offset >= 2)) {
    this.nextHeader = shared.u8(raw_packet, offset);
    this._error = 'truncated extension header';
    return this;
  }
  this.nextHeader = raw_packet[offset];
  this.headerLength = (raw_packet[offset + 1] + 1) * 8;
  return chain.decodeNext(this, raw_packet, offset + this.headerLength, len - this.headerLength);
};

HeaderExtension.prototype.toString = chain.extensionToString;
