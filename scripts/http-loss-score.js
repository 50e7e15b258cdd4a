'use strict';
// Issue 17's score table: HTTPTracker and tshark on a built capture of varied HTTP/1.x traffic
// (__test__/helpers/httploss.js: every request and response known byte for byte), clean and
// damaged from seeds (2% of data segments dropped, 3% reordered, 1% duplicated, plus a lost
// first response and a hole in a chunked body), scored exchange by exchange.
//   node scripts/http-loss-score.js [first-seed [seeds [dir]]]     (default: 17 10)
// "wrong": messages reported that do not match the truth; "not flagged": of those, the ones
// carrying no flag (HTTPTracker: error, pairing 'unknown', body_lost, no end; tshark flags
// nothing), split into bodies (status, method or body wrong) and pairings (answer to another
// request or to none). Also the HTTPTracker time over each file (this process, one run).
const fs = require('fs');
const os = require('os');
const path = require('path');
const h = require(path.join(__dirname, '..', '__test__', 'helpers', 'httploss'));

const first = +(process.argv[2] || 17);
const count = +(process.argv[3] || 10);
const dir = process.argv[4] || fs.mkdtempSync(path.join(os.tmpdir(), 'http-loss-'));
const corpus = h.build();
const nRes = corpus.truth.length + corpus.truth.filter((t) => t.cont).length;

const cells = (s) => `${s.requests.right} / ${s.requests.of} | ${s.responses.right} / ${s.responses.of} | ` +
  `${s.requests.wrong + s.responses.wrong} | ${s.unflaggedBy.bodies} bodies, ${s.unflaggedBy.pairings} pairings |`;
const add = (a, b) => {
  if (a === null) { return JSON.parse(JSON.stringify(b)); }
  for (const k of ['requests', 'responses']) { for (const f of ['right', 'of', 'wrong', 'unflagged']) { a[k][f] += b[k][f]; } }
  a.unflaggedBy.bodies += b.unflaggedBy.bodies;
  a.unflaggedBy.pairings += b.unflaggedBy.pairings;
  return a;
};

console.log(`${corpus.truth.length} requests, ${nRes} responses (with 100 Continue) on 42 connections; ` +
  `seeds ${first}..${first + count - 1}; files in ${dir}`);
console.log('| capture | reader | requests right | responses right | wrong | wrong and not flagged |');
console.log('|---|---|---|---|---|---|');
const clean = path.join(dir, 'clean.pcap');
h.writePcap(clean, corpus.segs);
const c = h.scoreOurs(clean, corpus.truth);
console.log(`| clean | HTTPTracker | ${cells(c)}`);
console.log(`| clean | tshark | ${cells(h.scoreTshark(clean, corpus.truth))}`);
let ours = null;
let shark = null;
for (let seed = first; seed < first + count; seed++) {
  const file = path.join(dir, `lossy-${seed}.pcap`);
  h.writePcap(file, h.damage(corpus, seed).segs);
  const o = h.scoreOurs(file, corpus.truth);
  const t = h.scoreTshark(file, corpus.truth);
  console.log(`| lossy ${seed} | HTTPTracker | ${cells(o)}`);
  console.log(`| lossy ${seed} | tshark | ${cells(t)}`);
  ours = add(ours, o);
  shark = add(shark, t);
}
console.log(`| lossy, ${count} seeds | HTTPTracker | ${cells(ours)}`);
console.log(`| lossy, ${count} seeds | tshark | ${cells(shark)}`);
