'use strict';

// TCP sequence-number arithmetic (RFC 793 section 3.3, RFC 1982): numbers are taken modulo
// 2^32 and compared through their signed 32-bit distance, so that the order survives the wrap
// from 0xffffffff to 0 as long as the two numbers are less than 2^31 apart.
//
// The helpers are tiny on purpose: TurboFan inlines them wherever they are called (they are
// always called with numbers), so they cost what the inline `| 0` / `>>> 0` they replace did.
// Arguments may be uint32 (as decoded) or int32 (as stored in the sequence tables): both
// describe the same number modulo 2^32.

// a + n modulo 2^32, as an unsigned number (0 .. 2^32 - 1).
function seqAdd(a, n) {
  return (a + n) >>> 0;
}

// The signed distance from b to a: > 0 when a comes after b, < 0 when before, 0 when equal.
function seqDiff(a, b) {
  return (a - b) | 0;
}

// a comes strictly after b.
function seqAfter(a, b) {
  return ((a - b) | 0) > 0;
}

// a comes strictly before b.
function seqBefore(a, b) {
  return ((a - b) | 0) < 0;
}

// The int32 form a sequence number is stored in (typed arrays, table keys).
function seqKey(a) {
  return a | 0;
}

// The uint32 form a sequence number is shown in (object keys, event arguments).
function seqNumber(a) {
  return a >>> 0;
}

module.exports = { seqAdd, seqDiff, seqAfter, seqBefore, seqKey, seqNumber };
