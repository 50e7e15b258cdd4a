'use strict';
var hex = require('../util').int8_to_hex;

// MAC address. Decodes in the constructor (node_pcap API).
function EthernetAddr(raw_packet, offset) {
  this.addr = [raw_packet[offset], raw_packet[offset + 1], raw_packet[offset + 2],
    raw_packet[offset + 3], raw_packet[offset + 4], raw_packet[offset + 5]];
}

EthernetAddr.prototype.toString = function () {
  var a = this.addr;
  return hex[a[0]] + ':' + hex[a[1]] + ':' + hex[a[2]] + ':' + hex[a[3]] + ':' + hex[a[4]] + ':' + hex[a[5]];
};

module.exports = EthernetAddr;
