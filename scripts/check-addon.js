#!/usr/bin/env node
'use strict';

// Checks that a prebuilt Linux addon is self-contained: `readelf -d` lists no libpcap among the
// shared libraries it needs, and (glibc builds) the highest GLIBC_x.y symbol version it needs is
// at most the floor (2.17 by default, napi-rs's cross toolchain). Prints what it found; exits 1
// when a check fails.
//
// usage: node scripts/check-addon.js FILE.node [--glibc-floor 2.17]

const { spawnSync } = require('child_process');
const fs = require('fs');

function readelf(args, file) {
  const r = spawnSync(process.env.READELF || 'readelf', [...args, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error('readelf: ' + r.error.message + ' (Debian: apt-get install binutils)');
  if (r.status !== 0) throw new Error('readelf ' + args.join(' ') + ' ' + file + ': ' + r.stderr.trim());
  return r.stdout;
}

function versionKey(v) {
  return v.split('.').map(Number);
}

function compare(a, b) {
  const x = versionKey(a);
  const y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0);
  }
  return 0;
}

function inspect(file) {
  const dynamic = readelf(['-d', '--wide'], file);
  const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const runpath = [...dynamic.matchAll(/\((?:RPATH|RUNPATH)\)\s+Library r(?:un)?path: \[([^\]]+)\]/g)].map((m) => m[1]);
  // Version needs (.gnu.version_r): "Name: GLIBC_2.14  Flags: none  Version: 5".
  const versions = readelf(['-V', '--wide'], file);
  const glibc = [...new Set([...versions.matchAll(/Name: GLIBC_([0-9]+(?:\.[0-9]+)+)/g)].map((m) => m[1]))].sort(compare);
  return { size: fs.statSync(file).size, needed, runpath, glibc, maxGlibc: glibc.length ? glibc[glibc.length - 1] : null };
}

function check(file, floor) {
  const info = inspect(file);
  const problems = [];
  const pcapLibs = info.needed.filter((n) => /pcap/i.test(n));
  if (pcapLibs.length) problems.push('needs ' + pcapLibs.join(', ') + ' (libpcap must be linked statically)');
  if (info.runpath.length) problems.push('has a run path ' + info.runpath.join(':') + ' (a build folder leaked into the addon)');
  if (floor && info.maxGlibc && compare(info.maxGlibc, floor) > 0) {
    const over = info.glibc.filter((v) => compare(v, floor) > 0);
    problems.push('needs glibc ' + info.maxGlibc + ' (symbol versions above the ' + floor + ' floor: ' + over.join(', ') + ')');
  }
  return { ...info, problems };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--glibc-floor');
  const floor = i >= 0 ? args.splice(i, 2)[1] : '2.17';
  if (args.length !== 1) {
    process.stderr.write('usage: node scripts/check-addon.js FILE.node [--glibc-floor 2.17]\n');
    process.exit(2);
  }
  const r = check(args[0], floor);
  process.stdout.write('check-addon: ' + args[0] + ': ' + (r.size / 1048576).toFixed(2) + ' MiB; NEEDED ' +
    r.needed.join(' ') + '; highest GLIBC symbol version ' + (r.maxGlibc || 'none') + ' (floor ' + floor + ')\n');
  if (r.problems.length) {
    for (const p of r.problems) process.stderr.write('check-addon: FAIL: ' + p + '\n');
    process.exit(1);
  }
  process.stdout.write('check-addon: OK: no libpcap in NEEDED, glibc floor ' + (r.maxGlibc || 'n/a') + ' <= ' + floor + '\n');
}

module.exports = { check, inspect, compare };
