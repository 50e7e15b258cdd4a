'use strict';

// Live benchmark on lo: packets lost by this package and by node_pcap 3.1.0 at a given rate,
// with node_pcap's default 10 MiB buffer, (a) while the handler blocks 200 ms every second and
// (b) with buffer_timeout: 0. Usage: node bench/live.js [packets/s] [seconds] [runs] [--cpus 1|2]
// (defaults 200000, 5, 3). --cpus pins each capturing process (either package) to that many CPUs
// (bench/cpus.js) and the traffic generator to the others. Needs root, cc (builds
// bench/udpflood.c) and node_pcap 3.1.0 (bench/original.js builds it).
const { spawn, spawnSync } = require('child_process');
const os = require('os');
const path = require('path');

require('./original').build();

const { pin, others, pos, where } = require('./cpus').parse(process.argv.slice(2));
// One rate or a comma-separated list (where the loss starts).
const rates = String(pos[0] || 200000).split(',').map(Number);
const seconds = Number(pos[1] || 5);
const runs = Number(pos[2] || 3);
const flood = path.join(os.tmpdir(), 'pcap-udpflood');
const cc = spawnSync('cc', ['-O2', '-o', flood, path.join(__dirname, 'udpflood.c')], { stdio: 'inherit' });
if (cc.status !== 0) throw new Error('cannot build udpflood.c');

function once(impl, scenario, port, pps) {
  return new Promise((resolve, reject) => {
    const [timeout, stall] = scenario === 'stall' ? [1000, 200] : [0, 0];
    const argv = pin.concat([process.execPath, path.join(__dirname, 'live-capture.js'), impl, String(port), String(timeout), String(stall)]);
    const cap = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    cap.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n') && !cap.started) {
        cap.started = true;
        setTimeout(() => {
          const fl = others.concat([flood, String(port), String(pps), String(pps * seconds), '64']);
          const f = spawnSync(fl[0], fl.slice(1), { encoding: 'utf8' });
          const sent = JSON.parse(f.stdout);
          cap.stdin.write('end\n');
          cap.on('exit', () => {
            const line = out.split('\n').find((l) => l.startsWith('{'));
            if (!line) return reject(new Error('no result from ' + impl + ': ' + out));
            const r = JSON.parse(line);
            resolve({ impl, scenario, sent: sent.sent, ratePps: sent.pps, received: r.received,
              lost: sent.sent - r.received, lossPct: 100 * (sent.sent - r.received) / sent.sent, stats: r.stats });
          });
        }, 300);
      }
    });
  });
}

async function main() {
  const results = [];
  let port = 23000;
  for (const pps of rates) {
    for (let r = 0; r < runs; r++) {
      for (const scenario of ['stall', 'timeout0']) {
        for (const impl of ['original', 'ours']) {
          const res = await once(impl, scenario, port++, pps);
          res.pps = pps;
          console.log(JSON.stringify(res));
          results.push(res);
        }
      }
    }
  }
  console.log(`\n${seconds} s per run, ${runs} runs, capture ${where}`);
  console.log('| rate asked | scenario | impl | sent (median) | achieved rate | lost (median) | loss % (median) |');
  console.log('|---|---|---|---|---|---|---|');
  const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  for (const pps of rates) {
    for (const scenario of ['stall', 'timeout0']) {
      for (const impl of ['original', 'ours']) {
        const rs = results.filter((x) => x.impl === impl && x.scenario === scenario && x.pps === pps);
        console.log(`| ${pps}/s | ${scenario === 'stall' ? 'handler blocks 200 ms/s' : 'buffer_timeout: 0'} | ${impl === 'ours' ? 'pcap 4 (this)' : 'node_pcap 3.1.0'} | ${med(rs.map((x) => x.sent))} | ${Math.round(med(rs.map((x) => x.ratePps)))}/s | ${med(rs.map((x) => x.lost))} | ${med(rs.map((x) => x.lossPct)).toFixed(2)}% |`);
      }
    }
  }
}

main();
