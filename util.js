'use strict';
// Lookup tables for fast byte -> string conversion (node_pcap's util.js API).

const int8_to_dec = new Array(256);
const int8_to_hex = new Array(256);
const int8_to_hex_nopad = new Array(256);

for (let n = 0; n < 256; n++) {
  const h = n.toString(16);
  int8_to_dec[n] = String(n);
  int8_to_hex_nopad[n] = h;
  int8_to_hex[n] = n < 16 ? '0' + h : h;
}

exports.int8_to_dec = int8_to_dec;
exports.int8_to_hex = int8_to_hex;
exports.int8_to_hex_nopad = int8_to_hex_nopad;
