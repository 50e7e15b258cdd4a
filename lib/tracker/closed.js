'use strict';

// Ended connections, so that their stray packets (a retransmitted FIN, the last ACK)
// are ignored for timeWait instead of opening a new session: at most maxClosed records
// of just the endpoints and the close time, kept in typed arrays (no object per record)
// in a ring, oldest first, with an open-addressing hash table (linear probing) to find them.
const REC_WORDS = 10; // a0-a3, b0-b3, ports, v6

function ClosedSet(max) {
  this.size = 0;       // records in the ring
  this.max = max;
  this.cap = 0;        // ring capacity (power of 2)
  this.head = 0;       // oldest record
  this.words = null;   // Int32Array(cap * REC_WORDS)
  this.hashes = null;  // Int32Array(cap)
  this.times = null;   // Float64Array(cap): close time
  this.table = null;   // Int32Array(2 * cap): ring slot + 1, 0 = empty
}

ClosedSet.prototype._grow = function () {
  const cap = this.cap === 0 ? 64 : this.cap * 2;
  const words = new Int32Array(cap * REC_WORDS);
  const hashes = new Int32Array(cap);
  const times = new Float64Array(cap);
  const table = new Int32Array(cap * 2);
  const mask = table.length - 1;
  for (let i = 0; i < this.size; i++) {
    const from = (this.head + i) & (this.cap - 1);
    words.set(this.words.subarray(from * REC_WORDS, from * REC_WORDS + REC_WORDS), i * REC_WORDS);
    hashes[i] = this.hashes[from];
    times[i] = this.times[from];
    let j = hashes[i] & mask;
    while (table[j] !== 0) { j = (j + 1) & mask; }
    table[j] = i + 1;
  }
  this.cap = cap;
  this.head = 0;
  this.words = words;
  this.hashes = hashes;
  this.times = times;
  this.table = table;
};

ClosedSet.prototype.add = function (t, time) {
  if (this.size >= this.max) { this.shift(); }
  if (this.size === this.cap) { this._grow(); }
  const slot = (this.head + this.size) & (this.cap - 1);
  this.size++;
  const w = this.words;
  const o = slot * REC_WORDS;
  w[o] = t.a0; w[o + 1] = t.a1; w[o + 2] = t.a2; w[o + 3] = t.a3;
  w[o + 4] = t.b0; w[o + 5] = t.b1; w[o + 6] = t.b2; w[o + 7] = t.b3;
  w[o + 8] = t.ports;
  w[o + 9] = t.v6 ? 1 : 0;
  this.hashes[slot] = t.hash;
  this.times[slot] = time;
  const table = this.table;
  const mask = table.length - 1;
  let j = t.hash & mask;
  while (table[j] !== 0) { j = (j + 1) & mask; }
  table[j] = slot + 1;
};

// Drop the oldest record: remove its table entry, then move later entries of its probe
// run back so that no lookup stops early (deletion without tombstones).
ClosedSet.prototype.shift = function () {
  const slot = this.head;
  this.head = (this.head + 1) & (this.cap - 1);
  this.size--;
  const table = this.table;
  const mask = table.length - 1;
  let i = this.hashes[slot] & mask;
  while (table[i] !== slot + 1) {
    if (table[i] === 0) { return; } // not found (cannot happen)
    i = (i + 1) & mask;
  }
  let j = i;
  for (;;) {
    j = (j + 1) & mask;
    const e = table[j];
    if (e === 0) { break; }
    const home = this.hashes[e - 1] & mask;
    // move e into the hole at i unless its home lies cyclically in (i, j]
    if (((j - home) & mask) >= ((j - i) & mask)) {
      table[i] = e;
      i = j;
    }
  }
  table[i] = 0;
};

ClosedSet.prototype.oldestTime = function () {
  return this.times[this.head];
};

// Whether the packet's connection (either direction) has a record.
ClosedSet.prototype.has = function (p, hash) {
  const table = this.table;
  const mask = table.length - 1;
  const w = this.words;
  const v6 = p.v6 ? 1 : 0;
  for (let j = hash & mask; table[j] !== 0; j = (j + 1) & mask) {
    const o = (table[j] - 1) * REC_WORDS;
    if (w[o + 9] !== v6) { continue; }
    if (w[o + 8] === p.ports && w[o] === p.a0 && w[o + 4] === p.b0 &&
            w[o + 1] === p.a1 && w[o + 2] === p.a2 && w[o + 3] === p.a3 &&
            w[o + 5] === p.b1 && w[o + 6] === p.b2 && w[o + 7] === p.b3) { return true; }
    if (w[o + 8] === p.rports && w[o] === p.b0 && w[o + 4] === p.a0 &&
            w[o + 1] === p.b1 && w[o + 2] === p.b2 && w[o + 3] === p.b3 &&
            w[o + 5] === p.a1 && w[o + 6] === p.a2 && w[o + 7] === p.a3) { return true; }
  }
  return false;
};

ClosedSet.prototype.clear = function () {
  this.size = 0;
  this.head = 0;
  if (this.table !== null) { this.table.fill(0); }
};

module.exports = { ClosedSet };
