'use strict';
// Where the tracker deliberately differs from node_pcap (issue 4 §2; docs/tracker.md).
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { frame, decode, conversation } = require('./helpers/segments');
const { record } = require('./helpers/record');

const { TCPTracker } = require(path.resolve(__dirname, '..', 'tcp_tracker'));

function run(segs, options) {
  const tracker = new TCPTracker(options);
  const rec = record(tracker);
  for (const seg of segs) { tracker.track_packet(decode(frame(seg))); }
  return { tracker, rec };
}

function names(entry) { return entry.events.map((e) => e[0]); }

test('IPv6 sessions are tracked, named "[addr]:port" in compressed form', () => {
  const c = conversation({ client: '2001:db8:0:0:0:0:0:1', server: '2001:db8::a:0:0:2', cport: 33000, sport: 443 }).handshake();
  c.c('PA', 'hello v6');
  c.s('PA', 'reply');
  c.close();
  const { tracker, rec } = run(c.segs);
  assert.strictEqual(rec.sessions.length, 1);
  const e = rec.sessions[0];
  assert.strictEqual(e.session.src, '[2001:db8::1]:33000');
  assert.strictEqual(e.session.dst, '[2001:db8::a:0:0:2]:443'); // RFC 5952: first of two equal zero runs
  assert.deepStrictEqual(names(e), ['start', 'data send', 'data recv', 'end']);
  assert.strictEqual(e.session.send_bytes_payload, 8);
  assert.strictEqual(e.session.send_bytes_ip, 5 * 40);
  assert.deepStrictEqual(tracker.sessions, {}, 'removed after end');
});

test('IPv6 loopback and an IPv4 session with the same ports are different sessions', () => {
  const a = conversation({ client: '::1', server: '::1', cport: 1, sport: 2 }).handshake();
  const b = conversation({ client: '0.0.0.1', server: '0.0.0.1', cport: 1, sport: 2 }).handshake();
  const { tracker, rec } = run(a.segs.concat(b.segs));
  assert.deepStrictEqual(rec.sessions.map((x) => x.src), ['[::1]:1', '0.0.0.1:1']);
  assert.deepStrictEqual(Object.keys(tracker.sessions).sort(), ['0.0.0.1:1-0.0.0.1:2', '[::1]:1-[::1]:2']);
  assert.ok(rec.sessions.every((x) => x.events[0][0] === 'start'));
});

for (const link of ['eth', 'raw', 'sll', 'sll2', 'null']) {
  for (const v6 of [false, true]) {
    test(`link type ${link}, ${v6 ? 'IPv6' : 'IPv4'}: the IP layer is found`, () => {
      const c = conversation(v6 ? { client: 'fd00::1', server: 'fd00::2', link } : { link }).handshake();
      c.c('PA', 'x');
      const { rec } = run(c.segs);
      assert.strictEqual(rec.sessions.length, 1);
      assert.deepStrictEqual(names(rec.sessions[0]), ['start', 'data send']);
    });
  }
}

test('802.1Q VLAN-tagged frames are tracked', () => {
  const c = conversation({ vlan: 42 }).handshake();
  c.c('PA', 'tagged');
  const { rec } = run(c.segs);
  assert.deepStrictEqual(names(rec.sessions[0]), ['start', 'data send']);
});

test('RST in ESTAB: reset (with direction), then the session is gone', () => {
  const c = conversation({}).handshake();
  c.c('PA', 'abc');
  c.s('RA');
  c.c('PA', 'late', { seq: c.cseq }); // stray packet after the reset: ignored
  const { tracker, rec } = run(c.segs);
  assert.strictEqual(rec.sessions.length, 1);
  assert.deepStrictEqual(rec.sessions[0].events.slice(-1)[0], ['reset', '<session>', 'recv']);
  assert.strictEqual(rec.sessions[0].session.state, 'CLOSED');
  assert.deepStrictEqual(tracker.sessions, {});
});

test('RST from the client side is reported as "send"; RST in SYN_SENT as node_pcap ("recv")', () => {
  const a = conversation({ cport: 1 }).handshake();
  a.c('R');
  const b = conversation({ cport: 2 });
  b.c('S');
  b.s('RA');
  const { rec } = run(a.segs.concat(b.segs));
  assert.deepStrictEqual(rec.sessions[0].events.slice(-1)[0], ['reset', '<session>', 'send']);
  assert.deepStrictEqual(rec.sessions[1].events, [['reset', '<session>', 'recv']]);
});

test('RST in every state ends the session', () => {
  const steps = [['S'], ['S', 'SA'], ['S', 'SA', 'A'], ['S', 'SA', 'A', 'cFA'], ['S', 'SA', 'A', 'sFA'],
    ['S', 'SA', 'A', 'cFA', 'sFA'], ['S', 'SA', 'A', 'sFA', 'cFA']];
  for (const seq of steps) {
    const c = conversation({});
    for (const st of seq) {
      if (st === 'S') { c.c('S'); } else if (st === 'SA') { c.s('SA'); } else if (st === 'A') { c.c('A'); } else if (st === 'cFA') { c.c('FA'); } else { c.s('FA'); }
    }
    c.s('R');
    const { tracker, rec } = run(c.segs);
    assert.strictEqual(names(rec.sessions[0]).slice(-1)[0], 'reset', seq.join(','));
    assert.deepStrictEqual(tracker.sessions, {}, seq.join(','));
  }
});

test('a session is removed when it ends, so a reused port pair starts a new one', () => {
  const a = conversation({ time: 10 }).handshake();
  a.c('PA', 'one');
  a.close();
  const b = conversation({ time: 20, cisn: 90000 }).handshake();
  b.c('PA', 'two');
  b.close();
  const { tracker, rec } = run(a.segs.concat(b.segs));
  assert.strictEqual(rec.sessions.length, 2);
  assert.deepStrictEqual(rec.sessions.map(names), [['start', 'data send', 'end'], ['start', 'data send', 'end']]);
  assert.strictEqual(rec.sessions[1].send[0].toString(), 'two');
  assert.deepStrictEqual(tracker.sessions, {});
});

test('stray packets right after the end (retransmitted FIN/ACK) do not open a new session', () => {
  const c = conversation({}).handshake();
  c.close();
  const last = c.segs[c.segs.length - 1];
  c.segs.push(Object.assign({}, last, { time: last.time + 0.01 }));
  c.segs.push(Object.assign({}, c.segs[c.segs.length - 3], { time: last.time + 0.02 })); // server FIN again
  const { tracker, rec } = run(c.segs);
  assert.strictEqual(rec.sessions.length, 1);
  assert.deepStrictEqual(tracker.sessions, {});
  // Ended-session records no longer hold the session (memory), so stray packets are ignored
  // without being counted, as node_pcap's CLOSED state does.
  assert.strictEqual(rec.sessions[0].session.send_bytes_tcp, 4 * 20, 'stragglers are not counted after the end');
  assert.deepStrictEqual(rec.sessions[0].events.map((e) => e[0]), ['start', 'end']);
});

test('sequence numbers wrap at 2^32: retransmits and ack times still match', () => {
  const c = conversation({ cisn: 0xfffffff0, sisn: 0xfffffffa }).handshake();
  const seg = c.c('PA', 'x'.repeat(40)); // crosses 2^32
  c.s('A');
  c.c('PA', 'x'.repeat(40), { seq: seg.seq }); // retransmission
  c.s('PA', 'y'.repeat(10)); // server seq wraps too
  c.c('A');
  const { rec } = run(c.segs);
  const e = rec.sessions[0];
  const end = (0xfffffff1 + 40) % 2 ** 32;
  assert.deepStrictEqual(names(e), ['start', 'data send', 'retransmit', 'data recv']);
  assert.deepStrictEqual(e.events[2], ['retransmit', '<session>', 'send', String(end)]);
  const st = e.session.session_stats();
  assert.deepStrictEqual(Object.keys(st.send_times), [String(end)]);
  assert.deepStrictEqual(Object.keys(st.recv_times).map(Number), [0xfffffffb, (0xfffffffb + 10) % 2 ** 32].sort((x, y) => x - y));
  assert.ok(Object.keys(e.session.send_packets).every((k) => Number(k) < 2 ** 32));
});

test('nothing is printed: no console output for any packet (non-TCP, malformed, odd states)', () => {
  const writes = [];
  const origOut = process.stdout.write;
  const origErr = process.stderr.write;
  process.stdout.write = function (chunk) { writes.push(String(chunk)); return true; };
  process.stderr.write = function (chunk) { writes.push(String(chunk)); return true; };
  try {
    const tracker = new TCPTracker();
    tracker.track_packet(null);
    tracker.track_packet({});
    tracker.track_packet({ payload: 'need to implement LLDP' });
    tracker.track_packet(decode({ buf: Buffer.from([1, 2, 3]), header: Buffer.alloc(16), link_type: 'LINKTYPE_ETHERNET' }));
    const c = conversation({}).handshake();
    c.c('PA', 'abc');
    c.s('PA', 'abc', { seq: 4242 });
    c.c('FPA', 'x');
    c.s('A', undefined, { truncate: 30 });
    c.c('S');
    for (const seg of c.segs) { tracker.track_packet(decode(frame(seg))); }
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
  }
  assert.deepStrictEqual(writes, []);
});

test('payload of the first packet seen (joined mid-stream) is delivered and counted', () => {
  const segs = [
    { src: '10.0.0.1', dst: '10.0.0.2', sport: 1000, dport: 80, seq: 50, ack: 70, flags: 'PA', data: 'first' },
    { src: '10.0.0.2', dst: '10.0.0.1', sport: 80, dport: 1000, seq: 70, ack: 55, flags: 'PA', data: 'second' },
  ];
  const { rec } = run(segs);
  assert.deepStrictEqual(rec.sessions[0].events.map((e) => e[0]), ['data send', 'data recv']);
  assert.strictEqual(rec.sessions[0].send[0].toString(), 'first');
  assert.strictEqual(rec.sessions[0].session.send_bytes_payload, 5);
});

test('half-closed connections: data after the peer\'s FIN is delivered and counted', () => {
  const c = conversation({}).handshake();
  c.c('PA', 'request');
  c.c('FA'); // client shuts down its side
  c.s('PA', 'response after FIN');
  c.s('FA');
  c.c('A');
  const { rec } = run(c.segs);
  const e = rec.sessions[0];
  assert.deepStrictEqual(names(e), ['start', 'data send', 'data recv', 'end']);
  assert.strictEqual(e.session.recv_bytes_payload, 18);
});

test('data on the handshake ACK and on a SYN (TCP Fast Open) is delivered', () => {
  const c = conversation({});
  c.c('S', 'tfo-data');
  c.s('SA');
  c.c('PA', 'with-ack');
  const { rec } = run(c.segs);
  assert.deepStrictEqual(rec.sessions[0].send.map(String), ['tfo-data', 'with-ack']);
  assert.deepStrictEqual(names(rec.sessions[0]), ['data send', 'start', 'data send']);
});

test('non-first IPv4 fragments are not taken for TCP segments', () => {
  const raw = frame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, flags: 'S' });
  raw.buf[14 + 6] = 0x00;
  raw.buf[14 + 7] = 0x10; // fragment offset 128 bytes
  const tracker = new TCPTracker();
  const rec = record(tracker);
  tracker.track_packet(decode(raw));
  assert.strictEqual(rec.sessions.length, 0);
});

test('payload length never exceeds what the frame carried (bogus IP total length)', () => {
  const raw = frame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2, flags: 'PA', data: 'abcd' });
  raw.buf.writeUInt16BE(900, 14 + 2); // IP total length larger than the frame on the wire
  const tracker = new TCPTracker();
  const rec = record(tracker);
  tracker.track_packet(decode(raw));
  assert.strictEqual(rec.sessions[0].session.send_bytes_payload, 4);
});

test('snap-length truncated segments count their full length', () => {
  const c = conversation({}).handshake();
  c.c('PA', 'z'.repeat(100), { truncate: 60 });
  const { rec } = run(c.segs);
  assert.strictEqual(rec.sessions[0].session.send_bytes_payload, 100);
  assert.strictEqual(rec.sessions[0].send[0].length, 40);
});
