'use strict';

// Where the peak RSS of an offline run goes, this package against node_pcap 3.1.0.
// Usage: node bench/rss.js [file] [runs] [modes] [--cpus 1|2]
//   (defaults: bench/data/mixed.pcap, 7, events; modes: a comma-separated list of run-one.js's
//   events, decode, fields, track; --cpus as in offline.js)
//
// Runs `bench/run-one.js <impl> <mode> <file>` alternately for both packages. Each run is watched
// from this process: VmRSS every millisecond from /proc/<pid>/status, and /proc/<pid>/smaps each
// time RSS reaches a new high (so the reading at the peak does not disturb the measured process).
// Prints every run, the median peak (the run's own getrusage maxRSS) per package and mode, and the
// split of the median run's peak into mappings (per mode):
//   node binary       /usr/bin/node's file pages (its code: V8's compiler pages in on first use)
//   shared libraries  the other *.so files
//   addon             the package's native part (*.node)
//   main malloc heap  [heap]: glibc's arena of the JavaScript thread
//   thread arenas     glibc's arenas of other threads (anonymous, 64 MiB aligned): our capture
//                     thread's packet batches, V8's compiler and garbage-collector threads
//   other anonymous   mostly V8's heap pages (256 KiB each), thread stacks, libpcap's buffer
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

require('./original').build();

const { pin, pos, where } = require('./cpus').parse(process.argv.slice(2));
const file = path.resolve(pos[0] || path.join(__dirname, 'data', 'mixed.pcap'));
const runs = Number(pos[1] || 7);
const modes = (pos[2] || 'events').split(',');
if (!fs.existsSync(file)) {
  console.error(file + ' is missing: make it with `node bench/make-capture.js` (root, tcpdump)');
  process.exit(2);
}

const ARENA_ALIGN = 64 * 1024 * 1024;

function categorize(smaps) {
  const cats = {
    'node binary': 0, 'shared libraries': 0, addon: 0, 'main malloc heap': 0,
    'thread arenas': 0, 'other anonymous': 0,
  };
  let cat = null;
  for (const line of smaps.split('\n')) {
    const m = /^([0-9a-f]+)-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      const name = m[3];
      if (name === '[heap]') cat = 'main malloc heap';
      else if (name.endsWith('.node')) cat = 'addon';
      else if (/\.so(\.|$)/.test(name)) cat = 'shared libraries';
      else if (name.startsWith('/') && path.basename(name).startsWith('node')) cat = 'node binary';
      else if (name === '' && m[2] === 'rw-p' && BigInt('0x' + m[1]) % BigInt(ARENA_ALIGN) === 0n) cat = 'thread arenas';
      else cat = 'other anonymous';
      continue;
    }
    const r = /^Rss:\s+(\d+) kB/.exec(line);
    if (r && cat) cats[cat] += Number(r[1]);
  }
  return cats;
}

function one(impl, mode) {
  return new Promise((resolve, reject) => {
    const argv = pin.concat([process.execPath, path.join(__dirname, 'run-one.js'), impl, mode, file]);
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    let high = 0;
    let atPeak = null;
    const timer = setInterval(() => {
      let status;
      // With taskset the pid is taskset's until it execs node (same pid): skip until then.
      try { status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'); } catch { return; }
      if (!/^Name:\s+node/m.test(status)) return;
      const m = /VmRSS:\s+(\d+)/.exec(status);
      if (!m || Number(m[1]) <= high) return;
      high = Number(m[1]);
      try { atPeak = fs.readFileSync(`/proc/${child.pid}/smaps`, 'utf8'); } catch { /* it ended */ }
    }, 1);
    child.on('close', (code) => {
      clearInterval(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) return reject(new Error(`${impl} ${mode} failed: ${err}`));
      const r = JSON.parse(line);
      resolve({ impl, ms: r.ms, maxRssKB: r.maxRssKB, cats: atPeak ? categorize(atPeak) : null });
    });
  });
}

async function mode(m) {
  const res = { original: [], ours: [] };
  for (let i = 0; i < runs; i++) {
    for (const impl of ['original', 'ours']) {
      const r = await one(impl, m);
      console.log(JSON.stringify({ impl, mode: m, ms: r.ms, maxRssKB: r.maxRssKB }));
      res[impl].push(r);
    }
  }
  const median = (list) => [...list].sort((a, b) => a.maxRssKB - b.maxRssKB)[Math.floor(list.length / 2)];
  const o = median(res.original);
  const u = median(res.ours);
  const range = (list) => `${Math.min(...list.map((r) => r.maxRssKB))}-${Math.max(...list.map((r) => r.maxRssKB))}`;
  const split = [];
  if (o.cats && u.cats) {
    split.push(`\n${m}: at the median run's peak (smaps Rss, KB)`);
    split.push('| mapping | node_pcap 3.1.0 | pcap 4 (this) | difference |');
    split.push('|---|---|---|---|');
    let so = 0;
    let su = 0;
    for (const k of Object.keys(u.cats)) {
      so += o.cats[k];
      su += u.cats[k];
      split.push(`| ${k} | ${o.cats[k]} | ${u.cats[k]} | ${u.cats[k] - o.cats[k]} |`);
    }
    split.push(`| total | ${so} | ${su} | ${su - so} |`);
  }
  return {
    row: `| ${m} | ${o.maxRssKB} (${range(res.original)}) | ${u.maxRssKB} (${range(res.ours)}) | **${u.maxRssKB - o.maxRssKB}** |`,
    split,
  };
}

(async () => {
  const rows = [];
  const splits = [];
  for (const m of modes) {
    const r = await mode(m);
    rows.push(r.row);
    splits.push(...r.split);
  }
  console.log(`\n${path.basename(file)}, ${where}, ${runs} runs per package and mode: peak RSS (getrusage maxRSS), median (range), KB`);
  console.log('| mode | node_pcap 3.1.0 | pcap 4 (this) | difference |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
  for (const l of splits) console.log(l);
})().catch((e) => { console.error(e.message); process.exit(1); });
