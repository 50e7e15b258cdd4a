'use strict';
// Child process of the bounded-memory test and bench/flows.js: reads a capture flows-only
// with maxFlows, samples its resident memory every 50 ms, and prints one JSON line:
// {stats, flowEvents, rss: [[packets, anonymous kB, file kB]...], ms}.
const fs = require('fs');
const path = require('path');
const pcap = require(path.join(__dirname, '..', '..'));

const [file, maxFlows, listen] = process.argv.slice(2);
// Resident memory in kB: anonymous (heap, the flow table) and file-backed pages (code; the capture is read with pread, not mapped).
function rssKb() {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = (name) => Number((new RegExp(name + ':\\s+(\\d+)').exec(status) || [0, 0])[1]);
  return [kb('RssAnon'), kb('RssFile')];
}
const t0 = Date.now();
const s = pcap.createOfflineSession(file, { flows: { maxFlows: Number(maxFlows) }, packets: false });
const samples = [];
let flowEvents = 0;
if (listen === 'listen') s.on('flow', () => { flowEvents++; });
const timer = setInterval(() => {
  const st = s.flowStats();
  if (st) samples.push([st.packets].concat(rssKb()));
}, 50);
s.on('complete', () => {
  clearInterval(timer);
  const stats = s.flowStats();
  samples.push([stats.packets].concat(rssKb()));
  s.close();
  process.stdout.write(JSON.stringify({ stats, flowEvents, rss: samples, ms: Date.now() - t0 }) + '\n');
});
