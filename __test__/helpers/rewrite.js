'use strict';
// Rewrites a capture with its TCP segments reordered, duplicated and dropped, as a network would:
//   node __test__/helpers/rewrite.js <in> <out> [--seed N] [--window W] [--duplicate P]
//        [--drop i,j,...] [--keep K]
// The first K packets (default 3: the handshake) stay in place; packets whose index (in the input)
// is listed in --drop are left out; each other packet is repeated with probability P (default 0)
// and the rest is shuffled within a window of W packets (default 1: no reordering), from a seeded
// generator, so a run is reproducible. Reads and writes with this package. Prints
// {"packets": n, "dropped": [...], "duplicated": n} on stdout.
const path = require('path');
const pcap = require(path.resolve(__dirname, '..', '..'));

function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

function args(argv) {
  const o = { seed: 1, window: 1, duplicate: 0, drop: [], keep: 3 };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (k === 'drop') o.drop = argv[i + 1].split(',').filter(Boolean).map(Number);
    else o[k] = Number(argv[i + 1]);
  }
  return o;
}

function main() {
  const [input, output] = process.argv.slice(2, 4);
  const o = args(process.argv.slice(2));
  const rnd = prng(o.seed);
  const packets = [];
  const s = pcap.createOfflineSession(input);
  s.on('packet', (raw) => packets.push(raw));
  s.on('complete', () => {
    const link = s.link_type;
    s.close();
    const head = packets.slice(0, o.keep);
    const body = [];
    let duplicated = 0;
    packets.forEach((p, i) => {
      if (i < o.keep || o.drop.includes(i)) return;
      body.push(p);
      if (rnd() < o.duplicate) { body.push(p); duplicated++; }
    });
    for (let i = 0; i < body.length; i++) {
      const j = Math.min(body.length - 1, i + Math.floor(rnd() * o.window));
      [body[i], body[j]] = [body[j], body[i]];
    }
    const w = pcap.createWriter(output, { link_type: link });
    for (const p of head.concat(body)) w.write(p);
    w.close();
    process.stdout.write(JSON.stringify({ packets: head.length + body.length, dropped: o.drop, duplicated }) + '\n');
  });
}

main();
