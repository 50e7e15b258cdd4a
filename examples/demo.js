'use strict';

// Demo on a capture shipped in the repo (no root needed):
//   node examples/demo.js [file.pcap]
// Prints every packet as node_pcap's toString() does, then the TCP sessions the tracker saw.
const path = require('path');
const pcap = require('..');

const file = process.argv[2] || path.join(__dirname, 'data', 'sample.pcap');
const session = pcap.createOfflineSession(file, { filter: '' });
const tracker = new pcap.TCPTracker();
const sessions = [];
let packets = 0;

tracker.on('session', (s) => {
  sessions.push(s);
  s.on('data send', (s2, data) => { s2.demo_sent = (s2.demo_sent || 0) + data.length; });
  s.on('data recv', (s2, data) => { s2.demo_recv = (s2.demo_recv || 0) + data.length; });
});

session.on('packet', (raw) => {
  packets++;
  const packet = pcap.decode.packet(raw);
  console.log(String(packet));
  tracker.track_packet(packet);
});

session.on('complete', () => {
  console.log(`\n${packets} packets from ${path.basename(file)} (${session.link_type}); ${pcap.lib_version}`);
  console.log(`${sessions.length} TCP sessions:`);
  for (const s of sessions) {
    console.log(`  ${s.src} -> ${s.dst}  state ${s.state}  sent ${s.demo_sent || 0} B  received ${s.demo_recv || 0} B`);
  }
  session.close();
});
