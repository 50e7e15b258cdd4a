'use strict';

// Test-side reference reader: tcpdump rewrites a capture (pcap or pcapng) as a classic pcap file,
// and this parses that file, so the tests compare the package against tcpdump's own reading.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

function parsePcap(buf) {
  const magic = buf.readUInt32LE(0);
  let le;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else throw new Error('not a pcap file');
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linktype = u32(20) & 0x0fffffff;
  const packets = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const caplen = u32(off + 8);
    if (off + 16 + caplen > buf.length) break;
    packets.push({
      tv_sec: u32(off), tv_usec: u32(off + 4), caplen, len: u32(off + 12),
      data: buf.subarray(off + 16, off + 16 + caplen),
    });
    off += 16 + caplen;
  }
  return { linktype, packets };
}

// What tcpdump reads from `file` (with an optional filter): {ok, linktype, packets, stderr}.
function tcpdumpRead(file, filter) {
  const out = path.join(os.tmpdir(), 'pcap-ref-' + process.pid + '-' + Math.random().toString(36).slice(2) + '.pcap');
  const args = ['-r', file, '-w', out];
  if (filter) args.push(filter);
  const r = spawnSync('tcpdump', args, { encoding: 'utf8' });
  let parsed = { linktype: null, packets: [] };
  if (fs.existsSync(out)) {
    try { parsed = parsePcap(fs.readFileSync(out)); } catch (e) { /* empty or unreadable output */ }
    fs.unlinkSync(out);
  }
  return { ok: r.status === 0, stderr: r.stderr, ...parsed };
}

// The records of a classic pcap file as node_pcap's raw packets ({buf, header, link_type}), for
// feeding decode.packet without a session.
function rawPackets(buf, linkType) {
  return parsePcap(buf).packets.map((p) => {
    const header = Buffer.alloc(16);
    header.writeUInt32LE(p.tv_sec, 0);
    header.writeUInt32LE(p.tv_usec, 4);
    header.writeUInt32LE(p.caplen, 8);
    header.writeUInt32LE(p.len, 12);
    return { buf: p.data, header, link_type: linkType || 'LINKTYPE_ETHERNET' };
  });
}

module.exports = { parsePcap, tcpdumpRead, rawPackets };
