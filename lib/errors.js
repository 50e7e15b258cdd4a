'use strict';

// Errors thrown by the addon already carry their `code` (src/error.rs decides it, src/napi/mod.rs
// sets it on the Error); the ones made here look the same: an Error with `code` and a message.

// Control characters in a message (from a device name or a path) are escaped as Rust escapes
// them (src/error.rs `escape_controls`): \0, \t, \n, \r, otherwise \xNN.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g; // eslint-disable-line no-control-regex
const NAMED = { '\0': '\\0', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
function escapeControls(text) {
  return text.replace(CONTROLS, (c) => NAMED[c] || '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

function pcapError(code, message) {
  const err = new Error(escapeControls(message));
  err.code = code;
  return err;
}

// How an unexpected argument value reads in a message.
function describe(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}

// A wrong argument: a TypeError (node_pcap threw those for argument checks, C-031) with a code.
function argError(message) {
  const err = new TypeError(escapeControls(message));
  err.code = 'EINVAL';
  return err;
}

module.exports = { pcapError, argError, describe, escapeControls };
