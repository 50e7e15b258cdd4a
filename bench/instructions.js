'use strict';

// Deterministic companion to offline.js: instructions per packet, counted by valgrind's callgrind,
// for this package and node_pcap 3.1.0 on the first N packets of a capture. Wall-clock ratios on
// a shared VM move by 15% between identical runs; instruction counts do not, so this is how code
// changes are compared (it does not measure cache misses, thread switches or parallelism: the
// capture thread's work is reported apart, and the ratio that counts remains offline.js's).
//
// Usage: node bench/instructions.js [file] [packets] [modes] [impls]
// (defaults: bench/data/mixed.pcap, 200000, events,decode,fields,track, original,ours). Needs
// valgrind and tcpdump. Per implementation and mode, the JavaScript thread's instructions (thread 1)
// minus those of the same run on a one-packet file (start-up, module loading), divided by the
// packet count. Node runs with --single-threaded: V8 then compiles and collects garbage on the
// JavaScript thread, so the counts include that work and repeat within a few percent (with V8's helper threads
// they moved by up to 25% between identical runs, as compilation raced the packets).
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

require('./original').build();

const file = path.resolve(process.argv[2] || path.join(__dirname, 'data', 'mixed.pcap'));
const count = Number(process.argv[3] || 200000);
const modes = (process.argv[4] || 'events,decode,fields,track').split(',');
const impls = (process.argv[5] || 'original,ours').split(',');
if (!fs.existsSync(file)) {
  console.error(file + ' is missing: make it with `node bench/make-capture.js` (root, tcpdump)');
  process.exit(2);
}
for (const tool of ['valgrind', 'tcpdump']) {
  if (spawnSync(tool, ['--version']).error) {
    console.error(tool + ' is needed: apt-get install -y ' + tool);
    process.exit(2);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-instr-'));
function cut(n) {
  const out = path.join(dir, n + '.pcap');
  const r = spawnSync('tcpdump', ['-r', file, '-c', String(n), '-w', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('tcpdump failed: ' + r.stderr);
  return out;
}
const small = cut(count);
const one = cut(1);

// Instructions per thread of one run: [JS thread, capture thread (ours), all threads].
function run(impl, mode, capture) {
  const prefix = path.join(dir, `cg-${impl}-${mode}-${path.basename(capture, '.pcap')}`);
  const r = spawnSync('valgrind', ['--tool=callgrind', '--separate-threads=yes',
    '--callgrind-out-file=' + prefix + '.%p', process.execPath, '--single-threaded',
    path.join(__dirname, 'run-one.js'), impl, mode, capture], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`${impl} ${mode} failed under valgrind: ${r.stderr.slice(-2000)}`);
  const threads = [];
  for (const f of fs.readdirSync(dir)) {
    const m = /-(\d+)$/.exec(f);
    if (!f.startsWith(path.basename(prefix) + '.') || !m) continue;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const s = /^summary:\s+(\d+)/m.exec(text) || /^totals:\s+(\d+)/m.exec(text);
    const name = /^cmd:.*$/m.exec(text);
    threads[Number(m[1])] = { ir: s ? Number(s[1]) : 0, name: name ? name[0] : '' };
    fs.unlinkSync(path.join(dir, f));
  }
  const js = threads[1] ? threads[1].ir : 0;
  // Our capture thread is the last one started (after V8's workers).
  const last = impl === 'ours' ? threads[threads.length - 1].ir : 0;
  const all = threads.reduce((a, t) => a + (t ? t.ir : 0), 0);
  return { js, capture: last, all, packets: JSON.parse(line).packets };
}

const rows = [];
for (const mode of modes) {
  const res = {};
  for (const impl of impls) {
    const base = run(impl, mode, one);
    const full = run(impl, mode, small);
    res[impl] = {
      js: (full.js - base.js) / full.packets,
      capture: (full.capture - base.capture) / full.packets,
      all: (full.all - base.all) / full.packets,
    };
    console.log(JSON.stringify({ impl, mode, packets: full.packets, perPacket: res[impl] }));
  }
  if (!res.original || !res.ours) continue;
  rows.push(`| ${mode} | ${Math.round(res.original.js)} | ${Math.round(res.ours.js)} | ` +
    `**${(res.original.js / res.ours.js).toFixed(2)}x** | ${Math.round(res.ours.capture)} | ` +
    `${(res.original.all / res.ours.all).toFixed(2)}x |`);
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(`\n${path.basename(file)}, first ${count} packets; instructions per packet (callgrind)`);
console.log('| handler | node_pcap 3.1.0, JS thread | pcap 4, JS thread | ratio | pcap 4, capture thread | ratio, all threads |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
