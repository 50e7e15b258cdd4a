'use strict';
// Internal helpers shared by the decoders (not part of node_pcap's API). This module requires no
// decoder, so every decoder can require it; decode/_internal.js is the table of the decoders'
// fast routines.

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

// Decode events. A listener that throws stops the decode and decode.packet passes the exception
// on to its caller, as node_pcap did (its decoders called emit() unguarded); `listenerError`
// marks that exception so that decode.packet can tell it from a failure of the decoders
// themselves, which never reaches the caller (it becomes `_error`).
var listenerError = { pending: false, error: undefined };

function emit(emitter, name, layer) {
  try {
    emitter.emit(name, layer);
  } catch (e) {
    listenerError.pending = true;
    listenerError.error = e;
    throw e;
  }
}

// emitterFor('tcp')(emitter, layer) emits 'tcp'. The decoders call these two-argument functions,
// a smaller call than `emitter.emit('tcp', layer)` was: the fast path's builders are inlined into
// decode.packet within TurboFan's inlining budget, where bytecode counts even when it never runs.
// (A first version calling emit(emitter, 'tcp', layer) measured +2.6% decode instructions in
// bench/instructions.js; this one is within that benchmark's noise of the code before.)
function emitterFor(name) {
  return function (emitter, layer) { emit(emitter, name, layer); };
}

// Text from a packet for toString(): control characters escaped as tshark shows them, so that a
// packet cannot drive the terminal its description is printed on (ESC, BEL, CR, C1's CSI...).
// C0 controls become \a \b \t \n \v \f \r or \xHH, DEL \x7f, C1 controls \u0080-\u009f;
// everything else is kept, so printable data prints exactly as in node_pcap (examples/lib/escape.js
// has the same rules for the tools).
var NAMED_ESCAPES = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

function escapeControl(ch) {
  var c = ch.charCodeAt(0);
  var h = (c < 16 ? '0' : '') + c.toString(16);
  if (c >= 0x80) { return '\\u00' + h; }
  return NAMED_ESCAPES[c] || '\\x' + h;
}

function printable(value) {
  var s = '' + value;
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      // eslint-disable-next-line no-control-regex
      return s.replace(/[\x00-\x1f\x7f-\x9f]/g, escapeControl);
    }
  }
  return s;
}

// The key under which a protocol module exports its fast routines for decode.packet, beside its
// public class (`module.exports` must stay node_pcap's constructor): `TCP[FAST]` is
// `{ decode, mapped }`. Non-enumerable, so the classes look as node_pcap's do.
var FAST = Symbol('pcap.decode.fast');

function exportFast(Class, routines) {
  Object.defineProperty(Class, FAST, { value: Object.freeze(routines), enumerable: false });
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
  emitterFor: emitterFor,
  printable: printable,
  listenerError: listenerError,
  FAST: FAST,
  exportFast: exportFast
};
