#!/usr/bin/env node
'use strict';

// Puts napi-rs's glibc-2.17 gcc cross toolchain where `napi build --use-napi-cross` looks for it,
// and prints that folder.
//
// Why this script: @napi-rs/cli 3.10 reads the toolchain from
// ~/.napi-rs/cross-toolchain/<version of @napi-rs/cross-toolchain>/<target>/ and, when that folder
// has no package.json, runs `npm pack @napi-rs/cross-toolchain-<host>-target-<arch>@<that version>`.
// The cli asks for @napi-rs/cross-toolchain ^1.0.5, but the toolchain packages were published up
// to 1.0.0 (x86_64) and 1.0.3 (aarch64) only, so that `npm pack` fails. Here the last published
// toolchain package is fetched with `npm pack` (its registry integrity pinned below, checked
// again here), and its archive unpacked into the folder the cli reads, so the cli never
// downloads anything itself.
//
// usage: node scripts/cross-toolchain.js [target-triple]   (default: x86_64-unknown-linux-gnu)

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const PINNED = {
  x64: {
    'x86_64-unknown-linux-gnu': {
      name: '@napi-rs/cross-toolchain-x64-target-x86_64',
      version: '1.0.0',
      integrity: 'sha512-lecoghCfoTAX9MLFcIx9/nL9M8xdkZ9n8Pki8qjKUNzjiq1zbECdEbzIZAMMHRtrXxifK9dAyYuh8gSxNbr2og==',
    },
    'aarch64-unknown-linux-gnu': {
      name: '@napi-rs/cross-toolchain-x64-target-aarch64',
      version: '1.0.3',
      integrity: 'sha512-EMFcy/ahFsmCY3BI1tMC3wRUYZ+cDuILg7nP1micaKXW1tO1+RvUB1CC6QYe+cv2W4Tuz9wr3qcFExWyjgWf2w==',
    },
  },
};

function fail(msg) {
  process.stderr.write('cross-toolchain: ' + msg + '\n');
  process.exit(1);
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });
  if (r.error) fail(cmd + ': ' + r.error.message);
  if (r.status !== 0) fail(cmd + ' ' + args.join(' ') + ' exited with ' + r.status);
  return r.stdout;
}

// The folder napi build reads: the same expression as the cli's (homedir, the version of the
// @napi-rs/cross-toolchain package it resolves, the target triple).
function toolchainDir(triple) {
  const cli = path.dirname(require.resolve('@napi-rs/cli/package.json'));
  const meta = require.resolve('@napi-rs/cross-toolchain/package.json', { paths: [cli] });
  const { version } = JSON.parse(fs.readFileSync(meta, 'utf8'));
  return path.join(os.homedir(), '.napi-rs', 'cross-toolchain', version, triple);
}

function ensure(triple) {
  const pin = (PINNED[process.arch] || {})[triple];
  if (process.platform !== 'linux' || !pin) {
    fail('no pinned toolchain for target ' + triple + ' on a ' + process.platform + '-' + process.arch + ' host');
  }
  const dir = toolchainDir(triple);
  const gcc = path.join(dir, 'bin', triple + '-gcc');
  if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(gcc)) return dir;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'napi-cross-'));
  try {
    const out = JSON.parse(run('npm', ['pack', pin.name + '@' + pin.version, '--json', '--pack-destination', work,
      '--loglevel=error'], { cwd: work }));
    const tgz = path.join(work, out[0].filename);
    const [algo, want] = pin.integrity.split('-');
    const have = crypto.createHash(algo).update(fs.readFileSync(tgz)).digest('base64');
    if (have !== want) fail(pin.name + '@' + pin.version + ': integrity ' + algo + '-' + have + ', expected ' + pin.integrity);
    run('tar', ['-xzf', tgz, '-C', work]);
    const xz = path.join(work, 'package', triple + '.tar.xz');
    if (!fs.existsSync(xz)) fail(pin.name + '@' + pin.version + ' has no ' + triple + '.tar.xz');
    // Unpack beside the final folder, then rename: an interrupted run leaves no half toolchain
    // that the cli would take for complete.
    fs.rmSync(dir, { recursive: true, force: true });
    const staging = dir + '.partial';
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    run('tar', ['-xJf', xz, '-C', staging]);
    if (!fs.existsSync(path.join(staging, 'bin', triple + '-gcc'))) fail('the archive has no bin/' + triple + '-gcc');
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

if (require.main === module) {
  process.stdout.write(ensure(process.argv[2] || 'x86_64-unknown-linux-gnu') + '\n');
}

module.exports = { ensure, toolchainDir };
