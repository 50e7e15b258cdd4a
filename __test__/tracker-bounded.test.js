'use strict';
// Bounded memory: idle timeout, session limit, close(), bounded per-session bookkeeping.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { frame, decode, conversation } = require('./helpers/segments');
const { record } = require('./helpers/record');

const { TCPTracker } = require(path.resolve(__dirname, '..', 'tcp_tracker'));

function feed(tracker, segs) { for (const seg of segs) { tracker.track_packet(decode(frame(seg))); } }

test('options are validated and visible on tracker.options', () => {
  const t = new TCPTracker({ idleTimeout: 5000, maxSessions: 10, reassemble: true });
  assert.strictEqual(t.options.idleTimeout, 5000);
  assert.strictEqual(t.options.maxSessions, 10);
  assert.strictEqual(t.options.reassemble, true);
  assert.strictEqual(new TCPTracker().options.reassemble, false);
  assert.throws(() => new TCPTracker({ maxSessions: -1 }), TypeError);
  assert.throws(() => new TCPTracker({ idleTimeout: 'soon' }), TypeError);
});

test('idleTimeout drops sessions idle for longer (capture time) with a drop event', () => {
  const tracker = new TCPTracker({ idleTimeout: 30000 });
  const rec = record(tracker);
  const trackerDrops = [];
  tracker.on('drop', (s, reason) => trackerDrops.push([s.src, reason]));
  const a = conversation({ cport: 1, time: 100 }).handshake();
  const b = conversation({ cport: 2, time: 110 }).handshake();
  feed(tracker, a.segs.concat(b.segs));
  assert.strictEqual(Object.keys(tracker.sessions).length, 2);
  // 135 s: a idle 35 s (> 30) → dropped; b idle 25 s → kept
  feed(tracker, [{ src: '10.0.0.1', dst: '10.0.0.2', sport: 2, dport: 80, seq: 1001, ack: 5001, flags: 'A', time: 135 }]);
  assert.deepStrictEqual(trackerDrops, [['10.0.0.1:1', 'idle']]);
  assert.deepStrictEqual(rec.sessions[0].events.slice(-1)[0], ['drop', '<session>', 'idle']);
  assert.strictEqual(rec.sessions[0].session.state, 'CLOSED');
  assert.deepStrictEqual(Object.keys(tracker.sessions), ['10.0.0.1:2-10.0.0.2:80']);
  // a packet of the dropped connection starts a new (mid-stream) session
  feed(tracker, [{ src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 1, seq: 5001, ack: 1001, flags: 'A', time: 136 }]);
  assert.strictEqual(rec.sessions.length, 3);
  assert.strictEqual(rec.sessions[2].session.missed_syn, true);
});

test('expire() drops idle sessions without new packets (live captures)', () => {
  const tracker = new TCPTracker({ idleTimeout: 1000 });
  const rec = record(tracker);
  feed(tracker, conversation({ time: 100 }).handshake().segs);
  assert.strictEqual(tracker.expire(100.5), 0);
  assert.strictEqual(tracker.expire(102), 1);
  assert.deepStrictEqual(rec.sessions[0].events.slice(-1)[0], ['drop', '<session>', 'idle']);
  assert.deepStrictEqual(tracker.sessions, {});
});

test('maxSessions drops the least recently active session', () => {
  const tracker = new TCPTracker({ maxSessions: 3 });
  const rec = record(tracker);
  const drops = [];
  tracker.on('drop', (s, reason) => drops.push(s.src + ' ' + reason));
  const convs = [1, 2, 3].map((p) => conversation({ cport: p, time: p }).handshake());
  feed(tracker, convs.flatMap((c) => c.segs));
  convs[0].c('PA', 'keep me busy', { time: 10 }); // 1 is now the most recently active
  feed(tracker, [convs[0].segs[convs[0].segs.length - 1]]);
  feed(tracker, conversation({ cport: 4, time: 11 }).handshake().segs);
  assert.deepStrictEqual(drops, ['10.0.0.1:2 limit']);
  assert.strictEqual(Object.keys(tracker.sessions).length, 3);
  assert.ok(tracker.sessions['10.0.0.1:1-10.0.0.2:80']);
  assert.strictEqual(rec.sessions.length, 4);
});

test('a flood of sessions never holds more than maxSessions', () => {
  const tracker = new TCPTracker({ maxSessions: 100 });
  let dropped = 0;
  tracker.on('drop', () => { dropped++; });
  for (let i = 0; i < 5000; i++) {
    tracker.track_packet(decode(frame({ src: '10.1.' + (i >> 8) + '.' + (i & 255), dst: '10.0.0.1', sport: 1234, dport: 80, flags: 'S', time: 1 + i / 1000 })));
    assert.ok(Object.keys(tracker.sessions).length <= 100);
  }
  assert.strictEqual(dropped, 4900);
  assert.strictEqual(tracker._s.count, 100);
  assert.strictEqual(tracker._s.index.size <= 100, true);
});

test('close() ends every open session with drop "close" and leaves the tracker usable', () => {
  const tracker = new TCPTracker();
  const rec = record(tracker);
  const a = conversation({ cport: 1 }).handshake();
  const b = conversation({ cport: 2 }).handshake();
  feed(tracker, a.segs.concat(b.segs));
  tracker.close();
  assert.deepStrictEqual(rec.sessions.map((x) => x.events.slice(-1)[0]), [['drop', '<session>', 'close'], ['drop', '<session>', 'close']]);
  assert.deepStrictEqual(tracker.sessions, {});
  assert.ok(rec.sessions.every((x) => typeof x.session.close_time === 'number'));
  feed(tracker, conversation({ cport: 3 }).handshake().segs);
  assert.strictEqual(rec.sessions.length, 3);
});

test('per-session bookkeeping stays bounded over a long connection', () => {
  const tracker = new TCPTracker({ segmentHistory: 64 });
  const rec = record(tracker);
  const c = conversation({}).handshake();
  feed(tracker, c.segs);
  const s = rec.sessions[0].session;
  for (let i = 0; i < 20000; i++) {
    c.c('PA', 'abcdefgh');
    c.s('A');
    if (i % 10 === 0) { c.s('PA', 'r'); c.c('A'); }
    feed(tracker, c.segs.splice(0));
  }
  for (const f of ['send_packets', 'send_acks', 'recv_packets', 'recv_acks', 'send_retrans', 'recv_retrans']) {
    assert.ok(Object.keys(s[f]).length <= 128, f + ' has ' + Object.keys(s[f]).length);
  }
  assert.ok(Object.keys(s.send_packets).length >= 64);
  assert.strictEqual(s.send_bytes_payload, 20000 * 8);
  assert.strictEqual(rec.sessions[0].send.length, 20000);
});

test('a retransmission older than the history window is still recognised', () => {
  const tracker = new TCPTracker({ segmentHistory: 4 });
  const rec = record(tracker);
  const c = conversation({}).handshake();
  const first = c.c('PA', 'old');
  for (let i = 0; i < 20; i++) { c.c('PA', 'new' + i); }
  c.c('PA', 'old', { seq: first.seq });
  feed(tracker, c.segs);
  const ev = rec.sessions[0].events;
  assert.strictEqual(ev[ev.length - 1][0], 'retransmit');
  assert.strictEqual(rec.sessions[0].send.length, 21);
});

test('ended-session records (for stray packets) are bounded by maxClosed and timeWait', () => {
  const tracker = new TCPTracker({ maxClosed: 10, timeWait: 1000 });
  for (let i = 0; i < 50; i++) {
    const c = conversation({ cport: 1000 + i, time: 10 + i * 0.01 }).handshake();
    c.close();
    feed(tracker, c.segs);
  }
  assert.ok(tracker._s.closed.size <= 10);
  feed(tracker, conversation({ cport: 9, time: 100 }).handshake().segs);
  assert.strictEqual(tracker._s.closed.size, 0, 'expired after timeWait');
});

test('session_stats works on a long connection with bounded maps', () => {
  const tracker = new TCPTracker({ segmentHistory: 8 });
  const rec = record(tracker);
  const c = conversation({ step: 0.25 }).handshake();
  for (let i = 0; i < 100; i++) { c.c('PA', 'q'); c.s('A'); }
  feed(tracker, c.segs);
  const st = rec.sessions[0].session.session_stats();
  const times = Object.values(st.send_times);
  assert.ok(times.length >= 8 && times.length <= 16);
  assert.ok(times.every((x) => x === 0.25));
});

test('ended-session records: exactly the last maxClosed ended connections absorb stray packets', () => {
  // Many connections end; stray ACKs of the most recent maxClosed are ignored, older ones
  // start new (mid-stream) sessions. Exercises record eviction and the record index.
  const max = 37;
  const tracker = new TCPTracker({ maxClosed: max, timeWait: 3600000 });
  const rec = record(tracker);
  const strays = [];
  const n = 600;
  for (let i = 0; i < n; i++) {
    const v6 = i % 3 === 0;
    const c = conversation(v6
      ? { client: 'fd00::' + (i % 7 + 1).toString(16), server: 'fd00::ff', cport: 20000 + i, time: 10 + i * 0.01 }
      : { client: '10.9.' + (i % 5) + '.1', cport: 20000 + i, time: 10 + i * 0.01 }).handshake();
    c.close();
    feed(tracker, c.segs);
    const last = c.segs[c.segs.length - 1];
    strays.push(Object.assign({}, last, { time: 100 }));
  }
  assert.strictEqual(rec.sessions.length, n);
  assert.strictEqual(tracker._s.closed.size, max);
  // stray packets of the connections that ended last are ignored ...
  feed(tracker, strays.slice(n - max));
  assert.strictEqual(rec.sessions.length, n);
  // ... those of older connections open new sessions (records were evicted)
  feed(tracker, strays.slice(n - max - 20, n - max));
  assert.strictEqual(rec.sessions.length, n + 20);
  assert.ok(rec.sessions.slice(n).every((x) => x.session.missed_syn === true));
  // a new SYN on a recorded connection starts a new session
  const again = conversation({ client: '10.9.' + ((n - 1) % 5) + '.1', cport: 20000 + n - 1, time: 200 }).handshake();
  feed(tracker, again.segs);
  assert.strictEqual(rec.sessions.length, n + 21);
  assert.deepStrictEqual(rec.sessions[n + 20].events.map((e) => e[0]), ['start']);
});

test('by default at most 100,000 sessions are open: a SYN flood cannot grow the tracker without bound', () => {
  const tracker = new TCPTracker();
  assert.strictEqual(tracker.options.maxSessions, 100000);
  const drops = [];
  tracker.on('drop', (s, reason) => drops.push([s.src, reason]));
  for (let i = 0; i < 100005; i++) {
    tracker.track_packet(decode(frame({ src: '10.' + (i >> 16) + '.' + ((i >> 8) & 255) + '.' + (i & 255), dst: '10.200.0.1',
      sport: 1234, dport: 80, flags: 'S', time: 1 + i / 1e6 })));
  }
  assert.strictEqual(tracker._s.count, 100000);
  assert.deepStrictEqual(drops.map((d) => d[1]), ['limit', 'limit', 'limit', 'limit', 'limit']);
  assert.deepStrictEqual(drops[0][0], '10.0.0.0:1234', 'the least recently active goes first');
  assert.strictEqual(new TCPTracker({ maxSessions: 0 }).options.maxSessions, 0, '0 keeps node_pcap\'s no-limit behaviour');
});
