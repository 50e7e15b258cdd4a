'use strict';

// The Rust/JavaScript boundary (docs/architecture.md, "Boundary"): errors cross with their code
// set by Rust, stats() is an object made by Rust.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const pcap = require('..');
const native = require('../lib/native');

const ROOT = path.resolve(__dirname, '..');
const HTTP = path.join(__dirname, 'fixtures', 'http-loopback.pcap');

test('native errors carry their code as a property, with no "[CODE]" prefix in the message', () => {
  assert.throws(() => native.NativeSession.openOffline({ path: '/nonexistent/x.pcap' }, () => {}), (e) => {
    assert.ok(e instanceof Error);
    assert.strictEqual(e.code, 'ENOENT');
    assert.strictEqual(e.message, '/nonexistent/x.pcap: no such capture file');
    return true;
  });
  assert.throws(() => new native.NativeWriter('/nonexistent/dir/w.pcap', 1, 65535, false), (e) => {
    assert.strictEqual(e.code, 'EDUMP');
    assert.match(e.message, /^error opening dump file \/nonexistent\/dir\/w\.pcap: /);
    return true;
  });
});

test('control characters from a path or device name are escaped in messages', () => {
  assert.throws(() => pcap.createOfflineSession('/nonexistent/a\x1b[31mb\x07.pcap'), (e) => {
    assert.strictEqual(e.code, 'ENOENT');
    assert.strictEqual(e.message, '/nonexistent/a\\x1b[31mb\\x07.pcap: no such capture file');
    return true;
  });
  assert.throws(() => pcap.createOfflineSession('/tmp/a\0b\x1b.pcap'), (e) => {
    assert.strictEqual(e.code, 'EINVAL');
    assert.strictEqual(e.message, '"/tmp/a\\0b\\x1b.pcap": not a usable path (the path contains a NUL byte)');
    return true;
  });
  assert.throws(() => pcap.createSession('no\x1bsuch\x07if'), (e) => {
    assert.strictEqual(e.code, 'ENODEV');
    assert.ok(e.message.startsWith('no\\x1bsuch\\x07if: no such capture device'), e.message);
    return true;
  });
  assert.throws(() => pcap.createSession('no\x1bsuch\0if'), (e) => e.message.startsWith('no\\x1bsuch\\0if: '));
  assert.throws(() => pcap.createWriter('/nonexistent/\x1b\n.pcap'), (e) => {
    assert.strictEqual(e.code, 'EDUMP');
    assert.match(e.message, /\/nonexistent\/\\x1b\\n\.pcap/);
    return true;
  });
  for (const fn of [
    () => pcap.createOfflineSession('/nonexistent/\x00\x1b\x7f\x9b'),
    () => pcap.createSession('\x1b[2J'),
    () => pcap.createWriter('/nonexistent/\r\t.pcap'),
  ]) {
    assert.throws(fn, (e) => !/[\u0000-\u001f\u007f-\u009f]/.test(e.message)); // eslint-disable-line no-control-regex
  }
});

test('out of file descriptors: EMFILE for capture files, writers, outfiles and live sessions', () => {
  // A child with a low descriptor limit fills every free descriptor, then opens.
  const out = path.join(os.tmpdir(), 'pcap-emfile-' + process.pid + '.pcap');
  const script = `
    const fs = require('fs');
    const pcap = require(${JSON.stringify(ROOT)});
    const fds = [];
    try { for (;;) fds.push(fs.openSync('/dev/null', 'r')); } catch (e) { console.log('filled ' + e.code); }
    const tries = {
      file: () => pcap.createOfflineSession(${JSON.stringify(HTTP)}),
      writer: () => pcap.createWriter(${JSON.stringify(out)}),
      live: () => pcap.createSession('lo', { filter: 'udp port 9 and host 127.0.0.254' }),
      outfile: () => { fs.closeSync(fds.pop()); return pcap.createOfflineSession(${JSON.stringify(HTTP)}, { outfile: ${JSON.stringify(out)} }); },
    };
    for (const name of Object.keys(tries)) {
      try { tries[name]().close(); console.log(name + ' opened'); } catch (e) { console.log(name + ' ' + e.code + ' ' + e.message); }
    }
    for (const fd of fds) fs.closeSync(fd);
    pcap.createOfflineSession(${JSON.stringify(HTTP)}).close();
    console.log('recovered');`;
  const r = spawnSync('sh', ['-c', 'ulimit -n 64 && exec "$0" -e "$1"', process.execPath, script],
    { encoding: 'utf8', timeout: 20000 });
  fs.rmSync(out, { force: true });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.strictEqual(lines[0], 'filled EMFILE');
  for (const name of ['file', 'writer', 'live', 'outfile']) {
    const line = lines.find((l) => l.startsWith(name + ' ')) || '';
    assert.match(line, new RegExp('^' + name + ' EMFILE .*[Tt]oo many open files.*ulimit -n'), r.stdout);
  }
  assert.strictEqual(lines[lines.length - 1], 'recovered');
});

test('stats(): a plain object with node_pcap\'s keys in its order, plus app_drop', async () => {
  const s = pcap.createOfflineSession(HTTP);
  let n = 0;
  s.on('packet', () => n++);
  await new Promise((resolve) => s.on('complete', resolve));
  const st = s.stats();
  assert.strictEqual(Object.getPrototypeOf(st), Object.prototype);
  assert.deepStrictEqual(Object.keys(st), ['ps_recv', 'ps_drop', 'ps_ifdrop', 'app_drop']);
  assert.deepStrictEqual(st, { ps_recv: n, ps_drop: 0, ps_ifdrop: 0, app_drop: 0 });
  // Each call makes a new object (callers may keep or change it).
  assert.notStrictEqual(s.stats(), st);
  s.close();
  assert.throws(() => s.stats(), { code: 'ECLOSED', message: 'pcap session already closed' });
});

// lib/layout.js is generated from the Rust constants (src/layout.rs; `cargo test` fails when it is
// stale). Here JavaScript reads, with those names, what the addon wrote: the layout assertion.
const L = require('../lib/layout');
const B = require('./helpers/bytes');
const { parsePcap } = require('./helpers/pcapfile');

function mapOf(buf, dlt) {
  const m = Buffer.alloc(L.MAP_LEN);
  assert.ok(native.structureInto(buf, dlt, m));
  return {
    magic: m[L.MAP_MAGIC], link: m[L.MAP_LINK], tags: m[L.MAP_VLAN_TAGS], net: m[L.MAP_NET],
    netOff: m.readUInt16LE(L.MAP_NET_OFF), proto: m[L.MAP_PROTO], status: m[L.MAP_STATUS],
    transportOff: m.readUInt16LE(L.MAP_TRANSPORT_OFF), hlen: m.readUInt16LE(L.MAP_TRANSPORT_HLEN),
    seg: m.readUInt16LE(L.MAP_SEG_LEN), flags: m[L.MAP_FLAGS], shape: m[L.MAP_SHAPE],
    caplen: m.readUInt32LE(L.MAP_CAPLEN),
  };
}

test('layout: the map fields the addon writes are where lib/layout.js says', () => {
  assert.strictEqual(L.MAP_LEN, 24);
  // Ethernet, IPv4, TCP with 5 bytes of data.
  const tcp = B.tcp({ flags: 'PA' }, Buffer.from('hello'));
  const p4 = B.eth(0x0800, B.ipv4(6, tcp));
  assert.deepStrictEqual(mapOf(p4, L.DLT_ETHERNET), {
    magic: L.MAGIC, link: L.LINK_ETHERNET, tags: 0, net: L.NET_IPV4, netOff: 14, proto: 6,
    status: L.STATUS_OK, transportOff: 34, hlen: 20, seg: tcp.length, flags: L.F_TRANSPORT | L.F_USUAL_TCP_OPTIONS,
    shape: L.SHAPE_SIMPLE | L.SHAPE_TCP | L.SHAPE_ETHERNET, caplen: p4.length,
  });
  // Raw IPv6, UDP.
  const u = B.udp(53, 5353, Buffer.from('dns?'));
  const p6 = B.ipv6(17, u);
  assert.deepStrictEqual(mapOf(p6, L.DLT_RAW), {
    magic: L.MAGIC, link: L.LINK_IP, tags: 0, net: L.NET_IPV6, netOff: 0, proto: 17,
    status: L.STATUS_OK, transportOff: 40, hlen: 8, seg: u.length, flags: L.F_TRANSPORT,
    shape: L.SHAPE_SIMPLE | L.SHAPE_IPV6, caplen: p6.length,
  });
  // A truncated TCP header: the network layer stays usable, the status says why.
  const cut = p4.subarray(0, 14 + 20 + 10);
  const m = mapOf(cut, L.DLT_ETHERNET);
  assert.strictEqual(m.status, L.STATUS_TRANSPORT_TRUNCATED);
  assert.strictEqual(m.shape, 0);
  assert.strictEqual(m.flags & L.F_TRANSPORT, 0);
  assert.strictEqual(mapOf(p4, L.DLT_IEEE802_11_RADIO).status, L.STATUS_UNSUPPORTED);
});

test('layout: batch records are where lib/layout.js says (against the file read by tcpdump\'s format)', async () => {
  const want = parsePcap(fs.readFileSync(HTTP)).packets;
  assert.strictEqual(native.recordHeaderBytes(), L.RECORD_HEADER);
  assert.strictEqual(L.RECORD_DATA, L.RECORD_HEADER);
  assert.strictEqual(L.RECORD_MAP + L.MAP_LEN, L.RECORD_DATA);
  const s = pcap.createOfflineSession(HTTP);
  let i = 0;
  let mapped = 0;
  s.on('packet', (raw) => {
    const w = want[i++];
    const h = raw.header;
    assert.strictEqual(h.length, L.PCAP_HEADER);
    assert.deepStrictEqual([h.readUInt32LE(L.RECORD_TV_SEC), h.readUInt32LE(L.RECORD_TV_USEC),
      h.readUInt32LE(L.RECORD_CAPLEN), h.readUInt32LE(L.RECORD_LEN)], [w.tv_sec, w.tv_usec, w.caplen, w.len]);
    // The data and the map lie in the same batch at their offsets from the record's start.
    assert.strictEqual(raw.buf.buffer, h.buffer);
    assert.strictEqual(raw.buf.byteOffset - h.byteOffset, L.RECORD_DATA);
    assert.ok(raw.buf.equals(w.data));
    const map = Buffer.from(h.buffer, h.byteOffset + L.RECORD_MAP, L.MAP_LEN);
    if (map[L.MAP_MAGIC] === L.MAGIC) {
      const computed = Buffer.alloc(L.MAP_LEN);
      native.structureInto(raw.buf, L.DLT_ETHERNET, computed);
      assert.ok(map.equals(computed), 'record ' + i);
      mapped++;
    } else {
      assert.ok(map.equals(Buffer.alloc(L.MAP_LEN)), 'a map not computed is zero');
    }
    // Decoding turns the session's maps on.
    pcap.decode.packet(raw);
  });
  await new Promise((resolve) => s.on('complete', resolve));
  assert.strictEqual(i, want.length);
  assert.ok(mapped > 0 && mapped < i, 'maps from the point decoding began: ' + mapped);
});

test('layout: link-type names and DLT values agree with the addon; option limits are what sessions enforce', () => {
  for (const [dlt, name] of Object.entries(L.LINKTYPE_NAMES)) {
    assert.strictEqual(native.linkTypeName(Number(dlt)), name);
  }
  for (const key of Object.keys(L).filter((k) => k.startsWith('DLT_'))) {
    assert.strictEqual(typeof L.LINKTYPE_NAMES[L[key]], 'string', key);
  }
  assert.strictEqual(native.linkTypeNumber('LINKTYPE_LINUX_SLL2'), L.DLT_LINUX_SLL2);
  assert.throws(() => pcap.createOfflineSession(HTTP, { batch_size: L.MAX_BATCH_BYTES + 1 }),
    { code: 'EINVAL', message: new RegExp('from ' + L.MIN_BATCH_BYTES + ' to ' + L.MAX_BATCH_BYTES) });
  assert.throws(() => pcap.createOfflineSession(HTTP, { batch_size: L.MIN_BATCH_BYTES - 1 }), { code: 'EINVAL' });
  for (const batch_size of [L.MIN_BATCH_BYTES, L.MAX_BATCH_BYTES]) {
    pcap.createOfflineSession(HTTP, { batch_size }).close();
  }
  assert.throws(() => pcap.createOfflineSession(HTTP, { app_buffer_size: L.MAX_APP_BUFFER_BYTES + 2 }), { code: 'EINVAL' });
  const live = pcap.createSession('lo', { filter: 'udp port 9 and host 127.0.0.254' });
  assert.deepStrictEqual([live.buffer_size, live.snap_length, live.buffer_timeout, live.promiscuous],
    [L.DEFAULT_BUFFER_SIZE, L.DEFAULT_SNAP_LENGTH, L.DEFAULT_BUFFER_TIMEOUT_MS, L.DEFAULT_PROMISCUOUS]);
  live.close();
  assert.throws(() => pcap.createWriter('/tmp/never.pcap', { snap_length: L.MAXIMUM_SNAPLEN + 1 }), { code: 'EINVAL' });
});

test('layout: every constant a JavaScript reader takes from lib/layout.js exists there', () => {
  // The readers name the module `L` (lib/session.js, lib/structure.js, lib/writer.js,
  // decode/_mapped.js); a misspelt name would read as undefined and compare false silently.
  const readers = ['lib/session.js', 'lib/structure.js', 'lib/writer.js', 'decode/_mapped.js'];
  let names = 0;
  for (const file of readers) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    assert.match(text, /require\('(\.\.\/lib|\.)\/layout'\)/, file);
    for (const m of text.matchAll(/\bL\.([A-Za-z0-9_]+)/g)) {
      assert.ok(Object.prototype.hasOwnProperty.call(L, m[1]), file + ': L.' + m[1] + ' is not in lib/layout.js');
      names++;
    }
  }
  assert.ok(names > 40, 'names read: ' + names);
  // The generated file is plain numbers (and one frozen table) that V8 can treat as constants.
  for (const [k, v] of Object.entries(L)) {
    assert.ok(typeof v === 'number' || typeof v === 'boolean' || Object.isFrozen(v), k);
  }
  assert.match(fs.readFileSync(path.join(ROOT, 'lib/layout.js'), 'utf8'), /^\/\/ generated by `UPDATE_LAYOUT=1 cargo test --lib layout`.*do not edit/);
});
