'use strict';

// One information element (tag) of a management frame body. The function keeps node_pcap's
// spelling, "Mangement": it is the class name util.inspect and `constructor.name` show.
function RadioMangementFrameTag() {
  this.type = undefined;
  this.typeId = undefined;
  this.length = undefined;
  this.value = undefined;
}

var TYPE_NAMES = {
  0: 'ssid',
  1: 'rates',
  3: 'channel',
  5: 'TIM',            // traffic indication map
  42: 'ERP',           // extended rate PHY
  48: 'RSN',           // robust security network
  50: 'extended_rates',
  221: 'vendor_specific'
};

RadioMangementFrameTag.prototype.decode = function (raw_packet, offset) {
  this.typeId = raw_packet[offset];
  this.length = raw_packet[offset + 1];
  this.value = raw_packet.subarray(offset + 2, offset + 2 + this.length);
  this.type = Object.prototype.hasOwnProperty.call(TYPE_NAMES, this.typeId) ? TYPE_NAMES[this.typeId] : 'unknown';
  if (this.typeId === 0) {
    this.ssid = this.value.toString('utf8');
  } else if (this.typeId === 3) {
    this.channel = raw_packet[offset + 2];
  }
  return this;
};

module.exports = RadioMangementFrameTag;
