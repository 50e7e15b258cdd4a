'use strict';

// File sessions against tcpdump's reading of the same files (C-012, C-029, C-041, C-042).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const pcap = require('..');
const { tcpdumpRead } = require('./helpers/pcapfile');
const { readAll } = require('./helpers/session');

const FIXTURES = path.resolve(__dirname, 'fixtures');
const HTTP = path.join(FIXTURES, 'http-loopback.pcap');
const CAPTURES = path.join(FIXTURES, 'captures');

function headerOf(raw) {
  const h = raw.header;
  return [h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)];
}

function assertSamePackets(ours, ref, file) {
  assert.strictEqual(ours.length, ref.length, file + ': packet count');
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    const o = ours[i];
    assert.deepStrictEqual(headerOf(o), [r.tv_sec, r.tv_usec, r.caplen, r.len], file + ': header of packet ' + i);
    assert.strictEqual(o.buf.length, r.caplen, file + ': buf is exactly caplen bytes');
    assert.ok(o.buf.equals(r.data), file + ': bytes of packet ' + i);
  }
}

test('http-loopback.pcap: every packet, header and byte equals tcpdump -r', async () => {
  const ref = tcpdumpRead(HTTP);
  assert.ok(ref.ok);
  assert.strictEqual(ref.packets.length, 4000);
  const { packets, error, link_type } = await readAll(HTTP);
  assert.strictEqual(error, null);
  assert.strictEqual(link_type, 'LINKTYPE_ETHERNET');
  assertSamePackets(packets, ref.packets, 'http-loopback.pcap');
  assert.ok(packets[0] instanceof pcap.PacketWithHeader);
  assert.deepStrictEqual(Object.keys(packets[0]), ['buf', 'header', 'link_type']);
  // Genuine Buffers: same prototype, printed as <Buffer ...>, deep-equal to a copy.
  const { buf, header } = packets[0];
  assert.strictEqual(Object.getPrototypeOf(buf), Buffer.prototype);
  assert.strictEqual(Object.getPrototypeOf(header), Buffer.prototype);
  assert.match(require('util').inspect(header), /^<Buffer /);
  assert.deepStrictEqual(buf, Buffer.from(ref.packets[0].data));
  assert.strictEqual(Object.getPrototypeOf(buf.subarray(1, 3)), Buffer.prototype);
});

test('all 192 fixture captures (pcap and pcapng): same packets as tcpdump, or a clear error', async () => {
  const files = fs.readdirSync(CAPTURES).sort();
  assert.strictEqual(files.length, 192);
  let compared = 0;
  let pcapng = 0;
  for (const name of files) {
    const file = path.join(CAPTURES, name);
    const ref = tcpdumpRead(file);
    let result;
    try {
      result = await readAll(file);
    } catch (e) {
      // libpcap cannot open it: tcpdump cannot either, and we say why with a code.
      assert.ok(!ref.ok && ref.packets.length === 0, name + ': opened by tcpdump but not by us: ' + e.message);
      assert.strictEqual(e.code, 'EBADFILE', name);
      assert.ok(e.message.includes(name), name + ': message names the file');
      continue;
    }
    assertSamePackets(result.packets, ref.packets, name);
    if (!ref.ok) {
      // A truncated or corrupt file: the packets before the damage, then an 'error' event.
      assert.ok(result.error, name + ': tcpdump failed (' + ref.stderr.trim() + ') but no error event');
      assert.strictEqual(result.error.code, 'EREAD');
    } else {
      assert.strictEqual(result.error, null, name);
    }
    if (name.endsWith('.pcapng')) pcapng++;
    compared++;
  }
  assert.ok(compared >= 185, 'compared ' + compared);
  assert.ok(pcapng >= 5, 'pcapng files compared: ' + pcapng);
});

test('link types get real names instead of "Unknown linktype N"', async () => {
  const seen = new Set();
  for (const name of fs.readdirSync(CAPTURES)) {
    try {
      const s = pcap.createOfflineSession(path.join(CAPTURES, name));
      seen.add(s.link_type);
      s.close();
    } catch (e) { /* unreadable files are covered above */ }
  }
  for (const lt of ['LINKTYPE_ETHERNET', 'LINKTYPE_LINUX_SLL', 'LINKTYPE_NULL', 'LINKTYPE_RAW',
    'LINKTYPE_IEEE802_11_RADIO']) {
    assert.ok(seen.has(lt), 'fixtures include ' + lt + ': ' + [...seen].join(', '));
  }
  for (const lt of seen) assert.match(lt, /^LINKTYPE_[A-Z0-9_]+$|^Unknown linktype \d+$/);
  // Link types node_pcap called "Unknown linktype N", in files written for them.
  const tmp = path.join(os.tmpdir(), `pcap-lt-${process.pid}.pcap`);
  test.after(() => fs.rmSync(tmp, { force: true }));
  for (const [dlt, name] of [[276, 'LINKTYPE_LINUX_SLL2'], [108, 'LINKTYPE_LOOP'], [228, 'LINKTYPE_IPV4'],
    [229, 'LINKTYPE_IPV6'], [0, 'LINKTYPE_NULL'], [113, 'LINKTYPE_LINUX_SLL']]) {
    const w = pcap.createWriter(tmp, { link_type: dlt });
    w.write(Buffer.alloc(40));
    w.close();
    const s = pcap.createOfflineSession(tmp);
    assert.strictEqual(s.link_type, name, 'DLT ' + dlt);
    s.close();
  }
  fs.unlinkSync(tmp);
});

test('a filter (options object or v3 string form) selects what tcpdump selects', async () => {
  for (const filter of ['ip6', 'tcp and dst port 8080', 'udp']) {
    const ref = tcpdumpRead(HTTP, filter);
    const a = await readAll(HTTP, { filter });
    const b = await readAll(HTTP, filter);
    assertSamePackets(a.packets, ref.packets, filter);
    assert.strictEqual(b.packets.length, ref.packets.length);
  }
});

test('complete comes once, after the last packet; stats count the packets read', async () => {
  const s = pcap.createOfflineSession(HTTP);
  const order = [];
  s.on('packet', () => order.push('p'));
  await new Promise((resolve) => s.on('complete', () => { order.push('c'); setTimeout(resolve, 50); }));
  assert.strictEqual(order.length, 4001);
  assert.strictEqual(order.indexOf('c'), 4000);
  assert.deepStrictEqual(s.stats(), { ps_recv: 4000, ps_drop: 0, ps_ifdrop: 0, app_drop: 0 });
  assert.strictEqual(s.opened, true);
  assert.strictEqual(s.is_live, false);
  assert.strictEqual(s.device_name, HTTP);
  s.close();
  assert.strictEqual(s.opened, false);
});

test('packet buffers stay valid after the handler returns (no shared buffer)', async () => {
  const { packets } = await readAll(HTTP);
  const ref = tcpdumpRead(HTTP).packets;
  // Read everything again to make sure nothing is reused between sessions either.
  await readAll(HTTP);
  for (let i = 0; i < packets.length; i += 97) assert.ok(packets[i].buf.equals(ref[i].data));
});

test('a large file does not starve timers and I/O', async () => {
  // 60 copies of the HTTP capture (240,000 packets), written with the package's own writer.
  const big = path.join(os.tmpdir(), 'pcap-big-' + process.pid + '.pcap');
  const { packets } = await readAll(HTTP);
  const w = pcap.createWriter(big, { link_type: 'LINKTYPE_ETHERNET' });
  for (let k = 0; k < 60; k++) for (const p of packets) w.write(p);
  w.close();
  const s = pcap.createOfflineSession(big);
  let n = 0;
  let nAtFirstTimer = -1;
  let timers = 0;
  const iv = setInterval(() => { timers++; if (nAtFirstTimer < 0) nAtFirstTimer = n; }, 1);
  s.on('packet', () => { n++; });
  await new Promise((resolve) => s.on('complete', resolve));
  clearInterval(iv);
  s.close();
  fs.unlinkSync(big);
  assert.strictEqual(n, 240000);
  assert.ok(nAtFirstTimer >= 0 && nAtFirstTimer < n, 'a 1 ms timer ran while the file was read (first at packet ' + nAtFirstTimer + ')');
  assert.ok(timers >= 2, 'timers ran ' + timers + ' times');
});

test('nanosecond option keeps nanoseconds in the header timestamp field', async () => {
  // The first record of this nanosecond file is 1418145369.999999999 (tcpdump -tt --nano).
  const file = path.join(CAPTURES, 'timestamp_invalid_nano.pcap');
  const micro = await readAll(file);
  const nano = await readAll(file, { nanosecond: true });
  assert.strictEqual(micro.packets.length, nano.packets.length);
  assert.deepStrictEqual(headerOf(micro.packets[0]).slice(0, 2), [1418145369, 999999]);
  assert.deepStrictEqual(headerOf(nano.packets[0]).slice(0, 2), [1418145369, 999999999]);
});

test('listeners added or removed inside a packet handler take effect from the next packet, as with emit', async () => {
  const s = pcap.createOfflineSession(HTTP, {});
  const seen = { first: [], added: [], once: [], prepended: [] };
  let n = 0;
  const added = (raw) => {
    seen.added.push(raw.header.readUInt32LE(4));
    if (seen.added.length === 3) s.off('packet', added);
  };
  const first = (raw) => {
    n++;
    seen.first.push(raw.header.readUInt32LE(4));
    if (n === 10) s.on('packet', added);
    if (n === 20) s.once('packet', (r) => seen.once.push(r.header.readUInt32LE(4)));
    if (n === 30) s.prependListener('packet', (r) => seen.prepended.push(r.header.readUInt32LE(4)));
    if (n === 40) s.removeAllListeners('packet');
  };
  s.on('packet', first);
  await new Promise((resolve) => s.on('complete', resolve));
  s.close();
  assert.strictEqual(n, 40, 'removeAllListeners stops delivery to the first listener');
  const usec = seen.first;
  assert.deepStrictEqual(seen.added, usec.slice(10, 13), 'added after packet 10, removed itself after 3');
  assert.deepStrictEqual(seen.once, [usec[20]], 'once: exactly the next packet');
  assert.deepStrictEqual(seen.prepended, usec.slice(30, 40), 'prepended from packet 31 until removeAllListeners');
  assert.strictEqual(s.on, s.addListener);
  assert.strictEqual(s.off, s.removeListener);
});

test('createWriter: a file written from a session reads back identical, in the package and in tcpdump', async () => {
  const out = path.join(os.tmpdir(), `pcap-writer-${process.pid}.pcap`);
  test.after(() => fs.rmSync(out, { force: true }));
  const { packets } = await readAll(HTTP);
  const w = pcap.createWriter(out, { link_type: 'LINKTYPE_ETHERNET' });
  assert.strictEqual(w.snap_length, 262144);
  for (const p of packets) w.write(p);
  w.close();
  assert.strictEqual(w.packets_written, 4000);
  const back = await readAll(out);
  assert.strictEqual(back.packets.length, packets.length);
  for (let i = 0; i < packets.length; i++) {
    assert.deepStrictEqual(headerOf(back.packets[i]), headerOf(packets[i]), 'header ' + i);
    assert.ok(back.packets[i].buf.equals(packets[i].buf), 'bytes ' + i);
  }
  const ref = tcpdumpRead(out);
  assert.ok(ref.ok, ref.stderr);
  assert.strictEqual(ref.packets.length, 4000);
  assert.ok(ref.packets[3999].data.equals(packets[3999].buf));
  fs.unlinkSync(out);
});

test('createWriter: packets over 65,535 bytes are kept whole by default and cut to snap_length when given', async () => {
  const big = Buffer.alloc(100000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
  const header = Buffer.alloc(16);
  header.writeUInt32LE(1700000000, 0);
  header.writeUInt32LE(123456, 4);
  header.writeUInt32LE(big.length, 8);
  header.writeUInt32LE(big.length, 12);
  const whole = path.join(os.tmpdir(), `pcap-writer-big-${process.pid}.pcap`);
  const cut = path.join(os.tmpdir(), `pcap-writer-cut-${process.pid}.pcap`);
  test.after(() => { fs.rmSync(whole, { force: true }); fs.rmSync(cut, { force: true }); });
  const w1 = pcap.createWriter(whole, { link_type: 'LINKTYPE_ETHERNET' });
  w1.write({ buf: big, header });
  w1.close();
  const w2 = pcap.createWriter(cut, { link_type: 'LINKTYPE_ETHERNET', snap_length: 1000 });
  w2.write({ buf: big, header });
  w2.close();
  const a = await readAll(whole);
  assert.strictEqual(a.packets.length, 1);
  assert.ok(a.packets[0].buf.equals(big), 'all 100,000 bytes read back');
  assert.deepStrictEqual(headerOf(a.packets[0]), [1700000000, 123456, 100000, 100000]);
  const t = tcpdumpRead(whole);
  assert.strictEqual(t.packets[0].caplen, 100000);
  const b = await readAll(cut);
  assert.ok(b.packets[0].buf.equals(big.subarray(0, 1000)));
  assert.deepStrictEqual(headerOf(b.packets[0]), [1700000000, 123456, 1000, 100000], 'caplen cut, len kept');
  assert.throws(() => pcap.createWriter(cut, { snap_length: 0 }), { code: 'EINVAL' });
  // libpcap refuses to read back records longer than 262144 bytes: such a file is not written.
  assert.throws(() => pcap.createWriter(cut, { snap_length: 262145 }), { code: 'EINVAL', message: /262144/ });
  assert.throws(() => pcap.createWriter(cut, { nanosecond: 1 }), { code: 'EINVAL' });
  assert.throws(() => pcap.createWriter(cut, { tstamp_precision: 'NANO' }), { code: 'EINVAL' });
  assert.throws(() => pcap.createWriter(cut, { nanosecond: false, tstamp_precision: 'nano' }), { code: 'EINVAL' });
  fs.unlinkSync(whole);
  fs.unlinkSync(cut);
});

test('createWriter: nanosecond sessions write nanosecond files that read back with the same timestamps', async () => {
  const out = path.join(os.tmpdir(), `pcap-writer-ns-${process.pid}.pcap`);
  test.after(() => fs.rmSync(out, { force: true }));
  const { packets } = await readAll(HTTP, { nanosecond: true });
  const w = pcap.createWriter(out, { link_type: 'LINKTYPE_ETHERNET', nanosecond: true });
  for (const p of packets.slice(0, 500)) w.write(p);
  w.close();
  const magic = fs.readFileSync(out).readUInt32LE(0);
  assert.strictEqual(magic, 0xa1b23c4d, 'nanosecond pcap magic');
  const back = await readAll(out, { nanosecond: true });
  assert.strictEqual(back.packets.length, 500);
  for (let i = 0; i < 500; i++) {
    assert.deepStrictEqual(headerOf(back.packets[i]), headerOf(packets[i]), 'header ' + i);
  }
  assert.ok(packets.slice(0, 500).some((p) => headerOf(p)[1] >= 1000000), 'the fixture has sub-microsecond digits');
  const micro = await readAll(out);
  assert.strictEqual(headerOf(micro.packets[0])[1], Math.floor(headerOf(packets[0])[1] / 1000));
  fs.unlinkSync(out);
});

test('session properties as node_pcap (C-032…C-040) and the direct constructors PcapSession/Pcap', () => {
  const s = pcap.createOfflineSession(HTTP, { filter: 'tcp' });
  // node_pcap's order (its `buf` and `header` are gone: C-040a), EventEmitter's fields last.
  assert.deepStrictEqual(Object.keys(s), ['is_live', 'device_name', 'filter',
    'buffer_size', 'snap_length', 'outfile', 'is_monitor', 'buffer_timeout', 'promiscuous', 'link_type', 'opened',
    'empty_reads', 'packets_read', 'session', '_events', '_eventsCount', '_maxListeners']);
  assert.strictEqual(s.is_live, false);
  // createOfflineSession leaves these to the constructor's defaults, as node_pcap.
  assert.strictEqual(s.buffer_timeout, 1000);
  assert.strictEqual(s.promiscuous, true);
  assert.strictEqual(s.buffer_size, 0);
  assert.strictEqual(s.snap_length, 65535);
  assert.strictEqual(s.device_name, HTTP);
  assert.strictEqual(s.filter, 'tcp');
  assert.strictEqual(s.outfile, '');
  assert.strictEqual(s.is_monitor, false);
  assert.strictEqual(s.empty_reads, 0);
  assert.strictEqual(s.packets_read, null);
  assert.strictEqual(s.opened, true);
  s.close();
  assert.strictEqual(s.opened, false);
  assert.strictEqual(pcap.Pcap, pcap.PcapSession);
  // node_pcap 3.x's constructor: (is_live, device_name, filter, buffer_size, snap_length, outfile, ...)
  const d = new pcap.PcapSession(false, HTTP, 'udp');
  assert.ok(d instanceof pcap.PcapSession && d instanceof require('events').EventEmitter);
  assert.strictEqual(d.is_live, false);
  assert.strictEqual(d.filter, 'udp');
  assert.strictEqual(d.link_type, 'LINKTYPE_ETHERNET');
  d.close();
  const f = pcap.PcapSession(false, HTTP, '');
  assert.ok(f instanceof pcap.PcapSession, 'callable without new');
  f.close();
});

// '-' is standard input (libpcap's and tcpdump's convention, which node_pcap inherited), and a FIFO
// path works: `ssh host tcpdump -w - | node script.js` and node_pcap#297's FIFO workaround.
const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');

const READER = `
const pcap = require(${JSON.stringify(path.resolve(__dirname, '..'))});
const h = require('crypto').createHash('sha256');
let n = 0;
let s;
try { s = pcap.createOfflineSession(process.argv[1], {}); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); process.exit(0); }
s.on('packet', (raw) => { n++; h.update(raw.header); h.update(raw.buf); });
s.on('complete', () => { console.log(JSON.stringify({ n, hash: h.digest('hex') })); s.close(); });
`;

function refDigest(file) {
  const ref = tcpdumpRead(file);
  assert.ok(ref.ok, ref.stderr);
  const h = crypto.createHash('sha256');
  for (const p of ref.packets) {
    const hdr = Buffer.alloc(16);
    hdr.writeUInt32LE(p.tv_sec, 0); hdr.writeUInt32LE(p.tv_usec, 4);
    hdr.writeUInt32LE(p.caplen, 8); hdr.writeUInt32LE(p.len, 12);
    h.update(hdr); h.update(p.data);
  }
  return { n: ref.packets.length, hash: h.digest('hex') };
}

function readerOutput(r) {
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

test("'-' reads a capture (pcap or pcapng) from standard input, the same packets as tcpdump -r", () => {
  const pcapng = path.join(CAPTURES, 'bgp-role.pcapng');
  for (const file of [HTTP, pcapng]) {
    const r = spawnSync(process.execPath, ['-e', READER, '-'], { input: fs.readFileSync(file), encoding: 'utf8', timeout: 30000 });
    const got = readerOutput(r);
    assert.ok(got.n > 0, file);
    assert.deepStrictEqual(got, refDigest(file), file);
  }
  const bad = readerOutput(spawnSync(process.execPath, ['-e', READER, '-'], { input: 'not a capture file\n', encoding: 'utf8', timeout: 30000 }));
  assert.strictEqual(bad.code, 'EBADFILE');
  assert.match(bad.message, /^-: not a readable pcap or pcapng capture file/);
});

test('a FIFO written by tcpdump reads like the file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-fifo-'));
  const fifo = path.join(dir, 'in.pcap');
  try {
    assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
    const writer = spawn('tcpdump', ['-r', HTTP, '-w', fifo], { stdio: 'ignore' });
    const reader = spawn(process.execPath, ['-e', READER, fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    reader.stdout.on('data', (d) => { out += d; });
    reader.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { writer.kill(); reader.kill(); }, 30000);
    const status = await new Promise((resolve) => reader.on('close', resolve));
    await new Promise((resolve) => (writer.exitCode !== null ? resolve() : writer.on('close', resolve)));
    clearTimeout(timer);
    assert.strictEqual(status, 0, err);
    assert.deepStrictEqual(JSON.parse(out.trim()), refDigest(HTTP));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a stream on standard input delivers packets as they arrive, and close() ends it while the input is still open', async () => {
  // tcpdump -U -w - | node script.js: the input stays open and packets trickle in.
  const file = fs.readFileSync(HTTP);
  const ends = [24];
  while (ends.length < 6) {
    const at = ends[ends.length - 1];
    ends.push(at + 16 + file.readUInt32LE(at + 8));
  }
  const child = spawn(process.execPath, ['-e', `
    const pcap = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const s = pcap.createOfflineSession('-');
    let n = 0;
    s.on('packet', () => {
      console.log('n=' + (++n));
      if (n === 5) { s.close(); console.log('closed'); }
    });`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const until = async (what, ms) => {
    const t0 = Date.now();
    while (!out.includes(what)) {
      if (Date.now() - t0 > ms) throw new Error(`no "${what}" within ${ms} ms; stdout: ${out} stderr: ${err}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    child.stdin.write(file.subarray(0, ends[3])); // the header and three packets
    await until('n=3\n', 3000);
    child.stdin.write(file.subarray(ends[3], ends[5])); // two more
    await until('closed', 3000);
    const t0 = Date.now();
    const timer = setTimeout(() => child.kill(), 5000);
    const code = await exited;
    clearTimeout(timer);
    assert.strictEqual(code, 0, 'exit code; stderr: ' + err);
    assert.ok(Date.now() - t0 < 1500, `exited ${Date.now() - t0} ms after close(), input still open`);
    assert.strictEqual(out, 'n=1\nn=2\nn=3\nn=4\nn=5\nclosed\n');
  } finally {
    child.kill();
    child.stdin.destroy();
  }
});

// Regression: libpcap reads a file with fread, two calls per packet; the stream's buffer must be
// large (glibc keeps its 4 KiB buffer when setvbuf is not given one, which cost a read system call
// per 4 KiB: 660 for this 2.7 MB file). /proc/self/io counts the read calls of every thread.
test('a capture file is read in large blocks (few read system calls)', () => {
  const script = `
const fs = require('fs');
const syscr = () => Number(/syscr: (\\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))[1]);
const pcap = require(${JSON.stringify(path.resolve(__dirname, '..'))});
const before = syscr();
let n = 0;
const s = pcap.createOfflineSession(process.argv[1], {});
s.on('packet', () => { n++; });
s.on('complete', () => { const reads = syscr() - before; s.close(); console.log(JSON.stringify({ n, reads })); });
`;
  const size = fs.statSync(HTTP).size;
  const got = readerOutput(spawnSync(process.execPath, ['-e', script, HTTP], { encoding: 'utf8', timeout: 30000 }));
  assert.strictEqual(got.n, 4000);
  // 128 KiB blocks: ~21 reads for the file, plus a few /proc reads of the test itself
  assert.ok(got.reads < size / 4096 / 4, `${got.reads} read calls for ${size} bytes`);
});

// The same for writing: the dumper gathers records in a 128 KiB buffer (stdio's 4 KiB made ~660
// write calls for this file), written out before each batch is handed over.
test('outfile is written in large blocks (few write system calls) and reads back identical', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-outfile-'));
  const out = path.join(dir, 'out.pcap');
  try {
    const script = `
const fs = require('fs');
const syscw = () => Number(/syscw: (\\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))[1]);
const pcap = require(${JSON.stringify(path.resolve(__dirname, '..'))});
const before = syscw();
let n = 0;
const s = pcap.createOfflineSession(process.argv[1], { outfile: process.argv[2] });
s.on('packet', () => { n++; });
s.on('complete', () => {
  s.close();
  const want = fs.statSync(process.argv[1]).size;
  const t0 = Date.now();
  const done = () => {
    if (fs.statSync(process.argv[2]).size < want && Date.now() - t0 < 5000) return setTimeout(done, 10);
    console.log(JSON.stringify({ n, writes: syscw() - before }));
  };
  done();
});
`;
    const size = fs.statSync(HTTP).size;
    const got = readerOutput(spawnSync(process.execPath, ['-e', script, HTTP, out], { encoding: 'utf8', timeout: 30000 }));
    assert.strictEqual(got.n, 4000);
    assert.ok(got.writes < size / 4096 / 4, `${got.writes} write calls for ${size} bytes`);
    assert.deepStrictEqual(refDigest(out), refDigest(HTTP));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
