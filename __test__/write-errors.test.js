'use strict';

// Write errors of `outfile` and `createWriter` on real devices and file systems (issue 16 items 1
// and 6): /dev/full, a 256 KiB tmpfs mounted in a private mount namespace of a child process, and
// signals sent to a child process. The child's side is helpers/write-child.js.
const test = require('node:test');
const assert = require('node:assert');
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const pcap = require('..');
const { parsePcap, tcpdumpRead } = require('./helpers/pcapfile');
const { runInTmpfs } = require('./helpers/tmpfs');

const HTTP = path.resolve(__dirname, 'fixtures', 'http-loopback.pcap');
const CHILD = path.resolve(__dirname, 'helpers', 'write-child.js');
const tmp = (name) => path.join(os.tmpdir(), `pcap-werr-${process.pid}-${name}`);
const record = (p) => 16 + p.caplen;

// The fixture's packets, repeated to `count` records, as a pcap file of the same header.
function repeatedFixture(count) {
  const bytes = fs.readFileSync(HTTP);
  assert.strictEqual(bytes.readUInt32LE(0), 0xa1b2c3d4, 'a little-endian microsecond fixture');
  const { packets } = parsePcap(bytes);
  const parts = [bytes.subarray(0, 24)];
  const list = [];
  for (let i = 0; i < count; i++) {
    const p = packets[i % packets.length];
    const h = Buffer.alloc(16);
    h.writeUInt32LE(p.tv_sec, 0);
    h.writeUInt32LE(p.tv_usec, 4);
    h.writeUInt32LE(p.caplen, 8);
    h.writeUInt32LE(p.len, 12);
    parts.push(h, p.data);
    list.push(p);
  }
  return { bytes: Buffer.concat(parts), packets: list };
}

// `file` is a complete capture of exactly `expected` (packets with caplen, len, data): its size
// is the header plus their records (no partial record at the end), and tcpdump reads it cleanly.
function assertValidCapture(file, expected, what) {
  const size = fs.statSync(file).size;
  const want = 24 + expected.reduce((a, p) => a + record(p), 0);
  assert.strictEqual(size, want, `${what}: ${size} bytes, a header and ${expected.length} whole records are ${want}`);
  const ref = tcpdumpRead(file);
  assert.ok(ref.ok, `${what}: tcpdump -r fails: ${ref.stderr}`);
  assert.doesNotMatch(ref.stderr, /truncated/i);
  assert.strictEqual(ref.packets.length, expected.length, `${what}: packets tcpdump reads`);
  ref.packets.forEach((p, i) => {
    const e = expected[i];
    assert.strictEqual(p.caplen, e.caplen, `${what}: caplen of packet ${i}`);
    assert.strictEqual(p.len, e.len, `${what}: len of packet ${i}`);
    assert.ok(p.data.equals(e.data), `${what}: bytes of packet ${i}`);
    if (e.tv_sec !== undefined) assert.deepStrictEqual([p.tv_sec, p.tv_usec], [e.tv_sec, e.tv_usec]);
  });
}

const fixture = () => parsePcap(fs.readFileSync(HTTP)).packets;
const firstFixture = (n) => {
  const all = fixture();
  return Array.from({ length: n }, (_, i) => all[i % all.length]);
};

test('/dev/full: createWriter and an outfile fail when they open, with ENOSPC', () => {
  assert.throws(() => pcap.createWriter('/dev/full'), (e) => e.code === 'ENOSPC' && /\/dev\/full/.test(e.message) &&
    /no space/i.test(e.message));
  assert.throws(() => pcap.createOfflineSession(HTTP, { outfile: '/dev/full' }), { code: 'ENOSPC' });
  // The session was not opened: nothing runs or holds the fixture.
  const live = () => pcap.createSession('lo', { filter: 'udp port 9 and host 127.0.0.254', outfile: '/dev/full' });
  assert.throws(live, { code: 'ENOSPC' });
});

test('outfile on a full tmpfs (file session, 10,000 packets): ENOSPC before complete, every packet delivered, a valid file of the counted packets', () => {
  const input = tmp('in10k.pcap');
  const copy = tmp('outfile-file.pcap');
  const { bytes, packets } = repeatedFixture(10000);
  fs.writeFileSync(input, bytes);
  try {
    const r = runInTmpfs('256k', (dir) => [process.execPath, CHILD, 'outfile-file', input, path.join(dir, 'out.pcap'), copy]);
    assert.deepStrictEqual(r.events.map((e) => e.event), ['error', 'complete'], JSON.stringify(r.events));
    const [err] = r.events;
    assert.strictEqual(err.code, 'ENOSPC');
    assert.match(err.message, /out\.pcap/);
    assert.match(err.message, /no space left/i);
    assert.strictEqual(r.n, 10000, 'capture goes on after the write error');
    const written = r.stats.outfile_written;
    assert.ok(written > 0 && written < 10000, `outfile_written ${written}`);
    assert.strictEqual(r.stats.outfile_dropped, 10000 - written);
    assert.strictEqual(err.stats.outfile_written, written, 'counters are published before the error is delivered');
    // In order: the error comes after the packets written, within a write buffer and a batch of the failure.
    assert.ok(err.at >= written, `error after ${err.at} packets, ${written} written`);
    const between = packets.slice(written, err.at).reduce((a, p) => a + record(p), 0);
    assert.ok(between <= 256 * 1024, `${between} bytes of packets between the last written one and the error`);
    assertValidCapture(copy, packets.slice(0, written), 'outfile');
    console.log(`# outfile-file: ${r.n} delivered, ${written} written, error after ${err.at}`);
  } finally {
    fs.rmSync(input, { force: true });
    fs.rmSync(copy, { force: true });
  }
});

test('outfile on a full tmpfs (live session on lo): one ENOSPC error, capture goes on, a valid file of the counted packets', () => {
  const copy = tmp('outfile-live.pcap');
  const count = 3000;
  try {
    const r = runInTmpfs('256k', (dir) => [process.execPath, CHILD, 'outfile-live', path.join(dir, 'out.pcap'), copy, String(count)]);
    assert.strictEqual(r.sent, count);
    assert.strictEqual(r.n, count, 'every datagram delivered');
    assert.deepStrictEqual(r.events.map((e) => [e.event, e.code]), [['error', 'ENOSPC']]);
    const { outfile_written: written, outfile_dropped: dropped, app_drop } = r.stats;
    assert.ok(written > 0 && written < count, `outfile_written ${written}`);
    assert.strictEqual(written + dropped, r.n + app_drop, 'every packet read is written or counted as dropped');
    assert.ok(r.events[0].at >= r.events[0].stats.outfile_written);
    const back = parsePcap(fs.readFileSync(copy)).packets;
    assert.strictEqual(back.length, written);
    for (const p of back) assert.strictEqual(p.caplen, 14 + 20 + 8 + 400);
    assertValidCapture(copy, back, 'live outfile');
    console.log(`# outfile-live: ${r.n} delivered, ${written} written, error after ${r.events[0].at}`);
  } finally {
    fs.rmSync(copy, { force: true });
  }
});

test('createWriter on a full tmpfs: the write that meets the full disk throws ENOSPC, packets_written is what the file holds', () => {
  const copy = tmp('writer-fill.pcap');
  try {
    const r = runInTmpfs('256k', (dir) => [process.execPath, CHILD, 'writer-fill', path.join(dir, 'w.pcap'), copy]);
    assert.strictEqual(r.thrown, 'ENOSPC');
    assert.ok(r.written > 0 && r.written < r.at, `${r.written} written, thrown at write ${r.at}`);
    // Every later call says so too, except close(), which has nothing new to report.
    assert.deepStrictEqual([r.again, r.flush, r.close, r.after], ['ENOSPC', 'ENOSPC', null, r.written]);
    assertValidCapture(copy, firstFixture(r.written), 'writer');
    console.log(`# writer-fill: threw at write ${r.at}, ${r.written} written`);
  } finally {
    fs.rmSync(copy, { force: true });
  }
});

test('createWriter: the flush at the end of the event-loop turn meets ENOSPC, the next write throws it', () => {
  const copy = tmp('writer-turn.pcap');
  try {
    const r = runInTmpfs('256k', (dir) => [process.execPath, CHILD, 'writer-turn', path.join(dir, 'w.pcap'), copy, String(16 << 10)]);
    assert.deepStrictEqual([r.sameTurn, r.queued, r.next, r.close], [null, 90, 'ENOSPC', null]);
    assert.ok(r.written > 0 && r.written < 90, `${r.written} written`);
    assertValidCapture(copy, firstFixture(r.written), 'writer');
  } finally {
    fs.rmSync(copy, { force: true });
  }
});

test('createWriter: close() throws ENOSPC when its final flush fails, once', () => {
  const copy = tmp('writer-close.pcap');
  try {
    const r = runInTmpfs('256k', (dir) => [process.execPath, CHILD, 'writer-close', path.join(dir, 'w.pcap'), copy, String(16 << 10)]);
    assert.deepStrictEqual([r.sameTurn, r.close, r.again], [null, 'ENOSPC', null]);
    assert.ok(r.written > 0 && r.written < 90, `${r.written} written`);
    assertValidCapture(copy, firstFixture(r.written), 'writer');
  } finally {
    fs.rmSync(copy, { force: true });
  }
});

test('outfile over the file size limit (RLIMIT_FSIZE): EFBIG; `for await` rejects with it and closes the session', () => {
  const out = tmp('fsize.pcap');
  const limit = 100000;
  try {
    // SIGXFSZ ignored (as `trap` leaves it for exec), so the write fails with EFBIG instead.
    const r = spawnSync('prlimit', [`--fsize=${limit}`, 'sh', '-c', 'trap "" XFSZ; exec "$@"', 'sh',
      process.execPath, CHILD, 'iterate', HTTP, out], { encoding: 'utf8', timeout: 30000 });
    assert.strictEqual(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.strictEqual(got.code, 'EFBIG', got.message);
    assert.match(got.message, /File too large/);
    assert.strictEqual(got.opened, false);
    const held = parsePcap(fs.readFileSync(out)).packets.length;
    assert.ok(held > 0 && held <= got.n && got.n < 4000, `${held} in the file, ${got.n} iterated`);
    assert.ok(fs.statSync(out).size <= limit);
    assertValidCapture(out, firstFixture(held), 'outfile');
  } finally {
    fs.rmSync(out, { force: true });
  }
});

// A child writes 3,000 packets in one turn, then is killed by SIGTERM (default disposition: no
// JavaScript runs) one turn later, or exits within the same turn.
function signalRun(mode) {
  const out = tmp(`signal-${mode}.pcap`);
  const count = 3000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mode, out, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (mode === 'signal' && stdout.includes('"ready"')) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      try {
        resolve({ code, signal, stderr, count, back: parsePcap(fs.readFileSync(out)).packets, size: fs.statSync(out).size });
      } catch (e) {
        reject(e);
      } finally {
        fs.rmSync(out, { force: true });
      }
    });
  });
}

test('createWriter: SIGTERM one turn after the writes loses nothing (the writer flushes once per turn)', async () => {
  const r = await signalRun('signal');
  assert.strictEqual(r.signal, 'SIGTERM');
  console.log(`# SIGTERM: ${r.back.length} of ${r.count} packets in the file`);
  assert.strictEqual(r.back.length, r.count);
  const want = firstFixture(r.count);
  r.back.forEach((p, i) => assert.ok(p.data.equals(want[i].data), `packet ${i}`));
});

test('createWriter: process.exit() and an uncaught exception in the turn of the writes lose nothing (flushed on exit)', async () => {
  for (const mode of ['exit', 'throw']) {
    const r = await signalRun(mode);
    assert.strictEqual(r.code, mode === 'exit' ? 0 : 1, r.stderr);
    console.log(`# ${mode}: ${r.back.length} of ${r.count} packets in the file`);
    assert.strictEqual(r.back.length, r.count, mode);
    assert.strictEqual(r.size, 24 + firstFixture(r.count).reduce((a, p) => a + record(p), 0), mode);
  }
});

test('the write-child helper runs outside a namespace too (sanity of the harness)', () => {
  const r = spawnSync(process.execPath, [CHILD, 'dev-full', HTTP], { encoding: 'utf8', timeout: 30000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(JSON.parse(r.stdout), { writer: 'ENOSPC', outfile: 'ENOSPC' });
});
