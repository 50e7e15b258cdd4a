'use strict';
// Differential test against tshark: every packet of the capture corpus and of
// http-loopback.pcap, read by this package and decoded with decode.packet(),
// field by field against tshark's dissection of the same packet. Packets tshark
// finds malformed (or raises an error-level expert item for) are left out.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const build = require('./helpers/bytes');
const corpus = require('./helpers/corpus');
const synthetic = require('./helpers/synthetic');
const tshark = require('./helpers/tshark-fields');
const compare = require('./helpers/tshark-compare');
const decode = require('..').decode;

// libpcap cuts records longer than the file's snapshot length to it; tshark does not.
// The packets of this fuzzer reproducer are the only ones where that matters.
const SNAPLEN_CUT = ['vrrp-vrrp_print-oobr-2.pcap'];

async function readAll(files) {
  const read = [], packets = [];
  for (let i = 0; i < files.length; i++) {
    const list = await corpus.readCapture(files[i]);
    if (list.error) { continue; } // tshark cannot read these either (invalid pcapng)
    read.push(files[i]);
    for (let j = 0; j < list.length; j++) {
      packets.push({ file: path.basename(files[i]), number: j + 1, packet: list[j] });
    }
  }
  return { files: read, packets: packets };
}

test('decode.packet agrees with tshark on every packet of the capture corpus', async function (t) {
  assert.ok(tshark.available(), 'tshark and mergecap must be installed');
  const files = corpus.captureFiles().concat([corpus.HTTP_LOOPBACK]);
  const ours = await readAll(files);
  assert.ok(ours.files.length >= 185, ours.files.length + ' readable files');
  const rows = tshark.run(ours.files);
  assert.equal(rows.length, ours.packets.length, 'tshark and the package read the same number of packets');

  const tally = new compare.Tally();
  let flagged = 0;
  const cut = new Set();
  ours.packets.forEach(function (p, i) {
    const row = rows[i];
    const label = p.file + '#' + p.number;
    const caplen = p.packet.header.readUInt32LE(8), len = p.packet.header.readUInt32LE(12);
    assert.equal(Number(row['frame.len'][0]), len, label + ': frame.len (packets out of step?)');
    if (Number(row['frame.cap_len'][0]) !== caplen) {
      cut.add(p.file);
      return;
    }
    if (tshark.flagged(row)) {
      flagged++;
      return;
    }
    compare.comparePacket(tally, label, decode.packet(p.packet), row);
  });

  t.diagnostic(ours.files.length + ' files, ' + ours.packets.length + ' packets: ' + tally.packets + ' compared (' +
        tally.fields + ' field values), ' + flagged + ' flagged by tshark, ' + (ours.packets.length - tally.packets -
        flagged) + ' cut to the snapshot length');
  assert.deepEqual(tally.mismatches.slice(0, 30), [], tally.mismatches.length + ' fields differ from tshark');
  assert.ok(Array.from(cut).every(function (f) { return SNAPLEN_CUT.indexOf(f) >= 0; }),
    'captured length differs in ' + Array.from(cut).join());
  assert.ok(flagged < 250, flagged + ' packets flagged by tshark');
  assert.ok(tally.packets >= 7000, tally.packets + ' packets compared');
  assert.ok(tally.fields >= 130000, tally.fields + ' fields compared');
  // every protocol was actually compared
  const minimum = {
    'frame.protocols': 7000, 'eth.src': 7000, 'eth.type': 7000, 'vlan.id': 5, 'sll.pkttype': 60,
    'sll.src.eth': 30, 'ip.src': 3000, 'ip.frag_offset': 3000, 'ipv6.plen': 1500, 'tcp.seq': 4000,
    'tcp.len': 4000, 'tcp.options.mss_val': 4000,
    'udp.length': 250, 'icmp.type': 1, 'icmpv6.type': 8, 'arp.src.proto': 2000, 'isl.src': 5,
    'dns.id': 15, 'dns.qry.name': 15, 'dns.resp.name': 15
  };
  Object.keys(minimum).forEach(function (f) {
    assert.ok((tally.byField[f] || 0) >= minimum[f], f + ': ' + (tally.byField[f] || 0) + ' values compared');
  });
});

// Hand-built packets for what the corpus has little or none of: DNS record types
// (MX, TXT, SOA, SRV, PTR, OPT, mDNS), ICMP/ICMPv6/IGMP messages, QinQ, SLL2,
// TCP SACK and other options, IPv6 extension headers, fragments, TSO lengths.
test('decode.packet agrees with tshark on hand-built packets of every decoded protocol', async function (t) {
  assert.ok(tshark.available(), 'tshark and mergecap must be installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-tshark-synthetic-'));
  try {
    const groups = synthetic.writeCaptures(dir, synthetic.packets());
    const packets = [];
    for (let i = 0; i < groups.length; i++) {
      const list = await corpus.readCapture(groups[i].file);
      assert.equal(list.length, groups[i].packets.length, groups[i].file);
      for (let j = 0; j < list.length; j++) {
        packets.push({ note: groups[i].packets[j].note, packet: list[j] });
      }
    }
    const rows = tshark.run(groups.map(function (g) { return g.file; }));
    assert.equal(rows.length, packets.length);

    const tally = new compare.Tally();
    const flagged = [];
    packets.forEach(function (p, k) {
      if (tshark.flagged(rows[k])) { flagged.push(p.note); }
      compare.comparePacket(tally, p.note, decode.packet(p.packet), rows[k]);
    });
    t.diagnostic(packets.length + ' packets, ' + tally.fields + ' field values compared');
    assert.deepEqual(flagged, [], 'tshark finds these hand-built packets malformed');
    assert.deepEqual(tally.mismatches, []);
    assert.equal(tally.packets, packets.length);
    assert.ok(tally.fields >= 1500, tally.fields + ' fields compared');
    const minimum = {
      'vlan.id': 9, 'sll.ifindex': 2, 'null.family': 4, 'ip.frag_offset': 40, 'ipv6.nxt': 20,
      'tcp.options.sack_le': 4, 'tcp.options.mss_val': 20, 'icmp.ident': 3, 'icmpv6.nd.target_address': 3,
      'icmpv6.echo.identifier': 2, 'igmp.version': 7, 'igmp.maddr': 7, 'arp.dst.proto': 3, 'dns.mx.preference': 9,
      'dns.txt': 9, 'dns.soa.serial_number': 9, 'dns.srv.target': 9, 'dns.aaaa': 9
    };
    Object.keys(minimum).forEach(function (f) {
      assert.ok((tally.byField[f] || 0) >= minimum[f], f + ': ' + (tally.byField[f] || 0) + ' values compared');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Cases where tshark reports an error, so the comparison above leaves them out.
test('TSO lengths: a zero IP length means the rest of the frame, as tshark decodes IPv4', function () {
  const tcp4 = decode.packet(build.pkt('LINKTYPE_ETHERNET', build.eth(0x0800,
    build.ipv4(6, build.tcp({ flags: 'A' }, Buffer.alloc(3000)), { length: 0 })))).payload.payload.payload;
  assert.equal(tcp4.dataLength, 3000);
  assert.equal(tcp4.data.length, 3000);
  const tcp6 = decode.packet(build.pkt('LINKTYPE_ETHERNET', build.eth(0x86dd,
    build.ipv6(6, build.tcp({ flags: 'A' }, Buffer.alloc(2000)), { plen: 0 })))).payload.payload.payload;
  assert.equal(tcp6.dataLength, 2000);
  // a non-zero total length shorter than the header is an error, not a negative segment length
  const ip = decode.packet(build.pkt('LINKTYPE_ETHERNET', build.eth(0x0800,
    build.ipv4(6, build.tcp({ flags: 'A' }), { length: 10 })))).payload.payload;
  assert.equal(ip.payload, undefined);
  assert.match(ip._error, /invalid IPv4 total length 10/);
  assert.equal(String(ip), '10.0.0.1 -> 10.0.0.2 proto 6 undefined');
});

test('mDNS: records with the cache-flush bit in the class are decoded as class IN', function () {
  const DNS = require('../decode/dns');
  const msg = build.hex('0000 8400 0000 0002 0000 0000' +
        '07 7072696e746572 05 6c6f63616c 00 0001 8001 00000078 0004 c0a80115' +
        'c00c 001c 8001 00000078 0010 fe800000000000000000000000000021');
  const dns = new DNS().decode(msg, 0);
  assert.equal(dns._error, undefined);
  assert.equal(dns.answer.rrs[0].class, 0x8001);
  assert.equal(String(dns.answer.rrs[0].rdata), '192.168.1.21');
  assert.equal(String(dns.answer.rrs[1].rdata), 'fe80:0000:0000:0000:0000:0000:0000:0021');
  assert.equal(String(dns.answer.rrs[0]), 'printer.local A Unknown (32769) 120 192.168.1.21');
});
