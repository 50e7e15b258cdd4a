'use strict';
var dec = require('../util').int8_to_dec;

// `new IPv4Addr()` then `.decode(raw, offset)` as in node_pcap; the decoders
// use the shorter `new IPv4Addr(raw, offset)`.
function IPv4Addr(raw_packet, offset) {
  if (offset === undefined) {
    this.addr = new Array(4);
  } else {
    this.addr = [raw_packet[offset], raw_packet[offset + 1], raw_packet[offset + 2], raw_packet[offset + 3]];
  }
}

IPv4Addr.prototype.decode = function (raw_packet, offset) {
  var a = this.addr;
  a[0] = raw_packet[offset];
  a[1] = raw_packet[offset + 1];
  a[2] = raw_packet[offset + 2];
  a[3] = raw_packet[offset + 3];
  return this;
};

IPv4Addr.prototype.decoderName = 'ipv4-addr';
IPv4Addr.prototype.eventsOnDecode = false;

IPv4Addr.prototype.toString = function () {
  var a = this.addr;
  return dec[a[0]] + '.' + dec[a[1]] + '.' + dec[a[2]] + '.' + dec[a[3]];
};

module.exports = IPv4Addr;
