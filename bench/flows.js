'use strict';
// Flows-only speed (a benchmark, not a test): this package metering a capture file on its
// capture thread and exporting IPFIX, against softflowd doing the same (`softflowd -r FILE
// -n HOST:PORT -v 10`) and against a C loop that only reads the file with libpcap
// (bench/nextex.c: pcap_next_ex, counting). Whole processes, alternating, fresh each run;
// medians of wall-clock time and of CPU time (user + system, /usr/bin/time), and the
// JavaScript thread's own CPU time in our runs.
//
//   node bench/flows.js [FILE] [RUNS]          (defaults: bench/data/mixed.pcap, 7)
//   node bench/flows.js FILE 1 --callgrind     instructions of each whole process (valgrind)
//   node bench/flows.js --flood [COUNT] [MAX]  SYN flood (bench/synflood.js), memory over time
//
// Needs cc, libpcap-dev, softflowd (apt-get install softflowd) and, for --callgrind, valgrind.
// Wall-clock numbers need a quiet machine; CPU and instruction counts are steadier.
const { spawn, spawnSync } = require('child_process');
const dgram = require('dgram');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const callgrind = args.includes('--callgrind');
const flood = args.includes('--flood');
const pos = args.filter((a) => !a.startsWith('--'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-bench-flows-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function median(v) {
  const s = v.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Runs argv under /usr/bin/time: {wall, cpu (s), stdout}.
function timed(argv) {
  return new Promise((resolve, reject) => {
    const timeFile = path.join(tmp, 'time');
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%e %U %S'].concat(argv), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(argv.join(' ') + ' failed: ' + err.slice(-500)));
      const [wall, user, sys] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve({ wall, cpu: user + sys, stdout: out });
    });
  });
}

// A UDP sink on loopback for the IPFIX messages of both meters (read and dropped).
function sink() {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    let messages = 0;
    s.on('message', () => { messages++; });
    s.bind(0, '127.0.0.1', () => resolve({ addr: '127.0.0.1:' + s.address().port, count: () => messages, close: () => s.close() }));
  });
}

function buildNextex() {
  const exe = path.join(tmp, 'nextex');
  const r = spawnSync('cc', ['-O2', '-o', exe, path.join(__dirname, 'nextex.c'), '-lpcap'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('cannot build bench/nextex.c (cc, libpcap-dev)');
  return exe;
}

async function speed(file, runs) {
  for (const tool of ['softflowd', 'cc']) {
    if (spawnSync('sh', ['-c', 'command -v ' + tool]).status !== 0) throw new Error(tool + ' is needed');
  }
  const nextex = buildNextex();
  const s = await sink();
  const impls = {
    ours: () => [process.execPath, path.join(__dirname, 'flows-child.js'), file, s.addr],
    softflowd: () => ['softflowd', '-r', file, '-n', s.addr, '-v', '10'],
    nextex: () => [nextex, file],
  };
  const res = { ours: [], softflowd: [], nextex: [] };
  let info = null;
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? ['nextex', 'softflowd', 'ours'] : ['ours', 'softflowd', 'nextex'];
    for (const name of order) {
      const r = await timed(impls[name]());
      res[name].push(r);
      if (name === 'ours') info = JSON.parse(r.stdout.trim().split('\n').pop());
    }
  }
  s.close();
  const row = (name) => {
    const w = median(res[name].map((r) => r.wall));
    const c = median(res[name].map((r) => r.cpu));
    return { wall: w, cpu: c };
  };
  const o = row('ours');
  const sf = row('softflowd');
  const nx = row('nextex');
  const js = median(res.ours.map((r) => JSON.parse(r.stdout.trim().split('\n').pop()).jsCpuMs));
  console.log(`${path.basename(file)}: ${info.packets} packets, ${info.records} flows, ${info.ipfix} IPFIX messages; ${runs} runs each`);
  console.log('  medians       wall s   cpu s');
  for (const [n, r] of [['ours', o], ['softflowd', sf], ['pcap_next_ex', nx]]) {
    console.log(`  ${n.padEnd(12)}  ${r.wall.toFixed(3).padStart(6)}  ${r.cpu.toFixed(3).padStart(6)}`);
  }
  console.log(`  softflowd / ours: wall ${(sf.wall / o.wall).toFixed(2)}x, cpu ${(sf.cpu / o.cpu).toFixed(2)}x`);
  console.log(`  pcap_next_ex / ours: wall ${(nx.wall / o.wall).toFixed(2)}x, cpu ${(nx.cpu / o.cpu).toFixed(2)}x`);
  console.log(`  our JavaScript thread: ${js} ms CPU, ${(js * 1e6 / info.packets).toFixed(1)} ns per packet`);
}

// Instructions of each whole process under callgrind (all threads).
function instructions(file) {
  const nextex = buildNextex();
  const count = (argv) => {
    const out = path.join(tmp, 'cg.%p');
    const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=' + out].concat(argv), { encoding: 'utf8', maxBuffer: 1 << 26 });
    const m = /Collected : (\d+)/.exec(r.stderr);
    if (!m) throw new Error(argv[0] + ' failed under valgrind: ' + r.stderr.slice(-1000));
    return Number(m[1]);
  };
  const empty = path.join(tmp, 'empty.pcap');
  spawnSync('tcpdump', ['-r', file, '-c', '1', '-w', empty]);
  const rows = [
    ['ours', [process.execPath, path.join(__dirname, 'flows-child.js')], true],
    ['softflowd', ['softflowd', '-n', '127.0.0.1:9', '-v', '10', '-r'], false],
    ['pcap_next_ex', [nextex], false],
  ];
  const packets = Number(spawnSync(nextex, [file], { encoding: 'utf8' }).stdout.split(' ')[0]);
  console.log(`${path.basename(file)}: ${packets} packets; instructions (callgrind, all threads), start-up = a 1-packet file`);
  const totals = {};
  for (const [name, argv, ours] of rows) {
    const a = ours ? argv.concat([file, '127.0.0.1:9']) : argv.concat([file]);
    const b = ours ? argv.concat([empty, '127.0.0.1:9']) : argv.concat([empty]);
    const whole = count(a);
    const start = count(b);
    totals[name] = whole;
    console.log(`  ${name.padEnd(12)} ${(whole / 1e6).toFixed(0).padStart(7)} M whole process, ${((whole - start) / packets).toFixed(0).padStart(5)} per packet beyond start-up (${(start / 1e6).toFixed(0)} M)`);
  }
  console.log(`  softflowd / ours: ${(totals.softflowd / totals.ours).toFixed(2)}x; pcap_next_ex / ours: ${(totals.pcap_next_ex / totals.ours).toFixed(2)}x`);
}

function floodRun(count, max) {
  const file = path.join(tmp, 'flood.pcap');
  require('./synflood').writeSynFlood(file, count);
  const out = spawnSync(process.execPath, [path.join(__dirname, '..', '__test__', 'helpers', 'flood-child.js'), file, String(max), 'quiet'],
    { encoding: 'utf8', maxBuffer: 1 << 26 });
  const r = JSON.parse(out.stdout);
  console.log(`SYN flood: ${r.stats.packets} one-packet flows, maxFlows ${max}: ${r.stats.evicted} evicted, ${r.stats.records} records, ${r.ms} ms`);
  console.log(`  ${r.stats.bytes_per_flow} bytes per flow in the table; resident memory (anonymous + file, MB) as the file is read:`);
  const step = Math.max(1, Math.floor(r.rss.length / 12));
  console.log('  ' + r.rss.filter((x, i) => i % step === 0 || i === r.rss.length - 1)
    .map(([p, a, f]) => `${Math.round(p / 1000)}k: ${(a / 1024).toFixed(0)}+${(f / 1024).toFixed(0)}`).join('  '));
}

(async () => {
  if (flood) return floodRun(Number(pos[0] || 2000000), Number(pos[1] || 100000));
  const file = path.resolve(pos[0] || path.join(__dirname, 'data', 'mixed.pcap'));
  if (!fs.existsSync(file)) throw new Error(file + ' is missing (node bench/make-capture.js)');
  if (callgrind) return instructions(file);
  return speed(file, Number(pos[1] || 7));
})().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
