#!/usr/bin/env node
'use strict';

// `npm run pack`: the publishable tarballs, the napi-rs way. For this machine's platform it
// builds the self-contained addon (Linux glibc: libpcap 1.10.5 linked statically, napi-rs's
// glibc-2.17 cross toolchain), checks it, and writes into dist/ the main package `pcap` (JS and
// types; its optionalDependencies name every platform package) and the platform package
// @node-pcap/pcap-<platform> (the .node).
//
//   node scripts/pack.js                        build for this machine, then pack both
//   node scripts/pack.js --build-only --target T    release leg: build target T into target/napi/T
//   node scripts/pack.js --from-artifacts DIR [--require-all]   release publish job: pack every
//                                 platform package from the .node files found under DIR, and the main
//
// The release workflow (.github/workflows/release.yml) runs the same script.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const crossToolchain = require('./cross-toolchain');
const checkAddon = require('./check-addon');

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const { binaryName, packageName, targets } = pkg.napi;
const GLIBC_FLOOR = '2.17';

function log(msg) {
  process.stderr.write('pack: ' + msg + '\n');
}

function fail(msg) {
  log('FAILED: ' + msg);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) fail(cmd + ': ' + r.error.message);
  if (r.status !== 0) fail(cmd + ' ' + args.join(' ') + ' exited with ' + r.status);
  return r;
}

function capture(cmd, args, opts = {}) {
  const r = run(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });
  return r.stdout;
}

const napiBin = path.join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js');
function napi(args, env, opts) {
  if (!fs.existsSync(napiBin)) fail('@napi-rs/cli is not installed: run npm ci first');
  return run(process.execPath, [napiBin, ...args], { env: { ...process.env, ...env }, ...opts });
}

// napi-rs's platform name of a target triple (linux-x64-gnu, darwin-arm64, win32-x64-msvc).
function platformArchABI(triple) {
  const [arch, , sys, abi] = triple.split('-');
  const a = { x86_64: 'x64', aarch64: 'arm64' }[arch] || arch;
  if (sys === 'darwin') return 'darwin-' + a;
  if (sys === 'windows') return 'win32-' + a + '-' + abi;
  return 'linux-' + a + '-' + abi;
}

function hostTriple() {
  const out = capture('rustc', ['-vV']);
  const m = /^host: (\S+)$/m.exec(out);
  if (!m) fail('rustc -vV printed no host triple');
  return m[1];
}

// Builds target `triple` into target/napi/<triple>/ and returns the .node path.
function build(triple) {
  if (!targets.includes(triple)) fail(triple + ' is not among package.json napi.targets');
  const outDir = path.join(root, 'target', 'napi', triple);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const key = platformArchABI(triple);
  const args = ['build', '--platform', '--release', '--target', triple, '--output-dir', outDir,
    '--no-js', '--dts', 'binding.d.ts'];
  const env = {};
  if (triple.endsWith('-linux-gnu') || triple.endsWith('-linux-musl')) {
    // libpcap from source, static and position-independent, built by the same C compiler the
    // addon is linked with.
    let cc;
    let ar;
    let ranlib;
    if (triple.endsWith('-gnu')) {
      const tc = crossToolchain.ensure(triple);
      cc = path.join(tc, 'bin', triple + '-gcc');
      ar = path.join(tc, 'bin', triple + '-ar');
      ranlib = path.join(tc, 'bin', triple + '-ranlib');
      args.push('--use-napi-cross');
    } else {
      // musl: cargo-zigbuild (`napi build -x`) links with zig, so zig compiles libpcap too.
      const zigTarget = triple.split('-')[0] + '-linux-musl';
      cc = 'zig cc -target ' + zigTarget;
      ar = 'zig ar';
      ranlib = 'zig ranlib';
      args.push('--cross-compile');
      env.PKG_CONFIG_ALLOW_CROSS = '1';
    }
    const prefix = path.join(root, 'target', 'libpcap', triple);
    run('bash', [path.join(__dirname, 'libpcap.sh'), prefix, cc, ar, ranlib]);
    const pc = path.join(prefix, 'lib', 'pkgconfig');
    Object.assign(env, { LIBPCAP_STATIC: '1', PKG_CONFIG_PATH: pc, PKG_CONFIG_LIBDIR: pc });
    fs.copyFileSync(path.join(prefix, 'LICENSE.libpcap'), path.join(outDir, 'LICENSE.libpcap'));
  }
  // macOS links the libpcap of the SDK (part of the OS); Windows links Npcap's wpcap.lib
  // (LIBPCAP_LIBDIR, set by the workflow) and needs Npcap installed at run time.
  const started = Date.now();
  napi(args, env);
  const file = path.join(outDir, binaryName + '.' + key + '.node');
  if (!fs.existsSync(file)) fail('napi build wrote no ' + file);
  log('built ' + path.relative(root, file) + ' in ' + ((Date.now() - started) / 1000).toFixed(0) + ' s, ' +
    (fs.statSync(file).size / 1048576).toFixed(2) + ' MiB');
  if (process.platform === 'linux' && triple.includes('-linux-')) {
    const r = checkAddon.check(file, triple.endsWith('-gnu') ? GLIBC_FLOOR : null);
    log('check: NEEDED ' + r.needed.join(' ') + '; highest GLIBC symbol version ' + (r.maxGlibc || 'none'));
    if (r.problems.length) fail(r.problems.join('; '));
  }
  return file;
}

// target/napi/pack/npm/<platform>/ for every target (napi create-npm-dirs), the .node files found under
// `artifactsDir` copied in (napi artifacts), plus the licences. Returns the platform dirs that
// got an addon.
function platformPackages(artifactsDir, requireAll) {
  // The cli wants an addon for every configured target; a local pack has one. So it gets a
  // config naming the targets whose addon is there (all of them in the release).
  const built = targets.filter((t) => findFile(artifactsDir, binaryName + '.' + platformArchABI(t) + '.node'));
  const missing = targets.filter((t) => !built.includes(t));
  if (built.length === 0) fail('no addon (' + binaryName + '.<platform>.node) under ' + artifactsDir);
  if (requireAll && missing.length) fail('no addon for ' + missing.join(', ') + ' under ' + artifactsDir);
  // The cli also copies each addon into the package root (and may rewrite its entry file), so it
  // runs in a scratch copy of the package: the checkout's own build stays as it is.
  const scratch = path.join(root, 'target', 'napi', 'pack');
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  fs.writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ ...pkg, napi: { binaryName, packageName, targets: built } }, null, 2) + '\n');
  const inScratch = { cwd: scratch };
  napi(['create-npm-dirs', '--npm-dir', 'npm'], {}, inScratch);
  napi(['artifacts', '--output-dir', artifactsDir, '--npm-dir', 'npm'], {}, inScratch);
  const npmDir = path.join(scratch, 'npm');
  const filled = [];
  for (const triple of built) {
    const key = platformArchABI(triple);
    const dir = path.join(npmDir, key);
    const nodeFile = binaryName + '.' + key + '.node';
    if (!fs.existsSync(path.join(dir, nodeFile))) fail('napi artifacts put no ' + nodeFile + ' into ' + dir);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    meta.description = 'The prebuilt native addon of the `pcap` package for ' + key + ' (installed by `pcap` as an optional dependency)';
    fs.copyFileSync(path.join(root, 'LICENSE'), path.join(dir, 'LICENSE'));
    const libpcapLicense = findFile(artifactsDir, 'LICENSE.libpcap', path.dirname(findFile(artifactsDir, nodeFile)));
    if (libpcapLicense) {
      fs.copyFileSync(libpcapLicense, path.join(dir, 'LICENSE.libpcap'));
      meta.files = [nodeFile, 'LICENSE.libpcap'];
      meta.license = 'MIT AND BSD-3-Clause';
    } else if (triple.includes('-linux-')) {
      fail('no LICENSE.libpcap beside ' + nodeFile + ' (the Linux addon contains libpcap)');
    }
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(meta, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, 'README.md'), '# `' + meta.name + '`\n\nThe ' + triple + ' native addon of ' +
      '[`pcap`](https://www.npmjs.com/package/pcap). Install `pcap`: it depends on this package where it fits.\n' +
      (libpcapLicense ? '\nIt contains libpcap ' + '(BSD licence, in LICENSE.libpcap), linked statically.\n' : ''));
    filled.push(dir);
  }
  return filled;
}

// `name` in `dir` (searched recursively), preferring the folder `near`.
function findFile(dir, name, near) {
  if (near && fs.existsSync(path.join(near, name))) return path.join(near, name);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return p;
    if (entry.isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    }
  }
  return null;
}

// The main package, staged: the files `npm pack` would take from the checkout, and a
// package.json with the platform packages as optionalDependencies and without the
// contributor's scripts and devDependencies.
function stageMain() {
  const listing = JSON.parse(capture('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error']));
  const stage = path.join(root, 'target', 'stage', 'pcap');
  fs.rmSync(stage, { recursive: true, force: true });
  for (const { path: rel, mode } of listing[0].files) {
    if (/\.node$/.test(rel)) fail('the main package would ship a native addon (' + rel + ')');
    fs.mkdirSync(path.dirname(path.join(stage, rel)), { recursive: true });
    fs.copyFileSync(path.join(root, rel), path.join(stage, rel));
    fs.chmodSync(path.join(stage, rel), mode & 0o777);
  }
  const meta = JSON.parse(fs.readFileSync(path.join(stage, 'package.json'), 'utf8'));
  delete meta.scripts;
  delete meta.devDependencies;
  meta.optionalDependencies = {};
  for (const triple of targets) meta.optionalDependencies[packageName + '-' + platformArchABI(triple)] = meta.version;
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(meta, null, 2) + '\n');
  return stage;
}

function npmPack(dir, dist) {
  const out = JSON.parse(capture('npm', ['pack', '--json', '--ignore-scripts', '--loglevel=error', '--pack-destination', dist], { cwd: dir }));
  const file = path.join(dist, out[0].filename);
  log('wrote ' + path.relative(root, file) + ' (' + out[0].entryCount + ' files, ' + (out[0].size / 1024).toFixed(0) + ' KiB)');
  return file;
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const triple = opt('--target') || hostTriple();
  if (args.includes('--build-only')) {
    build(triple);
    return;
  }
  let artifactsDir = opt('--from-artifacts');
  if (artifactsDir) {
    artifactsDir = path.resolve(artifactsDir);
  } else {
    artifactsDir = path.dirname(build(triple));
  }
  const dist = path.join(root, 'dist');
  fs.rmSync(dist, { recursive: true, force: true });
  fs.mkdirSync(dist, { recursive: true });
  const dirs = platformPackages(artifactsDir, args.includes('--require-all'));
  for (const dir of dirs) npmPack(dir, dist);
  npmPack(stageMain(), dist);
}

if (require.main === module) {
  const t0 = Date.now();
  main();
  log('done in ' + ((Date.now() - t0) / 1000).toFixed(0) + ' s');
}

module.exports = { platformArchABI };
