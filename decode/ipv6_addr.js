'use strict';
var hex = require('../util').int8_to_hex;

// `new IPv6Addr()` then `.decode(raw, offset)` as in node_pcap; the decoders
// use the shorter `new IPv6Addr(raw, offset)`.
function IPv6Addr(raw_packet, offset) {
  if (offset === undefined) {
    this.addr = new Array(16);
  } else {
    var r = raw_packet, o = offset;
    this.addr = [r[o], r[o + 1], r[o + 2], r[o + 3], r[o + 4], r[o + 5], r[o + 6], r[o + 7],
      r[o + 8], r[o + 9], r[o + 10], r[o + 11], r[o + 12], r[o + 13], r[o + 14], r[o + 15]];
  }
}

IPv6Addr.prototype.decode = function (raw_packet, offset) {
  var a = this.addr;
  for (var i = 0; i < 16; i++) {
    a[i] = raw_packet[offset + i];
  }
  return this;
};

IPv6Addr.prototype.decoderName = 'ipv6-addr';
IPv6Addr.prototype.eventsOnDecode = false;

// Long form: eight groups of four lowercase hex digits, no compression.
IPv6Addr.prototype.toString = function () {
  var a = this.addr;
  var s = hex[a[0]] + hex[a[1]];
  for (var i = 2; i < 16; i += 2) {
    s += ':' + hex[a[i]] + hex[a[i + 1]];
  }
  return s;
};

module.exports = IPv6Addr;
