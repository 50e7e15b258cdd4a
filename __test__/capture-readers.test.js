'use strict';

// The ways a capture file is read (src/capture/open.rs ReaderMode): libpcap on the capture
// thread, in place on the capture thread, in place on the JavaScript thread (the default, handed
// to a capture thread once the packets are decoded if there are two CPUs); PCAP_READER forces
// one. Each gives tcpdump's packets, with filters and nanosecond timestamps;
// the JavaScript-thread reader keeps the process alive exactly as a thread does. Kept packets:
// past a bound of held batch memory, packets arrive as copies of their own (src/batch.rs Held).
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const pcap = require('..');
const { tcpdumpRead } = require('./helpers/pcapfile');

const ROOT = path.resolve(__dirname, '..');
const FIX = path.join(__dirname, 'fixtures');
const FILES = [
  path.join(FIX, 'http-loopback.pcap'),
  path.join(FIX, 'captures', 'bgp-role.pcapng'),
  ...fs.readdirSync(path.join(FIX, 'captures')).filter((f) => f.endsWith('.pcap')).slice(0, 40)
    .map((f) => path.join(FIX, 'captures', f)),
];
// A byte-swapped file and a nanosecond one (their magic says so).
for (const f of fs.readdirSync(path.join(FIX, 'captures')).map((f) => path.join(FIX, 'captures', f))) {
  const m = fs.readFileSync(f).subarray(0, 4).toString('hex');
  if ((m === 'a1b2c3d4' || m === '4d3cb2a1') && !FILES.includes(f)) FILES.push(f);
}

// Runs `script` in a child node with PCAP_READER=mode (undefined: unset), prefixed by `prefix`
// (e.g. taskset); returns the JSON line it printed.
function child(mode, script, args, prefix) {
  const env = { ...process.env };
  delete env.PCAP_READER;
  if (mode) env.PCAP_READER = mode;
  const argv = (prefix || []).concat([process.execPath, '-e', script, ...(args || [])]);
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env, timeout: 120000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  assert.ok(line, `${mode}: no result (status ${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

const digest = (b) => crypto.createHash('sha1').update(b).digest('hex').slice(0, 12);

const READ = `
const pcap = require(${JSON.stringify(ROOT)});
const crypto = require('crypto');
const files = JSON.parse(process.argv[1]);
const filter = process.argv[2];
const nano = process.argv[3] === 'nano';
const out = {};
let inline = null;
(async () => {
  for (const f of files) {
    await new Promise((resolve) => {
      const s = pcap.createOfflineSession(f, { filter, nanosecond: nano });
      inline = s.session.inline;
      const got = out[f] = { packets: [], error: null };
      s.on('packet', (raw) => got.packets.push(crypto.createHash('sha1').update(raw.header).update(raw.buf).digest('hex').slice(0, 12)));
      s.on('error', (e) => { got.error = e.code; });
      s.on('complete', resolve);
    });
  }
  console.log(JSON.stringify({ inline, out }));
})();`;

// tcpdump's packets of `file` as the package's header bytes + data, hashed.
function reference(file, filter) {
  const ref = tcpdumpRead(file, filter);
  return ref.packets.map((p) => {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(p.tv_sec, 0);
    h.writeUInt32LE(p.tv_usec, 4);
    h.writeUInt32LE(p.caplen, 8);
    h.writeUInt32LE(p.len, 12);
    return digest(Buffer.concat([h, p.data]));
  });
}

for (const mode of ['libpcap', 'thread', 'inline']) {
  test(`PCAP_READER=${mode}: the packets of tcpdump -r, with a filter too`, () => {
    for (const filter of ['', 'tcp or icmp6']) {
      const got = child(mode, READ, [JSON.stringify(FILES), filter, 'micro']);
      assert.strictEqual(got.inline, mode === 'inline');
      for (const f of FILES) {
        const want = reference(f, filter);
        assert.deepStrictEqual(got.out[f].packets, want, `${path.basename(f)} "${filter}"`);
      }
    }
  });
}

test('nanosecond sessions read the same timestamps every way', () => {
  const nanoFile = FILES.find((f) => fs.readFileSync(f).subarray(0, 4).toString('hex') === '4d3cb2a1');
  assert.ok(nanoFile, 'a nanosecond fixture');
  const files = [nanoFile, FILES[0]];
  const results = ['libpcap', 'thread', 'inline'].map((m) => child(m, READ, [JSON.stringify(files), '', 'nano']).out);
  assert.deepStrictEqual(results[1], results[0]);
  assert.deepStrictEqual(results[2], results[0]);
  // A microsecond file read as nanoseconds: tcpdump's microseconds times 1,000.
  const s = pcap.createOfflineSession(FILES[0], { nanosecond: true });
  const first = [];
  s.on('packet', (raw) => { if (first.length < 3) first.push(raw.header.readUInt32LE(4)); });
  return new Promise((resolve) => s.on('complete', () => {
    const ref = tcpdumpRead(FILES[0]).packets.slice(0, 3).map((p) => p.tv_usec * 1000);
    assert.deepStrictEqual(first, ref);
    resolve();
  }));
});

test('a file is read on the JavaScript thread; PCAP_READER overrides', () => {
  const script = `
const pcap = require(${JSON.stringify(ROOT)});
const s = pcap.createOfflineSession(process.argv[1]);
let n = 0;
s.on('packet', () => { n++; });
s.on('complete', () => console.log(JSON.stringify({ inline: s.session.inline, n })));`;
  const pinned = child(undefined, script, [FILES[0]], ['taskset', '-c', '0']);
  assert.deepStrictEqual(pinned, { inline: true, n: 4000 });
  assert.deepStrictEqual(child('thread', script, [FILES[0]], ['taskset', '-c', '0']), { inline: false, n: 4000 });
  // pcapng and outfile stay with libpcap on its thread, even on one CPU.
  assert.deepStrictEqual(child(undefined, script, [FILES[1]], ['taskset', '-c', '0']).inline, false);
});

test('decoding moves the rest of a file to a capture thread when there are two CPUs', () => {
  const script = `
const pcap = require(${JSON.stringify(ROOT)});
const s = pcap.createOfflineSession(process.argv[1]);
const first = s.session.inline;
let n = 0;
let sum = 0;
s.on('packet', (raw) => {
  n++;
  const p = pcap.decode.packet(raw);
  const ip = p.payload.payload;
  if (ip && ip.payload && typeof ip.payload.sport === 'number') sum += ip.payload.sport;
});
s.on('complete', () => console.log(JSON.stringify({ first, after: s.session.inline, n, sum })));`;
  // The reference: the same sums from libpcap's reader on its thread.
  const want = child('libpcap', script, [FILES[0]]);
  const two = os.availableParallelism() >= 2;
  const got = child(undefined, script, [FILES[0]], two ? ['taskset', '-c', '0,1'] : []);
  assert.deepStrictEqual(got, { first: true, after: !two, n: 4000, sum: want.sum });
  // On one CPU the file stays on the JavaScript thread.
  assert.deepStrictEqual(child(undefined, script, [FILES[0]], ['taskset', '-c', '0']),
    { first: true, after: true, n: 4000, sum: want.sum });
});

test('batch sizes: 128 KiB read inline by default, batch_size when given, 64 KiB on a thread', () => {
  // The ArrayBuffer under raw.buf is the packet's batch (lib/session.js makes views into it).
  const script = `
const pcap = require(${JSON.stringify(ROOT)});
const opts = JSON.parse(process.argv[2]);
const s = pcap.createOfflineSession(process.argv[1], opts);
const sizes = new Set();
let n = 0;
s.on('packet', (raw) => { n++; sizes.add(raw.buf.buffer.byteLength); });
s.on('complete', () => console.log(JSON.stringify({ n, max: Math.max(...sizes) })));`;
  const KiB = 1024;
  // http-loopback.pcap is 2.6 MB: full batches of each size.
  const inline = child('inline', script, [FILES[0], '{}']);
  assert.strictEqual(inline.n, 4000);
  assert.ok(inline.max > 127 * KiB && inline.max <= 129 * KiB, `inline default ${inline.max}`);
  const given = child('inline', script, [FILES[0], '{"batch_size": 65536}']);
  assert.ok(given.max > 63 * KiB && given.max <= 65 * KiB, `inline batch_size 65536: ${given.max}`);
  const thread = child('thread', script, [FILES[0], '{}']);
  assert.ok(thread.max > 63 * KiB && thread.max <= 65 * KiB, `thread default ${thread.max}`);
});

test('a file read on the JavaScript thread keeps the process alive while paused, and lets it exit when done', () => {
  const script = `
const pcap = require(${JSON.stringify(ROOT)});
const s = pcap.createOfflineSession(process.argv[1]);
let n = 0;
const t0 = Date.now();
s.on('packet', () => {
  if (++n === 100) {
    s.pause();
    // Nothing else keeps the loop alive: the paused session must.
    setTimeout(() => s.resume(), 300).unref();
  }
});
s.on('complete', () => console.log(JSON.stringify({ n, paused: Date.now() - t0 >= 290 })));`;
  const t0 = Date.now();
  const got = child('inline', script, [FILES[0]]);
  assert.deepStrictEqual(got, { n: 4000, paused: true });
  assert.ok(Date.now() - t0 < 10000);
});

// A capture of `count` Ethernet/IPv4/UDP packets of `size` bytes whose bytes say their index.
function bigCapture(file, count, size) {
  const w = pcap.createWriter(file, { link_type: 'LINKTYPE_ETHERNET' });
  const frame = Buffer.alloc(size);
  frame.writeUInt16BE(0x0800, 12);
  frame[14] = 0x45;
  frame.writeUInt16BE(size - 14, 16);
  frame[22] = 64;
  frame[23] = 17;
  frame.writeUInt16BE(size - 34, 38);
  for (let i = 0; i < count; i++) {
    frame.writeUInt32BE(i, 42);
    const header = Buffer.alloc(16);
    header.writeUInt32LE(1700000000 + Math.floor(i / 1000), 0);
    header.writeUInt32LE(i % 1000, 4);
    header.writeUInt32LE(size, 8);
    header.writeUInt32LE(size, 12);
    w.write({ buf: frame, header });
  }
  w.close();
}

const KEEP = `
const pcap = require(${JSON.stringify(ROOT)});
const [file, every] = [process.argv[1], Number(process.argv[2])];
const kept = [];
let i = 0;
let copies = 0;
let firstCopy = -1;
let decodedSame = 0;
const s = pcap.createOfflineSession(file);
s.on('packet', (raw) => {
  const own = raw.buf.buffer.byteLength === raw.buf.length + 16 && raw.header.buffer === raw.buf.buffer;
  if (own) { copies++; if (firstCopy < 0) firstCopy = i; }
  if (own && copies % 997 === 1) {
    // A copy decodes as the view would have.
    const a = pcap.decode.packet(raw);
    const b = pcap.decode.packet({ buf: Buffer.from(raw.buf), header: Buffer.from(raw.header), link_type: raw.link_type });
    if (JSON.stringify(a.payload) === JSON.stringify(b.payload) && a.pcap_header.caplen === b.pcap_header.caplen) decodedSame++;
  }
  if (i++ % every === 0) kept.push(raw.buf);
});
s.on('complete', () => {
  let intact = 0;
  for (let k = 0; k < kept.length; k++) if (kept[k].readUInt32BE(42) === k * every) intact++;
  const m = process.memoryUsage();
  console.log(JSON.stringify({ n: i, kept: kept.length, intact, copies, firstCopy, decodedSame,
    held: m.external, keptBytes: kept.length * kept[0].length }));
});`;

test('kept packets: past a bound of held batches, packets come as copies, and memory stays bounded', () => {
  const file = path.join(os.tmpdir(), `pcap-keep-${process.pid}.pcap`);
  test.after(() => fs.rmSync(file, { force: true }));
  // 80,000 packets of 1,400 bytes: 113 MB, every batch kept by every 10th packet's view.
  bigCapture(file, 80000, 1400);
  for (const mode of ['thread', 'inline']) {
    const got = child(mode, KEEP, [file, '10']);
    assert.strictEqual(got.n, 80000, mode);
    assert.strictEqual(got.intact, 8000, mode + ': every kept view keeps its bytes');
    assert.ok(got.firstCopy > 0 && got.copies > 40000, `${mode}: copies from packet ${got.firstCopy}, ${got.copies} in all`);
    assert.ok(got.decodedSame > 10, mode);
    // V8's external memory (array buffers included): batches up to the bound (32 MiB), then what
    // the copies hold (the kept ones, and the rest until collected: up to 16 MiB more here), far
    // below the 113 MB that keeping every batch would hold.
    assert.ok(got.held < 48 * 1048576 + 2 * got.keptBytes, `${mode}: held ${got.held} bytes`);
  }
  // Keeping nothing: no copies.
  const none = child('inline', KEEP.replace('if (i++ % every === 0) kept.push(raw.buf);', 'if (i++ === 0) kept.push(raw.buf);'), [file, '10']);
  assert.strictEqual(none.copies, 0);
});
