'use strict';
// TCPTracker / TCPSession: node_pcap 3.1.0's API (compat.md §2.8, C-150…C-170).
const test = require('node:test');
const assert = require('node:assert');
const util = require('node:util');
const path = require('node:path');
const { frame, decode, conversation } = require('./helpers/segments');
const { record } = require('./helpers/record');

const ROOT = path.resolve(__dirname, '..');
const { TCPTracker, TCPSession } = require(path.join(ROOT, 'tcp_tracker'));
const Original = require('./helpers/original')('tcp_tracker');

function feed(tracker, segs) {
  for (const seg of segs) { tracker.track_packet(decode(frame(seg))); }
}

test('module exports and deep require', () => {
  assert.strictEqual(typeof TCPTracker, 'function');
  assert.strictEqual(typeof TCPSession, 'function');
  const pcap = require(ROOT);
  assert.strictEqual(pcap.TCPTracker, TCPTracker);
  assert.strictEqual(pcap.TCPSession, TCPSession);
  assert.strictEqual(require(path.join(ROOT, 'pcap.js')).TCPTracker, TCPTracker);
});

test('new TCPTracker() is an EventEmitter with an empty sessions map', () => {
  const t = new TCPTracker();
  assert.ok(t instanceof require('events').EventEmitter);
  assert.deepStrictEqual(t.sessions, {});
  assert.strictEqual(Object.keys(t)[0], 'sessions');
});

test('TCPSession own fields are node_pcap\'s, in the same order', () => {
  const ours = Object.keys(new TCPSession());
  const theirs = Object.keys(new Original.TCPSession());
  assert.deepStrictEqual(ours, theirs);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(new TCPSession())), JSON.parse(JSON.stringify(new Original.TCPSession())));
});

test('state methods exist on the prototype (C-169)', () => {
  for (const name of ['SYN_SENT', 'SYN_RCVD', 'ESTAB', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING', 'CLOSED', 'track', 'session_stats']) {
    assert.strictEqual(typeof TCPSession.prototype[name], 'function', name);
  }
  assert.strictEqual(typeof TCPTracker.prototype.track_packet, 'function');
});

test('a full connection: events, their arguments and order, states, fields', () => {
  const tracker = new TCPTracker();
  const rec = record(tracker);
  const states = [];
  let sessionArg;
  tracker.on('session', (s) => {
    sessionArg = s;
    states.push(s.state);
  });
  const c = conversation({ client: '10.1.2.3', server: '10.9.8.7', cport: 51000, sport: 8080, time: 1500000000.25 });
  c.c('S', undefined, { wscale: 7 });
  c.s('SA', undefined, { wscale: 8 });
  c.c('A');
  c.c('PA', 'GET / HTTP/1.1\r\n\r\n');
  c.s('A');
  c.s('PA', 'HTTP/1.1 200 OK\r\n\r\nhi');
  c.c('A');
  c.close();
  feed(tracker, c.segs);

  assert.strictEqual(rec.sessions.length, 1);
  const s = rec.sessions[0].session;
  assert.strictEqual(s, sessionArg);
  assert.strictEqual(states[0], 'SYN_SENT', 'session is emitted after the first packet was tracked');
  assert.ok(s instanceof TCPSession);
  assert.strictEqual(s.src, '10.1.2.3:51000');
  assert.strictEqual(s.dst, '10.9.8.7:8080');
  assert.strictEqual(s.src_name, s.src);
  assert.strictEqual(s.dst_name, s.dst);
  assert.deepStrictEqual(rec.sessions[0].events.map((e) => e[0]), ['start', 'data send', 'data recv', 'end']);
  assert.deepStrictEqual(rec.sessions[0].events[1], ['data send', '<session>', 'buf:' + Buffer.from('GET / HTTP/1.1\r\n\r\n').toString('hex')]);
  assert.strictEqual(s.state, 'CLOSED');
  assert.strictEqual(s.send_isn, 1000);
  assert.strictEqual(s.recv_isn, 5000);
  assert.strictEqual(s.send_window_scale, 7);
  assert.strictEqual(s.recv_window_scale, 8);
  assert.strictEqual(s.missed_syn, null);
  assert.strictEqual(s.syn_time, 1500000000.25);
  assert.ok(Math.abs(s.connect_time - 1500000000.252) < 1e-6);
  assert.ok(Math.abs(s.current_cap_time - (1500000000.25 + 0.009)) < 1e-6, 'current_cap_time = tv_sec + tv_usec/1e6');
  assert.ok(Math.abs(s.close_time - s.current_cap_time) < 1e-9);
  assert.strictEqual(Object.keys(s).indexOf('close_time'), Object.keys(s).length - 1, 'close_time is appended last');
  assert.strictEqual(s.send_bytes_payload, 18);
  assert.strictEqual(s.recv_bytes_payload, 21);
  assert.strictEqual(s.send_next_seq, 1001);
});

test('session events are not emitted on the tracker (C-170)', () => {
  const tracker = new TCPTracker();
  const seen = [];
  for (const name of ['start', 'end', 'data send', 'data recv', 'retransmit', 'reset', 'syn retry']) {
    tracker.on(name, () => seen.push(name));
  }
  const c = conversation({}).handshake();
  c.c('PA', 'x');
  c.c('PA', 'y', { seq: c.cseq - 1 });
  c.close();
  feed(tracker, c.segs);
  assert.deepStrictEqual(seen, []);
});

test('tracker.sessions key is "ip:port-ip:port" in lexicographic order', () => {
  const tracker = new TCPTracker();
  let key;
  tracker.on('session', (s) => { key = Object.keys(tracker.sessions).find((k) => tracker.sessions[k] === s); });
  feed(tracker, [{ src: '10.0.0.9', dst: '10.0.0.10', sport: 5, dport: 6, flags: 'S' }]);
  // '10.0.0.10:6' < '10.0.0.9:5' as strings
  assert.strictEqual(key, '10.0.0.10:6-10.0.0.9:5');
});

test('retransmit and syn retry events with node_pcap\'s arguments', () => {
  const tracker = new TCPTracker();
  const rec = record(tracker);
  const c = conversation({});
  c.c('S');
  c.segs.push(Object.assign({}, c.segs[0], { time: 1000.0005 })); // SYN again
  c.s('SA');
  c.c('A');
  const first = c.c('PA', 'abc');
  c.c('PA', 'abc', { seq: first.seq }); // retransmission
  c.s('PA', 'zz');
  c.s('PA', 'zz', { seq: 5001 });
  feed(tracker, c.segs);
  const ev = rec.sessions[0].events;
  assert.deepStrictEqual(ev.map((e) => e[0]), ['syn retry', 'start', 'data send', 'retransmit', 'data recv', 'retransmit']);
  assert.deepStrictEqual(ev[3], ['retransmit', '<session>', 'send', String(1001 + 3)]);
  assert.deepStrictEqual(ev[5], ['retransmit', '<session>', 'recv', String(5001 + 2)]);
  const s = rec.sessions[0].session;
  assert.deepStrictEqual(s.send_retrans, { 1004: 1 });
  assert.deepStrictEqual(s.recv_retrans, { 5003: 1 });
  assert.strictEqual(s.send_bytes_payload, 6, 'retransmitted bytes are counted, as node_pcap does');
});

test('session_stats() has node_pcap\'s keys, order and values', () => {
  const tracker = new TCPTracker();
  const rec = record(tracker);
  const c = conversation({ time: 100, step: 0.5 }).handshake();
  c.c('PA', 'hello');
  c.s('A');
  c.s('PA', 'world!');
  c.c('A');
  c.close();
  feed(tracker, c.segs);
  const st = rec.sessions[0].session.session_stats();
  // node_pcap on the same packets
  const orig = new Original.TCPTracker();
  let origSession;
  orig.on('session', (s) => { origSession = s; });
  const origDecode = require('./helpers/original')('decode').decode;
  for (const seg of c.segs) { orig.track_packet(origDecode.packet(frame(seg))); }
  const ost = origSession.session_stats();
  for (const k of ['recv_times', 'send_times', 'send_retrans', 'recv_retrans', 'connect_duration', 'total_time', 'send_payload', 'recv_payload']) {
    assert.deepStrictEqual(st[k], ost[k], k);
  }
  assert.deepStrictEqual(Object.keys(st), ['recv_times', 'send_times', 'send_retrans', 'recv_retrans', 'connect_duration',
    'total_time', 'send_overhead', 'send_payload', 'send_total', 'recv_overhead', 'recv_payload', 'recv_total']);
  assert.deepStrictEqual(st.send_times, { 1006: 1 }); // the last ack of 1006 counts, as in node_pcap
  assert.deepStrictEqual(st.recv_times, { 5001: 1, 5007: 1 });
  assert.strictEqual(st.connect_duration, 1);
  assert.strictEqual(st.total_time, 4.5);
  assert.strictEqual(st.send_payload, 5);
  assert.strictEqual(st.recv_payload, 6);
  assert.strictEqual(st.send_overhead, 6 * 40);
  assert.strictEqual(st.recv_overhead, 4 * 40);
  assert.strictEqual(st.send_total, 245);
  assert.strictEqual(st.recv_total, 166);
});

test('joining a connection in progress: ESTAB with missed_syn, no start', () => {
  const tracker = new TCPTracker();
  const rec = record(tracker);
  feed(tracker, [
    { src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 40000, seq: 7, ack: 9, flags: 'A', time: 50 },
    { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 80, seq: 9, ack: 7, flags: 'PA', data: 'q', time: 51 },
  ]);
  const s = rec.sessions[0].session;
  assert.strictEqual(s.state, 'ESTAB');
  assert.strictEqual(s.missed_syn, true);
  assert.strictEqual(s.connect_time, 50);
  assert.strictEqual(s.src, '10.0.0.2:80', 'src is the sender of the first packet seen');
  assert.deepStrictEqual(rec.sessions[0].events.map((e) => e[0]), ['data recv']);
});

test('data Buffers stay valid after the handler returns', () => {
  const tracker = new TCPTracker();
  const kept = [];
  tracker.on('session', (s) => s.on('data send', (sess, data) => kept.push(data)));
  const c = conversation({}).handshake();
  for (let i = 0; i < 50; i++) { c.c('PA', 'chunk-' + i); }
  feed(tracker, c.segs);
  assert.strictEqual(kept.length, 50);
  kept.forEach((b, i) => assert.strictEqual(b.toString(), 'chunk-' + i));
});

test('a standalone TCPSession can track packets itself (session.track)', () => {
  const s = new TCPSession();
  const events = [];
  s.on('start', () => events.push('start'));
  s.on('data send', (x, d) => events.push('send ' + d));
  s.on('end', () => events.push('end'));
  const c = conversation({}).handshake();
  c.c('PA', 'abc');
  c.close();
  for (const seg of c.segs) { s.track(decode(frame(seg))); }
  assert.deepStrictEqual(events, ['start', 'send abc', 'end']);
  assert.strictEqual(s.state, 'CLOSED');
});

test('util.inspect of a session works and shows node_pcap\'s field names', () => {
  const tracker = new TCPTracker();
  const rec = record(tracker);
  feed(tracker, conversation({}).handshake().segs);
  const text = util.inspect(rec.sessions[0].session);
  for (const f of ['src', 'dst_name', 'send_isn', 'recv_bytes_payload', 'send_packets']) { assert.ok(text.includes(f), f); }
  assert.ok(!text.includes('_t:'), 'internal state is hidden');
});

test('a node_pcap-era tool (http_trace style) works unmodified', () => {
  // The shape of http_trace / redis_trace: names from DNSCache, data handlers, stats on end.
  const pcap = require(ROOT);
  const dns_cache = new pcap.DNSCache({ reverse: (ip, cb) => setImmediate(cb, null, ['host-' + ip]) });
  const tcp_tracker = new pcap.TCPTracker();
  const lines = [];
  tcp_tracker.on('session', function (session) {
    session.src_name = dns_cache.ptr(session.src.split(':')[0]) + ':' + session.src.split(':')[1];
    lines.push('Start of TCP session between ' + session.src_name + ' and ' + session.dst_name);
    session.on('data send', function (session, data) { lines.push(session.src_name + ' -> ' + data.length); });
    session.on('data recv', function (session, data) { lines.push(session.dst_name + ' -> ' + data.length); });
    session.on('retransmit', function (session, direction, seq) { lines.push('retransmit ' + direction + ' ' + seq); });
    session.on('end', function (session) {
      const stats = session.session_stats();
      lines.push('End of TCP session ' + stats.send_payload + '/' + stats.recv_payload);
    });
  });
  tcp_tracker.on('reset', () => lines.push('never'));
  const c = conversation({}).handshake();
  c.c('PA', 'GET / HTTP/1.0\r\n\r\n');
  c.s('PA', 'HTTP/1.0 200 OK\r\n\r\n');
  c.close();
  for (const seg of c.segs) { tcp_tracker.track_packet(pcap.decode.packet(frame(seg))); }
  assert.deepStrictEqual(lines, [
    'Start of TCP session between 10.0.0.1:40000 and 10.0.0.2:80',
    '10.0.0.1:40000 -> 18', '10.0.0.2:80 -> 19', 'End of TCP session 18/19',
  ]);
});

// tracker.sessions is built on first read (or assignment) and kept up to date from then on; it must
// always equal what a tracker whose sessions were read from the start holds.
test('tracker.sessions first read at any point equals one kept from the start', async () => {
  const { readDecoded } = require('./helpers/capture');
  const FIXTURE = path.join(ROOT, '__test__', 'fixtures', 'http-loopback.pcap');
  const packets = await readDecoded(FIXTURE);
  const view = (sessions) => Object.keys(sessions).map((k) => [k, sessions[k].src, sessions[k].dst, sessions[k].state]);
  const eager = new TCPTracker();
  void eager.sessions;
  const firstReadAt = [0, 1, 137, 1000, 2222, packets.length - 1];
  const lazy = firstReadAt.map(() => new TCPTracker());
  const assigned = new TCPTracker();
  assigned.sessions = {};
  let compared = 0;
  let largest = 0;
  packets.forEach((p, i) => {
    eager.track_packet(p);
    assigned.track_packet(p);
    lazy.forEach((t) => t.track_packet(p));
    firstReadAt.forEach((at, j) => {
      if (i < at) return;
      const want = view(eager.sessions);
      assert.deepStrictEqual(view(lazy[j].sessions), want, 'first read at ' + at + ', packet ' + i);
      largest = Math.max(largest, want.length);
      compared++;
    });
    assert.deepStrictEqual(view(assigned.sessions), view(eager.sessions), 'assigned, packet ' + i);
  });
  assert.ok(compared > 10000 && largest >= 3, `compared ${compared} times, at most ${largest} live sessions`);
  assert.ok(util.inspect(new TCPTracker()).includes('sessions: {}'));
});

test('a session deleted from tracker.sessions by the user is forgotten; the next packet starts a new one', () => {
  const tracker = new TCPTracker();
  const rec = record(tracker);
  const c = conversation({}).handshake();
  feed(tracker, c.segs);
  const key = Object.keys(tracker.sessions)[0];
  delete tracker.sessions[key];
  c.c('PA', 'more');
  feed(tracker, c.segs.slice(-1));
  assert.strictEqual(rec.sessions.length, 2);
  assert.strictEqual(rec.sessions[1].session.missed_syn, true);
  assert.deepStrictEqual(Object.keys(tracker.sessions), [key]);
  assert.strictEqual(tracker.sessions[key], rec.sessions[1].session);
});

test('tracker.sessions assigned by the program is the object the tracker keeps up to date', () => {
  // before any packet
  const a = new TCPTracker();
  const mine = {};
  a.sessions = mine;
  feed(a, conversation({ cport: 1 }).handshake().segs);
  assert.strictEqual(a.sessions, mine);
  assert.deepStrictEqual(Object.keys(mine), ['10.0.0.1:1-10.0.0.2:80']);
  // in the middle of a connection, as node_pcap 3.1.0: the next packet starts a second session
  const originalDecode = require('./helpers/original')('decode').decode;
  const counts = [];
  for (const [T, dec] of [[TCPTracker, decode], [Original.TCPTracker, originalDecode.packet.bind(originalDecode)]]) {
    const t = new T();
    let n = 0;
    t.on('session', () => { n++; });
    const c = conversation({ cport: 2 }).handshake();
    for (const seg of c.segs) { t.track_packet(dec(frame(seg))); }
    const fresh = {};
    t.sessions = fresh;
    c.c('PA', 'after');
    t.track_packet(dec(frame(c.segs[c.segs.length - 1])));
    assert.strictEqual(t.sessions, fresh);
    assert.strictEqual(Object.keys(fresh).length, 1);
    counts.push(n);
  }
  assert.deepStrictEqual(counts, [2, 2]);
  // undefined is stored as given, not replaced by the live sessions
  const u = new TCPTracker();
  feed(u, conversation({ cport: 3 }).handshake().segs);
  u.sessions = undefined;
  assert.strictEqual(u.sessions, undefined);
});

test('tracker.sessions: subclasses with a class field or a prototype accessor, and sealed trackers', () => {
  class WithField extends TCPTracker { sessions = {}; }
  const f = new WithField();
  feed(f, conversation({}).handshake().segs);
  assert.deepStrictEqual(Object.keys(f.sessions), ['10.0.0.1:40000-10.0.0.2:80']);

  const stored = [];
  class WithAccessor extends TCPTracker {
    get sessions() { return this._mine; }
    set sessions(v) { stored.push(v); this._mine = v; }
  }
  const w = new WithAccessor();
  feed(w, conversation({}).handshake().segs);
  assert.strictEqual(stored.length, 1);
  assert.deepStrictEqual(Object.keys(w._mine), ['10.0.0.1:40000-10.0.0.2:80']);

  const sealed = Object.seal(new TCPTracker());
  feed(sealed, conversation({ cport: 7 }).handshake().segs);
  assert.deepStrictEqual(Object.keys(sealed.sessions), ['10.0.0.1:7-10.0.0.2:80']);
  assert.strictEqual(sealed.sessions, sealed.sessions);
  feed(sealed, conversation({ cport: 8 }).handshake().segs);
  assert.deepStrictEqual(Object.keys(sealed.sessions), ['10.0.0.1:7-10.0.0.2:80', '10.0.0.1:8-10.0.0.2:80']);
});
