'use strict';

// A capture file truncated by another process while a session reads it: the session ends with
// libpcap's "truncated dump file" error or cleanly at the new end, and never crashes the process
// (a file read through a memory mapping would raise SIGBUS on the pages past the new end).
// Sessions run in child processes so that a crash is seen as one.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..');
const HTTP = path.join(__dirname, 'fixtures', 'http-loopback.pcap');
const COPIES = 25;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-truncate-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The fixture's records COPIES times after its header (~67 MB, 100,000 packets).
function bigFile(name) {
  const src = fs.readFileSync(HTTP);
  const file = path.join(tmp, name);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, src, 0, 24);
  for (let i = 0; i < COPIES; i++) fs.writeSync(fd, src, 24, src.length - 24);
  fs.closeSync(fd);
  return { file, packets: 4000 * COPIES, copy: src.length - 24 };
}

function run(script, file, env) {
  const r = spawnSync(process.execPath, ['-e', script, file], {
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, ...env },
  });
  assert.strictEqual(r.signal, null, `child killed by ${r.signal}: ${r.stderr}`);
  assert.strictEqual(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// How a session ended after the truncation: cleanly, or with the error of a partial record.
function endedWell(r) {
  assert.ok(r.error === null || /failed: truncated dump file; tried to read \d+ (header|captured) bytes, only got \d+$/.test(r.error),
    `unexpected end: ${r.error}`);
  assert.ok(r.ended, 'the session told how it ended');
}

for (const reader of ['inline', 'thread', 'libpcap']) {
  test(`a file truncated while its packets are read (${reader} reader): delivered packets, then an end`, () => {
    const { file, packets, copy } = bigFile(`packets-${reader}.pcap`);
    // Pause at the first packet, cut the file 7 bytes into the header of a record far past
    // what was read ahead, and read on.
    const cut = 24 + (COPIES / 5) * copy + 7;
    const script = `
const fs = require('node:fs');
const pcap = require(${JSON.stringify(ROOT)});
const file = process.argv[1];
const s = pcap.createOfflineSession(file);
let n = 0;
let error = null;
s.on('packet', () => {
  if (n++ === 0) {
    s.pause();
    fs.truncateSync(file, ${cut});
    setTimeout(() => s.resume(), 20);
  }
});
s.on('error', (e) => { error = e.message; });
s.on('complete', () => console.log(JSON.stringify({ n, error, ended: true })));`;
    const r = run(script, file, { PCAP_READER: reader });
    endedWell(r);
    assert.ok(r.n >= 1 && r.n < packets, `${r.n} packets`);
    // pread sees the cut wherever the reader was; libpcap's stdio may have buffered past it.
    if (reader !== 'libpcap') assert.match(String(r.error), /tried to read 16 header bytes, only got 7$/);
  });
}

test('a file truncated while a flows-only session reads it: no crash, an error or a clean end', () => {
  for (const cut of [0, 24, 1 << 20, (1 << 20) + 5]) {
    const { file, packets } = bigFile(`flows-${cut}.pcap`);
    const script = `
const fs = require('node:fs');
const pcap = require(${JSON.stringify(ROOT)});
const file = process.argv[1];
const s = pcap.createOfflineSession(file, { flows: true, packets: false });
// The capture thread reads already: cut the file under it.
fs.truncateSync(file, ${cut});
let flows = 0;
let error = null;
s.on('flow', () => { flows++; });
s.on('error', (e) => { error = e.message; });
s.on('complete', () => console.log(JSON.stringify({ flows, error, ended: true, packets: s.stats().ps_recv })));`;
    const r = run(script, file, {});
    endedWell(r);
    assert.ok(r.packets < packets, `cut at ${cut}: ${r.packets} packets read of ${packets}`);
  }
});
