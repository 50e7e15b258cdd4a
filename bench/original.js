'use strict';

// node_pcap 3.1.0, installed (without its native build) in bench/original/node_modules by
// scripts/install.js. The differential tests need only its JavaScript; the benchmarks need its
// native binding too, which `build()` makes once with node-gyp (using the installed node headers
// when there are some, so nothing is downloaded).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, 'original');
const root = path.join(dir, 'node_modules', 'pcap-original');

function missing() {
  return new Error('node_pcap 3.1.0 (the comparison package) is not installed in ' + dir +
    ': run `npm install` in the repository, or `npm ci --ignore-scripts --prefix bench/original`');
}

// require('pcap-original/<sub>') from where it is installed; the whole package (no `sub`) needs
// its native binding, built first when missing.
function load(sub) {
  if (!fs.existsSync(path.join(root, 'package.json'))) throw missing();
  if (!sub) build();
  return require(sub ? path.join(root, sub) : root);
}

// Builds its native binding unless it is there; exits with one line when that fails.
function build() {
  if (!fs.existsSync(path.join(root, 'package.json'))) throw missing();
  if (fs.existsSync(path.join(root, 'build', 'Release', 'pcap_binding.node'))) return;
  const env = { ...process.env };
  const headers = path.join(path.dirname(path.dirname(process.execPath)), 'include', 'node', 'node.h');
  if (!env.npm_config_nodedir && fs.existsSync(headers)) env.npm_config_nodedir = path.dirname(path.dirname(process.execPath));
  console.error('building node_pcap 3.1.0 for the comparison (node-gyp, once)...');
  const r = spawnSync('npm', ['rebuild', 'pcap-original', '--no-audit', '--no-fund'], { cwd: dir, env, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('node_pcap 3.1.0 did not build: it needs python3, make, g++ and libpcap-dev');
    process.exit(2);
  }
}

module.exports = { load, build, dir };
