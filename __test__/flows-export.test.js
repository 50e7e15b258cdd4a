'use strict';
// IPFIX to a real collector and JSON lines, through examples/flows.js: Debian's nfcapd receives
// the records over UDP on loopback while the tool reads a file at full speed; nfdump then reads
// what nfcapd stored. Flows, packets and bytes equal the tool's own JSON records and counters,
// and nfcapd counts no sequence failure.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const dgram = require('node:dgram');
const { spawn, execFileSync } = require('node:child_process');
const pcap = require('..');
const b = require('./helpers/bytes');
const { writeFlowCapture } = require('./helpers/flowcapture');

const TOOL = path.join(__dirname, '..', 'examples', 'flows.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-flows-export-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function freePort() {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

function portTaken(port) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(true));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

// Starts nfcapd on a free port; stop() ends it and returns nfdump -I's counters.
async function collector(name) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const port = await freePort();
  const child = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(port), '-t', '3600', '-w', dir], { stdio: 'ignore' });
  const deadline = Date.now() + 10000;
  while (!(await portTaken(port))) {
    if (Date.now() > deadline) throw new Error('nfcapd did not start (apt-get install nfdump)');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    async stop() {
      await new Promise((r) => setTimeout(r, 300));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      const out = execFileSync('nfdump', ['-I', '-R', dir], { encoding: 'utf8' });
      const stat = {};
      for (const line of out.split('\n')) {
        const m = /^([A-Za-z_ ]+): (\d+)$/.exec(line.trim());
        if (m) stat[m[1]] = Number(m[2]);
      }
      return stat;
    },
  };
}

function runTool(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TOOL].concat(args), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// A capture of many short flows: `n` TCP connections (SYN, SYN+ACK, ACK, FIN, FIN, ACK) and
// as many one-packet UDP flows, IPv4 and IPv6.
function manyFlows(file, n) {
  const w = pcap.createWriter(file, { link_type: 'LINKTYPE_ETHERNET' });
  let us = 1700000000 * 1e6;
  const put = (frame) => {
    us += 10;
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(us / 1e6), 0);
    h.writeUInt32LE(us % 1e6, 4);
    h.writeUInt32LE(frame.length, 8);
    h.writeUInt32LE(frame.length, 12);
    w.write({ buf: frame, header: h });
  };
  for (let i = 0; i < n; i++) {
    const c = '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255);
    const ip = (fromClient, proto, l4) => (i % 4 === 3
      ? b.eth(0x86dd, b.ipv6(proto, l4, fromClient ? {} : { src: b.V6_DST, dst: b.V6_SRC }))
      : b.eth(0x0800, b.ipv4(proto, l4, fromClient ? { src: c, dst: '192.0.2.1' } : { src: '192.0.2.1', dst: c })));
    const port = 1024 + (i % 60000);
    const seg = (fromClient, flags, seq, ack) => ip(fromClient, 6, b.tcp(fromClient
      ? { sport: port, dport: 80, seq, ack, flags } : { sport: 80, dport: port, seq, ack, flags }));
    put(seg(true, 'S', 100, 0));
    put(seg(false, 'SA', 500, 101));
    put(seg(true, 'A', 101, 501));
    put(seg(true, 'FA', 101, 501));
    put(seg(false, 'FA', 501, 102));
    put(seg(true, 'A', 102, 502));
    put(ip(true, 17, b.udp(port, 53, Buffer.alloc(20 + (i % 50)))));
  }
  w.close();
}

async function exportAndCheck(name, file, extra) {
  const c = await collector(name);
  const json = path.join(tmp, name + '.jsonl');
  const r = await runTool(['-r', file, '--ipfix', '127.0.0.1:' + c.port, '--json', json, '-q'].concat(extra || []));
  const stat = await c.stop();
  assert.strictEqual(r.code, 0, r.stderr);
  const flows = fs.readFileSync(json, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const packets = flows.reduce((n, f) => n + f.fwd.packets + f.rev.packets, 0);
  const bytes = flows.reduce((n, f) => n + f.fwd.bytes + f.rev.bytes, 0);
  // The summary counts connections; uniflow JSON has a line per direction.
  const connections = (extra || []).includes('--uniflow') ? '\\d+' : String(flows.length);
  assert.match(r.stderr, new RegExp('flows: ' + connections + ' flows? from \\d+ packets.*' + '\\d+ IPFIX messages? to 127'));
  assert.doesNotMatch(r.stderr, /refused/);
  assert.strictEqual(stat['Sequence failures'], 0, 'sequence failures');
  assert.strictEqual(stat.Flows, flows.length, 'flows');
  assert.strictEqual(stat.Packets, packets, 'packets');
  assert.strictEqual(stat.Bytes, bytes, 'bytes');
  return { flows: flows.length, packets, bytes };
}

test('IPFIX to nfcapd: the generated capture and http-loopback', async () => {
  const gen = path.join(tmp, 'generated.pcap');
  writeFlowCapture(pcap, gen);
  const a = await exportAndCheck('generated', gen);
  assert.strictEqual(a.flows, 51);
  await exportAndCheck('http', path.join(__dirname, 'fixtures', 'http-loopback.pcap'));
  // One record per direction (the uniflow templates, no reverse elements).
  const u = await exportAndCheck('uniflow', gen, ['--uniflow']);
  assert.strictEqual(u.packets, a.packets);
  assert.ok(u.flows > a.flows);
});

test('IPFIX to nfcapd at full file speed: 60,000 flows, no sequence failure', async () => {
  const file = path.join(tmp, 'many.pcap');
  manyFlows(file, 30000);
  const r = await exportAndCheck('many', file);
  assert.strictEqual(r.flows, 60000);
  assert.strictEqual(r.packets, 30000 * 7);
});

test('JSON lines on standard output and text lines are terminal-safe', async () => {
  const gen = path.join(tmp, 'generated2.pcap');
  writeFlowCapture(pcap, gen);
  const j = await runTool(['-r', gen, '--json', '-', 'tcp port 80']);
  assert.strictEqual(j.code, 0, j.stderr);
  const lines = j.stdout.trim().split('\n');
  assert.strictEqual(lines.length, 1);
  const f = JSON.parse(lines[0]);
  assert.strictEqual(f.host, 'www.example.com\x1b[2J');
  assert.strictEqual(typeof f.first_ns, 'number');
  assert.ok(!/[\x00-\x1f\x7f-\x9f]/.test(j.stdout.replace(/\n/g, '')), 'no raw control character in JSON output'); // eslint-disable-line no-control-regex
  const t = await runTool(['-r', gen]);
  assert.strictEqual(t.code, 0, t.stderr);
  assert.ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(t.stdout), 'no raw control character in text output'); // eslint-disable-line no-control-regex
  assert.match(t.stdout, /host=www\.example\.com\\x1b\[2J/);
  assert.match(t.stdout, /sni=example\.org alpn=h2,http\/1\.1/);
  assert.match(t.stdout, /dns=flows\.example/);
  assert.strictEqual(t.stdout.trim().split('\n').length, 51);
  const bad = await runTool(['-r', gen, '--ipfix', 'nowhere']);
  assert.strictEqual(bad.code, 2);
  assert.match(bad.stderr, /--ipfix wants HOST:PORT/);
});
