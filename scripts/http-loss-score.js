'use strict';
// Issue 17's score table: HTTPTracker and tshark on a built capture of varied HTTP/1.x traffic,
// clean and damaged from a seed (see __test__/helpers/httploss.js).
//   node scripts/http-loss-score.js [seed] [dir]
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require(path.join(__dirname, '..', '__test__', 'helpers', 'httploss'));

const seed = +(process.argv[2] || 17);
const dir = process.argv[3] || fs.mkdtempSync(path.join(os.tmpdir(), 'http-loss-'));
const corpus = h.build();
const clean = path.join(dir, 'clean.pcap');
const lossy = path.join(dir, `lossy-${seed}.pcap`);
h.writePcap(clean, corpus.segs);
h.writePcap(lossy, h.damage(corpus, seed).segs);
const row = (name, s) => `| ${name} | ${s.requests.right} / ${s.requests.of} | ${s.responses.right} / ${s.responses.of} | ` +
  `${s.requests.wrong + s.responses.wrong} | ${s.requests.unflagged + s.responses.unflagged} |`;
console.log(`connections 42, requests ${corpus.truth.length}, seed ${seed}, files in ${dir}`);
console.log('| capture, reader | requests right | responses right | wrong | wrong and not flagged |');
console.log('|---|---|---|---|---|');
for (const [name, file] of [['clean', clean], ['lossy', lossy]]) {
  console.log(row(name + ', HTTPTracker', h.scoreOurs(file, corpus.truth)));
  console.log(row(name + ', tshark', h.scoreTshark(file, corpus.truth)));
}
