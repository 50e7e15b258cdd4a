'use strict';
// Tracker-wide limits: a flood across many connections against the TCPTracker's budget of
// out-of-order data and the HTTPTracker's budget of waiting requests and partial heads.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const crypto = require('node:crypto');
const { frame, decode, conversation } = require('./helpers/segments');

const ROOT = path.resolve(__dirname, '..');
const { TCPTracker } = require(path.join(ROOT, 'tcp_tracker'));
const { HTTPTracker } = require(path.join(ROOT, 'lib', 'http'));

function feed(tracker, segs) { for (const seg of segs) { tracker.track_packet(decode(frame(seg))); } }

function flooder(i) {
  return { src: '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255), dst: '192.168.0.1', sport: 1024 + (i % 50000), dport: 443 };
}

// Connection i of a flood: handshake, then one segment 100,000 bytes ahead of the stream
// (a hole that will never fill).
function farAhead(i, size, time) {
  const e = flooder(i);
  const back = { src: e.dst, dst: e.src, sport: e.dport, dport: e.sport };
  return [
    { ...e, seq: 1000, flags: 'S', time }, { ...back, seq: 9000, ack: 1001, flags: 'SA', time },
    { ...e, seq: 1001, ack: 9001, flags: 'A', time },
    { ...e, seq: 1001 + 100000, ack: 9001, flags: 'PA', data: Buffer.alloc(size, i & 255), time },
  ];
}

// A normal connection whose segments arrive out of order within a window of `window`
// segments, so each of its holes fills soon.
function normal(port, data, window, time) {
  const c = conversation({ client: '172.16.0.1', server: '172.16.0.2', cport: port, time, step: 0 }).handshake();
  const segs = [];
  for (let off = 0; off < data.length; off += 500) { segs.push(c.c('PA', data.subarray(off, off + 500))); }
  const body = [];
  for (let k = 0; k < segs.length; k += window) { body.push(...segs.slice(k, k + window).reverse()); }
  return c.segs.slice(0, 3).concat(body);
}

test('defaults: tracker-wide limits are on, and stats() starts at zero', () => {
  const t = new TCPTracker({ reassemble: true });
  assert.strictEqual(t.options.maxBufferedBytesTotal, 64 * 1024 * 1024);
  assert.strictEqual(t.options.maxBufferedSegmentsTotal, 65536);
  assert.deepStrictEqual(t.stats(), {
    sessions: 0, bufferedBytes: 0, bufferedSegments: 0, peakBufferedBytes: 0, peakBufferedSegments: 0,
    gaps: { snaplen: 0, acked: 0, limit: 0, total: 0, end: 0 }, gapBytes: { snaplen: 0, acked: 0, limit: 0, total: 0, end: 0 },
    dropped: { idle: 0, limit: 0, close: 0 },
  });
  assert.throws(() => new TCPTracker({ maxBufferedBytesTotal: -1 }), TypeError);
  const h = new HTTPTracker();
  assert.strictEqual(h.options.maxPendingTotal, 65536);
  assert.strictEqual(h.options.maxBufferedTotal, 64 * 1024 * 1024);
  assert.throws(() => new HTTPTracker({ maxPendingTotal: 'many' }), TypeError);
});

// Heap plus ArrayBuffer memory after full collections (gc exposed at run time).
require('node:v8').setFlagsFromString('--expose-gc');
const gc = require('node:vm').runInNewContext('gc');
function heapAndBuffers() {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// 10,000 flood connections (segments of `size` bytes) with a normal session every 1,000;
// only counters are kept, so what the memory grows by is the tracker's.
function flood(options, size) {
  const tracker = new TCPTracker(Object.assign({ reassemble: true, maxSessions: 0 }, options));
  const out = { tracker, gaps: [], normal: new Map(), maxBuffered: 0, normalGaps: 0 };
  tracker.on('gap', (s, dir, bytes, reason, seq) => {
    if (out.gaps.length < 3) { out.gaps.push([s.src, dir, bytes, reason, seq]); }
  });
  tracker.on('session', (s) => {
    if (!s.src.startsWith('172.16.')) { return; }
    const parts = [];
    out.normal.set(s.src, parts);
    s.on('data send', (x, data) => parts.push(Buffer.from(data)));
    s.on('gap', () => { out.normalGaps++; });
  });
  out.sent = new Map();
  const before = heapAndBuffers();
  for (let i = 0; i < 10000; i++) {
    feed(tracker, farAhead(i, size, 1000 + i / 1000));
    const b = tracker.stats().bufferedBytes;
    if (b > out.maxBuffered) { out.maxBuffered = b; }
    if (i % 1000 === 500) {
      const data = crypto.randomBytes(20000);
      out.sent.set('172.16.0.1:' + (30000 + i), data);
      feed(tracker, normal(30000 + i, data, 4, 1000 + i / 1000));
    }
  }
  out.grown = heapAndBuffers() - before;
  return out;
}

const MB = (n) => (n / 1048576).toFixed(1) + ' MB';

test('a flood of far-ahead segments on 10,000 connections stays within the budget; normal sessions deliver', (t) => {
  const SIZE = 8000;
  const CAP = 1000 * SIZE; // the budget holds 1,000 of the 10,000 segments
  const f = flood({ maxBufferedBytesTotal: CAP }, SIZE);
  const st = f.tracker.stats();
  assert.strictEqual(st.sessions, 10010);
  assert.strictEqual(f.maxBuffered, CAP, 'the budget filled and was never exceeded after a packet');
  assert.deepStrictEqual([st.bufferedBytes, st.bufferedSegments], [CAP, 1000]);
  assert.ok(st.peakBufferedBytes <= CAP + SIZE, 'over by at most the segment that tipped it: ' + st.peakBufferedBytes);
  // every flood segment beyond the budget: its hole given up (reason "total"), its data delivered
  assert.strictEqual(st.gaps.total, 9000);
  assert.strictEqual(st.gapBytes.total, 9000 * 100000);
  assert.deepStrictEqual([st.gaps.limit, st.gaps.end, st.gaps.snaplen], [0, 0, 0]);
  assert.deepStrictEqual(f.gaps[0], ['10.0.0.0:1024', 'send', 100000, 'total', 1001], 'the oldest holder gave up first');
  assert.deepStrictEqual(f.gaps[1][0], '10.0.0.1:1025');
  // the normal sessions: every byte, in order, no gap
  assert.strictEqual(f.normal.size, 10);
  for (const [src, data] of f.sent) { assert.deepStrictEqual(Buffer.concat(f.normal.get(src)), data, src); }
  assert.strictEqual(f.normalGaps, 0);
  // memory: the sessions' bookkeeping (~2.1 KB each, measured) plus at most the budget's data
  // (its copies plus ~0.6 KB of heap per segment); the same flood without the budget, below,
  // holds all 80 MB
  const bound = 10010 * 3000 + CAP * 1.5;
  assert.ok(f.grown < bound, 'heap + buffers grew by ' + MB(f.grown) + ' (bound ' + MB(bound) + ')');
  // the end: the 1,000 segments still held are delivered after their holes (reason "end")
  f.tracker.close();
  const end = f.tracker.stats();
  assert.deepStrictEqual([end.sessions, end.bufferedBytes, end.bufferedSegments, end.gaps.end], [0, 0, 0, 1000]);
  assert.strictEqual(end.dropped.close, 10010);
  t.diagnostic('with the budget: heap + buffers +' + MB(f.grown) + ', peak held ' + MB(st.peakBufferedBytes));
});

test('without tracker-wide limits the same flood holds everything (what the budget prevents)', (t) => {
  const f = flood({ maxBufferedBytesTotal: Infinity, maxBufferedSegmentsTotal: Infinity }, 8000);
  const st = f.tracker.stats();
  assert.deepStrictEqual([st.bufferedBytes, st.bufferedSegments, st.gaps.total], [80000000, 10000, 0]);
  assert.ok(f.grown > 80000000, 'the measurement sees the held data: +' + MB(f.grown));
  t.diagnostic('without it: heap + buffers +' + MB(f.grown));
});

test('the segment budget: many tiny segments count by number', () => {
  const tracker = new TCPTracker({ reassemble: true, maxBufferedSegmentsTotal: 50 });
  for (let i = 0; i < 500; i++) { feed(tracker, farAhead(i, 1, 1000)); }
  const st = tracker.stats();
  assert.deepStrictEqual([st.bufferedSegments, st.bufferedBytes, st.gaps.total], [50, 50, 450]);
});

test('the oldest holder gives up first, even when it is not the one receiving the packet', () => {
  const tracker = new TCPTracker({ reassemble: true, maxBufferedBytesTotal: 250 });
  const order = [];
  tracker.on('gap', (s, dir, bytes, reason) => order.push(s.src + ' ' + dir + ' ' + reason));
  const convs = [1, 2, 3].map((p) => conversation({ cport: p, time: p }).handshake());
  for (const c of convs) { feed(tracker, c.segs); }
  // each client holds 100 bytes after a 10-byte hole; the third tips the total over 250
  const held = convs.map((c) => { const base = c.cseq; return { ...c.c('PA', Buffer.alloc(100, 0x41)), seq: base + 10 }; });
  feed(tracker, held.slice(0, 2));
  assert.deepStrictEqual(order, []);
  feed(tracker, held.slice(2));
  assert.deepStrictEqual(order, ['10.0.0.1:1 send total']);
  assert.strictEqual(tracker.stats().bufferedBytes, 200);
});

test('a listener may end sessions while the budget is enforced', () => {
  const tracker = new TCPTracker({ reassemble: true, maxBufferedSegmentsTotal: 10 });
  let closed = 0;
  tracker.on('gap', (s, dir, bytes, reason) => { if (reason === 'total' && closed++ === 0) { tracker.close(); } });
  for (let i = 0; i < 30; i++) { feed(tracker, farAhead(i, 10, 1000)); }
  const st = tracker.stats();
  assert.ok(st.bufferedSegments <= 10);
  assert.strictEqual(st.dropped.close, 11, 'the first close() ended the 11 sessions open then');
});

// ---------------------------------------------------------------------------
// HTTPTracker

function httpConn(i, text, time) {
  const e = flooder(i);
  const back = { src: e.dst, dst: e.src, sport: e.dport, dport: e.sport };
  return [
    { ...e, seq: 1000, flags: 'S', time }, { ...back, seq: 9000, ack: 1001, flags: 'SA', time },
    { ...e, seq: 1001, ack: 9001, flags: 'A', time },
    { ...e, seq: 1001, ack: 9001, flags: 'PA', data: Buffer.from(text, 'latin1'), time },
  ];
}

test('HTTP: a flood of unanswered requests on 10,000 connections stays within maxPendingTotal', () => {
  const http = new HTTPTracker({ maxPendingTotal: 1000, tcp: { maxSessions: 0 } });
  const drops = [];
  http.on('http drop', (s, info) => drops.push({ s, info }));
  const done = [];
  http.on('http response complete', (s, x) => done.push(x.request.url + ' ' + x.response.status_code));
  const pipelined = 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n';
  let maxPending = 0;
  for (let i = 0; i < 10000; i++) {
    feed(http, httpConn(i, pipelined, 1000 + i / 1000));
    maxPending = Math.max(maxPending, http.stats.pending);
    if (i % 1000 === 999) { // a normal exchange now and then
      const c = conversation({ client: '172.16.0.1', server: '172.16.0.2', cport: 40000 + i, time: 1000 + i / 1000 }).handshake();
      c.c('PA', 'GET /normal' + i + ' HTTP/1.1\r\nHost: y\r\n\r\n');
      c.s('PA', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      feed(http, c.segs);
    }
  }
  assert.strictEqual(maxPending, 1000);
  assert.ok(http.stats.peakPending <= 1001);
  // two waiting requests per flood connection; the oldest connections were dropped
  const kept = http.stats.pending / 2;
  assert.ok(kept >= 499 && kept <= 500, 'connections kept: ' + kept);
  assert.strictEqual(http.stats.dropped, 10000 - kept);
  assert.strictEqual(drops.length, 10000 - kept);
  assert.strictEqual(drops[0].s.src, '10.0.0.0:1024');
  assert.strictEqual(drops[0].info.reason, 'total');
  assert.deepStrictEqual(drops[0].info.pending.map((x) => x.request.url), ['/a', '/b']);
  assert.ok(drops[0].info.bytes > 0);
  assert.deepStrictEqual(done, Array.from({ length: 10 }, (_, k) => '/normal' + (k * 1000 + 999) + ' 200'));
  // requests reported = kept + normal; dropped connections' requests were reported in `http drop`
  http.close();
  assert.deepStrictEqual([http.stats.pending, http.stats.bufferedBytes], [0, 0]);
  assert.strictEqual(http.stats.unanswered, kept * 2, 'the kept requests end unanswered at close');
});

test('HTTP: partial heads across many connections stay within maxBufferedTotal', () => {
  const http = new HTTPTracker({ maxBufferedTotal: 100000 });
  const drops = [];
  http.on('http drop', (s, info) => drops.push(info));
  const partial = 'GET /slow HTTP/1.1\r\nX-Pad: ' + 'p'.repeat(1000); // never ends
  for (let i = 0; i < 1000; i++) {
    feed(http, httpConn(i, partial, 1000));
    assert.ok(http.stats.bufferedBytes <= 100000);
  }
  assert.strictEqual(drops.length, 1000 - Math.floor(100000 / partial.length));
  assert.deepStrictEqual(drops[0], { reason: 'total', bytes: partial.length, pending: [] });
  assert.strictEqual(http.stats.dropped, drops.length);
  assert.ok(http.stats.peakBufferedBytes <= 100000 + partial.length);
});
