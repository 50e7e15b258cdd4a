'use strict';
var internal = require('../_internal');
var chain = require('./_chain');

module.exports = HeaderExtension;

// A generic IPv6 extension header (RFC 6564 layout: next header, length in
// 8-octet units not counting the first 8). Options are not decoded.
function HeaderExtension(emitter) {
  this.payload = undefined;
  this.nextHeader = undefined;
  this.headerLength = undefined;
  if (emitter) { internal.hidden(this, 'emitter', emitter); }
}

HeaderExtension.prototype.decode = function (raw_packet, offset, len) {
  if (typeof len !== 'number') { len = raw_packet.length - offset; }
  if (!(raw_packet.length - offset >= 2)) {
    this.nextHeader = internal.u8(raw_packet, offset);
    this._error = 'truncated extension header';
    return this;
  }
  this.nextHeader = raw_packet[offset];
  this.headerLength = (raw_packet[offset + 1] + 1) * 8;
  return chain.decodeNext(this, raw_packet, offset + this.headerLength, len - this.headerLength);
};

HeaderExtension.prototype.toString = chain.extensionToString;
