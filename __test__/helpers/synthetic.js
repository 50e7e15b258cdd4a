'use strict';
// Test helper: hand-built packets covering what the capture corpus has little
// or none of (DNS record types, ICMP/ICMPv6/IGMP messages, QinQ, SLL2, TCP
// options, IPv6 extension headers, fragments, TSO lengths, loopback link types),
// written to pcap files for the differential test against tshark.
const fs = require('fs');
const path = require('path');
const b = require('./bytes');

const hex = b.hex, u16 = b.u16, u32 = b.u32, ip4 = b.ip4;

const LINKTYPES = {
  LINKTYPE_NULL: 0, LINKTYPE_ETHERNET: 1, LINKTYPE_RAW: 101, LINKTYPE_LOOP: 108, LINKTYPE_LINUX_SLL: 113,
  LINKTYPE_IPV4: 228, LINKTYPE_IPV6: 229, LINKTYPE_LINUX_SLL2: 276
};

// RFC 1071 internet checksum of a list of buffers
function cksum(bufs) {
  const all = Buffer.concat(bufs);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) {
    sum += (all[i] << 8) | (i + 1 < all.length ? all[i + 1] : 0);
  }
  while (sum > 0xffff) { sum = (sum & 0xffff) + (sum >>> 16); }
  return (~sum) & 0xffff;
}

function withChecksum(msg, at, pseudo) {
  msg.writeUInt16BE(0, at);
  msg.writeUInt16BE(cksum((pseudo || []).concat([msg])), at);
  return msg;
}

function icmp(type, code, rest) {
  return withChecksum(Buffer.concat([Buffer.from([type, code, 0, 0]), rest]), 2);
}

function icmp6(type, code, rest, src, dst) {
  const msg = Buffer.concat([Buffer.from([type, code, 0, 0]), rest]);
  const pseudo = Buffer.concat([src || b.V6_SRC, dst || b.V6_DST, u32(msg.length), hex('0000003a')]);
  return withChecksum(msg, 2, [pseudo]);
}

function igmp(bytes) {
  return withChecksum(bytes, 2);
}

function v6(s) {
  const halves = s.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const groups = head.concat(new Array(8 - head.length - rest.length).fill('0'), rest);
  return hex(groups.map(function (g) { return ('0000' + g).slice(-4); }).join(''));
}

// ---- DNS ----

// DNS message. Names are written in full unless given as a Buffer (for compression pointers).
function name(n) {
  return Buffer.isBuffer(n) ? n : b.dnsName(n);
}

function question(n, type, cls) {
  return Buffer.concat([name(n), u16(type), u16(cls === undefined ? 1 : cls)]);
}

function rr(n, type, rdata, ttl, cls) {
  return Buffer.concat([name(n), u16(type), u16(cls === undefined ? 1 : cls), u32(ttl === undefined ? 3600 : ttl),
    u16(rdata.length), rdata]);
}

function dns(id, flags, qs, an, ns, ar) {
  an = an || [];
  ns = ns || [];
  ar = ar || [];
  return Buffer.concat([u16(id), u16(flags), u16(qs.length), u16(an.length), u16(ns.length), u16(ar.length)]
    .concat(qs, an, ns, ar));
}

function ptr(offset) {
  return u16(0xc000 | offset);
}

function txt(strings) {
  return Buffer.concat(strings.map(function (s) {
    const d = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from([d.length]), d]);
  }));
}

// A response using every record type the decoder knows, with compression:
// the question name starts at offset 12.
function bigResponse() {
  const q = question('www.example.com', 1);
  const exampleCom = Buffer.concat([hex('07'), Buffer.from('example'), ptr(12 + 4 + 8)]); // "example" + ptr to "com"
  return dns(0xbeef, 0x8180, [q], [
    rr(ptr(12), 5, b.dnsName('web.example.com')),
    rr('web.example.com', 1, ip4('93.184.216.34')),
    rr('web.example.com', 1, ip4('93.184.216.35'), 60),
    rr(ptr(12), 28, v6('2606:2800:220:1:248:1893:25c8:1946')),
    rr(ptr(16), 15, Buffer.concat([u16(10), b.dnsName('mail.example.com')])),
    rr(ptr(16), 15, Buffer.concat([u16(20), Buffer.from([5]), Buffer.from('mail2'), ptr(16)])),
    rr(ptr(16), 16, txt(['v=spf1 -all', 'second string'])),
    rr('_sip._tcp.example.com', 33, Buffer.concat([u16(1), u16(5), u16(5060), b.dnsName('sip.example.com')])),
    rr('34.216.184.93.in-addr.arpa', 12, b.dnsName('web.example.com'))
  ], [
    rr(ptr(16), 2, b.dnsName('ns1.example.com')),
    rr(exampleCom, 2, Buffer.concat([Buffer.from([3]), Buffer.from('ns2'), ptr(16)])),
    rr(ptr(16), 6, Buffer.concat([b.dnsName('ns1.example.com'), b.dnsName('hostmaster.example.com'),
      u32(2024010101), u32(7200), u32(3600), u32(1209600), u32(300)]))
  ], [
    rr('ns1.example.com', 1, ip4('192.0.2.53')),
    rr('ns1.example.com', 28, v6('2001:db8::53')),
    rr('', 41, hex('000a0008 0011223344556677'), 0x00008000, 4096) // OPT, DO bit, cookie option
  ]);
}

// ---- packets ----

const MAC_A = '02:00:00:00:00:0a', MAC_B = '02:00:00:00:00:0b';

function eth(type, payload, tags) {
  return b.eth(type, payload, { dst: MAC_B, src: MAC_A, tags: tags });
}

function tag(tpid, pcp, dei, vid) {
  return Buffer.concat([u16(tpid), u16((pcp << 13) | (dei << 12) | vid)]);
}

function ip(proto, payload, opts) {
  return eth(0x0800, b.ipv4(proto, payload, opts));
}

function ip6(next, payload, opts) {
  return eth(0x86dd, b.ipv6(next, payload, opts));
}

function tcpOpt(kind, data) {
  return Buffer.concat([Buffer.from([kind, 2 + data.length]), data]);
}

function pad4(buf) {
  const n = (4 - (buf.length % 4)) % 4;
  return Buffer.concat([buf, Buffer.alloc(n, 1)]);
}

function ext(next, body) { // generic IPv6 extension header, body padded to 8n+6
  const len = body.length + 2;
  const total = Math.ceil(len / 8) * 8;
  const h = Buffer.alloc(total);
  h[0] = next;
  h[1] = total / 8 - 1;
  body.copy(h, 2);
  if (total > len) { h[len] = 1; h[len + 1] = total - len - 2; } // PadN
  return h;
}

function packets() {
  const list = [];
  function add(link, buf, note) { list.push({ link_type: link, buf: buf, note: note }); }
  function e(buf, note) { add('LINKTYPE_ETHERNET', buf, note); }
  const synOpts = Buffer.concat([tcpOpt(2, u16(1460)), hex('01'), tcpOpt(3, hex('07')), tcpOpt(4, hex('')),
    tcpOpt(8, Buffer.concat([u32(123456789), u32(0)])), hex('0000')]);

  // DNS over UDP, TCP and mDNS
  e(ip(17, b.udp(5353, 53, dns(0x1234, 0x0130, [question('example.org', 255)]))), 'DNS query ANY, AD+CD');
  e(ip(17, b.udp(53, 5353, bigResponse())), 'DNS response, every record type, compression');
  e(ip(17, b.udp(53, 40000, dns(7, 0x8583, [question('nope.example', 28)], [],
    [rr('example', 6, Buffer.concat([b.dnsName('a.root'), b.dnsName(''),
      u32(1), u32(2), u32(3), u32(4), u32(5)]))]))),
  'DNS NXDOMAIN with SOA, root rname');
  e(ip(17, b.udp(53, 40001, dns(8, 0x1000, [question('example.com', 6)]))), 'DNS opcode 2 (status)');
  const tcpDns = bigResponse();
  e(ip(6, b.tcp({ sport: 53, dport: 41000, flags: 'PA', seq: 5, ack: 9 },
    Buffer.concat([u16(tcpDns.length), tcpDns]))),
  'DNS over TCP');
  e(ip6(17, b.udp(53, 40002, dns(9, 0x8400, [question('v6.example', 28)],
    [rr(ptr(12), 28, v6('::1')), rr(ptr(12), 28, v6('fe80::1:2'))]))), 'DNS over IPv6');
  e(ip(17, b.udp(5353, 5353, dns(0, 0x8400, [], [rr('printer.local', 1, ip4('192.168.1.20'), 120)]))),
    'mDNS announcement');
  e(ip(17, b.udp(5353, 5353, dns(0, 0x8400, [], [
    rr('printer.local', 1, ip4('192.168.1.21'), 120, 0x8001),
    rr('printer.local', 28, v6('fe80::21'), 120, 0x8001),
    rr('_ipp._tcp.local', 12, b.dnsName('printer._ipp._tcp.local'), 4500, 1),
    rr('printer._ipp._tcp.local', 33, Buffer.concat([u16(0), u16(0), u16(631), b.dnsName('printer.local')]),
      120, 0x8001),
    rr('printer._ipp._tcp.local', 16, txt(['txtvers=1', 'rp=ipp/print']), 4500, 0x8001)
  ]))), 'mDNS response, cache-flush class bit');
  e(ip(17, b.udp(53, 40003, dns(10, 0x8400, [question('version.bind', 16, 3)],
    [rr('version.bind', 16, txt(['9.18.1']), 0, 3)]))), 'DNS CHAOS TXT');

  // ICMP
  e(ip(1, icmp(8, 0, Buffer.concat([u16(0x4242), u16(7), Buffer.from('ping payload')]))), 'ICMP echo request');
  e(ip(1, icmp(0, 0, Buffer.concat([u16(0x4242), u16(7), Buffer.from('ping payload')]))), 'ICMP echo reply');
  const inner = b.ipv4(17, b.udp(5000, 33434, Buffer.alloc(0)), { ttl: 1, src: '10.0.0.2', dst: '198.51.100.7' });
  e(ip(1, icmp(3, 3, Buffer.concat([u32(0), inner]))), 'ICMP port unreachable, quoting IPv4/UDP');
  e(ip(1, icmp(11, 0, Buffer.concat([u32(0), inner]))), 'ICMP time exceeded');
  e(ip(1, icmp(5, 1, Buffer.concat([ip4('10.0.0.254'), inner]))), 'ICMP redirect host');
  e(ip(1, icmp(3, 4, Buffer.concat([u16(0), u16(1400), inner]))), 'ICMP fragmentation needed');
  e(ip(1, icmp(13, 0, Buffer.concat([u16(0x0101), u16(2), u32(1), u32(2), u32(3)]))), 'ICMP timestamp');
  e(ip(1, icmp(14, 0, Buffer.concat([u16(0x0101), u16(2), u32(1), u32(2), u32(3)]))), 'ICMP timestamp reply');
  e(ip(1, icmp(17, 0, Buffer.concat([u16(0x0303), u16(4), u32(0)]))), 'ICMP address mask request');
  e(ip(1, icmp(18, 0, Buffer.concat([u16(0x0303), u16(4), ip4('255.255.255.0')]))), 'ICMP address mask reply');

  // ICMPv6
  const llSrc = v6('fe80::1'), allNodes = v6('ff02::1'), solicited = v6('ff02::1:ff00:2');
  e(ip6(58, icmp6(128, 0, Buffer.concat([u16(99), u16(1), Buffer.from('hello')]))), 'ICMPv6 echo request');
  e(ip6(58, icmp6(129, 0, Buffer.concat([u16(99), u16(1), Buffer.from('hello')]))), 'ICMPv6 echo reply');
  e(ip6(58, icmp6(135, 0, Buffer.concat([u32(0), v6('2001:db8::2'), hex('0101'), hex(MAC_A)]), llSrc, solicited),
    { src: llSrc, dst: solicited, hops: 255 }), 'ICMPv6 neighbor solicitation');
  e(ip6(58, icmp6(136, 0, Buffer.concat([hex('60000000'), v6('2001:db8::2'), hex('0201'), hex(MAC_B)]),
    llSrc, allNodes),
  { src: llSrc, dst: allNodes, hops: 255 }), 'ICMPv6 neighbor advertisement');
  e(ip6(58, icmp6(137, 0, Buffer.concat([u32(0), v6('fe80::99'), v6('2001:db8::77')]), llSrc, allNodes),
    { src: llSrc, dst: allNodes, hops: 255 }), 'ICMPv6 redirect');
  e(ip6(58, icmp6(133, 0, u32(0), llSrc, v6('ff02::2')), { src: llSrc, dst: v6('ff02::2'), hops: 255 }),
    'ICMPv6 router solicitation');
  e(ip6(58, icmp6(1, 4, Buffer.concat([u32(0), b.ipv6(17, b.udp(1, 2, Buffer.alloc(0)))]))),
    'ICMPv6 port unreachable');

  // IGMP
  const group = ip4('239.1.2.3');
  e(ip(2, igmp(Buffer.concat([hex('11000000'), ip4('0.0.0.0')])), { dst: '224.0.0.1', ttl: 1 }), 'IGMPv1 query');
  e(ip(2, igmp(Buffer.concat([hex('11640000'), ip4('0.0.0.0')])), { dst: '224.0.0.1', ttl: 1 }),
    'IGMPv2 general query');
  e(ip(2, igmp(Buffer.concat([hex('110a0000'), group, hex('027d0002'), ip4('10.1.1.1'), ip4('10.1.1.2')])),
    { dst: '239.1.2.3', ttl: 1 }), 'IGMPv3 group-and-source query');
  e(ip(2, igmp(Buffer.concat([hex('12000000'), group])), { dst: '239.1.2.3', ttl: 1 }), 'IGMPv1 report');
  e(ip(2, igmp(Buffer.concat([hex('16000000'), group])), { dst: '239.1.2.3', ttl: 1 }), 'IGMPv2 report');
  e(ip(2, igmp(Buffer.concat([hex('17000000'), group])), { dst: '224.0.0.2', ttl: 1 }), 'IGMPv2 leave');
  e(ip(2, igmp(Buffer.concat([hex('22000000 00000002'),
    hex('04000000'), ip4('239.9.9.9'),
    hex('01010001'), ip4('239.8.8.8'), ip4('10.0.0.9'), hex('aabbccdd')])),
  { dst: '224.0.0.22', ttl: 1 }), 'IGMPv3 report, two records');

  // ARP
  const arpBody = function (op, sha, spa, tha, tpa) {
    return Buffer.concat([hex('0001 0800 06 04'), u16(op), hex(sha), ip4(spa), hex(tha), ip4(tpa)]);
  };
  e(b.eth(0x0806, arpBody(1, MAC_A, '10.0.0.1', '000000000000', '10.0.0.2'), { dst: 'ffffffffffff', src: MAC_A }),
    'ARP request');
  e(eth(0x0806, arpBody(2, MAC_B, '10.0.0.2', MAC_A, '10.0.0.1')), 'ARP reply');

  // VLANs
  const udpIp = b.ipv4(17, b.udp(1000, 2000, Buffer.from('vlan')));
  e(eth(0x0800, udpIp, tag(0x8100, 5, 0, 100)), '802.1Q');
  e(eth(0x0800, udpIp, Buffer.concat([tag(0x88a8, 0, 0, 200), tag(0x8100, 3, 0, 300)])), '802.1ad QinQ');
  e(eth(0x0800, udpIp, Buffer.concat([tag(0x9100, 0, 0, 10), tag(0x8100, 0, 0, 20)])), '0x9100 QinQ');
  e(eth(0x86dd, b.ipv6(17, b.udp(1, 2, Buffer.from('x'))),
    Buffer.concat([tag(0x8100, 1, 1, 1), tag(0x8100, 2, 0, 2), tag(0x8100, 7, 0, 4095)])), 'three 802.1Q tags');
  const llc = Buffer.concat([hex('424203 0000 00 00 00'), hex('8000 020000000001'), u32(4), hex('8000 020000000002'),
    hex('8001 0000 1400 0200 0f00')]); // STP configuration BPDU
  e(b.eth(llc.length, llc, { dst: '0180c2000000', src: MAC_A, tags: tag(0x8100, 0, 0, 55) }),
    '802.1Q with 802.3 inside');
  e(b.eth(llc.length, llc, { dst: '0180c2000000', src: MAC_A }), '802.3 / LLC');

  // TCP options and flags
  e(ip(6, b.tcp({ flags: 'S', seq: 0xfffffff0, options: synOpts, win: 65535 })), 'TCP SYN, all SYN options');
  const sack3 = tcpOpt(5, Buffer.concat([u32(1000), u32(2000), u32(3000), u32(4000), u32(0xfffffff0), u32(16)]));
  e(ip(6, b.tcp({ flags: 'A', seq: 1, ack: 1000, options: pad4(Buffer.concat([hex('0101'),
    tcpOpt(8, Buffer.concat([u32(1), u32(2)])), sack3])) }, Buffer.alloc(0))), 'TCP ACK, 3 SACK blocks');
  e(ip(6, b.tcp({ flags: 'A', seq: 7, ack: 8, options: pad4(Buffer.concat([hex('0101'),
    tcpOpt(5, Buffer.concat([u32(500), u32(600)]))])) })), 'TCP ACK, 1 SACK block');
  e(ip(6, b.tcp({ flags: 'SEC', options: pad4(Buffer.concat([tcpOpt(2, u16(536)), tcpOpt(253, hex('abcd')),
    tcpOpt(34, hex('0102030405060708'))])) })), 'TCP SYN ECE CWR, experimental + TFO options');
  const nsTcp = b.tcp({ flags: 'PAU', urg: 3 }, Buffer.from('urgent data'));
  nsTcp[12] |= 1; // NS (nonce) flag
  e(ip(6, nsTcp), 'TCP NS + URG');
  e(ip(6, b.tcp({ flags: 'FA' }, Buffer.alloc(0))).subarray(0, 54 + 0), 'TCP FIN');
  e(Buffer.concat([ip(6, b.tcp({ flags: 'A', seq: 77 }, Buffer.alloc(0))), Buffer.alloc(6)]),
    'TCP ACK, Ethernet padding');
  e(ip6(6, b.tcp({ flags: 'A', seq: 78, options: pad4(tcpOpt(8, Buffer.concat([u32(5), u32(6)]))) },
    Buffer.from('v6 data'))),
  'TCP over IPv6');

  // IPv4 variants
  let opts4 = b.ipv4(17, b.udp(7, 7, Buffer.from('options')));
  opts4 = Buffer.concat([Buffer.from([0x46]), opts4.subarray(1, 20), hex('01010100'), opts4.subarray(20)]);
  opts4.writeUInt16BE(opts4.length, 2);
  e(eth(0x0800, opts4), 'IPv4 with options (NOPs, EOL)');
  e(ip(17, b.udp(9, 9, Buffer.alloc(100, 1)), { flags: 1, id: 0x7777 }), 'IPv4 first fragment (MF)');
  e(ip(17, Buffer.alloc(60, 2), { fragOffset: 1480, id: 0x7777 }), 'IPv4 later fragment');
  e(ip(17, Buffer.alloc(60, 2), { fragOffset: 2960, flags: 1, id: 0x7777 }), 'IPv4 middle fragment');
  e(ip(6, b.tcp({ flags: 'A' }, Buffer.from('df')), { flags: 2, ttl: 1, tos: 0xb8 }), 'IPv4 DF');
  e(ip(6, b.tcp({ flags: 'A' }, Buffer.from('evil')), { flags: 4 }), 'IPv4 reserved flag');
  e(ip(4, b.ipv4(17, b.udp(1, 2, Buffer.from('in')), { src: '172.16.0.1', dst: '172.16.0.2' })), 'IPv4 in IPv4');
  e(ip(41, b.ipv6(6, b.tcp({ flags: 'S' }))), 'IPv6 in IPv4 (6in4)');
  e(ip(6, b.tcp({ flags: 'A', seq: 99 }, Buffer.alloc(3000, 3)), { length: 0 }), 'IPv4 TSO, total length 0');
  e(ip(47, hex('00000000'), {}), 'IPv4 GRE (not decoded)');

  // IPv6 extension headers
  const tcp6 = b.tcp({ flags: 'PA', seq: 5 }, Buffer.from('behind extension headers'));
  // hop-by-hop -> destination options -> routing (type 0, no segments left) -> fragment -> destination options
  const chain = Buffer.concat([ext(60, hex('')), ext(43, hex('')), ext(44, hex('0000 00000000')),
    hex('3c000001 12345678'), ext(6, hex('')), tcp6]);
  e(ip6(0, chain), 'IPv6 HBH, dest opts, routing, fragment (first), dest opts, TCP');
  e(ip6(44, Buffer.concat([hex('11000100 00abcdef'), Buffer.alloc(40, 4)])), 'IPv6 later fragment');
  e(ip6(51, Buffer.concat([hex('11040000 00001000 00000005'), Buffer.alloc(12, 9),
    b.udp(1234, 1235, Buffer.from('ah'))])),
  'IPv6 AH then UDP');
  e(ip6(60, Buffer.concat([ext(59, hex(''))])), 'IPv6 dest opts, no next header');
  e(ip6(41, b.ipv6(17, b.udp(3, 4, Buffer.from('v6v6')), { hops: 7 }), { hops: 9 }), 'IPv6 in IPv6');
  e(ip6(4, b.ipv4(1, icmp(8, 0, Buffer.concat([u16(1), u16(2)])))), 'IPv4 in IPv6');

  // other link types
  const v4 = b.ipv4(6, b.tcp({ flags: 'S', options: synOpts }));
  const v6p = b.ipv6(17, b.udp(546, 547, Buffer.from('dhcpv6')));
  add('LINKTYPE_LINUX_SLL', Buffer.concat([hex('0000 0001 0006'), hex(MAC_A), hex('0000'), u16(0x0800), v4]),
    'SLL, IPv4');
  add('LINKTYPE_LINUX_SLL', Buffer.concat([hex('0004 0304 0000'), hex('0000000000000000'), u16(0x86dd), v6p]),
    'SLL, loopback, IPv6');
  add('LINKTYPE_LINUX_SLL2', Buffer.concat([u16(0x0800), hex('0000'), u32(3), hex('0001 00 06'), hex(MAC_B),
    hex('0000'), v4]), 'SLL2, IPv4');
  add('LINKTYPE_LINUX_SLL2', Buffer.concat([u16(0x0806), hex('0000'), u32(7), hex('0001 01 06'), hex(MAC_A),
    hex('0000'), hex('0001 0800 06 04 0001'), hex(MAC_A), ip4('10.0.0.1'), hex('000000000000'), ip4('10.0.0.9')]),
  'SLL2, ARP');
  add('LINKTYPE_NULL', Buffer.concat([hex('02000000'), v4]), 'NULL, AF_INET');
  add('LINKTYPE_NULL', Buffer.concat([hex('1e000000'), v6p]), 'NULL, AF_INET6 (30)');
  add('LINKTYPE_NULL', Buffer.concat([hex('18000000'), v6p]), 'NULL, AF_INET6 (24)');
  add('LINKTYPE_LOOP', Buffer.concat([hex('00000002'), v4]), 'LOOP, AF_INET');
  add('LINKTYPE_RAW', v4, 'RAW, IPv4');
  add('LINKTYPE_RAW', v6p, 'RAW, IPv6');
  add('LINKTYPE_IPV4', v4, 'IPV4');
  add('LINKTYPE_IPV6', v6p, 'IPV6');
  return list;
}

// Writes the packets to one pcap file per link type in `dir` (in first-use order);
// returns [{file, packets: [...]}].
function writeCaptures(dir, list) {
  const groups = [];
  const byLink = {};
  list.forEach(function (p) {
    if (!byLink[p.link_type]) {
      byLink[p.link_type] = { file: path.join(dir, p.link_type.toLowerCase() + '.pcap'), packets: [] };
      groups.push(byLink[p.link_type]);
    }
    byLink[p.link_type].packets.push(p);
  });
  groups.forEach(function (g) {
    const gh = Buffer.alloc(24);
    gh.writeUInt32LE(0xa1b2c3d4, 0);
    gh.writeUInt16LE(2, 4);
    gh.writeUInt16LE(4, 6);
    gh.writeUInt32LE(262144, 16);
    gh.writeUInt32LE(LINKTYPES[g.packets[0].link_type], 20);
    const parts = [gh];
    g.packets.forEach(function (p, i) {
      const h = Buffer.alloc(16);
      h.writeUInt32LE(1700000000 + i, 0);
      h.writeUInt32LE(p.buf.length, 8);
      h.writeUInt32LE(p.buf.length, 12);
      parts.push(h, p.buf);
    });
    fs.writeFileSync(g.file, Buffer.concat(parts));
  });
  return groups;
}

module.exports = { packets: packets, writeCaptures: writeCaptures };
