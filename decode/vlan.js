'use strict';

// 802.1Q tag control information.
function Vlan() {
  this.priority = null;
  this.canonical_format = null;
  this.id = null;
}

Vlan.prototype.decode = function (raw_packet, offset) {
  var b0 = raw_packet[offset];
  this.priority = (b0 & 0xe0) >> 5;
  this.canonical_format = (b0 & 0x10) >> 4;
  this.id = ((b0 & 0x0f) << 8) | raw_packet[offset + 1];
  return this;
};

Vlan.prototype.decoderName = 'vlan';
Vlan.prototype.eventsOnDecode = false;

Vlan.prototype.toString = function () {
  return this.priority + ' ' + this.canonical_format + ' ' + this.id;
};

module.exports = Vlan;
