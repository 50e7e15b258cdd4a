'use strict';

// RSS of decode.packet + TCPTracker (with data listeners, default options) while tracking a
// capture, sampled every 100k packets, for this package and for node_pcap 3.1.0.
//
// Usage: node bench/tracker-memory.js [file] [impl ...]
//   file: default bench/data/short-connections.pcap (node bench/make-short-connections.js)
//   impl: ours and/or original (default: both, one child process each, one after the other)
// Env: EVERY (sample interval in packets, default 100000), LIMIT (stop after this many packets).
//
// Prints one line per sample (packets, RSS MB, heap used MB, sessions in tracker.sessions, ms)
// and a summary. With 1 M short connections node_pcap keeps every session forever and grows;
// this package removes ended sessions and keeps bounded records, so RSS stays flat.
const { spawnSync } = require('child_process');
const path = require('path');

const EVERY = Number(process.env.EVERY || 100000);
const LIMIT = Number(process.env.LIMIT || 0);

function child(impl, file) {
  const pcap = impl === 'original' ? require('./original').load() : require(path.resolve(__dirname, '..'));
  const tracker = new pcap.TCPTracker();
  let sink = 0;
  let live = 0; // sessions in tracker.sessions (counted from events: Object.keys would be O(n))
  tracker.on('session', (session) => {
    live++;
    session.on('data send', (s, data) => { sink += data.length; });
    session.on('data recv', (s, data) => { sink += data.length; });
    if (impl !== 'original') {
      // ours removes the session from tracker.sessions when it ends
      session.once('end', () => { live--; });
      session.once('reset', () => { live--; });
    }
  });
  if (impl !== 'original') { tracker.on('drop', () => { live--; }); }
  const samples = [];
  let n = 0;
  const t0 = process.hrtime.bigint();
  const sample = () => {
    const m = process.memoryUsage();
    const s = { packets: n, rssMB: Math.round(m.rss / 1048576), heapMB: Math.round(m.heapUsed / 1048576),
      sessions: live, ms: Math.round(Number(process.hrtime.bigint() - t0) / 1e6) };
    samples.push(s);
    console.log(JSON.stringify(s));
  };
  const session = pcap.createOfflineSession(file, {});
  const finish = () => {
    sample();
    console.log(JSON.stringify({ done: true, impl, packets: n, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), sink: sink % 7 }));
    session.close();
  };
  session.on('packet', (raw) => {
    n++;
    tracker.track_packet(pcap.decode.packet(raw));
    if (n % EVERY === 0) { sample(); }
    if (n === LIMIT) { finish(); }
  });
  session.on('complete', () => { if (n !== LIMIT) { finish(); } });
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--child') { child(args[1], args[2]); return; }
  const file = path.resolve(args[0] || path.join(__dirname, 'data', 'short-connections.pcap'));
  const impls = args.length > 1 ? args.slice(1) : ['ours', 'original'];
  if (impls.includes('original')) require('./original').build();
  const curves = {};
  for (const impl of impls) {
    console.log('# ' + impl + ': ' + file);
    const r = spawnSync(process.execPath, [__filename, '--child', impl, file],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024, env: process.env });
    const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const samples = lines.filter((l) => !l.done);
    const done = lines.find((l) => l.done);
    for (const s of samples) {
      console.log([String(s.packets).padStart(9), String(s.rssMB).padStart(6) + ' MB rss', String(s.heapMB).padStart(6) + ' MB heap',
        String(s.sessions).padStart(8) + ' sessions', String(s.ms).padStart(7) + ' ms'].join('  '));
    }
    if (!done) {
      console.log('# ' + impl + ' did not finish (exit ' + r.status + (r.signal ? ', ' + r.signal : '') + ')');
    }
    curves[impl] = { samples, done, status: r.status, signal: r.signal };
  }
  console.log('# summary');
  for (const impl of Object.keys(curves)) {
    const { samples, done } = curves[impl];
    if (samples.length === 0) { continue; }
    const rss = samples.map((s) => s.rssMB);
    const firstQuarter = rss.slice(0, Math.max(1, Math.floor(rss.length / 4)));
    const lastQuarter = rss.slice(-Math.max(1, Math.floor(rss.length / 4)));
    const avg = (a) => Math.round(a.reduce((x, y) => x + y, 0) / a.length);
    console.log(JSON.stringify({ impl, packets: done ? done.packets : samples[samples.length - 1].packets,
      maxRssMB: done ? done.maxRssMB : Math.max(...rss), rssFirstQuarterMB: avg(firstQuarter), rssLastQuarterMB: avg(lastQuarter),
      pps: Math.round(samples[samples.length - 1].packets / samples[samples.length - 1].ms * 1000) }));
  }
}

main();
