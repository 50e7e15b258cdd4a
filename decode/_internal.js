'use strict';
// The decoders' internal surface, as one table built here: the shared helpers (decode/_util.js)
// and each protocol's fast routines for decode.packet, which its module exports under
// `Class[FAST]` beside node_pcap's class (decode/_util.js `exportFast`). Nothing adds to this
// table later; modules inside the decoder graph (decode/_next.js, _ethertype.js, _mapped.js)
// take the routines from the protocol modules directly, because they load while this table's
// modules are still loading.
var shared = require('./_util');
var FAST = shared.FAST;
var ethernet = require('./ethernet_packet')[FAST];
var ipv4 = require('./ipv4')[FAST];
var ipv6 = require('./ipv6')[FAST];
var tcp = require('./tcp')[FAST];
var udp = require('./udp')[FAST];

module.exports = Object.freeze({
  // Helpers (decode/_util.js).
  debug: shared.debug,
  nesting: shared.nesting,
  MAX_DEPTH: shared.MAX_DEPTH,
  u8: shared.u8,
  u16: shared.u16,
  u32: shared.u32,
  u16le: shared.u16le,
  u32le: shared.u32le,
  hidden: shared.hidden,
  emitterFor: shared.emitterFor,
  printable: shared.printable,
  listenerError: shared.listenerError,
  // Fast routines: `new X(emitter).decode(r, offset[, len])` in one pass, and the builders the
  // layer-map path (decode/_mapped.js) uses for headers it has checked.
  decodeEthernet: ethernet.decode,
  DecodedEthernet: ethernet.Decoded,
  decodeIPv4: ipv4.decode,
  builtIPv4: ipv4.built,
  decodeIPv6: ipv6.decode,
  builtIPv6: ipv6.built,
  decodeTCP: tcp.decode,
  mappedTCP: tcp.mapped,
  decodeUDP: udp.decode,
  mappedUDP: udp.mapped
});
