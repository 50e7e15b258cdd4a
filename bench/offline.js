'use strict';

// Offline benchmark: this package against node_pcap 3.1.0 on the same capture, alternating fresh
// processes, medians and ratios; in `events` mode also a plain C loop over libpcap's
// pcap_next_ex on the same file (bench/nextex.c), the floor of reading the file with libpcap.
//
// Usage: node bench/offline.js [file] [runs] [modes] [--cpus 1|2] [--readers LIST]
//   file   default bench/data/mixed.pcap (bench/make-capture.js; large.pcap for ~850-byte packets)
//   runs   processes per package and mode (default 5; the median is reported)
//   modes  default events,decode,fields,track
//   --cpus 1: every process pinned to one CPU (`taskset -c N`, N the last CPU this process may
//             use); --cpus 2: to two (the last two); default: unpinned.
//   --readers thread,inline: this package once per way of reading the file (PCAP_READER: libpcap,
//             thread, inline; see README), each compared with the same node_pcap runs; default:
//             the package's own choice.
// Prints every run as JSON, then a Markdown table of medians and ratios. Needs cc and the
// libpcap headers (for the C loop) and taskset (util-linux) for --cpus. The machine must be
// quiet: other processes on the same CPUs make wall-clock ratios meaningless.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

require('./original').build();

const { pin, pos, where } = require('./cpus').parse(process.argv.slice(2).filter((a, i, all) =>
  a !== '--readers' && all[i - 1] !== '--readers'));
const readersAt = process.argv.indexOf('--readers');
const readers = readersAt > 0 ? process.argv[readersAt + 1].split(',') : [null];
const file = path.resolve(pos[0] || path.join(__dirname, 'data', 'mixed.pcap'));
const runs = Number(pos[1] || 5);
const modes = (pos[2] || 'events,decode,fields,track').split(',');
if (!fs.existsSync(file)) {
  console.error(file + ' is missing: make it with `node bench/make-capture.js` (root, tcpdump)');
  process.exit(2);
}

// The C loop (bench/nextex.c), built once into the temporary directory.
const nextex = path.join(os.tmpdir(), 'pcap-bench-nextex');
const cc = spawnSync('cc', ['-O2', '-o', nextex, path.join(__dirname, 'nextex.c'), '-lpcap'], { stdio: 'inherit' });
if (cc.status !== 0) {
  console.error('cannot build bench/nextex.c (cc and libpcap-dev are needed)');
  process.exit(2);
}

function spawnPinned(argv, reader) {
  const cmd = pin.concat(argv);
  const env = { ...process.env };
  if (reader) env.PCAP_READER = reader;
  return spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24, env });
}

// impl: 'original', 'c', or 'ours' / 'ours:<reader>'.
function one(impl, mode) {
  if (impl === 'c') {
    const t0 = process.hrtime.bigint();
    const r = spawnPinned([nextex, file]);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error('nextex failed: ' + r.stderr);
    const packets = Number(r.stdout.trim().split(' ')[0]);
    return { impl, mode, packets, ms: Math.round(ms), pps: Math.round(packets / ms * 1000) };
  }
  const [name, reader] = impl.split(':');
  const r = spawnPinned([process.execPath, path.join(__dirname, 'run-one.js'), name, mode, file], reader);
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(impl + ' ' + mode + ' failed: ' + r.stderr);
  return { ...JSON.parse(line), impl };
}

const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const rows = [];
const ours = readers.map((r) => (r ? 'ours:' + r : 'ours'));
const cRows = [];
for (const mode of modes) {
  const impls = ['original', ...ours, ...(mode === 'events' ? ['c'] : [])];
  const res = Object.fromEntries(impls.map((i) => [i, []]));
  for (let i = 0; i < runs; i++) {
    for (const impl of impls) {
      const r = one(impl, mode);
      console.log(JSON.stringify(r));
      res[impl].push(r);
    }
  }
  const o = med(res.original.map((r) => r.pps));
  for (const impl of ours) {
    const u = med(res[impl].map((r) => r.pps));
    const label = impl === 'ours' ? mode : `${mode} (${impl.slice(5)})`;
    rows.push(`| ${label} | ${(o / 1e6).toFixed(2)} M/s | ${(u / 1e6).toFixed(2)} M/s | **${(u / o).toFixed(2)}x** | ${med(res.original.map((r) => r.maxRssMB))} MB | ${med(res[impl].map((r) => r.maxRssMB))} MB |`);
    if (mode === 'events') {
      const c = med(res.c.map((r) => r.pps));
      cRows.push(`| C loop (pcap_next_ex)${impl === 'ours' ? '' : ', ' + impl.slice(5)} | ${(c / 1e6).toFixed(2)} M/s | node_pcap ${(100 * o / c).toFixed(0)}% | **this ${(100 * u / c).toFixed(0)}%** |`);
    }
  }
}
const packets = one('ours', 'events').packets;
console.log(`\n${path.basename(file)}: ${packets} packets, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB ` +
  `(${Math.round((fs.statSync(file).size - 24) / packets - 16)} bytes per packet); ${where}; median of ${runs} runs per cell`);
console.log('| handler | node_pcap 3.1.0 | pcap 4 (this) | ratio | peak RSS node_pcap | peak RSS this |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
if (cRows.length) {
  console.log('\n| floor | packets/s | node_pcap events | this events |');
  console.log('|---|---|---|---|');
  for (const r of cRows) console.log(r);
}
