'use strict';

// TCPTracker: finds each packet's session (lib/tracker/endpoints.js hashing, no strings per
// packet), creates and ends sessions, keeps them in activity order for idleTimeout and
// maxSessions, remembers ended connections for timeWait (ClosedSet), and owns the budget
// of out-of-order bytes that all its sessions' reassemblers share.

const EventEmitter = require('events').EventEmitter;
const util = require('util');
const { fillEndpoints, pairHash, direction, AddrCache } = require('./endpoints');
const { ClosedSet } = require('./closed');
const { Parsed, parsePacket, capTime } = require('./parse');
const { Budget } = require('./budget');
const { TCPSession, stateOf, setEnds } = require('./session');
const { readOptions } = require('./options');

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
  // Out-of-order data held by all sessions' reassemblers (see _enforce).
  this.budget = options.reassemble
    ? new Budget(options.maxBufferedBytesTotal, options.maxBufferedSegmentsTotal) : null;
  this.stats = new Counters();
}

// What tracker.stats() reports besides the current totals (docs/tracker.md).
function Counters() {
  this.gaps = { snaplen: 0, acked: 0, limit: 0, total: 0, end: 0 };      // gap events by reason
  this.gapBytes = { snaplen: 0, acked: 0, limit: 0, total: 0, end: 0 };  // bytes they reported
  this.dropped = { idle: 0, limit: 0, close: 0 };              // sessions dropped by reason
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
    if (t.send !== null) { t.send.release(); }
    if (t.recv !== null) { t.recv.release(); }
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
  t.budget = s.budget;
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
  const dropped = this._s.stats.dropped;
  if (typeof dropped[reason] === 'number') { dropped[reason]++; }
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

// Reassembly: all sessions together hold more out-of-order data than maxBufferedBytesTotal or
// maxBufferedSegmentsTotal. The direction that has been holding data longest gives up the
// hole before its first held segment (a `gap` with reason "total") and delivers what follows,
// until the totals are within the limits again (lib/tracker/budget.js says why the oldest).
TCPTracker.prototype._enforce = function () {
  const budget = this._s.budget;
  while (budget.over() && budget.first !== null) {
    const r = budget.first;
    if (r.skip('total') > 0) {
      const t = r.owner;
      t.session._results(t, r);
    }
  }
};

TCPTracker.prototype._countGap = function (reason, bytes) {
  const stats = this._s.stats;
  if (typeof stats.gaps[reason] === 'number') {
    stats.gaps[reason]++;
    stats.gapBytes[reason] += bytes;
  }
};

// Counters (a new object each call): live sessions, out-of-order data held now and at most
// by all sessions together, gaps and dropped sessions by reason.
TCPTracker.prototype.stats = function () {
  const s = this._s;
  const b = s.budget;
  const c = s.stats;
  return {
    sessions: s.count,
    bufferedBytes: b === null ? 0 : b.bytes,
    bufferedSegments: b === null ? 0 : b.items,
    peakBufferedBytes: b === null ? 0 : b.peakBytes,
    peakBufferedSegments: b === null ? 0 : b.peakItems,
    gaps: Object.assign({}, c.gaps),
    gapBytes: Object.assign({}, c.gapBytes),
    dropped: Object.assign({}, c.dropped),
  };
};

module.exports = { TCPTracker, TCPSession };
