'use strict';

const { seqAfter, seqBefore, seqKey, seqNumber } = require('./seq');

// Per-session sequence tables: node_pcap's send_/recv_ packets/acks/retrans maps
// (end sequence number -> capture time, or -> retransmit count).
//
// node_pcap keeps these as plain objects that grow with every data packet. Here each
// keeps two generations of keys: new keys go into the current one; when it holds
// `cap` keys it becomes the old one and the previous old one is dropped. So between
// cap and 2*cap recent keys are kept and nothing is deleted key by key. The session's
// public fields (session.send_packets, ...) are accessors that build a plain object
// from the table when read (cached until the next change).
//
// With the default cap (128) a generation is a flat array [key, value, key, value, ...]
// searched from the newest entry: appending is cheap, and the keys looked up (the
// segment an ACK acknowledges, a retransmitted segment) are nearly always recent.
// Sequence numbers mostly grow, so the table also remembers its highest key (in
// sequence order): a key after it cannot be present and needs no search, and while a
// generation's keys were added in increasing order a search stops at the first smaller
// key. Larger caps (including Infinity) use Maps.
//
// Keys are uint32 sequence numbers, stored as int32.

const ARRAY_CAP = 256;   // largest cap kept in arrays
const ORDERED_CAP = 16384; // up to this cap, keys span less than 2^31 (2 * cap segments of < 64 KiB)

const NO_KEYS = []; // shared empty generation (never written to)

function SeqTable(cap) {
  this.cap2 = 2 * cap;   // array length of a full generation
  this.cur = NO_KEYS;
  this.old = null;
  this.curSorted = true; // keys of cur / old were added in increasing sequence order
  this.oldSorted = true;
  this.curLast = 0;      // last key added to cur
  this.oldLast = 0;
  this.evicted = 0;      // last key of the newest dropped generation
  this.hasEvicted = false;
  this.view = null;      // cached plain-object view
  this.hi = 0;           // highest key (sequence order), when `ordered`
  this.ordered = true;   // false once filled from a user's object
  this.empty = true;
}

function findKey(arr, k, sorted) {
  for (let i = arr.length - 2; i >= 0; i -= 2) {
    const x = arr[i];
    if (x === k) { return i; }
    if (sorted && seqBefore(x, k)) { return -1; }
  }
  return -1;
}

SeqTable.prototype.get = function (key) {
  const k = seqKey(key);
  if (this.empty || (this.ordered && seqAfter(k, this.hi))) { return undefined; }
  const cur = this.cur;
  let i = findKey(cur, k, this.curSorted);
  if (i >= 0) { return cur[i + 1]; }
  const old = this.old;
  if (old === null) { return undefined; }
  i = findKey(old, k, this.oldSorted);
  return i >= 0 ? old[i + 1] : undefined;
};

SeqTable.prototype.set = function (key, value) {
  const k = seqKey(key);
  let cur = this.cur;
  const after = this.empty || seqAfter(k, this.hi);
  if (!(after && this.ordered)) {
    const i = findKey(cur, k, this.curSorted);
    if (i >= 0) {
      cur[i + 1] = value;
      this.curLast = k;
      this.view = null;
      return;
    }
  }
  if (cur.length >= this.cap2) {
    if (this.old !== null) {
      this.evicted = this.oldLast;
      this.hasEvicted = true;
    }
    this.old = cur;
    this.oldSorted = this.curSorted;
    this.oldLast = this.curLast;
    cur = NO_KEYS;
    this.curSorted = true;
  } else if (cur.length > 0 && !seqAfter(k, this.curLast)) {
    this.curSorted = false;
  }
  if (cur.length === 0) {
    this.cur = [k, value];
  } else {
    cur.push(k, value);
  }
  this.curLast = k;
  if (after) {
    this.hi = k;
    this.empty = false;
  }
  this.view = null;
};

// True when `key` is at or before the last key of a dropped generation: a segment
// that was seen and has been forgotten since.
SeqTable.prototype.forgotten = function (key) {
  return this.hasEvicted && !seqAfter(key, this.evicted);
};

SeqTable.prototype.toObject = function () {
  if (this.view !== null) { return this.view; }
  const obj = {};
  const old = this.old;
  if (old !== null) { for (let i = 0; i < old.length; i += 2) { obj[seqNumber(old[i])] = old[i + 1]; } }
  const cur = this.cur;
  for (let i = 0; i < cur.length; i += 2) { obj[seqNumber(cur[i])] = cur[i + 1]; }
  this.view = obj;
  return obj;
};

// The same with Map generations, for caps above ARRAY_CAP.
function MapSeqTable(cap) {
  this.cap = cap;
  this.cur = new Map();
  this.old = null;
  this.curLast = 0;
  this.oldLast = 0;
  this.evicted = 0;
  this.hasEvicted = false;
  this.view = null;
  this.hi = 0;
  this.ordered = cap <= ORDERED_CAP;
  this.empty = true;
}

MapSeqTable.prototype.get = function (key) {
  const k = seqKey(key);
  if (this.ordered && !this.empty && seqAfter(k, this.hi)) { return undefined; }
  const v = this.cur.get(k);
  if (v !== undefined || this.old === null) { return v; }
  return this.old.get(k);
};

MapSeqTable.prototype.set = function (key, value) {
  const k = seqKey(key);
  const cur = this.cur;
  if (cur.size >= this.cap && !cur.has(k)) {
    if (this.old !== null) {
      this.evicted = this.oldLast;
      this.hasEvicted = true;
    }
    this.old = cur;
    this.oldLast = this.curLast;
    this.cur = new Map();
    this.cur.set(k, value);
  } else {
    cur.set(k, value);
  }
  this.curLast = k;
  if (this.empty || seqAfter(k, this.hi)) {
    this.hi = k;
    this.empty = false;
  }
  this.view = null;
};

MapSeqTable.prototype.forgotten = SeqTable.prototype.forgotten;

MapSeqTable.prototype.toObject = function () {
  if (this.view !== null) { return this.view; }
  const obj = {};
  if (this.old !== null) { for (const [k, v] of this.old) { obj[seqNumber(k)] = v; } }
  for (const [k, v] of this.cur) { obj[seqNumber(k)] = v; }
  this.view = obj;
  return obj;
};

function newTable(cap) {
  return cap <= ARRAY_CAP ? new SeqTable(cap) : new MapSeqTable(cap);
}

module.exports = { SeqTable, MapSeqTable, newTable };
