'use strict';

// One benchmark process: node bench/run-one.js <ours|original> <mode> <file>
// Modes: events (packet events only), decode (decode.packet on every packet), fields (decode and
// read addresses, ports, flags and payload length), track (decode + TCPTracker with data listeners).
// Prints one JSON line: {impl, mode, packets, ms, pps, maxRssMB, maxRssKB}.
const path = require('path');

const [impl, mode, file] = process.argv.slice(2);
const pcap = impl === 'original' ? require('./original').load() : require(path.resolve(__dirname, '..'));

let n = 0;
let sink = 0;
let onPacket;
if (mode === 'events') {
  onPacket = () => { n++; };
} else if (mode === 'decode') {
  onPacket = (raw) => { n++; if (pcap.decode.packet(raw) === null) sink++; };
} else if (mode === 'fields') {
  onPacket = (raw) => {
    n++;
    const pkt = pcap.decode.packet(raw);
    const link = pkt.payload;
    const ip = link && link.payload;
    if (!ip || !ip.saddr) return;
    const l4 = ip.payload;
    sink += ip.saddr.addr[0] + ip.daddr.addr[1];
    if (l4 && typeof l4.sport === 'number') {
      sink += l4.sport + l4.dport;
      if (l4.flags && l4.flags.syn) sink++;
      if (typeof l4.dataLength === 'number') sink += l4.dataLength;
      else if (l4.data) sink += l4.data.length;
    }
  };
} else if (mode === 'track') {
  const tracker = new pcap.TCPTracker();
  tracker.on('session', (session) => {
    session.on('data send', (s, data) => { sink += data.length; });
    session.on('data recv', (s, data) => { sink += data.length; });
  });
  onPacket = (raw) => { n++; tracker.track_packet(pcap.decode.packet(raw)); };
} else {
  throw new Error('unknown mode ' + mode);
}

// Load the decoders before the clock starts, for both packages: node_pcap loads them when it is
// required, this package on first use (a capture-only program does not pay for them).
if (mode !== 'events' && typeof pcap.decode.packet !== 'function') throw new Error('no decode.packet');

const t0 = process.hrtime.bigint();
const session = pcap.createOfflineSession(file, {});
session.on('packet', onPacket);
session.on('complete', () => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const maxRssKB = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({
    impl, mode, packets: n, ms: Math.round(ms), pps: Math.round(n / ms * 1000),
    maxRssMB: Math.round(maxRssKB / 1024), maxRssKB, sink: sink % 7,
  }));
  session.close();
});
