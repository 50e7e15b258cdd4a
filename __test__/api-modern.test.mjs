// ESM import, async iteration with backpressure, AbortSignal, pause/resume.
import test from 'node:test';
import assert from 'node:assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pcap, { createSession, createOfflineSession, decode, TCPTracker, findalldevs, lib_version } from '../index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const HTTP = path.resolve(here, '../../shared/fixtures/http-loopback.pcap');
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
  const a = createOfflineSession(HTTP, { signal: early.signal });
  assert.strictEqual(a.opened, false);
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
