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
