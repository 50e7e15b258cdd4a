'use strict';

// The example tools (examples/print.js, http_trace.js, dns_trace.js) run as child processes:
// http_trace live on lo while this test sends HTTP traffic, then all three on a capture file
// of HTTP and DNS (UDP and TCP) traffic the test made on lo.
const test = require('node:test');
const assert = require('node:assert');
const http = require('http');
const net = require('net');
const dgram = require('dgram');
const dns = require('dns');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, execFile } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const EX = path.join(ROOT, 'examples');
const pcap = require(ROOT);
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-examples-'));
const FILE = path.join(TMP, 'traffic.pcap');

function delay(ms) { return new Promise((r) => setTimeout(r, ms)); }

function tool(name, args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(EX, name), ...args], { timeout: 20000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

function lines(s) { return s.split('\n').filter(Boolean); }

// --- traffic ---------------------------------------------------------------------------

async function listenBoth(make) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = make();
    const port = await new Promise((resolve, reject) => {
      a.once('error', reject);
      a.listen(0, '127.0.0.1', () => resolve(a.address().port));
    });
    const b = make();
    const ok = await new Promise((resolve) => {
      b.once('error', () => resolve(false));
      b.listen(port, '::1', () => resolve(true));
    });
    if (ok) { return { port, servers: [a, b] }; }
    await new Promise((r) => a.close(r));
  }
  throw new Error('no port free on both loopback addresses');
}

function httpHandler(req, res) {
  let body = '';
  req.on('data', (d) => { body += d; });
  req.on('end', () => {
    if (req.url === '/hello') {
      res.writeHead(200, { 'Content-Length': 5, 'X-Test': 'yes' });
      res.end('howdy');
    } else {
      res.writeHead(201); // chunked
      res.end('got ' + body);
    }
  });
}

function httpRequest(agent, host, port, method, url, hostHeader, body) {
  return new Promise((resolve, reject) => {
    const headers = { Host: hostHeader };
    if (body) { headers['Content-Length'] = body.length; }
    const req = http.request({ host, port, method, path: url, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function httpTraffic(port) {
  for (const host of ['127.0.0.1', '::1']) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    assert.strictEqual(await httpRequest(agent, host, port, 'GET', '/hello', 'www.example.test'), 200);
    assert.strictEqual(await httpRequest(agent, host, port, 'POST', '/submit', 'api.example.test', 'data=1'), 201);
    agent.destroy();
  }
}

// A DNS answer for a query: one A or AAAA record.
function dnsAnswer(query) {
  let o = 12;
  while (o < query.length && query[o] !== 0) { o += query[o] + 1; }
  const qtype = query.readUInt16BE(o + 1);
  const question = query.subarray(12, o + 5);
  const rdata = qtype === 28 ? Buffer.from('20010db8000000000000000000000007', 'hex') : Buffer.from([192, 0, 2, qtype === 1 && question.includes('tcp') ? 8 : 7]);
  const head = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  head.writeUInt16BE(query.readUInt16BE(0), 0);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(qtype, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(60, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, question, rr, rdata]);
}

function dnsQuery(id, name) {
  const parts = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const head = Buffer.from([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  head.writeUInt16BE(id, 0);
  return Buffer.concat([head, ...parts, Buffer.from([0, 0, 1, 0, 1])]);
}

async function dnsServers() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => udp.send(dnsAnswer(msg), rinfo.port, rinfo.address));
    const port = await new Promise((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)));
    const tcp = net.createServer((sock) => {
      let buf = Buffer.alloc(0);
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          const q = buf.subarray(2, 2 + buf.readUInt16BE(0));
          buf = buf.subarray(2 + q.length);
          const a = dnsAnswer(q);
          const len = Buffer.alloc(2);
          len.writeUInt16BE(a.length);
          sock.write(Buffer.concat([len, a]));
        }
      });
      sock.on('error', () => {});
    });
    const ok = await new Promise((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) { return { port, udp, tcp }; }
    udp.close();
  }
  throw new Error('no DNS port free');
}

async function dnsTraffic(port) {
  const r = new dns.promises.Resolver({ timeout: 2000, tries: 1 });
  r.setServers(['127.0.0.1:' + port]);
  assert.deepStrictEqual(await r.resolve4('www.example.test'), ['192.0.2.7']);
  assert.deepStrictEqual(await r.resolve6('v6.example.test'), ['2001:db8::7']);
  // DNS over TCP: two length-prefixed queries on one connection
  await new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      const q1 = dnsQuery(0x1234, 'tcp.example.test');
      const q2 = dnsQuery(0x1235, 'tcp2.example.test');
      const framed = [q1, q2].map((q) => { const l = Buffer.alloc(2); l.writeUInt16BE(q.length); return Buffer.concat([l, q]); });
      sock.write(Buffer.concat(framed));
    });
    let got = 0;
    sock.on('data', (d) => { got += d.length; if (got >= 2 * 50) { sock.end(); } });
    sock.on('close', resolve);
    sock.on('error', reject);
  });
}

// --- the run ------------------------------------------------------------------------------

let HPORT = 0;
let DPORT = 0;
let LIVE = null;

test.before(async () => {
  const web = await listenBoth(() => http.createServer(httpHandler));
  const dnsSrv = await dnsServers();
  HPORT = web.port;
  DPORT = dnsSrv.port;
  const capture = pcap.createSession('lo', {
    filter: 'port ' + HPORT + ' or port ' + DPORT, buffer_timeout: 0, snap_length: 262144, outfile: FILE,
  });
  let packets = 0;
  capture.on('packet', () => { packets++; });
  // http_trace, live on lo, as a child process
  const child = spawn(process.execPath, [path.join(EX, 'http_trace.js'), '-i', 'lo', '-p', String(HPORT), '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  const listening = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('http_trace did not start: ' + stderr)), 10000);
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/listening on lo/.test(stderr)) { clearTimeout(t); resolve(); }
    });
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    await listening;
    await delay(100);
    await httpTraffic(HPORT);
    await dnsTraffic(DPORT);
    await delay(400);
  } finally {
    child.kill('SIGINT');
    capture.close();
    for (const s of web.servers) { s.close(); s.closeAllConnections(); }
    dnsSrv.udp.close();
    dnsSrv.tcp.close();
  }
  const killer = setTimeout(() => child.kill('SIGKILL'), 10000);
  const exit = await exited;
  clearTimeout(killer);
  LIVE = { stdout, stderr, exit, packets };
});

test.after(() => { fs.rmSync(TMP, { recursive: true, force: true }); });

function exchanges(stdout) {
  return lines(stdout).map((l) => JSON.parse(l)).map((x) =>
    (x.client.startsWith('[') ? 'v6 ' : 'v4 ') + x.request.method + ' ' + x.request.url + ' ' +
    x.response.status_code + ' ' + x.request.body_len + ' ' + x.response.body_len);
}

const HTTP_EXPECTED = ['v4 GET /hello 200 0 5', 'v4 POST /submit 201 6 10', 'v6 GET /hello 200 0 5', 'v6 POST /submit 201 6 10'];

test('http_trace live on lo (-i lo --json): each exchange, exit 0 after SIGINT', () => {
  assert.deepStrictEqual(LIVE.exit, { code: 0, signal: null }, LIVE.stderr);
  assert.deepStrictEqual(exchanges(LIVE.stdout).sort(), HTTP_EXPECTED);
  assert.match(LIVE.stderr, /4 requests, 4 responses, 0 unanswered, 0 parse errors, 2 TCP connections; drops: 0 by the kernel/);
  for (const x of lines(LIVE.stdout).map((l) => JSON.parse(l))) {
    assert.ok(x.total_time >= x.response_time && x.response_time >= 0);
    assert.ok(x.server.endsWith(':' + HPORT));
  }
});

test('http_trace -r: one line per exchange; --method, --host, --url filters; --headers, --bodies', async () => {
  let r = await tool('http_trace.js', ['-r', FILE, '-p', String(HPORT)]);
  assert.strictEqual(r.code, 0, r.stderr);
  let out = lines(r.stdout);
  assert.strictEqual(out.length, 4);
  assert.strictEqual(out.filter((l) => /127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ GET \/hello HTTP\/1\.1 \(0 B\) => 200 OK \(5 B\) [\d.]+ ms/.test(l)).length, 1);
  assert.strictEqual(out.filter((l) => /\[::1\]:\d+ -> \[::1\]:\d+ POST \/submit HTTP\/1\.1 \(6 B\) => 201 Created \(10 B, chunked\)/.test(l)).length, 1);

  r = await tool('http_trace.js', ['-r', FILE, '--method', 'post']);
  out = lines(r.stdout);
  assert.strictEqual(out.length, 2);
  assert.ok(out.every((l) => / POST \/submit /.test(l)));

  r = await tool('http_trace.js', ['-r', FILE, '--url', '^/hel']);
  assert.deepStrictEqual(lines(r.stdout).map((l) => / (GET|POST) (\S+)/.exec(l)[2]), ['/hello', '/hello']);

  r = await tool('http_trace.js', ['-r', FILE, '--host', 'api.example.test']);
  assert.strictEqual(lines(r.stdout).length, 2);
  r = await tool('http_trace.js', ['-r', FILE, '--host', 'example.test']);
  assert.strictEqual(lines(r.stdout).length, 4);
  r = await tool('http_trace.js', ['-r', FILE, '--host', 'other.test']);
  assert.strictEqual(r.stdout, '');

  r = await tool('http_trace.js', ['-r', FILE, '--headers', '--bodies', '--method', 'POST', '--url', 'submit']);
  assert.strictEqual(r.code, 0);
  assert.match(r.stdout, /\n {4}> Host: api\.example\.test\n/);
  assert.match(r.stdout, /\n {4}> data=1\n/);
  assert.match(r.stdout, /\n {4}< Transfer-Encoding: chunked\n/);
  assert.match(r.stdout, /\n {4}< got data=1\n/);
});

test('dns_trace -r: UDP and TCP queries and answers, matched, with the time taken', async () => {
  const r = await tool('dns_trace.js', ['-r', FILE, '-p', String(DPORT)]);
  assert.strictEqual(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const has = (re) => assert.strictEqual(out.filter((l) => re.test(l)).length, 1, re + '\n' + r.stdout);
  has(/127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ query #\d+ A www\.example\.test$/);
  has(/ answer #\d+ A www\.example\.test NOERROR: A 192\.0\.2\.7 \([\d.]+ ms\)$/);
  has(/ answer #\d+ AAAA v6\.example\.test NOERROR: AAAA 2001:db8::7 \([\d.]+ ms\)$/);
  has(/ query #4660 A tcp\.example\.test \[tcp\]$/);
  has(/ answer #4660 A tcp\.example\.test NOERROR: A 192\.0\.2\.8 \([\d.]+ ms\) \[tcp\]$/);
  has(/ answer #4661 A tcp2\.example\.test NOERROR: A 192\.0\.2\.8 \([\d.]+ ms\) \[tcp\]$/);
  assert.match(r.stderr, /^4 queries, 4 answers, 0 unanswered, 0 malformed; drops: 0/);

  const a = await tool('dns_trace.js', ['-r', FILE, '-p', String(DPORT), '--answers', '--name', '^tcp2']);
  assert.deepStrictEqual(lines(a.stdout).length, 1);
  assert.match(a.stdout, /answer #4661/);
});

test('print -r: one line per packet, per-protocol counts and drops in the summary', async () => {
  const r = await tool('print.js', ['-r', FILE]);
  assert.strictEqual(r.code, 0, r.stderr);
  const out = lines(r.stdout);
  const n = +/^(\d+) packets read$/m.exec(r.stderr)[1];
  assert.strictEqual(out.length, n);
  assert.ok(n >= 20 && n <= LIVE.packets, n + ' of ' + LIVE.packets);
  assert.ok(out.every((l) => /^\d\d:\d\d:\d\d\.\d{6} LINKTYPE_ETHERNET /.test(l)));
  const udp = out.filter((l) => / UDP /.test(l)).length;
  const tcp = out.filter((l) => / TCP /.test(l)).length;
  assert.strictEqual(udp, 4);
  assert.strictEqual(udp + tcp, n);
  assert.match(r.stderr, new RegExp('protocols: .*TCP ' + tcp + '.*'));
  assert.match(r.stderr, new RegExp('UDP ' + udp));
  assert.match(r.stderr, /IPv6 \d+/);
  assert.match(r.stderr, /^drops: 0 by the kernel, 0 by the interface, 0 by the application buffer$/m);

  const c = await tool('print.js', ['-r', FILE, '-c', '3', '-t']);
  assert.strictEqual(lines(c.stdout).length, 3);
  assert.ok(lines(c.stdout).every((l) => l.startsWith('LINKTYPE_ETHERNET ')));
  const f = await tool('print.js', ['-r', FILE, 'udp', 'and', 'port', String(DPORT)]);
  assert.strictEqual(lines(f.stdout).length, 4);
  assert.match(f.stderr, /^4 packets read\nprotocols: Ethernet 4, IPv4 4, UDP 4\n/);
});

test('errors: one line with the code and exit 1; usage errors exit 2; --help exits 0', async () => {
  let r = await tool('print.js', ['-r', path.join(TMP, 'missing.pcap')]);
  assert.strictEqual(r.code, 1);
  assert.match(r.stderr, /^print: ENOENT: .*missing\.pcap.*\n$/);
  r = await tool('http_trace.js', ['-r', FILE, 'tcp port']);
  assert.strictEqual(r.code, 1);
  assert.match(r.stderr, /^http_trace: EFILTER: /);
  r = await tool('dns_trace.js', ['-i', 'nosuchdev0']);
  assert.strictEqual(r.code, 1);
  assert.match(r.stderr, /^dns_trace: ENODEV: .*\n$/);
  r = await tool('print.js', ['--frobnicate']);
  assert.strictEqual(r.code, 2);
  assert.match(r.stderr, /unknown option --frobnicate\nTry 'print --help'/);
  r = await tool('http_trace.js', ['-r', FILE, '-i', 'lo']);
  assert.strictEqual(r.code, 2);
  r = await tool('http_trace.js', ['-r', FILE, '--url', '(']);
  assert.strictEqual(r.code, 2);
  for (const name of ['print.js', 'http_trace.js', 'dns_trace.js']) {
    r = await tool(name, ['--help']);
    assert.strictEqual(r.code, 0);
    assert.match(r.stdout, new RegExp('^Usage: ' + name.replace('.', '\\.') + ' \\[-i IFACE \\| -r FILE\\]'));
    assert.match(r.stdout, /-r, --read FILE/);
  }
});
