'use strict';
// Layer maps from the native structure pass (src/structure.rs), shared by the sessions that
// carry them in their batches and by decode.packet, which builds its objects from them.
//
// A map is 24 bytes (layout in src/structure.rs). Sessions put one between each record's 16-byte
// pcap header and its data; for any other buffer one synchronous call computes it. A map is
// read only through the private fields of the PacketWithHeader a session made for the packet.

let native = null;
try {
  native = require('./native');
} catch (e) {
  // Without the addon the decoders still work: they check every read themselves.
}

const MAP_LEN = 24;
const MAGIC = 0xa5;
const RECORD_HEADER = native ? native.recordHeaderBytes() : 16 + MAP_LEN;

// Link kinds, network kinds, statuses and flags (src/structure.rs).
const LINK_ETHERNET = 1;
const LINK_IP = 6;
const NET_IPV4 = 1;
const NET_IPV6 = 2;
const F_TRANSPORT = 1;
const F_FRAGMENT = 2;
const F_IPV6_EXTS = 8;
const F_LENGTH_FROM_CAPTURE = 16;
const F_USUAL_TCP_OPTIONS = 32;

// DLT values by link-type name (the names sessions give).
const dlts = Object.create(null);
function dltOf(name) {
  let d = dlts[name];
  if (d === undefined) {
    const n = typeof name === 'string' && native ? native.linkTypeNumber(name) : null;
    d = dlts[name] = typeof n === 'number' ? n : -1;
  }
  return d;
}

// Where locate() found the map: the byte array and the map's offset in it.
const found = { bytes: null, at: 0 };
// Where maps came from (for tests and debugging): a session's capture thread, or a call now.
const sources = { thread: 0, call: 0 };
const scratch = Buffer.alloc(MAP_LEN);

// What a session's `packet` event carries: node_pcap's {buf, header, link_type}. `buf` is exactly
// caplen bytes and `header` the 16-byte record header; both are views into a batch that nothing
// overwrites, so they stay valid after the handler returns. Where the packet's layer map lies is
// kept in private fields: not properties users see (Object.keys, util.inspect, JSON), and
// nothing but this class can set them. `source` is {batch, state} for the batch (state: the
// session's {native, enabled}), `at` the map's offset in the batch.
class PacketWithHeader {
  #source;
  #at;
  #buf;
  constructor(buf, header, link_type, source, at) {
    this.buf = buf;
    this.header = header;
    this.link_type = link_type;
    this.#source = source === undefined ? null : source;
    this.#at = at;
    this.#buf = buf;
  }

  // The map the capture thread wrote for this packet, in found.bytes/found.at.
  static locate(p) {
    if (!(#source in p)) return false;
    const source = p.#source;
    if (source === null || p.buf !== p.#buf) return false;
    const batch = source.batch;
    const at = p.#at;
    if (batch[at] === MAGIC) {
      found.bytes = batch;
      found.at = at;
      sources.thread++;
      return true;
    }
    const state = source.state;
    if (!state.enabled) {
      // This session's packets are being decoded: have its thread write maps from now on.
      state.enabled = true;
      state.native.enableStructure();
    }
    return false;
  }
}

// The layer map of `buf`, a packet of link type `linkTypeName` (`pwh` the object it came in):
// the one its session's capture thread wrote, or one computed now by a synchronous call. Sets
// found.bytes/found.at; false without the addon.
function locate(pwh, buf, linkTypeName) {
  if (pwh !== null && PacketWithHeader.locate(pwh)) return true;
  if (native === null) return false;
  if (!native.structureInto(buf, dltOf(linkTypeName), scratch)) return false;
  found.bytes = scratch;
  found.at = 0;
  sources.call++;
  return true;
}

module.exports = {
  MAP_LEN,
  RECORD_HEADER,
  LINK_ETHERNET,
  LINK_IP,
  NET_IPV4,
  NET_IPV6,
  F_TRANSPORT,
  F_FRAGMENT,
  F_IPV6_EXTS,
  F_LENGTH_FROM_CAPTURE,
  F_USUAL_TCP_OPTIONS,
  found,
  sources,
  locate,
  dltOf,
  PacketWithHeader,
  available: native !== null,
};
