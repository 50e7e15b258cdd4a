'use strict';

// Offline benchmark: this package against node_pcap 3.1.0 on the same capture, alternating
// processes. Usage: node bench/offline.js [file] [runs] [modes]
// (defaults: bench/data/mixed.pcap from make-capture.js, 5 runs, events,decode,fields,track).
// Prints every run as JSON, then a Markdown table of medians and ratios.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

require('./original').build();

const file = path.resolve(process.argv[2] || path.join(__dirname, 'data', 'mixed.pcap'));
const runs = Number(process.argv[3] || 5);
const modes = (process.argv[4] || 'events,decode,fields,track').split(',');
if (!fs.existsSync(file)) {
  console.error(file + ' is missing: make it with `node bench/make-capture.js` (root, tcpdump)');
  process.exit(2);
}

function one(impl, mode) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'run-one.js'), impl, mode, file], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(impl + ' ' + mode + ' failed: ' + r.stderr);
  return JSON.parse(line);
}

const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const rows = [];
for (const mode of modes) {
  const res = { original: [], ours: [] };
  for (let i = 0; i < runs; i++) {
    for (const impl of ['original', 'ours']) {
      const r = one(impl, mode);
      console.log(JSON.stringify(r));
      res[impl].push(r);
    }
  }
  const o = med(res.original.map((r) => r.pps));
  const u = med(res.ours.map((r) => r.pps));
  rows.push(`| ${mode} | ${(o / 1e6).toFixed(2)} M/s | ${(u / 1e6).toFixed(2)} M/s | **${(u / o).toFixed(2)}x** | ${med(res.original.map((r) => r.maxRssMB))} MB | ${med(res.ours.map((r) => r.maxRssMB))} MB |`);
}
const packets = one('ours', 'events').packets;
console.log(`\n${path.basename(file)}: ${packets} packets, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB; median of ${runs} runs per cell`);
console.log('| handler | node_pcap 3.1.0 | pcap 4 (this) | ratio | peak RSS node_pcap | peak RSS this |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
