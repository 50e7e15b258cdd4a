// ESM import, async iteration with backpressure, AbortSignal, pause/resume.
import test from 'node:test';
import assert from 'node:assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pcap, {
  createSession, createOfflineSession, decode, TCPTracker, TCPSession, DNSCache, HTTPTracker, findalldevs, lib_version,
  warningHandler, PcapSession, createWriter,
} from '../index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const HTTP = path.resolve(here, 'fixtures/http-loopback.pcap');
const require = createRequire(import.meta.url);

test('ESM: default and named imports are the CommonJS exports', () => {
  const cjs = require('..');
  assert.strictEqual(pcap, cjs);
  assert.strictEqual(createSession, cjs.createSession);
  assert.strictEqual(createOfflineSession, cjs.createOfflineSession);
  assert.strictEqual(decode, cjs.decode);
  assert.strictEqual(decode.packet, decode);
  assert.strictEqual(TCPTracker, cjs.TCPTracker);
  assert.strictEqual(findalldevs, cjs.findalldevs);
  assert.strictEqual(lib_version, cjs.lib_version);
  assert.strictEqual(TCPSession, cjs.TCPSession);
  assert.strictEqual(DNSCache, cjs.DNSCache);
  assert.strictEqual(HTTPTracker, cjs.HTTPTracker);
  assert.strictEqual(warningHandler, cjs.warningHandler);
  assert.strictEqual(typeof warningHandler, 'function');
  assert.strictEqual(PcapSession, cjs.PcapSession);
  assert.strictEqual(createWriter, cjs.createWriter);
});

test('exports can be assigned or redefined as node_pcap\'s plain properties, and are plain data properties once read', () => {
  const cjs = require('..');
  // node_pcap 3.1.0's exports, in its order; this package's additions after them.
  assert.deepStrictEqual(Object.keys(cjs), ['decode', 'TCPTracker', 'TCPSession', 'DNSCache', 'warningHandler',
    'lib_version', 'findalldevs', 'Pcap', 'PcapSession', 'createSession', 'createOfflineSession',
    'HTTPTracker', 'PacketWithHeader', 'createWriter', 'PcapWriter']);
  const names = ['decode', 'TCPTracker', 'TCPSession', 'DNSCache', 'HTTPTracker', 'warningHandler'];
  // Read once (this module's import did), each is a plain writable data property, as stubbing
  // libraries (sinon.stub) expect.
  for (const n of names) {
    const d = Object.getOwnPropertyDescriptor(cjs, n);
    assert.ok('value' in d && d.writable && d.enumerable && d.configurable, n + ': ' + JSON.stringify(Object.keys(d)));
  }
  const saved = names.map((n) => [n, Object.getOwnPropertyDescriptor(cjs, n)]);
  try {
    for (const n of names) {
      const original = cjs[n];
      const wrapper = function () { return original.apply(this, arguments); };
      cjs[n] = wrapper;
      assert.strictEqual(cjs[n], wrapper, n + ' assigned');
      const stub = () => 'stub';
      Object.defineProperty(cjs, n, { value: stub, writable: true, enumerable: true, configurable: true });
      assert.strictEqual(cjs[n], stub, n + ' redefined');
    }
  } finally {
    for (const [n, d] of saved) Object.defineProperty(cjs, n, d);
  }
  // The session sink reads the export at each use, as node_pcap read it at each open.
  assert.strictEqual(cjs.warningHandler, warningHandler);
  assert.strictEqual(cjs.decode, decode);
  assert.strictEqual(cjs.warningHandler, warningHandler);
});

test('for await iterates every packet of a file, in order, then closes it', async () => {
  const s = createOfflineSession(HTTP);
  let n = 0;
  let lastTs = 0;
  for await (const raw of s) {
    n++;
    const ts = raw.header.readUInt32LE(0) * 1e6 + raw.header.readUInt32LE(4);
    assert.ok(ts >= lastTs);
    lastTs = ts;
    assert.strictEqual(raw.buf.length, raw.header.readUInt32LE(8));
  }
  assert.strictEqual(n, 4000);
  assert.strictEqual(s.opened, false);
});

test('a slow for-await loop holds the file back (backpressure) instead of buffering it', async () => {
  const s = createOfflineSession(HTTP);
  let n = 0;
  let maxAhead = 0;
  let emitted = 0;
  s.on('packet', () => { emitted++; });
  for await (const raw of s) {
    n++;
    maxAhead = Math.max(maxAhead, emitted - n);
    if (n % 100 === 0) await new Promise((r) => setTimeout(r, 1));
    assert.ok(raw.buf.length > 0);
  }
  assert.strictEqual(n, 4000);
  assert.ok(maxAhead <= 1024 + 400, 'packets emitted ahead of the loop: ' + maxAhead);
});

test('breaking out of the loop closes the session', async () => {
  const s = createOfflineSession(HTTP);
  let n = 0;
  for await (const raw of s) {
    if (++n === 10) break;
    assert.ok(raw);
  }
  assert.strictEqual(n, 10);
  assert.strictEqual(s.opened, false);
  assert.throws(() => s.stats(), { code: 'ECLOSED' });
});

test('an AbortSignal closes a session (already aborted, or later)', async () => {
  const early = new AbortController();
  early.abort();
  const out = path.join(require('node:os').tmpdir(), 'pcap-aborted-' + process.pid + '.pcap');
  const a = createOfflineSession(HTTP, { signal: early.signal, outfile: out });
  assert.strictEqual(a.opened, false);
  assert.ok(!require('node:fs').existsSync(out), 'nothing was opened, not even the outfile');
  assert.throws(() => a.stats(), { code: 'ECLOSED' });
  a.close();
  let m = 0;
  for await (const raw of a) m += raw ? 1 : 0;
  assert.strictEqual(m, 0);
  const ac = new AbortController();
  const b = createSession('lo', { filter: 'udp port 9 and host 127.0.0.254', signal: ac.signal });
  assert.strictEqual(b.opened, true);
  setTimeout(() => ac.abort(), 20);
  let n = 0;
  for await (const raw of b) n += raw ? 1 : 0; // ends when aborted
  assert.strictEqual(b.opened, false);
  assert.strictEqual(n, 0);
});

test('pause() stops delivery without losing packets; resume() goes on', async () => {
  const s = createOfflineSession(HTTP);
  let n = 0;
  s.on('packet', () => {
    n++;
    if (n === 100) s.pause();
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.strictEqual(n, 100);
  assert.strictEqual(s.isPaused(), true);
  await new Promise((resolve) => { s.on('complete', resolve); s.resume(); });
  assert.strictEqual(n, 4000);
  s.close();
});
