'use strict';

// One side of the live benchmark: node bench/live-capture.js <ours|original> <port> <timeout ms> <stall ms>
// Captures `udp dst port <port>` on lo with node_pcap's default 10 MiB buffer; every second the
// handler blocks the thread for <stall ms>. Prints "ready", and on "end" (stdin) waits for the
// last packets and prints {received, stats}.
const path = require('path');

const [impl, port, timeout, stall] = process.argv.slice(2);
const pcap = impl === 'original' ? require('./original').load() : require(path.resolve(__dirname, '..'));
const session = pcap.createSession('lo', { filter: 'udp dst port ' + port, buffer_timeout: Number(timeout) });
let received = 0;
let nextStall = Date.now() + 1000;
const stallMs = Number(stall);
session.on('packet', () => {
  received++;
  if (stallMs > 0 && Date.now() >= nextStall) {
    const until = Date.now() + stallMs;
    while (Date.now() < until) { /* a slow handler */ }
    nextStall = Date.now() + 1000;
  }
});
process.stdout.write('ready\n');
process.stdin.on('data', () => {
  setTimeout(() => {
    const stats = session.stats();
    process.stdout.write(JSON.stringify({ impl, received, stats }) + '\n');
    session.close();
    process.exit(0);
  }, 1500);
});
