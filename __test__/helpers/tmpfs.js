'use strict';

// Runs a child process inside a private mount namespace (`unshare -m`) where a fresh directory is
// a tmpfs of `size` (e.g. '256k'): a real full disk for one process, invisible to everything else
// and gone when the child exits. Needs root (the tests run as root).
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

// `argsFor(dir)` gives the child's arguments (node and the script included); the child's JSON
// result line is returned, with the raw spawn result as `spawn`.
function runInTmpfs(size, argsFor, timeout) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-tmpfs-'));
  try {
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c',
      'mount -t tmpfs -o size="$1" pcap-test "$2" && shift 2 && exec "$@"', 'sh', size, dir, ...argsFor(dir)],
    { encoding: 'utf8', timeout: timeout || 60000 });
    const line = (r.stdout || '').trim().split('\n').pop();
    let result = null;
    try { result = JSON.parse(line); } catch (e) { /* reported below */ }
    if (!result) {
      throw new Error(`child gave no result (status ${r.status}, signal ${r.signal}): ${r.stdout}\n${r.stderr}`);
    }
    return Object.assign(result, { spawn: r });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { runInTmpfs };
