'use strict';
// Layer maps from the native structure pass (src/structure.rs), shared by the sessions that
// carry them in their batches and by decode.packet, which builds its objects from them.
//
// A map is MAP_LEN bytes (lib/layout.js, from src/structure.rs). Sessions put one between each
// record's pcap header and its data, and decode.packet finds it for the packet a session is emitting
// (`emitting`); for any other buffer one synchronous call computes it.

let native = null;
try {
  native = require('./native');
} catch (e) {
  // Without the addon the decoders still work: they check every read themselves.
}

// The batch and map layout (src/queue.rs, src/structure.rs), generated into lib/layout.js.
const L = require('./layout');
const MAP_LEN = L.MAP_LEN;
const MAGIC = L.MAGIC;
const MAP_MAGIC = L.MAP_MAGIC;
const RECORD_HEADER = L.RECORD_HEADER;

// Buffer views made the cheap way: `new FastBuffer(arrayBuffer, offset, length)` costs half of
// `buf.subarray()`. Node's Buffer class is FastBuffer, reachable as Buffer[Symbol.species] (what
// subarray itself constructs), so the views are genuine Buffers (prototype, util.inspect,
// assert.deepStrictEqual). Elsewhere, a Uint8Array subclass inheriting Buffer's methods.
const PacketBuffer = (() => {
  const Species = Buffer[Symbol.species];
  try {
    if (Object.getPrototypeOf(new Species(new ArrayBuffer(1), 0, 1)) === Buffer.prototype) return Species;
  } catch (e) { /* not constructible like that here */ }
  class BufferView extends Uint8Array {}
  Object.setPrototypeOf(BufferView.prototype, Buffer.prototype);
  return BufferView;
})();

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

// Where locate() found the map: the byte array and the map's offset in it; for a session's packet
// also the batch's ArrayBuffer and the offset of the packet's data in it (decoders make their
// data views there directly), otherwise ab is null.
const found = { bytes: null, at: 0, ab: null, base: 0 };
// Where maps came from (for tests and debugging): a session's capture thread, or a call now.
const sources = { thread: 0, call: 0 };
const scratch = Buffer.alloc(MAP_LEN);

// What a session's `packet` event carries: node_pcap's {buf, header, link_type}. `buf` is exactly
// caplen bytes and `header` the 16-byte record header; both are views into a batch that nothing
// overwrites, so they stay valid after the handler returns.
function PacketWithHeader(buf, header, link_type) {
  this.buf = buf;
  this.header = header;
  this.link_type = link_type;
}

// The packet a session is emitting: its `buf` view, the offset of its map in the batch and the
// batch's {batch, state, ab, base} (state: the session's {native, link, enabled}; ab and base: the
// batch's ArrayBuffer and byte offset). Decoding a packet inside its `packet` handler, the usual
// case, finds the map here; a packet decoded later gets one from a synchronous call. Nothing is
// added to the packet object, and only the very `buf` view the session made matches.
const emitting = { buf: null, at: 0, source: null };

// The map the capture thread wrote for the packet being emitted, in found.*, when it is decoded
// as the session's link type.
function fromThread(linkTypeName) {
  const source = emitting.source;
  if (source.state.link !== linkTypeName) return false;
  const batch = source.batch;
  const at = emitting.at;
  if (batch[at + MAP_MAGIC] === MAGIC) {
    found.bytes = batch;
    found.at = at;
    found.ab = source.ab;
    found.base = source.base + at + MAP_LEN;
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

// A session that ends lets go of its last packet (and the batch it points into).
function forget(state) {
  if (emitting.source !== null && emitting.source.state === state) {
    emitting.buf = null;
    emitting.source = null;
  }
}

// The layer map of `buf`, a packet of link type `linkTypeName`: the one its session's capture
// thread wrote, or one computed now by a synchronous call. Sets found.*; false without the addon.
function locate(buf, linkTypeName) {
  if (buf === emitting.buf && fromThread(linkTypeName)) return true;
  if (native === null) return false;
  if (!native.structureInto(buf, dltOf(linkTypeName), scratch)) return false;
  found.bytes = scratch;
  found.at = 0;
  found.ab = null;
  sources.call++;
  return true;
}

module.exports = {
  // Kept for readers of these names here (the layout is lib/layout.js).
  MAP_LEN,
  RECORD_HEADER,
  LINK_ETHERNET: L.LINK_ETHERNET,
  LINK_IP: L.LINK_IP,
  NET_IPV4: L.NET_IPV4,
  NET_IPV6: L.NET_IPV6,
  F_TRANSPORT: L.F_TRANSPORT,
  F_FRAGMENT: L.F_FRAGMENT,
  F_IPV6_EXTS: L.F_IPV6_EXTS,
  F_LENGTH_FROM_CAPTURE: L.F_LENGTH_FROM_CAPTURE,
  F_USUAL_TCP_OPTIONS: L.F_USUAL_TCP_OPTIONS,
  found,
  sources,
  locate,
  PacketWithHeader,
  PacketBuffer,
  emitting,
  forget,
};
