'use strict';

// Every error a user can meet opening or using a session: a thrown Error with a `code` and a
// message that names the cause (issue: capture engine, item 6).
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const pcap = require('..');

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.resolve(__dirname, 'fixtures');
const HTTP = path.join(FIXTURES, 'http-loopback.pcap');

test('unknown interface: ENODEV naming the device', () => {
  assert.throws(() => pcap.createSession('nosuchif9', {}), (e) => {
    assert.strictEqual(e.code, 'ENODEV');
    assert.match(e.message, /nosuchif9/);
    assert.match(e.message, /findalldevs/);
    return true;
  });
});

test('filter syntax error: EFILTER with libpcap\'s message and the filter text', () => {
  for (const open of [
    () => pcap.createSession('lo', { filter: 'tcp port 80 and and' }),
    () => pcap.createOfflineSession(HTTP, { filter: 'ip.src == 10.0.0.1' }),
  ]) {
    assert.throws(open, (e) => {
      assert.strictEqual(e.code, 'EFILTER');
      assert.match(e.message, /syntax error|illegal|unknown/);
      assert.match(e.message, /invalid filter "(tcp port 80 and and|ip\.src == 10\.0\.0\.1)"/);
      return true;
    });
  }
});

test('missing, unreadable, directory and non-capture files', () => {
  assert.throws(() => pcap.createOfflineSession('/nonexistent/x.pcap'), { code: 'ENOENT', message: /\/nonexistent\/x\.pcap/ });
  assert.throws(() => pcap.createOfflineSession(FIXTURES), { code: 'EISDIR' });
  assert.throws(() => pcap.createOfflineSession(path.join(FIXTURES, 'README.md')), (e) => {
    assert.strictEqual(e.code, 'EBADFILE');
    assert.match(e.message, /README\.md: not a readable pcap or pcapng capture file/);
    return true;
  });
  assert.throws(() => pcap.createOfflineSession(''), { code: 'EINVAL' });
  // Unreadable: a file only root may read, opened by an unprivileged child.
  const secret = path.join(os.tmpdir(), 'pcap-secret-' + process.pid + '.pcap');
  fs.copyFileSync(HTTP, secret);
  fs.chmodSync(secret, 0o600);
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', `
    try { require(${JSON.stringify(ROOT)}).createOfflineSession(${JSON.stringify(secret)}); console.log('opened'); }
    catch (e) { console.log(e.code + ' ' + e.message); }`], { encoding: 'utf8' });
  fs.unlinkSync(secret);
  assert.match(r.stdout, /^EACCES .*permission denied/m, r.stdout + r.stderr);
});

test('no permission: EPERM that says how to fix it', () => {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all',
    process.execPath, '-e', `
    try { require(${JSON.stringify(ROOT)}).createSession('lo'); console.log('opened'); }
    catch (e) { console.log(e.code + ' ' + e.message); }`], { encoding: 'utf8' });
  assert.match(r.stdout, /^EPERM lo: .*Operation not permitted/m, r.stdout + r.stderr);
  assert.match(r.stdout, /setcap cap_net_raw,cap_net_admin=eip/);
});

test('inject on a file session, stats and inject after close, bad inject arguments', () => {
  const f = pcap.createOfflineSession(HTTP);
  assert.throws(() => f.inject(Buffer.alloc(60)), { code: 'ENOTSUP', message: /live session/ });
  assert.throws(() => f.inject(), { name: 'TypeError', message: 'Inject takes exactly one argument' });
  assert.throws(() => f.inject('x'), { name: 'TypeError', message: 'First argument must be a buffer' });
  f.close();
  assert.throws(() => f.stats(), { code: 'ECLOSED', message: /already closed/ });
  const l = pcap.createSession('lo', { filter: 'udp port 9 and host 127.0.0.254' });
  l.close();
  assert.throws(() => l.stats(), { code: 'ECLOSED' });
  assert.throws(() => l.inject(Buffer.alloc(60)), { code: 'ECLOSED' });
});

test('outfile that cannot be created: EDUMP', () => {
  assert.throws(() => pcap.createOfflineSession(HTTP, { outfile: '/nonexistent/dir/out.pcap' }), { code: 'EDUMP' });
});

// Runs `script` with node in a network namespace made for it (and deleted after), where it can
// make and delete interfaces; returns spawnSync's result.
function inNetns(script, env) {
  const ns = 'pcaptest-' + process.pid + '-' + Math.random().toString(36).slice(2, 8);
  assert.strictEqual(spawnSync('ip', ['netns', 'add', ns]).status, 0, 'ip netns add');
  try {
    return spawnSync('ip', ['netns', 'exec', ns, process.execPath, '-e', script],
      { encoding: 'utf8', timeout: 15000, env: env || process.env });
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

test('a vanished interface emits error (never crashes); warnings go to warningHandler', () => {
  // A veth pair made inside the test's own network namespace.
  const r = inNetns(`
      const { execSync } = require('child_process');
      execSync('ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up');
      const pcap = require(${JSON.stringify(ROOT)});
      const warnings = [];
      pcap.warningHandler = (w) => warnings.push(w);
      const s = pcap.createSession('v0');
      console.log('warnings ' + JSON.stringify(warnings));
      s.on('error', (e) => { console.log('error ' + e.code + ' ' + e.message + ' opened=' + s.opened); s.close(); });
      process.on('warning', (w) => console.log('process warning ' + w.name));
      setTimeout(() => execSync('ip link del v0'), 200);
      setTimeout(() => { console.log('no error event'); process.exit(3); }, 5000).unref();`);
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /warnings \["v0: no IPv4 address assigned"\]/);
  assert.match(r.stdout, /error EREAD capture on v0 failed: .*(disappeared|went down|No such device).* opened=false/);
  assert.doesNotMatch(r.stdout, /process warning/, 'a listener takes the error over: no warning');
});

// node_pcap 3.1.0 kept `opened` true and said nothing (its dispatch returned -1, counted in
// empty_reads); throwing would crash programs that survived that, so: one process warning.
test('a vanished interface without an error listener: no crash, opened becomes false, a process warning says why', () => {
  const r = inNetns(`
      const { execSync } = require('child_process');
      execSync('ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up');
      const pcap = require(${JSON.stringify(ROOT)});
      pcap.warningHandler = () => {};
      const s = pcap.createSession('v0');
      setTimeout(() => execSync('ip link del v0'), 200);
      // The thread ends and releases the event loop: the process exits by itself.
      process.on('warning', (w) => console.log('warning ' + w.name + ' ' + w.code + ' opened=' + s.opened));
      process.on('exit', () => console.log('exited, opened=' + s.opened));`, { ...process.env, NODE_DEBUG: 'pcap' });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /warning PcapWarning EREAD opened=false/);
  assert.match(r.stdout, /exited, opened=false/);
  assert.match(r.stderr, /\[EREAD\] PcapWarning: capture on v0 failed: .*(disappeared|went down|No such device)/);
  assert.strictEqual(r.stderr.match(/PcapWarning/g).length, 1, 'one warning');
  assert.match(r.stderr, /PCAP \d+: .*capture on v0 failed: .*(disappeared|went down|No such device)/);
});

test('errors are Error instances with a code, also from createWriter', () => {
  assert.throws(() => pcap.createWriter('/nonexistent/dir/w.pcap'), (e) => e instanceof Error && e.code === 'EDUMP');
  assert.throws(() => pcap.createWriter('/tmp/x.pcap', { link_type: 'LINKTYPE_BOGUS' }), { code: 'EINVAL' });
});

test('a throwing warningHandler reaches the caller and stops the capture it interrupted', () => {
  const r = inNetns(`
      const { execSync } = require('child_process');
      execSync('ip link add v0 type veth peer name v1 && ip link set v0 up && ip link set v1 up');
      const pcap = require(${JSON.stringify(ROOT)});
      pcap.warningHandler = (w) => { throw new Error('rejected: ' + w); };
      try { pcap.createSession('v0'); } catch (e) { console.log('caught ' + e.message); }
      // Nothing may keep running: the process has to exit by itself.
      setTimeout(() => { console.log('still running'); process.exit(3); }, 3000).unref();`);
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /caught rejected: v0: no IPv4 address assigned/);
});

test('wrong option types and ranges: TypeError with code EINVAL, thrown before anything opens', () => {
  const cases = [
    [{ filter: 123 }, /filter must be a string, got 123/],
    [{ filter: {} }, /filter must be a string/],
    [{ outfile: 123 }, /outfile must be a string/],
    [{ batch_size: 1e12 }, /batch_size must be a number of bytes from 1024 to 67108864/],
    [{ batch_size: 'x' }, /batch_size must be a number/],
    [{ app_buffer_size: 'x' }, /app_buffer_size must be a number/],
    [{ app_buffer_size: -1 }, /app_buffer_size must be a number/],
    [{ signal: 5 }, /signal must be an AbortSignal/],
  ];
  for (const [opts, message] of cases) {
    assert.throws(() => pcap.createOfflineSession(HTTP, opts), (e) => {
      assert.ok(e instanceof TypeError, String(e));
      assert.strictEqual(e.code, 'EINVAL');
      assert.match(e.message, message);
      return true;
    }, JSON.stringify(opts));
    assert.throws(() => pcap.createSession('lo', opts), { code: 'EINVAL' }, JSON.stringify(opts));
  }
  // Falsy filters mean none, as node_pcap's `filter || ""`.
  for (const filter of [0, false, null, '']) {
    const s = pcap.createOfflineSession(HTTP, { filter });
    assert.strictEqual(s.filter, '');
    s.close();
  }
  // Nothing was left running by the throwing calls: a child doing the same exits by itself.
  const r = spawnSync(process.execPath, ['-e', `
      const pcap = require(${JSON.stringify(ROOT)});
      for (const o of [{ signal: 5 }, { batch_size: 1e19 }, { filter: 1 }]) {
        try { pcap.createOfflineSession(${JSON.stringify(HTTP)}, o); } catch (e) { console.log(e.code); }
      }`], { encoding: 'utf8', timeout: 10000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.strictEqual(r.stdout, 'EINVAL\nEINVAL\nEINVAL\n');
});

test('unusable paths: a NUL byte (EINVAL), too long (ENAMETOOLONG); reading a file into itself (EINVAL, file kept)', () => {
  assert.throws(() => pcap.createOfflineSession('/tmp/a\0b'), { code: 'EINVAL', message: /NUL/ });
  assert.throws(() => pcap.createOfflineSession('/tmp/' + 'a'.repeat(5000)), { code: 'ENAMETOOLONG' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-self-'));
  try {
    const f = path.join(dir, 'in.pcap');
    fs.copyFileSync(HTTP, f);
    const size = fs.statSync(f).size;
    assert.throws(() => pcap.createOfflineSession(f, { outfile: f }), { code: 'EINVAL', message: /is the capture file being read/ });
    assert.throws(() => pcap.createOfflineSession(f, { outfile: path.join(dir, '.', 'in.pcap') }), { code: 'EINVAL' });
    // The same file arriving as standard input.
    const fd = fs.openSync(f, 'r');
    const r = spawnSync(process.execPath, ['-e', `
      const pcap = require(${JSON.stringify(ROOT)});
      try { pcap.createOfflineSession('-', { outfile: ${JSON.stringify(f)} }); } catch (e) { console.log(e.code); }`],
    { stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', timeout: 10000 });
    fs.closeSync(fd);
    assert.strictEqual(r.stdout, 'EINVAL\n', r.stderr);
    assert.strictEqual(fs.statSync(f).size, size, 'the input file is untouched');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('createWriter: a numeric link_type must be an integer DLT from 0 to 65535', () => {
  for (const lt of [NaN, 1.5, -1, 70000, {}]) {
    assert.throws(() => pcap.createWriter('/tmp/never-written.pcap', { link_type: lt }), { code: 'EINVAL', message: /link_type must be/ }, String(lt));
  }
  assert.ok(!fs.existsSync('/tmp/never-written.pcap'));
});

test('a device or path that is not a string: TypeError (node_pcap: "must be a String"), code EINVAL', () => {
  assert.throws(() => pcap.createOfflineSession(42), (e) => e instanceof TypeError && e.code === 'EINVAL' && /capture file path must be a string, got 42/.test(e.message));
  assert.throws(() => pcap.createOfflineSession({}), { name: 'TypeError', code: 'EINVAL' });
  assert.throws(() => pcap.createSession(42), (e) => e instanceof TypeError && /device name must be a string/.test(e.message));
  assert.throws(() => pcap.createOfflineSession(''), (e) => !(e instanceof TypeError) && e.code === 'EINVAL');
});
