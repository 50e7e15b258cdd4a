'use strict';
var hex = require('../util').int8_to_hex;

// Link-layer address of a Linux cooked capture header (up to 8 significant bytes).
function SLLAddr(raw_packet, offset, len) {
  var n = len > 8 ? 8 : (len > 0 ? len : 0);
  this.addr = new Array(n);
  for (var i = 0; i < n; i++) {
    this.addr[i] = raw_packet[offset + i];
  }
}

SLLAddr.prototype.decoderName = 'ssl-addr';
SLLAddr.prototype.eventsOnDecode = false;

SLLAddr.prototype.toString = function () {
  var a = this.addr;
  var s = '';
  for (var i = 0; i < a.length; i++) {
    s += (i ? ':' : '') + hex[a[i]];
  }
  return s;
};

module.exports = SLLAddr;
