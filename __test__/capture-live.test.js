'use strict';

// Live sessions on the loopback interface with traffic the tests send to 127.0.0.1 and ::1.
const test = require('node:test');
const assert = require('node:assert');
const dgram = require('dgram');
const fs = require('fs');
const os = require('os');
const path = require('path');
const pcap = require('..');
const { readAll, waitFor, sleep } = require('./helpers/session');

let nextPort = 41000 + (process.pid % 2000);
const port = () => nextPort++;

// Sends `count` UDP datagrams ("msg-<i>") to host:port, `perTick` at a time.
async function sendUdp(host, dport, count, perTick = 50) {
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  for (let i = 0; i < count; i++) {
    await new Promise((resolve, reject) => sock.send('msg-' + i, dport, host, (e) => (e ? reject(e) : resolve())));
    if (i % perTick === perTick - 1) await sleep(1);
  }
  sock.close();
}

// UDP payload of a loopback Ethernet frame (IPv4 or IPv6, no options).
function udpPayload(buf) {
  const ethertype = buf.readUInt16BE(12);
  if (ethertype === 0x0800) {
    const ihl = (buf[14] & 15) * 4;
    return buf.subarray(14 + ihl + 8);
  }
  return buf.subarray(14 + 40 + 8);
}

function ipv4Header(buf) {
  return buf.readUInt16BE(12) === 0x0800;
}

test('live on lo: filtered UDP over IPv4 and IPv6 arrives complete, in order, with buffer_timeout 0', async () => {
  const p4 = port();
  const p6 = port();
  const s = pcap.createSession('lo', { filter: `udp and (dst port ${p4} or dst port ${p6})`, buffer_timeout: 0 });
  assert.strictEqual(s.link_type, 'LINKTYPE_ETHERNET');
  assert.strictEqual(s.is_live, true);
  assert.strictEqual(s.device_name, 'lo');
  assert.strictEqual(s.opened, true);
  const got = [];
  s.on('packet', (raw) => got.push(raw));
  await sendUdp('127.0.0.1', p4, 200);
  await sendUdp('::1', p6, 200);
  await waitFor(() => got.length >= 400, 5000, '400 packets');
  await sleep(100);
  const stats = s.stats();
  s.close();
  assert.strictEqual(got.length, 400);
  const v4 = got.filter((r) => ipv4Header(r.buf));
  const v6 = got.filter((r) => !ipv4Header(r.buf));
  assert.strictEqual(v4.length, 200);
  assert.strictEqual(v6.length, 200);
  v4.forEach((r, i) => assert.strictEqual(udpPayload(r.buf).toString(), 'msg-' + i));
  v6.forEach((r, i) => assert.strictEqual(udpPayload(r.buf).toString(), 'msg-' + i));
  for (const r of got) {
    assert.strictEqual(r.header.readUInt32LE(8), r.buf.length, 'caplen = buf.length');
    assert.strictEqual(r.header.readUInt32LE(12), r.buf.length, 'len = caplen for small packets');
    assert.ok(Math.abs(r.header.readUInt32LE(0) - Date.now() / 1000) < 60, 'timestamp is now');
  }
  assert.ok(stats.ps_recv >= 400, 'ps_recv ' + stats.ps_recv);
  assert.strictEqual(stats.ps_drop, 0);
  assert.strictEqual(stats.app_drop, 0);
});

test('live on lo: default buffer_timeout (1000 ms) still delivers a lone packet within it', async () => {
  const p = port();
  const s = pcap.createSession('lo', { filter: `udp dst port ${p}` });
  assert.strictEqual(s.buffer_timeout, 1000);
  assert.strictEqual(s.buffer_size, 10 * 1024 * 1024);
  assert.strictEqual(s.snap_length, 65535);
  assert.strictEqual(s.promiscuous, true);
  let at = 0;
  s.on('packet', () => { at = Date.now(); });
  await sleep(50);
  const sent = Date.now();
  await sendUdp('127.0.0.1', p, 1);
  await waitFor(() => at > 0, 3000, 'the packet');
  s.close();
  assert.ok(at - sent <= 1300, 'delivered after ' + (at - sent) + ' ms');
});

test('live on lo: with buffer_timeout 0 a lone packet arrives within milliseconds', async () => {
  const p = port();
  const s = pcap.createSession('lo', { filter: `udp dst port ${p}`, buffer_timeout: 0 });
  let at = 0;
  s.on('packet', () => { at = performance.now(); });
  await sleep(50);
  const delays = [];
  for (let i = 0; i < 20; i++) {
    at = 0;
    const sent = performance.now();
    await sendUdp('127.0.0.1', p, 1);
    await waitFor(() => at > 0, 3000, 'packet ' + i);
    delays.push(at - sent);
    await sleep(20);
  }
  s.close();
  delays.sort((a, b) => a - b);
  // node_pcap's default (buffer_timeout 1000) holds a lone packet up to a second.
  assert.ok(delays[10] < 25, 'median delay ' + delays[10].toFixed(1) + ' ms: ' + delays.map((d) => d.toFixed(1)).join(' '));
  assert.ok(delays[19] < 500, 'longest delay ' + delays[19].toFixed(1) + ' ms');
});

test('node_pcap 2.x positional createSession(device, filter, buffer_size) applies the filter', async () => {
  const p = port();
  const other = port();
  const s = pcap.createSession('lo', `udp dst port ${p}`, 4 * 1024 * 1024);
  assert.strictEqual(s.filter, `udp dst port ${p}`);
  assert.strictEqual(s.buffer_size, 4 * 1024 * 1024);
  const got = [];
  s.on('packet', (raw) => got.push(udpPayload(raw.buf).toString()));
  await sendUdp('127.0.0.1', other, 5);
  await sendUdp('127.0.0.1', p, 5);
  await waitFor(() => got.length >= 5, 4000, '5 packets');
  await sleep(50);
  s.close();
  assert.deepStrictEqual(got, ['msg-0', 'msg-1', 'msg-2', 'msg-3', 'msg-4']);
});

test('a stalled JavaScript thread loses nothing that fits the application buffer', async () => {
  const p = port();
  const s = pcap.createSession('lo', { filter: `udp dst port ${p}`, buffer_timeout: 0 });
  let n = 0;
  s.on('packet', () => { n++; });
  const sender = require('child_process').spawn(process.execPath, ['-e', `
    const s = require('dgram').createSocket('udp4'); let i = 0;
    (function burst() { for (let k = 0; k < 100 && i < 3000; k++, i++) s.send('x' + i, ${p}, '127.0.0.1');
      if (i < 3000) setTimeout(burst, 2); else setTimeout(() => s.close(), 50); })();`]);
  await sleep(30);
  const until = Date.now() + 300; // block this thread for 300 ms while the child sends
  while (Date.now() < until) { /* stall */ }
  await new Promise((r) => sender.on('exit', r));
  await waitFor(() => n >= 3000, 5000, '3000 packets');
  await sleep(50);
  const st = s.stats();
  s.close();
  assert.strictEqual(n, 3000);
  assert.strictEqual(st.ps_drop, 0);
  assert.strictEqual(st.app_drop, 0);
});

test('the application buffer is bounded: beyond it packets are discarded and counted', async () => {
  const p = port();
  const s = pcap.createSession('lo', {
    filter: `udp dst port ${p}`, buffer_timeout: 0, app_buffer_size: 16 * 1024, batch_size: 4096,
  });
  let n = 0;
  s.on('packet', () => { n++; });
  const sender = require('child_process').spawn(process.execPath, ['-e', `
    const s = require('dgram').createSocket('udp4'); let i = 0; const pad = Buffer.alloc(200);
    (function burst() { for (let k = 0; k < 50 && i < 2000; k++, i++) s.send(pad, ${p}, '127.0.0.1');
      if (i < 2000) setTimeout(burst, 1); else setTimeout(() => s.close(), 50); })();`]);
  await sleep(20);
  const until = Date.now() + 400;
  while (Date.now() < until) { /* stall while ~2000 packets (600 KB) arrive */ }
  await new Promise((r) => sender.on('exit', r));
  await sleep(300);
  const st = s.stats();
  s.close();
  assert.ok(st.app_drop > 0, 'some packets were discarded: ' + JSON.stringify(st));
  assert.ok(n < 2000, 'delivered ' + n);
  assert.strictEqual(n + st.app_drop + st.ps_drop, 2000, JSON.stringify({ n, st }));
});

test('the application buffer bounds memory: sparse batches are not counted at their packet bytes', async (t) => {
  // With buffer_timeout 0 a paused session queues a batch per millisecond poll, one or two packets
  // each. Counting packet bytes let 1,000 such batches hold a 64 KiB block each (~64 MB under a
  // 256 KiB bound); they are now right-sized and counted by capacity.
  const p = port();
  const s = pcap.createSession('lo', { filter: `udp dst port ${p}`, buffer_timeout: 0, app_buffer_size: 256 * 1024 });
  t.after(() => s.close());
  let n = 0;
  s.on('packet', () => { n++; });
  s.pause();
  await sleep(50);
  // VmData: the process's private memory as allocated (a sparse 64 KiB block costs 64 KiB of it
  // but only the one page it touched of RSS).
  const vmData = () => Number(/VmData:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
  const data0 = vmData();
  const sender = require('child_process').spawn(process.execPath, ['-e', `
    const s = require('dgram').createSocket('udp4'); let i = 0; const pad = Buffer.alloc(100);
    (function one() { s.send(pad, ${p}, '127.0.0.1'); if (++i < 1000) setTimeout(one, 1); else setTimeout(() => s.close(), 50); })();`]);
  await new Promise((r) => sender.on('exit', r));
  await sleep(100);
  const grown = vmData() - data0;
  s.resume();
  await waitFor(() => n + s.stats().app_drop >= 1000, 10000, () => `1000 packets (${n} delivered, ${s.stats().app_drop} dropped)`);
  const st = s.stats();
  s.close();
  assert.strictEqual(n, 1000);
  assert.strictEqual(st.app_drop, 0);
  assert.ok(grown < 16 * 1024 * 1024, `memory grew by ${(grown / 1048576).toFixed(1)} MB while 1,000 packets (~180 KB) waited`);
});

test('snap_length 0 or less captures whole packets (libpcap and tcpdump -s 0)', async () => {
  for (const snap of [0, -5]) {
    const p = port();
    const s = pcap.createSession('lo', { filter: `udp dst port ${p}`, buffer_timeout: 0, snap_length: snap });
    const got = [];
    s.on('packet', (raw) => got.push(raw));
    await sleep(50);
    const sock = dgram.createSocket('udp4');
    await new Promise((resolve, reject) => sock.send(Buffer.alloc(1000, 7), p, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    sock.close();
    await waitFor(() => got.length >= 1, 3000, 'the packet');
    s.close();
    const h = got[0].header;
    assert.strictEqual(h.readUInt32LE(12), 14 + 20 + 8 + 1000, 'len');
    assert.strictEqual(h.readUInt32LE(8), 14 + 20 + 8 + 1000, 'caplen: snap_length ' + snap);
    assert.strictEqual(got[0].buf.length, 1042);
  }
});

test('inject() on lo is seen by a second session, byte for byte', async () => {
  const rx = pcap.createSession('lo', { filter: 'ether proto 0x88b5', buffer_timeout: 0 });
  const tx = pcap.createSession('lo', { filter: 'ether proto 0x88b5', buffer_timeout: 0 });
  const got = [];
  rx.on('packet', (raw) => got.push(Buffer.from(raw.buf)));
  const frame = Buffer.alloc(60);
  frame.fill(0, 0, 12);
  frame.writeUInt16BE(0x88b5, 12); // IEEE 802 local experimental ethertype
  frame.write('node-pcap inject test', 14);
  await sleep(20);
  assert.strictEqual(tx.inject(frame), undefined);
  await waitFor(() => got.length >= 1, 3000, 'the injected frame');
  rx.close();
  tx.close();
  assert.ok(got[0].equals(frame));
  assert.throws(() => tx.inject(frame), { code: 'ECLOSED' });
});

test('outfile: every delivered packet is also written, and reads back identical', async () => {
  const p = port();
  const out = path.join(os.tmpdir(), 'pcap-live-out-' + process.pid + '.pcap');
  const s = pcap.createSession('lo', { filter: `udp dst port ${p}`, buffer_timeout: 0, outfile: out });
  assert.strictEqual(s.outfile, out);
  const got = [];
  s.on('packet', (raw) => got.push(raw));
  await sendUdp('127.0.0.1', p, 50);
  await waitFor(() => got.length >= 50, 4000, '50 packets');
  s.close();
  await sleep(100);
  const back = await readAll(out);
  fs.unlinkSync(out);
  assert.strictEqual(back.packets.length, 50);
  back.packets.forEach((r, i) => {
    assert.ok(r.buf.equals(got[i].buf));
    assert.ok(r.header.equals(got[i].header));
  });
});

test('several sessions at once: two files and a live capture', async () => {
  const file = path.resolve(__dirname, 'fixtures/http-loopback.pcap');
  const p = port();
  const live = pcap.createSession('lo', { filter: `udp dst port ${p}`, buffer_timeout: 0 });
  let n = 0;
  live.on('packet', () => { n++; });
  const [a, b] = await Promise.all([readAll(file), readAll(file, 'ip6'), sendUdp('127.0.0.1', p, 20)]);
  await waitFor(() => n >= 20, 3000, '20 live packets');
  live.close();
  assert.strictEqual(a.packets.length, 4000);
  assert.ok(b.packets.length > 0 && b.packets.length < 4000);
  assert.strictEqual(n, 20);
});

test('findalldevs, lib_version and the default device rule', () => {
  const devs = pcap.findalldevs();
  const lo = devs.find((d) => d.name === 'lo');
  assert.ok(lo, 'lo is listed');
  assert.strictEqual(lo.flags, 'PCAP_IF_LOOPBACK');
  assert.ok(lo.addresses.some((a) => a.addr === '127.0.0.1' && a.netmask === '255.0.0.0'));
  assert.ok(lo.addresses.some((a) => a.addr === '::1'));
  for (const d of devs) {
    assert.deepStrictEqual(Object.keys(d).filter((k) => !['name', 'description', 'addresses', 'flags'].includes(k)), []);
    if ('flags' in d) assert.strictEqual(d.flags, 'PCAP_IF_LOOPBACK');
  }
  assert.strictEqual(typeof pcap.lib_version, 'string');
  assert.match(pcap.lib_version, /^libpcap version \d+\.\d+/);
  const expected = devs.find((d) => d.flags !== 'PCAP_IF_LOOPBACK' &&
    d.addresses.some((a) => a && /^\d+\.\d+\.\d+\.\d+$/.test(a.addr)));
  if (expected) {
    const s = pcap.createSession('', { filter: 'udp port 9 and host 127.0.0.254' });
    assert.strictEqual(s.device_name, expected.name);
    s.close();
  } else {
    assert.throws(() => pcap.createSession(''), { code: 'ENODEV' });
  }
});
