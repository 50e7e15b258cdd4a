'use strict';
// Writes a SYN flood capture with the package's writer: `count` one-packet TCP flows (SYNs
// from different source addresses and ports), 1 µs apart. Used by the bounded-memory test
// and bench/flows.js.
//
//   node bench/synflood.js OUT.pcap [count]
const path = require('path');
const pcap = require(path.join(__dirname, '..'));

function writeSynFlood(file, count) {
  const w = pcap.createWriter(file, { link_type: 'LINKTYPE_ETHERNET' });
  // Ethernet + IPv4 + TCP SYN, 54 bytes; the source address and port change per packet.
  const frame = Buffer.from('0011223344660011223344550800' + '45000028000140004006beef0a00000ac0000201' +
    '00000050000003e80000000050027210abcd0000', 'hex');
  const header = Buffer.alloc(16);
  header.writeUInt32LE(54, 8);
  header.writeUInt32LE(54, 12);
  const packet = { buf: frame, header };
  const t0 = 1700000000;
  for (let i = 0; i < count; i++) {
    frame.writeUInt16BE(i >>> 16, 28);
    frame.writeUInt16BE(i & 0xffff, 30);
    frame.writeUInt16BE(1024 + (i % 50000), 34);
    header.writeUInt32LE(t0 + Math.floor(i / 1e6), 0);
    header.writeUInt32LE(i % 1e6, 4);
    w.write(packet);
  }
  w.close();
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: node bench/synflood.js OUT.pcap [count]\n');
    process.exit(2);
  }
  writeSynFlood(out, Number(process.argv[3] || 2000000));
}

module.exports = { writeSynFlood };
