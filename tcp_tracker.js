'use strict';

// TCPTracker / TCPSession: node_pcap 3.1.0's TCP session tracker (compat.md §2.8),
// with IPv6, removal of ended sessions, bounded memory and optional stream reassembly.
//
// Differences from node_pcap are listed in docs/tracker.md.

const EventEmitter = require('events').EventEmitter;
const util = require('util');
const options_ = require('./lib/options');

const debug = util.debuglog('pcap');

function decoderClass(mod, name) {
  return typeof mod === 'function' ? mod : mod[name];
}

const IPv4 = decoderClass(require('./decode/ipv4'), 'IPv4');
const IPv6 = decoderClass(require('./decode/ipv6'), 'IPv6');
const TCP = decoderClass(require('./decode/tcp'), 'TCP');

// ---------------------------------------------------------------------------
// Defaults

const DEFAULTS = {
  reassemble: false,       // deliver each direction's payload once and in sequence order
  idleTimeout: 0,          // ms of capture time without packets before a session is dropped; 0 = never
  maxSessions: 100000,     // open sessions kept at most (least recently active is dropped); 0 = no limit
  segmentHistory: 128,     // entries kept per send_/recv_ packets/acks/retrans map
  maxBufferedBytes: 1048576, // reassembly: out-of-order bytes held per direction
  maxBufferedSegments: 256,  // reassembly: out-of-order segments held per direction
  timeWait: 60000,         // ms of capture time during which stray packets of an ended session are ignored
  maxClosed: 16384,        // ended-session records kept for timeWait
};

function readOptions(options) {
  const o = options_.readOptions(options, DEFAULTS);
  o.reassemble = Boolean(o.reassemble);
  options_.requireNumbers(o, ['idleTimeout', 'maxSessions', 'segmentHistory', 'maxBufferedBytes',
    'maxBufferedSegments', 'timeWait', 'maxClosed'], 0, 'TCPTracker');
  if (o.segmentHistory < 1) { o.segmentHistory = 1; }
  if (o.maxBufferedSegments < 1) { o.maxBufferedSegments = 1; }
  return o;
}

const DEFAULT_OPTIONS = readOptions(undefined);

// ---------------------------------------------------------------------------
// Address text

function ipv4Text(a) {
  return a[0] + '.' + a[1] + '.' + a[2] + '.' + a[3];
}

// RFC 5952 compressed form (lowercase, no leading zeros, longest zero run as "::").
function ipv6Text(a) {
  const g = new Array(8);
  for (let i = 0; i < 8; i++) { g[i] = (a[2 * i] << 8) | a[2 * i + 1]; }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) { j++; }
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && out[out.length - 1] !== ':') { out += ':'; }
    out += g[i].toString(16);
  }
  return out;
}

function endpointText(isV6, addr, port) {
  const a = addr && addr.addr;
  if (!a) { return String(addr) + ':' + port; }
  return isV6 ? '[' + ipv6Text(a) + ']:' + port : ipv4Text(a) + ':' + port;
}

// Session lookup without building strings. A packet's endpoints are written into its
// Parsed record as int32 values (small integers, no allocation): the source and
// destination address words a0-a3 / b0-b3 (an IPv4 address is word 0, the others 0)
// and the ports (sport << 16 | dport). The hash is the same in both directions.
function fillEndpoints(p) {
  const s = p.ip.saddr.addr;
  const d = p.ip.daddr.addr;
  if (p.v6) {
    p.a0 = (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3];
    p.a1 = (s[4] << 24) | (s[5] << 16) | (s[6] << 8) | s[7];
    p.a2 = (s[8] << 24) | (s[9] << 16) | (s[10] << 8) | s[11];
    p.a3 = (s[12] << 24) | (s[13] << 16) | (s[14] << 8) | s[15];
    p.b0 = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
    p.b1 = (d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7];
    p.b2 = (d[8] << 24) | (d[9] << 16) | (d[10] << 8) | d[11];
    p.b3 = (d[12] << 24) | (d[13] << 16) | (d[14] << 8) | d[15];
  } else {
    p.a0 = (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3];
    p.a1 = 0; p.a2 = 0; p.a3 = 0;
    p.b0 = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
    p.b1 = 0; p.b2 = 0; p.b3 = 0;
  }
  const sport = p.tcp.sport;
  const dport = p.tcp.dport;
  p.ports = (sport << 16) | dport;
  p.rports = (dport << 16) | sport;
}

function mix(w0, w1, w2, w3, port) {
  let h = Math.imul(w0 ^ Math.imul(w1, 0x27d4eb2d) ^ Math.imul(w2, 0x165667b1) ^
        Math.imul(w3, 0x61c88647) ^ Math.imul(port + 1, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35);
}

function pairHash(p) {
  const h = (mix(p.a0, p.a1, p.a2, p.a3, p.ports >>> 16) + mix(p.b0, p.b1, p.b2, p.b3, p.ports & 0xffff)) | 0;
  return h ^ (h >>> 16);
}

// 1: same direction as the connection's first packet, -1: reverse, 0: other connection
function direction(c, p) {
  if (c.v6 !== p.v6) { return 0; }
  if (c.ports === p.ports && c.a0 === p.a0 && c.b0 === p.b0 &&
        c.a1 === p.a1 && c.a2 === p.a2 && c.a3 === p.a3 &&
        c.b1 === p.b1 && c.b2 === p.b2 && c.b3 === p.b3) { return 1; }
  if (c.ports === p.rports && c.a0 === p.b0 && c.b0 === p.a0 &&
        c.a1 === p.b1 && c.a2 === p.b2 && c.a3 === p.b3 &&
        c.b1 === p.a1 && c.b2 === p.a2 && c.b3 === p.a3) { return -1; }
  return 0;
}

// Address text, cached per tracker (a capture has few distinct addresses compared with
// connections).
function AddrCache() {
  this.v4 = new Map(); // address word -> text
  this.v6 = new Map(); // hash of the address words -> [w0, w1, w2, w3, text]
}

const ADDR_CACHE_MAX = 4096;

AddrCache.prototype.text = function (v6, addr, w0, w1, w2, w3) {
  if (!v6) {
    let text = this.v4.get(w0);
    if (text === undefined) {
      if (this.v4.size >= ADDR_CACHE_MAX) { this.v4.clear(); }
      text = ipv4Text(addr.addr);
      this.v4.set(w0, text);
    }
    return text;
  }
  const h = mix(w0, w1, w2, w3, 0);
  let e = this.v6.get(h);
  if (e === undefined || e[0] !== w0 || e[1] !== w1 || e[2] !== w2 || e[3] !== w3) {
    if (this.v6.size >= ADDR_CACHE_MAX) { this.v6.clear(); }
    e = [w0, w1, w2, w3, '[' + ipv6Text(addr.addr) + ']'];
    this.v6.set(h, e);
  }
  return e[4];
};

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

// ---------------------------------------------------------------------------
// Packet parsing: find the IP layer and the TCP segment.

// Result of parsing, reused (one per tracker / session) so no per-packet allocation.
function Parsed() {
  this.ip = null;
  this.tcp = null;
  this.v6 = false;
  this.ipHeaderLength = 0;
  this.len = 0; // payload bytes of the segment
  // endpoints (see fillEndpoints)
  this.a0 = 0; this.a1 = 0; this.a2 = 0; this.a3 = 0;
  this.b0 = 0; this.b1 = 0; this.b2 = 0; this.b3 = 0;
  this.ports = 0;
  this.rports = 0;
}

function nextLayer(p) {
  const next = p.payload;
  if (next !== undefined && next !== null) { return next; }
  if (p.ieee802_11Frame) { return p.ieee802_11Frame; }
  return p.llc;
}

// Returns true and fills `out` when the packet carries a TCP segment over IPv4/IPv6.
function parsePacket(packet, out) {
  if (!packet || typeof packet !== 'object') { return false; }
  let p = packet.payload;
  let depth = 0;
  while (!(p instanceof IPv4 || p instanceof IPv6)) {
    if (p === null || typeof p !== 'object' || ++depth > 8) { return false; }
    p = nextLayer(p);
  }
  let ip = p;
  let l4 = ip.payload;
  let extLength = 0;
  for (depth = 0; depth < 16; depth++) {
    if (l4 instanceof TCP) { break; }
    if (l4 instanceof IPv4 || l4 instanceof IPv6) { // IP-in-IP: track the inner connection
      ip = l4;
      l4 = ip.payload;
      extLength = 0;
      continue;
    }
    if (l4 === null || typeof l4 !== 'object' || ip instanceof IPv4) { return false; }
    // IPv6 extension header
    if (l4.fragmentOffset > 0) { return false; }
    extLength += typeof l4.headerLength === 'number' ? l4.headerLength : 0;
    l4 = l4.payload;
  }
  if (!(l4 instanceof TCP) || l4.flags === undefined) { return false; } // not TCP, or truncated header
  if (ip.daddr === undefined) { return false; }
  if (ip instanceof IPv4) {
    // not a TCP header (later fragment), or not really IPv4
    if (ip.fragmentOffset > 0 || ip.version !== 4 || !(ip.headerLength >= 20)) { return false; }
    out.v6 = false;
    out.ipHeaderLength = ip.headerLength;
  } else {
    if (ip.version !== 6) { return false; }
    out.v6 = true;
    out.ipHeaderLength = 40 + extLength;
  }
  out.ip = ip;
  out.tcp = l4;
  out.len = payloadLength(l4, packet.pcap_header);
  return true;
}

// The segment's payload length: tcp.dataLength (from the IP length), but never more
// than the frame carried on the wire (bytes captured plus bytes cut by the snap length).
function payloadLength(tcp, hdr) {
  const n = tcp.dataLength;
  if (!(n > 0)) { return 0; }
  const data = tcp.data;
  const have = data ? data.length : 0;
  if (have >= n) { return n; }
  const cut = hdr ? hdr.len - hdr.caplen : 0;
  const wire = cut > 0 ? have + cut : have;
  return wire < n ? wire : n;
}

function capTime(packet) {
  const h = packet.pcap_header;
  return h ? h.tv_sec + h.tv_usec / 1000000 : 0;
}

// ---------------------------------------------------------------------------
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
    if (sorted && ((x - k) | 0) < 0) { return -1; }
  }
  return -1;
}

SeqTable.prototype.get = function (key) {
  const k = key | 0;
  if (this.empty || (this.ordered && ((k - this.hi) | 0) > 0)) { return undefined; }
  const cur = this.cur;
  let i = findKey(cur, k, this.curSorted);
  if (i >= 0) { return cur[i + 1]; }
  const old = this.old;
  if (old === null) { return undefined; }
  i = findKey(old, k, this.oldSorted);
  return i >= 0 ? old[i + 1] : undefined;
};

SeqTable.prototype.set = function (key, value) {
  const k = key | 0;
  let cur = this.cur;
  const after = this.empty || ((k - this.hi) | 0) > 0;
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
  } else if (cur.length > 0 && ((k - this.curLast) | 0) <= 0) {
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
  return this.hasEvicted && ((key - this.evicted) | 0) <= 0;
};

SeqTable.prototype.toObject = function () {
  if (this.view !== null) { return this.view; }
  const obj = {};
  const old = this.old;
  if (old !== null) { for (let i = 0; i < old.length; i += 2) { obj[old[i] >>> 0] = old[i + 1]; } }
  const cur = this.cur;
  for (let i = 0; i < cur.length; i += 2) { obj[cur[i] >>> 0] = cur[i + 1]; }
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
  const k = key | 0;
  if (this.ordered && !this.empty && ((k - this.hi) | 0) > 0) { return undefined; }
  const v = this.cur.get(k);
  if (v !== undefined || this.old === null) { return v; }
  return this.old.get(k);
};

MapSeqTable.prototype.set = function (key, value) {
  const k = key | 0;
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
  if (this.empty || ((k - this.hi) | 0) > 0) {
    this.hi = k;
    this.empty = false;
  }
  this.view = null;
};

MapSeqTable.prototype.forgotten = SeqTable.prototype.forgotten;

MapSeqTable.prototype.toObject = function () {
  if (this.view !== null) { return this.view; }
  const obj = {};
  if (this.old !== null) { for (const [k, v] of this.old) { obj[k >>> 0] = v; } }
  for (const [k, v] of this.cur) { obj[k >>> 0] = v; }
  this.view = obj;
  return obj;
};

function newTable(cap) {
  return cap <= ARRAY_CAP ? new SeqTable(cap) : new MapSeqTable(cap);
}

const T_SEND_PACKETS = 0;
const T_SEND_ACKS = 1;
const T_SEND_RETRANS = 2;
const T_RECV_PACKETS = 3;
const T_RECV_ACKS = 4;
const T_RECV_RETRANS = 5;
const TABLE_FIELDS = ['send_packets', 'send_acks', 'send_retrans', 'recv_packets', 'recv_acks', 'recv_retrans'];

function tableGet(t, slot, key) {
  const tables = t.tables;
  if (tables === null) { return undefined; }
  const table = tables[slot];
  return table === null ? undefined : table.get(key);
}

function tableSet(t, slot, key, value) {
  let tables = t.tables;
  if (tables === null) { tables = t.tables = [null, null, null, null, null, null]; }
  let table = tables[slot];
  if (table === null) { table = tables[slot] = newTable(t.opts.segmentHistory); }
  table.set(key, value);
}

function tableForgotten(t, slot, key) {
  const tables = t.tables;
  if (tables === null) { return false; }
  const table = tables[slot];
  return table !== null && table.forgotten(key);
}

// Accessor descriptors for the six public fields (shared by every session).
// Reading gives a plain object {seq: value}; assigning an object replaces the table.
const TABLE_DESCRIPTORS = TABLE_FIELDS.map(function (name, slot) {
  return {
    enumerable: true,
    configurable: true,
    get: function () {
      const tables = stateOf(this).tables;
      const table = tables === null ? null : tables[slot];
      return table === null ? {} : table.toObject();
    },
    set: function (value) {
      const t = stateOf(this);
      if (t.tables !== null) { t.tables[slot] = null; }
      if (value && typeof value === 'object') {
        for (const k of Object.keys(value)) {
          const n = Number(k);
          if (n >= 0 && n <= 0xffffffff && n === Math.floor(n)) { tableSet(t, slot, n, value[k]); }
        }
        if (t.tables !== null && t.tables[slot] !== null) { t.tables[slot].ordered = false; }
      }
    },
  };
});

// ---------------------------------------------------------------------------
// Reassembly state of one direction.

function Stream() {
  this.next = -1;     // next expected sequence number, -1 until known
  this.fin = -1;      // sequence number of the FIN, -1 if none seen
  this.pending = [];  // held out-of-order segments {seq, len, buf}, sorted by seq
  this.pendingBytes = 0;
}

function Held(seq, len, buf) {
  this.seq = seq;
  this.len = len;
  this.buf = buf;
}

// ---------------------------------------------------------------------------
// Per-session internal state (a private field of the session, see stateOf).

function SessionState() {
  this.tracker = null;
  this.session = null;
  this.opts = DEFAULT_OPTIONS;
  this.tables = null;    // [6] SeqTable or null, created with the first key
  this.send = null;      // Stream, when reassembling
  this.recv = null;
  this.finished = false;
  // current packet (cleared when the tracker is done with it)
  this.pkt = null;
  this.ip = null;
  this.tcp = null;
  this.fromSrc = true;
  this.ipHeaderLength = 0;
  this.len = 0;
  this.parsed = null;    // for session.track() without a tracker
  // endpoints of the first packet (see fillEndpoints)
  this.hasEnds = false;
  this.v6 = false;
  this.a0 = 0; this.a1 = 0; this.a2 = 0; this.a3 = 0;
  this.b0 = 0; this.b1 = 0; this.b2 = 0; this.b3 = 0;
  this.ports = 0;
  // the tracker's bookkeeping
  this.key = null;       // key in tracker.sessions
  this.serial = 0;       // creation order (see publishSessions)
  this.hash = 0;
  this.chain = undefined; // next live session with the same hash
  this.last = 0;         // capture time of the last packet
  this.prev = null;      // LRU list
  this.next = null;
  this.linked = false;   // in the LRU list and the index
}

function setEnds(t, p) {
  t.hasEnds = true;
  t.v6 = p.v6;
  t.a0 = p.a0; t.a1 = p.a1; t.a2 = p.a2; t.a3 = p.a3;
  t.b0 = p.b0; t.b1 = p.b1; t.b2 = p.b2; t.b3 = p.b3;
  t.ports = p.ports;
}

// The state is kept in a private field, stamped onto the session by a constructor that
// returns the object it is given: invisible to Object.keys, JSON.stringify, util.inspect
// and for-in, and much cheaper to add than a non-enumerable property.
class Stamp {
  constructor(o) { return o; }
}

class StateSlot extends Stamp {
  #t;
  constructor(o, t) {
    super(o);
    this.#t = t;
  }

  static of(o) { return #t in o ? o.#t : undefined; }
}

function stateOf(session) {
  let t = StateSlot.of(session);
  if (t === undefined) { // created by a subclass that skipped the constructor
    t = new SessionState();
    t.session = session;
    new StateSlot(session, t);
  }
  return t;
}

// Make sure t.ip/t.tcp/t.fromSrc describe `packet` (state methods may be called directly).
function current(session, packet) {
  const t = stateOf(session);
  if (t.pkt === packet && packet !== null) { return t; }
  if (t.parsed === null) { t.parsed = new Parsed(); }
  const p = t.parsed;
  t.pkt = packet;
  if (!parsePacket(packet, p)) {
    t.ip = null;
    t.tcp = null;
    return t;
  }
  t.ip = p.ip;
  t.tcp = p.tcp;
  t.ipHeaderLength = p.ipHeaderLength;
  t.len = p.len;
  fillEndpoints(p);
  if (!t.hasEnds) {
    setEnds(t, p);
    t.fromSrc = true;
    return t;
  }
  const dir = direction(t, p);
  if (dir !== 0) {
    t.fromSrc = dir === 1;
  } else {
    debug('non-matching packet in session %s: %s', session.src + '-' + session.dst, packet);
    t.ip = null;
    t.tcp = null;
  }
  return t;
}

// ---------------------------------------------------------------------------
// TCPSession

function TCPSession() {
  this.src = null;
  this.src_name = null; // from DNS
  this.dst = null;
  this.dst_name = null; // from DNS

  this.state = null;
  this.current_cap_time = null;

  this.syn_time = null;
  this.missed_syn = null;
  this.connect_time = null;

  this.send_isn = null;
  this.send_window_scale = null;
  // send_packets: end sequence number (seqno + length) -> capture time
  Object.defineProperty(this, 'send_packets', TABLE_DESCRIPTORS[T_SEND_PACKETS]);
  Object.defineProperty(this, 'send_acks', TABLE_DESCRIPTORS[T_SEND_ACKS]);
  Object.defineProperty(this, 'send_retrans', TABLE_DESCRIPTORS[T_SEND_RETRANS]);
  this.send_next_seq = null;
  this.send_acked_seq = null;
  this.send_bytes_ip = null;
  this.send_bytes_tcp = null;
  this.send_bytes_payload = 0;

  this.recv_isn = null;
  this.recv_window_scale = null;
  Object.defineProperty(this, 'recv_packets', TABLE_DESCRIPTORS[T_RECV_PACKETS]);
  Object.defineProperty(this, 'recv_acks', TABLE_DESCRIPTORS[T_RECV_ACKS]);
  Object.defineProperty(this, 'recv_retrans', TABLE_DESCRIPTORS[T_RECV_RETRANS]);
  this.recv_next_seq = null;
  this.recv_acked_seq = null;
  this.recv_bytes_ip = 0;
  this.recv_bytes_tcp = 0;
  this.recv_bytes_payload = 0;

  EventEmitter.call(this);
  const t = new SessionState();
  t.session = this;
  new StateSlot(this, t);
}
util.inherits(TCPSession, EventEmitter);

// node_pcap entry point: track one decoded packet of this session.
TCPSession.prototype.track = function (packet) {
  const t = current(this, packet);
  if (t.tcp === null) { return; }
  this.current_cap_time = capTime(packet);
  if (this.state === null) {
    this._begin(t, null, null);
    this._firstPacket(packet);
  } else {
    this._step(packet);
  }
  t.pkt = null;
  t.ip = null;
  t.tcp = null;
};

// First packet: who is src/dst and the initial state (nothing is emitted here).
// `src`/`dst`: the endpoint texts when the caller has them already.
TCPSession.prototype._begin = function (t, src, dst) {
  const ip = t.ip;
  const tcp = t.tcp;
  const now = this.current_cap_time;
  if (src === null) {
    const v6 = t.v6;
    src = endpointText(v6, ip.saddr, tcp.sport);
    dst = endpointText(v6, ip.daddr, tcp.dport);
  }
  this.src = src;
  this.src_name = src;
  this.dst = dst;
  this.dst_name = dst;

  if (tcp.flags.syn && !tcp.flags.ack) {
    this.state = 'SYN_SENT';
  } else { // joined a connection already in progress
    this.missed_syn = true;
    this.connect_time = now;
    this.state = 'ESTAB';
  }
  this.syn_time = now;
  this.send_isn = tcp.seqno;
  this.send_window_scale = tcp.options.window_scale || 1;
  this.send_next_seq = (tcp.seqno + 1) >>> 0;
  this.send_bytes_ip = t.ipHeaderLength;
  this.send_bytes_tcp = tcp.headerLength;
  if (t.opts.reassemble) {
    t.send = new Stream();
    t.recv = new Stream();
    if (tcp.flags.syn) { t.send.next = (tcp.seqno + 1) >>> 0; }
  }
};

// The rest of the first packet, run after the tracker's `session` event so that
// listeners added there see its data, FIN or RST.
TCPSession.prototype._firstPacket = function (packet) {
  const t = current(this, packet);
  const tcp = t.tcp;
  if (tcp.flags.rst) {
    this._payloadBytes(t);
    this._finish('reset', t.fromSrc ? 'send' : 'recv');
    return;
  }
  this._payload(t);
  if (this.state === 'ESTAB' && tcp.flags.fin) {
    this._fin(t, tcp);
    this.state = 'FIN_WAIT';
  }
};

// Every later packet.
TCPSession.prototype._step = function (packet) {
  const t = current(this, packet);
  const tcp = t.tcp;
  if (t.fromSrc) {
    this.send_bytes_ip += t.ipHeaderLength;
    this.send_bytes_tcp += tcp.headerLength;
  } else {
    this.recv_bytes_ip += t.ipHeaderLength;
    this.recv_bytes_tcp += tcp.headerLength;
  }
  const flags = tcp.flags;
  if (flags.rst) {
    if (this.state === 'CLOSED') { return; }
    this._payloadBytes(t);
    this._finish('reset', t.fromSrc ? 'send' : 'recv');
    return;
  }
  if (flags.syn && !flags.ack) {
    this.emit('syn retry', this);
    this._payload(t);
    return;
  }
  // node_pcap: this[this.state](packet). Named calls for the known states find the same
  // method (an override on the session or a subclass included), with cheaper lookups.
  switch (this.state) {
    case 'ESTAB': this.ESTAB(packet); break;
    case 'SYN_SENT': this.SYN_SENT(packet); break;
    case 'SYN_RCVD': this.SYN_RCVD(packet); break;
    case 'FIN_WAIT': this.FIN_WAIT(packet); break;
    case 'CLOSE_WAIT': this.CLOSE_WAIT(packet); break;
    case 'LAST_ACK': this.LAST_ACK(packet); break;
    case 'CLOSING': this.CLOSING(packet); break;
    case 'CLOSED': this.CLOSED(packet); break;
    default: this[this.state](packet);
  }
};

TCPSession.prototype.SYN_SENT = function (packet) {
  const t = current(this, packet);
  const tcp = t.tcp;
  if (tcp === null) { return; }
  if (!t.fromSrc && tcp.flags.syn && tcp.flags.ack) {
    const now = this.current_cap_time;
    tableSet(t, T_RECV_PACKETS, (tcp.seqno + 1) >>> 0, now);
    tableSet(t, T_RECV_ACKS, tcp.ackno, now);
    this.recv_isn = tcp.seqno;
    this.recv_window_scale = tcp.options.window_scale || 1;
    if (t.recv !== null && t.recv.next === -1) { t.recv.next = (tcp.seqno + 1) >>> 0; }
    this.state = 'SYN_RCVD';
  }
  this._payload(t);
};

TCPSession.prototype.SYN_RCVD = function (packet) {
  const t = current(this, packet);
  const tcp = t.tcp;
  if (tcp === null) { return; }
  if (t.fromSrc && tcp.flags.ack) {
    tableSet(t, T_SEND_ACKS, tcp.ackno, this.current_cap_time);
    this.connect_time = this.current_cap_time;
    this.emit('start', this);
    this.state = 'ESTAB';
  }
  this._payload(t);
};

// ESTAB and the closing states: payload, ack times, FIN/close transitions.
function established(session, packet, closeState) {
  const t = current(session, packet);
  const tcp = t.tcp;
  if (tcp === null) { return; }
  session._payload(t);
  if (t.finished) { return; }
  session._acks(t, tcp);
  const fin = tcp.flags.fin;
  if (fin) { session._fin(t, tcp); }
  switch (closeState) {
    case 'ESTAB':
      if (fin) { session.state = t.fromSrc ? 'FIN_WAIT' : 'CLOSE_WAIT'; }
      break;
    case 'FIN_WAIT':
      if (fin && !t.fromSrc) { session.state = 'CLOSING'; }
      break;
    case 'CLOSE_WAIT':
      if (fin && t.fromSrc) { session.state = 'LAST_ACK'; }
      break;
    case 'LAST_ACK':
      if (!t.fromSrc) { session._finish('end', null); }
      break;
    case 'CLOSING':
      if (t.fromSrc) { session._finish('end', null); }
      break;
  }
}

TCPSession.prototype.ESTAB = function (packet) { established(this, packet, 'ESTAB'); };
TCPSession.prototype.FIN_WAIT = function (packet) { established(this, packet, 'FIN_WAIT'); };
TCPSession.prototype.CLOSE_WAIT = function (packet) { established(this, packet, 'CLOSE_WAIT'); };
TCPSession.prototype.LAST_ACK = function (packet) { established(this, packet, 'LAST_ACK'); };
TCPSession.prototype.CLOSING = function (packet) { established(this, packet, 'CLOSING'); };
TCPSession.prototype.CLOSED = function (/* packet */) {
  // closed: nothing to do
};

// Ack bookkeeping (round-trip times for session_stats).
TCPSession.prototype._acks = function (t, tcp) {
  const ackno = tcp.ackno;
  if (t.fromSrc) {
    if (tableGet(t, T_RECV_PACKETS, ackno) !== undefined) {
      tableSet(t, T_SEND_ACKS, ackno, this.current_cap_time);
    }
  } else if (tableGet(t, T_SEND_PACKETS, ackno) !== undefined) {
    tableSet(t, T_RECV_ACKS, ackno, this.current_cap_time);
  }
};

TCPSession.prototype._fin = function (t, tcp) {
  const st = t.fromSrc ? t.send : t.recv;
  if (st !== null && st.fin === -1) {
    st.fin = (tcp.seqno + t.len + (tcp.flags.syn ? 1 : 0)) >>> 0;
  }
};

// Only count the payload (RST segments: their payload is not stream data).
TCPSession.prototype._payloadBytes = function (t) {
  const len = t.len;
  if (len > 0) {
    if (t.fromSrc) { this.send_bytes_payload += len; } else { this.recv_bytes_payload += len; }
  }
};

// Payload of a segment: retransmit detection, data events, byte counts.
TCPSession.prototype._payload = function (t) {
  const tcp = t.tcp;
  const len = t.len;
  if (len === 0) { return; }
  const syn = tcp.flags.syn ? 1 : 0;
  const key = (tcp.seqno + syn + len) >>> 0;
  const now = this.current_cap_time;
  if (t.fromSrc) {
    if (tableGet(t, T_SEND_PACKETS, key) !== undefined || tableForgotten(t, T_SEND_PACKETS, key)) {
      this.emit('retransmit', this, 'send', key);
      tableSet(t, T_SEND_RETRANS, key, (tableGet(t, T_SEND_RETRANS, key) || 0) + 1);
    } else if (t.send === null) {
      this.emit('data send', this, tcp.data);
    }
    if (t.send !== null) { this._reassemble(t, t.send, 'data send', 'send', tcp, syn, len); }
    this.send_bytes_payload += len;
    tableSet(t, T_SEND_PACKETS, key, now);
  } else {
    if (tableGet(t, T_RECV_PACKETS, key) !== undefined || tableForgotten(t, T_RECV_PACKETS, key)) {
      this.emit('retransmit', this, 'recv', key);
      tableSet(t, T_RECV_RETRANS, key, (tableGet(t, T_RECV_RETRANS, key) || 0) + 1);
    } else if (t.recv === null) {
      this.emit('data recv', this, tcp.data);
    }
    if (t.recv !== null) { this._reassemble(t, t.recv, 'data recv', 'recv', tcp, syn, len); }
    this.recv_bytes_payload += len;
    tableSet(t, T_RECV_PACKETS, key, now);
  }
};

// ---------------------------------------------------------------------------
// Reassembly

// Deliver bytes [from, len) of a segment whose buffer may be shorter than len
// (truncated capture): the missing tail is reported as a gap.
TCPSession.prototype._deliver = function (event, dir, buf, from, len) {
  const avail = buf ? buf.length : 0;
  const end = avail < len ? avail : len;
  if (end > from) {
    this.emit(event, this, from === 0 && end === avail ? buf : buf.subarray(from, end));
  }
  const missing = len - (from > avail ? from : avail);
  if (missing > 0) { this.emit('gap', this, dir, missing); }
};

TCPSession.prototype._reassemble = function (t, st, event, dir, tcp, syn, len) {
  const seq = (tcp.seqno + syn) >>> 0;
  if (st.next === -1) { st.next = seq; }
  const d = (seq - st.next) | 0;
  if (d <= 0) {
    if (d + len <= 0) { return; } // all bytes already delivered
    st.next = (seq + len) >>> 0;
    this._deliver(event, dir, tcp.data, -d, len);
    if (st.pending.length > 0) { this._drain(st, event, dir); }
    return;
  }
  // Out of order: hold a copy until the hole before it is filled.
  const pending = st.pending;
  let i = pending.length;
  while (i > 0 && ((pending[i - 1].seq - seq) | 0) > 0) { i--; }
  if (i > 0 && pending[i - 1].seq === seq && pending[i - 1].len >= len) { return; } // duplicate
  const data = tcp.data;
  const copy = data ? Buffer.from(data.subarray(0, len)) : Buffer.alloc(0);
  pending.splice(i, 0, new Held(seq, len, copy));
  st.pendingBytes += len;
  while (st.pending.length > 0 &&
        (st.pendingBytes > t.opts.maxBufferedBytes || st.pending.length > t.opts.maxBufferedSegments)) {
    this._skip(st, event, dir);
  }
};

// Release held segments that now start at or before `next`.
TCPSession.prototype._drain = function (st, event, dir) {
  const pending = st.pending;
  while (pending.length > 0) {
    const h = pending[0];
    const d = (h.seq - st.next) | 0;
    if (d > 0) { return; }
    pending.shift();
    st.pendingBytes -= h.len;
    if (d + h.len > 0) {
      st.next = (h.seq + h.len) >>> 0;
      this._deliver(event, dir, h.buf, -d, h.len);
    }
  }
};

// Give up on the hole before the first held segment: report it and move on.
TCPSession.prototype._skip = function (st, event, dir) {
  const h = st.pending[0];
  const gap = (h.seq - st.next) | 0;
  if (gap > 0) {
    this.emit('gap', this, dir, gap);
    st.next = h.seq;
  }
  this._drain(st, event, dir);
};

// End of the session: deliver what is held (reporting holes) and report missing
// bytes before a FIN.
TCPSession.prototype._flush = function (t) {
  if (t.send !== null) { this._flushStream(t.send, 'data send', 'send'); }
  if (t.recv !== null) { this._flushStream(t.recv, 'data recv', 'recv'); }
};

TCPSession.prototype._flushStream = function (st, event, dir) {
  while (st.pending.length > 0) { this._skip(st, event, dir); }
  if (st.fin !== -1 && st.next !== -1) {
    const gap = (st.fin - st.next) | 0;
    if (gap > 0) {
      st.next = st.fin;
      this.emit('gap', this, dir, gap);
    }
  }
};

// ---------------------------------------------------------------------------
// End of a session: 'end' (FIN handshake), 'reset' (RST) or 'drop' (idle, limit, close).

TCPSession.prototype._finish = function (kind, arg) {
  const t = stateOf(this);
  if (t.finished) { return; }
  t.finished = true;
  if (t.send !== null || t.recv !== null) { this._flush(t); }
  this.close_time = this.current_cap_time;
  this.state = 'CLOSED';
  const tracker = t.tracker;
  if (tracker !== null) { tracker._remove(this, kind === 'end' || kind === 'reset'); }
  if (kind === 'end') {
    this.emit('end', this);
  } else if (kind === 'reset') {
    this.emit('reset', this, arg);
  } else {
    this.emit('drop', this, arg);
    if (tracker !== null) { tracker.emit('drop', this, arg); }
  }
};

TCPSession.prototype.session_stats = function () {
  const stats = {};
  const self = {
    send_packets: this.send_packets, send_acks: this.send_acks,
    recv_packets: this.recv_packets, recv_acks: this.recv_acks,
  };

  stats.recv_times = {};
  Object.keys(self.send_acks).forEach(function (k) {
    const v = +k;
    if (self.recv_packets[v]) {
      stats.recv_times[v] = self.send_acks[v] - self.recv_packets[v];
    }
  });

  stats.send_times = {};
  Object.keys(self.recv_acks).forEach(function (k) {
    const v = +k;
    if (self.send_packets[v]) {
      stats.send_times[v] = self.recv_acks[v] - self.send_packets[v];
    }
  });

  stats.send_retrans = Object.assign({}, this.send_retrans);
  stats.recv_retrans = Object.assign({}, this.recv_retrans);

  stats.connect_duration = this.connect_time - this.syn_time;
  stats.total_time = this.close_time - this.syn_time;
  stats.send_overhead = this.send_bytes_ip + this.send_bytes_tcp;
  stats.send_payload = this.send_bytes_payload;
  stats.send_total = stats.send_overhead + stats.send_payload;
  stats.recv_overhead = this.recv_bytes_ip + this.recv_bytes_tcp;
  stats.recv_payload = this.recv_bytes_payload;
  stats.recv_total = stats.recv_overhead + stats.recv_payload;
  return stats;
};

// ---------------------------------------------------------------------------
// TCPTracker

function TrackerState(options) {
  this.options = options;
  // tracker.sessions is kept up to date only once someone has read or assigned it (see
  // SESSIONS_DESCRIPTOR); until then it does not exist and live sessions are only in the index.
  this.published = false;
  this.sessionsObj = null; // what the accessor serves once published (sealed trackers)
  this.checked = false;    // looked once whether a subclass replaced the accessor
  this.serial = 0;         // creation counter, to list sessions in creation order
  this.index = new Map();  // pairHash -> live session's state (chained through .chain)
  this.closed = new ClosedSet(options.maxClosed); // ended connections, for timeWait
  this.count = 0;          // live sessions
  this.head = null;        // least recently active live session's state
  this.tail = null;
  this.now = 0;            // capture time of the last packet
  this.wallAtNow = 0;      // Date.now() when it was processed
  this.parsed = new Parsed(); // the current packet
  this.names = new AddrCache();
  // Keep the live-session list in activity order (for idleTimeout and maxSessions);
  // otherwise it stays in creation order.
  this.lru = options.idleTimeout > 0 || options.maxSessions > 0;
}

// `tracker.sessions` (node_pcap: a plain object, key "ip:port-ip:port" -> live session, in
// creation order). Adding every session's key to it and deleting it at the end took ~7% of a
// tracking run (V8 makes each new key string a property name: flattened, hashed, put into its
// string table), and most programs never read it. So the property starts as this accessor: the
// first read builds the object from the live sessions, the first assignment takes the value
// given, and either puts it in place as an ordinary data property, which the tracker keeps up to
// date from then on, as node_pcap did. (A sealed or frozen tracker keeps the accessor, which then
// serves that object.)
function buildSessions(s) {
  const obj = {};
  const live = [];
  for (let t = s.head; t !== null; t = t.next) { live.push(t); }
  live.sort((a, b) => a.serial - b.serial);
  for (const t of live) { obj[t.key] = t.session; }
  return obj;
}

function publishSessions(tracker, obj) {
  const s = tracker._s;
  s.published = true;
  s.sessionsObj = obj;
  const d = Object.getOwnPropertyDescriptor(tracker, 'sessions');
  if (d !== undefined && d.configurable) {
    Object.defineProperty(tracker, 'sessions', { value: obj, writable: true, enumerable: true, configurable: true });
  }
  return obj;
}

const SESSIONS_DESCRIPTOR = {
  enumerable: true,
  configurable: true,
  get: function () {
    const s = this._s;
    return s.published ? s.sessionsObj : publishSessions(this, buildSessions(s));
  },
  set: function (value) { publishSessions(this, value); },
};

// True while `tracker.sessions` is still our accessor (not replaced by a subclass's own field).
function sessionsDeferred(tracker) {
  const d = Object.getOwnPropertyDescriptor(tracker, 'sessions');
  return d !== undefined && d.get === SESSIONS_DESCRIPTOR.get;
}

function TCPTracker(options) {
  // A subclass with its own `sessions` accessor or value on its prototype gets node_pcap's
  // plain assignment, and the tracker keeps `this.sessions` up to date from the start.
  const proto = Object.getPrototypeOf(this);
  const inherited = proto !== TCPTracker.prototype && proto !== null && 'sessions' in proto;
  if (inherited) {
    this.sessions = {};
  } else {
    Object.defineProperty(this, 'sessions', SESSIONS_DESCRIPTOR);
  }
  EventEmitter.call(this);
  this.options = readOptions(options);
  Object.defineProperty(this, '_s', {
    value: new TrackerState(this.options), writable: true, configurable: true,
  });
  if (inherited) { this._s.published = true; }
}
util.inherits(TCPTracker, EventEmitter);

// util.inspect / console.log show `sessions` as the object it is, not as an accessor.
TCPTracker.prototype[util.inspect.custom] = function () {
  void this.sessions;
  return this;
};

TCPTracker.prototype.track_packet = function (packet) {
  const s = this._s;
  const p = s.parsed;
  if (!parsePacket(packet, p)) {
    return; // not TCP over IPv4/IPv6: ignored, as in node_pcap
  }
  const now = capTime(packet);
  s.now = now;
  const opts = s.options;
  if (opts.idleTimeout > 0) {
    s.wallAtNow = Date.now();
    this._expireIdle(now);
  }

  fillEndpoints(p);
  const hash = pairHash(p);
  let t = s.index.get(hash);
  let dir = 0;
  while (t !== undefined) {
    dir = direction(t, p);
    if (dir !== 0) { break; }
    t = t.chain;
  }

  if (t !== undefined) {
    const session = t.session;
    if (!s.published || this.sessions[t.key] === session) {
      t.pkt = packet;
      t.ip = p.ip;
      t.tcp = p.tcp;
      t.ipHeaderLength = p.ipHeaderLength;
      t.len = p.len;
      t.fromSrc = dir === 1;
      t.last = now;
      session.current_cap_time = now;
      if (t !== s.tail && s.lru) { this._touch(t); }
      session._step(packet);
      t.pkt = null; // keep no packet (nor the capture buffer it points into)
      t.ip = null;
      t.tcp = null;
      return;
    }
    // removed from tracker.sessions by the user: forget it silently
    this._unlink(t);
  }

  const tcp = p.tcp;
  const closed = s.closed;
  if (closed.size > 0) {
    const wait = opts.timeWait / 1000;
    while (closed.size > 0 && now - closed.oldestTime() > wait) { closed.shift(); }
    // A stray packet of an ended connection (a retransmitted FIN, the last ACK) is
    // ignored. A new SYN starts a new session without looking (its record stays: it
    // can only matter if that session is dropped and stray packets follow).
    if (closed.size > 0 && !(tcp.flags.syn && !tcp.flags.ack) && closed.has(p, hash)) { return; }
  }

  // A packet without a live session: a new session.
  const v6 = p.v6;
  const ip = p.ip;
  const names = s.names;
  const src = names.text(v6, ip.saddr, p.a0, p.a1, p.a2, p.a3) + ':' + tcp.sport;
  const dst = names.text(v6, ip.daddr, p.b0, p.b1, p.b2, p.b3) + ':' + tcp.dport;
  const key = src < dst ? src + '-' + dst : dst + '-' + src;

  if (opts.maxSessions > 0) {
    while (s.count >= opts.maxSessions && s.head !== null) {
      this._drop(s.head, 'limit');
    }
  }

  const session = new TCPSession();
  t = stateOf(session);
  t.tracker = this;
  t.opts = opts;
  t.pkt = packet;
  t.ip = ip;
  t.tcp = tcp;
  t.ipHeaderLength = p.ipHeaderLength;
  t.len = p.len;
  t.fromSrc = true;
  setEnds(t, p);
  t.hash = hash;
  t.key = key;
  t.last = now;
  const head = s.index.get(hash);
  if (head !== undefined) { t.chain = head; }
  s.index.set(hash, t);
  t.serial = ++s.serial;
  if (!s.published && !s.checked) {
    // Once, at the first session: a subclass's class field `sessions = {}` (defined after
    // this constructor ran) replaced the accessor; then keep that object up to date.
    s.checked = true;
    if (!sessionsDeferred(this)) { s.published = true; }
  }
  if (s.published) { this.sessions[key] = session; }
  s.count++;
  this._append(t);

  session.current_cap_time = now;
  session._begin(t, src, dst);
  this.emit('session', session);
  if (!t.finished && t.pkt === packet) { session._firstPacket(packet); }
  t.pkt = null;
  t.ip = null;
  t.tcp = null;
};

// LRU list of live sessions
TCPTracker.prototype._append = function (t) {
  const s = this._s;
  t.prev = s.tail;
  t.next = null;
  if (s.tail !== null) { s.tail.next = t; } else { s.head = t; }
  s.tail = t;
  t.linked = true;
};

TCPTracker.prototype._touch = function (t) {
  const s = this._s;
  // unlink (t is not the tail)
  if (t.prev !== null) { t.prev.next = t.next; } else { s.head = t.next; }
  t.next.prev = t.prev;
  // append
  t.prev = s.tail;
  t.next = null;
  s.tail.next = t;
  s.tail = t;
};

// Remove a live session from the LRU list and the index (no events).
TCPTracker.prototype._unlink = function (t) {
  const s = this._s;
  if (!t.linked) { return; }
  t.linked = false;
  if (t.prev !== null) { t.prev.next = t.next; } else { s.head = t.next; }
  if (t.next !== null) { t.next.prev = t.prev; } else { s.tail = t.prev; }
  t.prev = null;
  t.next = null;
  const index = s.index;
  const head = index.get(t.hash);
  if (head === t) {
    if (t.chain === undefined) { index.delete(t.hash); } else { index.set(t.hash, t.chain); }
  } else if (head !== undefined) {
    let q = head;
    while (q.chain !== undefined && q.chain !== t) { q = q.chain; }
    if (q.chain === t) { q.chain = t.chain; }
  }
  t.chain = undefined;
  s.count--;
};

// A session ended or was dropped: it leaves tracker.sessions. After `end` or `reset`
// (linger) a record of its endpoints is kept for timeWait.
TCPTracker.prototype._remove = function (session, linger) {
  const t = stateOf(session);
  const s = this._s;
  const wasLinked = t.linked;
  this._unlink(t);
  if (s.published && this.sessions[t.key] === session) { delete this.sessions[t.key]; }
  if (linger && wasLinked && s.options.timeWait > 0 && s.options.maxClosed > 0) {
    s.closed.add(t, t.last);
  }
};

TCPTracker.prototype._drop = function (t, reason) {
  t.session._finish('drop', reason);
  if (t.linked) { this._unlink(t); } // already finished: make sure the loop advances
};

TCPTracker.prototype._expireIdle = function (now) {
  const s = this._s;
  const limit = s.options.idleTimeout / 1000;
  let dropped = 0;
  while (s.head !== null && now - s.head.last > limit) {
    this._drop(s.head, 'idle');
    dropped++;
  }
  return dropped;
};

// Drop sessions idle for longer than idleTimeout. `now` is a capture time in seconds;
// by default the time of the last packet plus the wall-clock time since it was tracked,
// so a live capture can call this from a timer while no packets arrive.
// Returns the number of sessions dropped.
TCPTracker.prototype.expire = function (now) {
  const s = this._s;
  if (now === undefined) {
    now = s.wallAtNow === 0 ? s.now : s.now + (Date.now() - s.wallAtNow) / 1000;
  }
  const closed = s.closed;
  const wait = s.options.timeWait / 1000;
  while (closed.size > 0 && now - closed.oldestTime() > wait) { closed.shift(); }
  if (!(s.options.idleTimeout > 0)) { return 0; }
  return this._expireIdle(now);
};

// End of input: every open session is flushed (reassembly) and dropped with reason
// 'close'; ended-session records are forgotten. The tracker stays usable.
TCPTracker.prototype.close = function () {
  const s = this._s;
  while (s.head !== null) {
    this._drop(s.head, 'close');
  }
  s.closed.clear();
};

exports.TCPSession = TCPSession;
exports.TCPTracker = TCPTracker;
