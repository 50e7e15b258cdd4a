'use strict';

// Native errors arrive as "[CODE] message"; users get an Error with `code` and the message.
const CODED = /^\[([A-Z0-9_]+)\] ([\s\S]*)$/;

function pcapError(code, message) {
  const err = new Error(message);
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
  const err = new TypeError(message);
  err.code = 'EINVAL';
  return err;
}

function translate(e) {
  const m = e && typeof e.message === 'string' ? CODED.exec(e.message) : null;
  if (!m) return e;
  return pcapError(m[1], m[2]);
}

// Calls fn(...args) and rethrows a native error as a coded Error.
function call(fn, self, args) {
  try {
    return fn.apply(self, args);
  } catch (e) {
    throw translate(e);
  }
}

module.exports = { pcapError, argError, describe, translate, call };
