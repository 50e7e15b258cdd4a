'use strict';
// Differential test against node_pcap 3.1.0's own tracker (pcap-original) on well-formed
// IPv4 traffic: the same events with the same arguments and the same session_stats(),
// except for the documented fixes (docs/tracker.md):
//  - the payload of a session's first packet is delivered and counted (node_pcap drops it);
//  - every packet's headers are counted in *_bytes_ip/_tcp (node_pcap skips handshake-RST,
//    SYN-retry and closing-state packets), so *_overhead/*_total may only be larger.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { readRaw } = require('./helpers/capture');
const { frame, decode, conversation } = require('./helpers/segments');
const { record } = require('./helpers/record');

const ours = require(path.resolve(__dirname, '..', 'tcp_tracker'));
const original = require('./helpers/original')('tcp_tracker');
const originalDecode = require('./helpers/original')('decode').decode;

const EXACT_STATS = ['recv_times', 'send_times', 'send_retrans', 'recv_retrans', 'connect_duration', 'total_time'];
const EXACT_FIELDS = ['src', 'src_name', 'dst', 'dst_name', 'state', 'current_cap_time', 'syn_time', 'missed_syn',
  'connect_time', 'send_isn', 'send_window_scale', 'send_acks', 'send_retrans', 'send_next_seq', 'send_acked_seq',
  'recv_isn', 'recv_window_scale', 'recv_packets', 'recv_acks', 'recv_retrans', 'recv_next_seq', 'recv_acked_seq'];

function compare(raws) {
  const a = new original.TCPTracker();
  const b = new ours.TCPTracker({ segmentHistory: Infinity }); // node_pcap keeps every key
  const ra = record(a);
  const rb = record(b);
  const firstPayload = new Map(); // key -> payload length of the session's first packet
  const headerBytes = new Map();   // "src>dst" -> ip+tcp header bytes of every packet
  for (const raw of raws) {
    a.track_packet(originalDecode.packet(raw));
    const p = decode(raw);
    const ip = p.payload.payload;
    const tcp = ip.payload;
    const src = ip.saddr + ':' + tcp.sport;
    const dst = ip.daddr + ':' + tcp.dport;
    const key = src < dst ? src + '-' + dst : dst + '-' + src;
    if (!firstPayload.has(key)) { firstPayload.set(key, tcp.dataLength > 0 ? tcp.dataLength : 0); }
    headerBytes.set(src + '>' + dst, (headerBytes.get(src + '>' + dst) || 0) + ip.headerLength + tcp.headerLength);
    b.track_packet(p);
  }
  assert.deepStrictEqual(rb.sessions.map((s) => s.src + ' ' + s.dst), ra.sessions.map((s) => s.src + ' ' + s.dst));
  ra.sessions.forEach((x, i) => {
    const y = rb.sessions[i];
    const key = x.src < x.dst ? x.src + '-' + x.dst : x.dst + '-' + x.src;
    const extra = firstPayload.get(key);
    const expectedEvents = extra > 0 ? [y.events[0]].concat(x.events) : x.events;
    if (extra > 0) { assert.strictEqual(y.events[0][0], 'data send', key); }
    assert.deepStrictEqual(y.events, expectedEvents, key + ': events');
    const X = x.session.session_stats();
    const Y = y.session.session_stats();
    for (const k of EXACT_STATS) { assert.deepStrictEqual(Y[k], X[k], key + ': stats.' + k); }
    assert.strictEqual(Y.send_payload, X.send_payload + extra, key + ': send_payload');
    assert.strictEqual(Y.recv_payload, X.recv_payload, key + ': recv_payload');
    assert.ok(Y.send_overhead >= X.send_overhead && Y.recv_overhead >= X.recv_overhead, key + ': overhead');
    assert.strictEqual(Y.send_overhead, headerBytes.get(x.src + '>' + x.dst), key + ': every packet counted');
    assert.strictEqual(Y.recv_overhead, headerBytes.get(x.dst + '>' + x.src) || 0, key + ': every packet counted');
    for (const f of EXACT_FIELDS) { assert.deepStrictEqual(y.session[f], x.session[f], key + ': ' + f); }
  });
  return ra.sessions.length;
}

async function ipv4Only(file) {
  const raws = await readRaw(file);
  return raws.filter((raw) => {
    const p = decode(raw);
    return p.payload && p.payload.payload && p.payload.payload.constructor.name === 'IPv4';
  });
}

for (const name of ['http-loopback.pcap', 'captures/dns_tcp.pcap', 'captures/dns_tcp_8053.pcap', 'captures/whois.pcap',
  'captures/timestamp_invalid_nano.pcap', 'captures/tfo-5c1fa7f9ae91.pcap']) {
  test(`same events and stats as node_pcap: ${name}`, async () => {
    const n = compare(await ipv4Only(path.join(path.resolve(__dirname, 'fixtures'), name)));
    assert.ok(n >= 1);
  });
}

function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

// Random well-formed IPv4 conversations, interleaved: SYN retries, data both ways,
// retransmissions, reordering within a flight, and both closing orders.
function randomTraffic(seed) {
  const rnd = prng(seed);
  const convs = [];
  for (let i = 0; i < 12; i++) {
    const c = conversation({ client: '192.168.' + (i % 3) + '.' + (10 + i), server: '10.0.0.' + (1 + (i % 2)),
      cport: 30000 + i * 7, sport: 80 + (i % 3), cisn: Math.floor(rnd() * 2 ** 32), sisn: Math.floor(rnd() * 2 ** 32),
      time: 1000 + i * 0.01 + rnd() * 0.01, step: 0.0001 + rnd() * 0.002 });
    c.c('S', undefined, { wscale: Math.floor(rnd() * 10) });
    if (rnd() < 0.2) { c.segs.push(Object.assign({}, c.segs[0], { time: c.segs[0].time + 0.00005 })); }
    c.s('SA', undefined, rnd() < 0.5 ? { wscale: 7 } : undefined);
    c.c('A');
    const rounds = 1 + Math.floor(rnd() * 6);
    for (let r = 0; r < rounds; r++) {
      for (const fromClient of [true, false]) {
        const send = fromClient ? c.c : c.s;
        const ack = fromClient ? c.s : c.c;
        const flight = [];
        const n = 1 + Math.floor(rnd() * 5);
        for (let k = 0; k < n; k++) { flight.push(send('PA', Buffer.alloc(1 + Math.floor(rnd() * 1400), 97 + k))); }
        if (n > 1 && rnd() < 0.3) { // reorder two segments of the flight
          const i1 = c.segs.indexOf(flight[0]);
          [c.segs[i1], c.segs[i1 + 1]] = [c.segs[i1 + 1], c.segs[i1]];
        }
        if (rnd() < 0.3) { c.segs.push(Object.assign({}, flight[Math.floor(rnd() * n)])); } // retransmission
        ack('A');
      }
    }
    if (rnd() < 0.5) { c.c('FA'); c.s('FA'); c.c('A'); } else { c.s('FA'); c.c('FA'); c.s('A'); }
    convs.push(c.segs);
  }
  // interleave the conversations, keeping each one's order
  const out = [];
  const idx = convs.map(() => 0);
  let left = convs.reduce((n, c) => n + c.length, 0);
  while (left > 0) {
    const i = Math.floor(rnd() * convs.length);
    if (idx[i] < convs[i].length) { out.push(convs[i][idx[i]++]); left--; }
  }
  let t = 1000;
  return out.map((seg) => { t += 0.0001; return frame(Object.assign({}, seg, { time: t })); });
}

test('same events and stats as node_pcap on random interleaved IPv4 conversations', () => {
  let sessions = 0;
  for (let seed = 1; seed <= 25; seed++) { sessions += compare(randomTraffic(seed)); }
  assert.strictEqual(sessions, 25 * 12);
});
