'use strict';

// scripts/install.js (the npm install hook) stops with one line that says what to install.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const path = require('path');

const script = path.resolve(__dirname, '../scripts/install.js');

test('without cargo, npm install stops with one line naming rustup', () => {
  const r = spawnSync(process.execPath, [script], {
    encoding: 'utf8', env: { ...process.env, CARGO: '/nonexistent/cargo', PCAP_SKIP_BUILD: '' },
  });
  assert.strictEqual(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.strictEqual(lines.length, 1, r.stderr);
  assert.match(lines[0], /^pcap: building the native addon needs Rust: install it with rustup/);
});
