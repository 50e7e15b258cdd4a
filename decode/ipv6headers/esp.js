'use strict';
var shared = require('../_util');

// Encapsulating Security Payload (50), RFC 4303. The rest is encrypted.
function ESP(emitter) {
  this.spi = undefined;
  this.sequence = undefined;
  this.data = undefined;
  if (emitter) { shared.hidden(this, 'emitter', emitter); }
}

ESP.prototype.decode = function (raw_packet, offset, len) {
  if (typeof len !== 'number') { len = raw_packet.length - offset; }
  this.spi = shared.u32(raw_packet, offset);
  this.sequence = shared.u32(raw_packet, offset + 4);
  if (this.sequence === undefined) {
    this._error = 'truncated ESP header';
    this.data = null;
    return this;
  }
  this.data = raw_packet.subarray(offset + 8, offset + (len > 8 ? len : 8));
  return this;
};

ESP.prototype.toString = function () {
  return 'spi ' + this.spi + ' seq ' + this.sequence + ' len ' + (this.data ? this.data.length : 0);
};

module.exports = ESP;
