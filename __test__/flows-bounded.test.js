'use strict';
// maxFlows bounds the flow table: a SYN flood (one-packet flows from different addresses and
// ports, written with the package's writer) keeps memory flat once the table is full, and
// every flow beyond the bound is counted as evicted and still reported. bench/flows.js runs
// the full-size case (2 M flows, maxFlows 100 k).
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { writeSynFlood } = require('../bench/synflood');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-flows-flood-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('SYN flood of 400,000 flows with maxFlows 20,000: evictions counted, memory flat', () => {
  const file = path.join(tmp, 'flood.pcap');
  const N = 400000;
  const MAX = 20000;
  writeSynFlood(file, N);
  const run = (listen) => JSON.parse(execFileSync(process.execPath,
    [path.join(__dirname, 'helpers', 'flood-child.js'), file, String(MAX), listen], { encoding: 'utf8' }));
  // With a `flow` listener: every record arrives (the JavaScript heap then moves with its
  // garbage collector). Without one: the memory the meter itself takes.
  const heard = run('listen');
  assert.strictEqual(heard.flowEvents, N, 'every flow reported, evicted ones included');
  assert.strictEqual(heard.stats.evicted, N - MAX);
  const r = run('quiet');
  assert.strictEqual(r.stats.packets, N);
  assert.strictEqual(r.stats.flows, N);
  assert.strictEqual(r.stats.evicted, N - MAX);
  assert.strictEqual(r.stats.records, N);
  assert.strictEqual(r.stats.active, 0);
  // Once the table holds MAX flows (after MAX packets), memory stays where it is. Samples taken
  // after a quarter of the file: anonymous memory (the table, the heap) moves by less than the
  // table takes; the process's file-backed resident pages by less than 12 MB (the capture is
  // read with pread into reused blocks, so its pages are never the process's own).
  const table = MAX * r.stats.bytes_per_flow / 1024;
  const late = r.rss.filter(([p]) => p >= N / 4);
  assert.ok(late.length >= 2, late.length + ' samples');
  const spread = (v) => Math.max(...v) - Math.min(...v);
  const anon = spread(late.map((x) => x[1]));
  const filePages = spread(late.map((x) => x[2]));
  assert.ok(anon < Math.max(table, 8192), 'anonymous memory spread ' + anon + ' kB over ' + late.length +
    ' samples (table ' + Math.round(table) + ' kB)');
  assert.ok(filePages < 12 * 1024, 'file-backed pages spread ' + filePages + ' kB over ' + late.length + ' samples');
});
