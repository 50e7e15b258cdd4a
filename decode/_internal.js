'use strict';
// Internal helpers shared by the decoders (not part of node_pcap's API).

var debuglog = require('util').debuglog('pcap');

// Nesting guard for recursive decoders (IP in IP, IPv6 extension header chains).
var nesting = { depth: 0 };
var MAX_DEPTH = 32;

function debug(msg) {
  if (debuglog.enabled) { debuglog(msg); }
}

// Big-endian reads that return undefined instead of throwing when out of range.
function u8(b, o) {
  return o < b.length ? b[o] : undefined;
}
function u16(b, o) {
  return o + 2 <= b.length ? (b[o] << 8) | b[o + 1] : undefined;
}
function u32(b, o) {
  return o + 4 <= b.length ? ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) : undefined;
}
function u16le(b, o) {
  return o + 2 <= b.length ? b[o] | (b[o + 1] << 8) : undefined;
}
function u32le(b, o) {
  return o + 4 <= b.length ? ((b[o + 3] << 24) >>> 0) + ((b[o + 2] << 16) | (b[o + 1] << 8) | b[o]) : undefined;
}

// Define a non-enumerable property (kept out of util.inspect / JSON / Object.keys).
function hidden(obj, name, value) {
  Object.defineProperty(obj, name, { value: value, writable: true, configurable: true, enumerable: false });
}

module.exports = {
  debug: debug,
  nesting: nesting,
  MAX_DEPTH: MAX_DEPTH,
  u8: u8,
  u16: u16,
  u32: u32,
  u16le: u16le,
  u32le: u32le,
  hidden: hidden,
  // Set by decode/_mapped.js: the network layer from decode.packet's layer map, if any.
  fromMap: null
  // The fast decoders of common layers are added by their modules: decodeTCP, decodeUDP, ...
};
