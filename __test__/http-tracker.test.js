'use strict';

// HTTPTracker on HTTP traffic this test makes on lo (Node http server and client, a raw
// pipelining client), IPv4 and IPv6: live, from a pcap file, and from the same file with
// data segments reordered and duplicated.
const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const net = require('net');
const fs = require('fs');
const os = require('os');
const path = require('path');
const EventEmitter = require('events');

const ROOT = path.resolve(__dirname, '..');
const pcap = require(ROOT);
const { HTTPTracker } = require(path.join(ROOT, 'lib', 'http'));
const { TCPTracker } = require(path.join(ROOT, 'tcp_tracker'));

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-http-'));
const HOSTS = ['127.0.0.1', '::1'];
const BIG = 100000;

function delay(ms) { return new Promise((r) => setTimeout(r, ms)); }

// Both loopback addresses on one port.
async function listenBoth(handler) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = http.createServer(handler);
    const port = await new Promise((resolve, reject) => {
      a.once('error', reject);
      a.listen(0, '127.0.0.1', () => resolve(a.address().port));
    });
    const b = http.createServer(handler);
    const ok = await new Promise((resolve) => {
      b.once('error', () => resolve(false));
      b.listen(port, '::1', () => resolve(true));
    });
    if (ok) { return { port, servers: [a, b] }; }
    await new Promise((r) => a.close(r));
  }
  throw new Error('no port free on both 127.0.0.1 and ::1');
}

function handler(req, res) {
  let got = 0;
  req.on('data', (d) => { got += d.length; });
  req.on('end', () => {
    if (req.url === '/a' || req.url === '/p1') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('hello');
    } else if (req.url === '/p2') {
      res.writeHead(200, { 'Content-Length': 3000 });
      res.end('x'.repeat(3000));
    } else if (req.url === '/echo' || req.url === '/up' || req.url === '/p3') {
      res.writeHead(req.url === '/echo' ? 201 : 200, { 'Content-Length': String(got).length });
      res.end(String(got));
    } else if (req.url === '/chunked') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }); // no length: chunked
      res.write('a'.repeat(10));
      setTimeout(() => {
        res.write('b'.repeat(20000));
        setTimeout(() => res.end('c'.repeat(30)), 5);
      }, 5);
    } else if (req.url === '/head') {
      res.writeHead(200, { 'Content-Length': 1234 });
      res.end();
    } else {
      res.writeHead(404, { 'Content-Length': 4 });
      res.end('nope');
    }
  });
}

function request(agent, host, port, method, url, body, chunks) {
  return new Promise((resolve, reject) => {
    const headers = body !== undefined ? { 'Content-Length': body.length } : {};
    const req = http.request({ host, port, method, path: url, agent, headers }, (res) => {
      let n = 0;
      res.on('data', (d) => { n += d.length; });
      res.on('end', () => resolve({ status: res.statusCode, n }));
    });
    req.on('error', reject);
    if (chunks) {
      req.write(chunks[0]);
      setTimeout(() => req.end(chunks[1]), 5);
    } else {
      req.end(body);
    }
  });
}

// Three requests written at once on one connection; the server answers them in order.
function pipelined(host, port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, host, () => {
      sock.write('GET /p1 HTTP/1.1\r\nHost: t\r\n\r\n' +
        'GET /p2 HTTP/1.1\r\nHost: t\r\n\r\n' +
        'POST /p3 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc');
    });
    let text = '';
    sock.on('data', (d) => { text += d.toString('latin1'); });
    sock.on('end', () => { sock.end(); });
    sock.on('close', () => resolve(text));
    sock.on('error', reject);
  });
}

// What every run must report: "family method url status requestBody responseBody".
const EXPECTED = [];
for (const fam of ['v4', 'v6']) {
  EXPECTED.push(
    fam + ' GET /a 200 0 5',
    fam + ' POST /echo 201 ' + BIG + ' ' + String(BIG).length,
    fam + ' POST /up 200 8 1',
    fam + ' GET /chunked 200 0 20040',
    fam + ' HEAD /head 200 0 0',
    fam + ' GET /missing 404 0 4',
    fam + ' GET /p1 200 0 5',
    fam + ' GET /p2 200 0 3000',
    fam + ' POST /p3 200 3 1');
}
EXPECTED.sort();

// Collects everything an HTTPTracker reports.
function collect(h) {
  const r = { requests: [], responses: [], done: [], unanswered: [], errors: [], sessionEvents: 0 };
  h.on('http request', (s, ex) => r.requests.push(ex));
  h.on('http response', (s, ex) => r.responses.push(ex));
  h.on('http response complete', (s, ex) => r.done.push(ex));
  h.on('http unanswered', (s, ex) => r.unanswered.push(ex));
  h.on('http error', (s, dir, err) => r.errors.push(err.code + ' ' + err.message));
  return r;
}

function summary(ex) {
  const fam = ex.client.startsWith('[') ? 'v6' : 'v4';
  return fam + ' ' + ex.request.method + ' ' + ex.request.url + ' ' + ex.response.status_code + ' ' +
    ex.request.body_len + ' ' + ex.response.body_len;
}

function verify(r, t0, t1, strictTimes) {
  assert.deepStrictEqual(r.errors, []);
  assert.deepStrictEqual(r.unanswered.map((ex) => ex.request.url), []);
  assert.strictEqual(r.requests.length, EXPECTED.length, 'each request reported once');
  assert.deepStrictEqual(r.done.map(summary).sort(), EXPECTED);
  for (const ex of r.done) {
    const q = ex.request;
    const s = ex.response;
    for (const v of [q.start_time, q.end_time, s.start_time, s.end_time]) {
      assert.ok(v >= t0 - 1e-6 && v <= t1 + 1e-6, 'time within the capture: ' + v);
    }
    assert.ok(typeof ex.response_time === 'number' && typeof ex.total_time === 'number');
    if (strictTimes) {
      assert.ok(q.start_time <= q.end_time && q.end_time <= s.start_time && s.start_time <= s.end_time,
        q.method + ' ' + q.url + ': times in order');
      assert.ok(ex.response_time >= 0 && ex.total_time >= ex.response_time);
    }
    assert.ok(ex.server.endsWith(':' + PORT), 'server is the listening side');
    if (q.url === '/chunked') { assert.strictEqual(s.chunked, true); }
    if (q.url === '/up') { assert.strictEqual(q.chunked, true); }
    if (q.url === '/echo') { assert.strictEqual(q.content_length, BIG); }
    if (q.url === '/head') { assert.strictEqual(s.content_length, 1234); }
    if (q.url === '/a') {
      assert.strictEqual(s.headers['Content-Type'], 'text/plain');
      assert.strictEqual(q.http_version, '1.1');
      assert.strictEqual(s.status_message, 'OK');
    }
  }
}

let PORT = 0;
const RAWS = [];
let LIVE = null;
let T0 = 0;
let T1 = 0;

function capTime(raw) { return raw.header.readUInt32LE(0) + raw.header.readUInt32LE(4) / 1e6; }

test.before(async () => {
  const { port, servers } = await listenBoth(handler);
  PORT = port;
  const session = pcap.createSession('lo', { filter: 'tcp port ' + port, buffer_timeout: 0, snap_length: 262144 });
  const h = new HTTPTracker(); // its own TCPTracker({ reassemble: true })
  LIVE = collect(h);
  h.on('http request', (s) => { if (s.listenerCount('http request') > 0) { LIVE.sessionEvents++; } });
  session.on('packet', (raw) => {
    RAWS.push({ buf: Buffer.from(raw.buf), header: Buffer.from(raw.header), link_type: raw.link_type });
    h.track_packet(pcap.decode.packet(raw));
  });
  try {
    await delay(100);
    const deadline = setTimeout(() => { throw new Error('HTTP traffic timed out'); }, 15000);
    for (const host of HOSTS) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      assert.deepStrictEqual(await request(agent, host, port, 'GET', '/a'), { status: 200, n: 5 });
      await request(agent, host, port, 'POST', '/echo', Buffer.alloc(BIG, 0x61));
      await request(agent, host, port, 'POST', '/up', undefined, ['abc', 'defgh']);
      assert.deepStrictEqual(await request(agent, host, port, 'GET', '/chunked'), { status: 200, n: 20040 });
      await request(agent, host, port, 'HEAD', '/head');
      assert.strictEqual((await request(agent, host, port, 'GET', '/missing')).status, 404);
      agent.destroy();
      const text = await pipelined(host, port);
      assert.strictEqual(text.split('HTTP/1.1 200').length - 1, 3);
    }
    clearTimeout(deadline);
    await delay(300);
  } finally {
    session.close();
    for (const s of servers) { s.close(); s.closeAllConnections(); }
  }
  h.close();
  T0 = Math.min(...RAWS.map(capTime));
  T1 = Math.max(...RAWS.map(capTime));
});

test.after(() => { fs.rmSync(TMP, { recursive: true, force: true }); });

test('live capture on lo: every request and response once, with method, URL, status, sizes, times', () => {
  assert.ok(RAWS.length > 40, 'captured ' + RAWS.length + ' packets');
  verify(LIVE, T0, T1, true);
});

function writeFile(file, raws) {
  const w = pcap.createWriter(file, { link_type: 'LINKTYPE_ETHERNET' });
  for (const raw of raws) { w.write(raw); }
  w.close();
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const tracker = new TCPTracker({ reassemble: true });
    const h = new HTTPTracker(tracker);
    const r = collect(h);
    tracker.on('session', (s) => s.on('http response complete', () => { r.sessionEvents++; }));
    const session = pcap.createOfflineSession(file, { filter: '' });
    session.on('packet', (raw) => tracker.track_packet(pcap.decode.packet(raw)));
    session.on('error', reject);
    session.on('complete', () => {
      session.close();
      tracker.close();
      resolve(r);
    });
  });
}

test('from a pcap file, through a TCPTracker({ reassemble: true }) the user made', async () => {
  const file = path.join(TMP, 'http.pcap');
  writeFile(file, RAWS);
  const r = await readFile(file);
  verify(r, T0, T1, true);
  assert.strictEqual(r.sessionEvents, EXPECTED.length, 'events also on the TCP session');
});

// Data segments swapped with the next data segment of the same direction (when no data of
// the other direction lies between them), and every third data segment sent again later.
function reorder(raws) {
  const info = raws.map((raw) => {
    const p = pcap.decode.packet(raw);
    const ip = p.payload.payload;
    const tcp = ip && ip.payload;
    const len = tcp && tcp.data ? tcp.data.length : 0;
    return { raw, len, dir: tcp ? String(ip.saddr) + ':' + tcp.sport + '>' + String(ip.daddr) + ':' + tcp.dport : '' };
  });
  const out = info.slice();
  let swaps = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i].len === 0) { continue; }
    let j = i + 1;
    while (j < out.length && out[j].len === 0) { j++; }
    if (j < out.length && out[j].dir === out[i].dir) {
      const a = out[i];
      out[i] = out[j];
      out[j] = a;
      swaps++;
      i = j;
    }
  }
  const final = [];
  let dups = 0;
  let n = 0;
  const later = [];
  for (const x of out) {
    final.push(x.raw);
    while (later.length && later[0].at <= final.length) { final.push(later.shift().raw); }
    if (x.len > 0 && ++n % 3 === 0) { later.push({ raw: x.raw, at: final.length + 2 }); dups++; }
  }
  for (const l of later) { final.push(l.raw); }
  return { raws: final, swaps, dups };
}

test('from a file with data segments reordered and duplicated: same exchanges, once each', async () => {
  const { raws, swaps, dups } = reorder(RAWS);
  assert.ok(swaps >= 4, 'segments swapped: ' + swaps);
  assert.ok(dups >= 4, 'segments duplicated: ' + dups);
  const file = path.join(TMP, 'http-reordered.pcap');
  writeFile(file, raws);
  const r = await readFile(file);
  verify(r, T0, T1, false);
});

// ---------------------------------------------------------------------------
// Streams that are not (or stop being) HTTP: one `http error` per direction, no throw.

function fakeTracker() {
  const tr = new EventEmitter();
  tr.options = { reassemble: true };
  tr.track_packet = () => {};
  tr.close = () => {};
  return tr;
}

function fakeSession(tr) {
  const s = new EventEmitter();
  s.src = '10.0.0.1:5000';
  s.dst = '10.0.0.2:80';
  s.current_cap_time = 100;
  tr.emit('session', s);
  return s;
}

test('garbage: a parse error event for the direction, parsing of it stops, nothing thrown', () => {
  const tr = fakeTracker();
  const h = new HTTPTracker(tr);
  const r = collect(h);
  const errs = [];
  h.on('http error', (s, dir, err) => errs.push(dir + ' ' + err.code));

  let s = fakeSession(tr); // TLS on port 80
  s.emit('data send', s, Buffer.from([0x16, 3, 1, 0, 0xa5, 1, 0, 0, 0xa1]));
  s.emit('data send', s, Buffer.from('GET / HTTP/1.1\r\n\r\n'));
  s.emit('end', s);

  s = fakeSession(tr); // good request, then a response with a bad chunk size
  s.emit('data send', s, Buffer.from('GET /ok HTTP/1.1\r\nHost: a\r\n\r\n'));
  s.emit('data recv', s, Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'));
  s.emit('data recv', s, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
  s.emit('end', s);

  s = fakeSession(tr); // bad Content-Length, bad header line, random bytes in every state
  s.emit('data send', s, Buffer.from('POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n'));
  s.emit('data recv', s, Buffer.from('HTTP/1.1 200 OK\r\nBad Header\r\n\r\n'));
  s.emit('end', s);

  const responsesBefore = r.responses.length;
  for (let i = 0; i < 200; i++) { // random streams cut at random places
    s = fakeSession(tr);
    const start = i % 2 ? 'GET /r HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n' : 'HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n';
    const bytes = Buffer.concat([Buffer.from(start), Buffer.from(Array.from({ length: 64 }, (_, k) => (k * 7919 * (i + 1)) & 0xff))]);
    for (let k = 0; k < bytes.length; k += 1 + (i % 5)) { s.emit(i % 3 ? 'data send' : 'data recv', s, bytes.subarray(k, k + 1 + (i % 5))); }
    s.emit('gap', s, 'send', 3);
    s.emit('end', s);
  }

  assert.deepStrictEqual(errs.slice(0, 4), ['send HPE_NOT_HTTP', 'recv HPE_INVALID_CHUNK_SIZE',
    'send HPE_INVALID_CONTENT_LENGTH', 'recv HPE_INVALID_HEADER_TOKEN']);
  // the first session: nothing after the TLS bytes was parsed
  assert.ok(!r.requests.some((ex) => ex.request.url === '/'));
  // the second: the request and the response head are reported, the broken response never
  // completes, and the valid response after the garbage is not parsed
  assert.strictEqual(r.responses.filter((ex) => ex.request && ex.request.url === '/ok').length, 1);
  assert.strictEqual(r.done.filter((ex) => ex.request && ex.request.url === '/ok').length, 0);
  assert.strictEqual(responsesBefore, 1);
  for (const e of r.errors) { assert.match(e, /^HPE_[A-Z_]+ /); }
  assert.ok(h.stats.errors >= 200);
});

test('gap inside a Content-Length body: counted as lost, next message still parsed', () => {
  const tr = fakeTracker();
  const h = new HTTPTracker(tr);
  const r = collect(h);
  const s = fakeSession(tr);
  s.emit('data send', s, Buffer.from('GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n'));
  s.emit('data recv', s, Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123'));
  s.emit('gap', s, 'recv', 4);
  s.emit('data recv', s, Buffer.from('89HTTP/1.0 200 OK\r\n\r\nuntil close'));
  s.emit('end', s);
  assert.deepStrictEqual(r.errors, []);
  assert.deepStrictEqual(r.done.map((ex) => [ex.request.url, ex.response.body_len, ex.response.body_lost]),
    [['/1', 6, 4], ['/2', 11, 0]]);
});

test('HTTPTracker refuses a TCPTracker without reassembly', () => {
  assert.throws(() => new HTTPTracker(new TCPTracker()), (e) => e.code === 'EINVAL' && /reassemble: true/.test(e.message));
  assert.strictEqual(new HTTPTracker(new TCPTracker({ reassemble: true })).tcpTracker.options.reassemble, true);
});
