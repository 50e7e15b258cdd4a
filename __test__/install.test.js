'use strict';

// scripts/prepare.js (the prepare hook npm runs in a checkout) stops with one line that says what to install.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const path = require('path');

const script = path.resolve(__dirname, '../scripts/prepare.js');

test('without cargo, npm install stops with one line naming rustup', () => {
  const r = spawnSync(process.execPath, [script], {
    encoding: 'utf8', env: { ...process.env, CARGO: '/nonexistent/cargo', PCAP_SKIP_BUILD: '' },
  });
  assert.strictEqual(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.strictEqual(lines.length, 1, r.stderr);
  assert.match(lines[0], /^pcap: building the native addon needs Rust: install it with rustup/);
});

const fs = require('fs');
const os = require('os');

// Runs `argv` in a private mount namespace where /usr/include is empty (no libpcap headers) and
// pkg-config finds no libpcap: what a machine without libpcap-dev looks like to the install hook.
function withoutHeaders(argv, cwd) {
  return spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs none /usr/include && exec "$@"', 'sh', ...argv], {
    cwd, encoding: 'utf8', timeout: 300000,
    env: { ...process.env, PKG_CONFIG_LIBDIR: '/nonexistent', PKG_CONFIG_PATH: '', PCAP_SKIP_BUILD: '' },
  });
}

test('without the libpcap headers, the install hook stops with one line naming libpcap-dev', () => {
  const r = withoutHeaders([process.execPath, script]);
  assert.strictEqual(r.status, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.strictEqual(lines.length, 1, r.stderr);
  assert.match(lines[0], /^pcap: the libpcap headers are missing: install them \(Debian\/Ubuntu: apt-get install libpcap-dev/);
});

test('npm ci in a fresh copy of the repository without the libpcap headers fails with that line, not a node-gyp error', () => {
  const root = path.resolve(__dirname, '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-fresh-'));
  const files = spawnSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  assert.ok(files.includes('package.json') && files.includes('package-lock.json'));
  for (const f of files) {
    if (!fs.existsSync(path.join(root, f))) continue;
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(dir, f));
  }
  try {
    const r = withoutHeaders(['npm', 'ci', '--no-audit', '--no-fund', '--prefer-offline'], dir);
    assert.notStrictEqual(r.status, 0, 'npm ci must fail');
    const out = r.stdout + r.stderr;
    assert.match(out, /pcap: the libpcap headers are missing: install them/);
    assert.doesNotMatch(out, /gyp (ERR|info)|pcap\.h: No such file/, 'no dependency tried to compile against libpcap');
    assert.ok(!fs.existsSync(path.join(dir, 'node_modules', 'pcap-original')), 'the comparison package is not a devDependency');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
