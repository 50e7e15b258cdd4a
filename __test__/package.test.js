'use strict';

// The package as npm publishes it: exports map (node_pcap 3.1.0's deep paths, read from the
// installed 3.1.0 package, plus this package's own), files, bins, metadata, no install script;
// and the loader's errors when no addon loads (platform package missing, corrupt addon, libpcap
// missing), with the commands they give. scripts/install-test.sh does the same from a registry.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const pkg = require('../package.json');
const original = require('../bench/original').dir;
const originalRoot = path.join(original, 'node_modules', 'pcap-original');

function listJs(dir, prefix = '') {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...listJs(path.join(dir, e.name), rel + '/'));
    else if (e.name.endsWith('.js')) out.push(rel);
  }
  return out;
}

// What `npm pack` puts in the main package (the same list scripts/pack.js stages).
function packedFiles() {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { cwd: root, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout)[0].files.map((f) => f.path);
}

test('every deep path of node_pcap 3.1.0 is exported, with and without .js, with types beside it', () => {
  const files = listJs(originalRoot).filter((f) => !/^(spec|examples|node_modules)\/|^Gruntfile\.js$/.test(f));
  assert.ok(files.length >= 30, 'node_pcap 3.1.0 files: ' + files.length);
  for (const f of files) {
    const bare = f.replace(/\.js$/, '');
    for (const key of ['./' + bare, './' + f]) {
      const entry = pkg.exports[key];
      assert.ok(entry, 'exports has no ' + key);
      assert.strictEqual(entry.default, './' + f, key);
      assert.ok(fs.existsSync(path.join(root, entry.types)), key + ': types ' + entry.types);
      assert.strictEqual(Object.keys(entry)[0], 'types', key + ': `types` comes first');
    }
    // Self-reference resolves through the map, as require('pcap/...') does in a consumer.
    assert.strictEqual(require.resolve('pcap/' + bare), path.join(root, f));
    assert.strictEqual(require.resolve('pcap/' + f), path.join(root, f));
  }
  assert.strictEqual(require.resolve('pcap/decode'), path.join(root, 'decode/index.js'));
  assert.strictEqual(require('pcap/http_tracker').HTTPTracker, require('..').HTTPTracker);
});

test('internals are not exported; every export target ships; no Rust sources or addon ship', () => {
  for (const internal of ['lib/native', 'lib/session.js', 'decode/_internal', 'decode/ipv6headers/_chain',
    'binding', 'binding.js', 'scripts/prepare.js', 'src/lib.rs', 'build/Release/pcap_binding']) {
    assert.throws(() => require.resolve('pcap/' + internal), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, internal);
  }
  const files = new Set(packedFiles());
  for (const [key, entry] of Object.entries(pkg.exports)) {
    const targets = typeof entry === 'string' ? [entry] : Object.values(entry);
    for (const t of targets) assert.ok(files.has(t.replace(/^\.\//, '')), key + ' -> ' + t + ' is not packed');
  }
  for (const f of files) assert.doesNotMatch(f, /^(src|scripts|target|__test__|bench|fuzz)\/|\.node$|^Cargo|^build\.rs$/, f);
  for (const f of ['LICENSE', 'README.md', 'examples/data/sample.pcap', 'lib/native.js', 'binding.js']) assert.ok(files.has(f), f);
});

test('package metadata: no install script, licence, repository, bins with a shebang and the executable bit', () => {
  for (const s of ['preinstall', 'install', 'postinstall']) assert.strictEqual(pkg.scripts[s], undefined, s);
  assert.strictEqual(pkg.scripts.prepare, 'node scripts/prepare.js');
  assert.strictEqual(pkg.license, 'MIT');
  assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License\n/);
  assert.match(pkg.repository.url, /^git\+https:\/\/github\.com\/.+\.git$/);
  assert.ok(pkg.bugs.url && pkg.homepage && pkg.keywords.includes('pcap'));
  assert.ok(!fs.existsSync(path.join(root, '.npmrc')), 'no project .npmrc');
  const modes = spawnSync('git', ['ls-files', '-s', 'examples'], { cwd: root, encoding: 'utf8' }).stdout;
  for (const [name, file] of Object.entries(pkg.bin)) {
    assert.match(fs.readFileSync(path.join(root, file), 'utf8'), /^#!\/usr\/bin\/env node\n/, name);
    assert.match(modes, new RegExp('^100755 \\S+ 0\\t' + file.replace(/\./g, '\\.') + '$', 'm'), file + ' is executable in git');
    const r = spawnSync(path.join(root, file), ['--help'], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, name + ': ' + r.stderr);
    assert.match(r.stdout + r.stderr, /^Usage: /m, name);
  }
});

// A consumer's node_modules with the packed main package and, optionally, a platform package.
function consumer(t, platformAddon) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-loader-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const main = path.join(dir, 'node_modules', 'pcap');
  for (const f of packedFiles()) {
    fs.mkdirSync(path.dirname(path.join(main, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(main, f));
  }
  if (platformAddon !== undefined) {
    const p = path.join(dir, 'node_modules', '@node-pcap', 'pcap-linux-x64-gnu');
    fs.mkdirSync(p, { recursive: true });
    fs.writeFileSync(path.join(p, 'package.json'), JSON.stringify({ name: '@node-pcap/pcap-linux-x64-gnu', version: pkg.version, main: 'pcap.linux-x64-gnu.node' }));
    fs.writeFileSync(path.join(p, 'pcap.linux-x64-gnu.node'), platformAddon);
  }
  return dir;
}

function load(dir, env = {}, wrap = []) {
  const argv = [...wrap, process.execPath, '-e', "try { console.log(require('pcap').lib_version) } catch (e) { console.log(e.code); console.log(e.message); process.exit(3) }"];
  return spawnSync(argv[0], argv.slice(1), { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
}

const glibc = process.report.getReport().header.glibcVersionRuntime;
const where = 'linux-x64-gnu (glibc ' + glibc + ')';
const devAddon = path.join(root, 'pcap.linux-x64-gnu.node');

test('loader: without the platform package it names platform, libc and the package, and the command installs it', (t) => {
  const r = load(consumer(t));
  assert.strictEqual(r.status, 3, r.stderr);
  const [code, first, ...rest] = r.stdout.trim().split('\n');
  assert.strictEqual(code, 'ENOADDON');
  assert.strictEqual(first, 'pcap: cannot load the native addon on ' + where + ': the prebuilt package @node-pcap/pcap-linux-x64-gnu ' +
    'is not installed (npm skips optional dependencies with --omit=optional, and when package-lock.json was written on another platform).');
  assert.deepStrictEqual(rest, ['  Install it: npm install @node-pcap/pcap-linux-x64-gnu@' + pkg.version]);
});

test('loader: a corrupt addon is named as the first real cause, with how to reinstall and to build from source', (t) => {
  const r = load(consumer(t, Buffer.from('not an ELF file, just text\n'.repeat(40))));
  assert.strictEqual(r.status, 3, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[1], new RegExp('^pcap: cannot load the native addon on ' + where.replace(/[().]/g, '\\$&') +
    ': .*@node-pcap/pcap-linux-x64-gnu/pcap\\.linux-x64-gnu\\.node: invalid ELF header\\.$'));
  assert.strictEqual(lines[2], '  Reinstall the prebuilt package: rm -rf node_modules/@node-pcap/pcap-linux-x64-gnu && npm install @node-pcap/pcap-linux-x64-gnu@' + pkg.version + '.');
  assert.match(lines[3], /^ {2}To build it from source \(needs Rust and the libpcap headers\): git clone https:\/\/github\.com\/\S+ pcap-src && cd pcap-src && npm install;$/);
  assert.match(lines[4], /NAPI_RS_NATIVE_LIBRARY_PATH=\/path\/to\/pcap-src\/pcap\.linux-x64-gnu\.node/);
});

test('loader: an addon that needs a newer glibc names the missing symbol version and the way to build from source', (t) => {
  // The checkout build with its newest GLIBC_2.x requirement renamed to GLIBC_2.99: what the
  // prebuilt looks like on a glibc older than it needs.
  const bytes = fs.readFileSync(devAddon);
  const newest = [...bytes.toString('latin1').matchAll(/GLIBC_(2\.\d+)\0/g)].map((m) => m[1]).sort((a, b) => a.split('.')[1] - b.split('.')[1]).pop();
  const patched = Buffer.from(bytes.toString('latin1').split('GLIBC_' + newest + '\0').join('GLIBC_2.99\0'), 'latin1');
  const r = load(consumer(t, patched));
  assert.strictEqual(r.status, 3, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[1], /: \S*libc\.so\.6: version `GLIBC_2\.99' not found \(required by \S*pcap\.linux-x64-gnu\.node\)\.$/);
  assert.strictEqual(lines[2], '  The prebuilt addon needs glibc 2.17 or newer.');
  assert.match(lines[3], /^ {2}To build it from source/);
});

test('loader: a build from source loads through NAPI_RS_NATIVE_LIBRARY_PATH, as the message says', (t) => {
  const r = load(consumer(t), { NAPI_RS_NATIVE_LIBRARY_PATH: devAddon });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^libpcap version /);
});

test('loader: a build linked to a libpcap that is gone names the missing library and the packages that provide it', (t) => {
  const needed = spawnSync('readelf', ['-d', devAddon], { encoding: 'utf8' }).stdout;
  const soname = /\[(libpcap\.so[^\]]*)\]/.exec(needed);
  assert.ok(soname, 'the checkout build links libpcap dynamically');
  const dir = consumer(t, fs.readFileSync(devAddon));
  const ok = load(dir);
  assert.strictEqual(ok.status, 0, ok.stdout + ok.stderr);
  const r = load(dir, {}, ['bash', path.join(root, 'scripts', 'without-libpcap.sh')]);
  assert.strictEqual(r.status, 3, r.stdout + r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.strictEqual(lines[1], 'pcap: cannot load the native addon on ' + where + ': ' + soname[1] + ': cannot open shared object file: No such file or directory.');
  assert.match(lines[2], /install it \(Debian\/Ubuntu: apt-get install libpcap0\.8;$/);
});

test('check-addon flags a build that needs libpcap or a glibc above the floor (the checkout build does both)', () => {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'check-addon.js'), devAddon], { encoding: 'utf8' });
  assert.strictEqual(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /FAIL: needs libpcap\.so/);
  assert.match(r.stderr, /FAIL: needs glibc 2\.\d+ \(symbol versions above the 2\.17 floor: /);
});
