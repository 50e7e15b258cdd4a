'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const EventEmitter = require('events');
const b = require('./helpers/bytes');
const decode = require('../decode').decode;
const orig = require('./helpers/original')('decode');

function quietOrig(p) {
  const log = console.log;
  console.log = function () {};
  try { return orig.decode(p); } finally { console.log = log; }
}

const SYN_OPTS = b.hex('020405b4 0402 080a 00000064 00000000 01 030307');

test('Ethernet/IPv4/TCP SYN: fields, order and toString', function () {
  const frame = b.eth(0x0800, b.ipv4(6, b.tcp({ flags: 'S', options: SYN_OPTS, seq: 1000 }), { flags: 2 }));
  const p = decode(b.pkt('LINKTYPE_ETHERNET', frame));
  assert.deepEqual(Object.keys(p), ['link_type', 'pcap_header', 'payload', 'emitter']);
  assert.deepEqual(Object.keys(p.pcap_header), ['tv_sec', 'tv_usec', 'caplen', 'len']);
  assert.equal(p.pcap_header.tv_sec, 1700000000);
  assert.equal(p.pcap_header.tv_usec, 123456);
  const e = p.payload;
  assert.deepEqual(Object.keys(e), ['emitter', 'dhost', 'shost', 'ethertype', 'vlan', 'payload']);
  assert.deepEqual(e.shost.addr, [0, 0x11, 0x22, 0x33, 0x44, 0x55]);
  const ip = e.payload;
  assert.deepEqual(Object.keys(ip), ['emitter', 'version', 'headerLength', 'diffserv', 'length',
    'identification', 'flags', 'fragmentOffset', 'ttl', 'protocol', 'headerChecksum', 'saddr', 'daddr',
    'protocolName', 'payload']);
  assert.deepEqual(Object.keys(ip.flags), ['emitter', 'reserved', 'doNotFragment', 'moreFragments']);
  assert.equal(ip.flags.doNotFragment, true);
  assert.deepEqual(ip.saddr.addr, [10, 0, 0, 1]);
  const t = ip.payload;
  assert.deepEqual(Object.keys(t), ['emitter', 'sport', 'dport', 'seqno', 'ackno', 'headerLength', 'reserved',
    'flags', 'windowSize', 'checksum', 'urgentPointer', 'options', 'data', 'dataLength']);
  assert.deepEqual(Object.keys(t.flags), ['emitter', 'nonce', 'cwr', 'ece', 'urg', 'ack', 'psh', 'rst', 'syn', 'fin']);
  assert.deepEqual(Object.keys(t.options), ['mss', 'window_scale', 'sack_ok', 'sack', 'timestamp', 'echo']);
  assert.equal(t.options.mss, 1460);
  assert.equal(t.options.window_scale, 7);
  assert.equal(t.options.sack_ok, true);
  assert.equal(t.options.timestamp, 100);
  assert.equal(t.options.echo, 0);
  assert.equal(t.headerLength, 40);
  assert.equal(t.data, null);
  assert.equal(t.dataLength, 0);
  assert.equal(t.reserved, undefined);
  const expected = 'LINKTYPE_ETHERNET 00:11:22:33:44:55 -> 00:11:22:33:44:66 IPv4 10.0.0.1 -> 10.0.0.2 flags [d] ' +
        'TCP 443->5000 seq 1000 ack 0 flags [s] win 512 csum 4369 [mss:1460 scale:7(128) sack_ok] len 0';
  assert.equal(String(p), expected);
  assert.equal(String(quietOrig(b.pkt('LINKTYPE_ETHERNET', frame))), expected);
});

test('TCP data is a view of the payload, bounded by the IP length (Ethernet padding excluded)', function () {
  const seg = b.tcp({ flags: 'PA', seq: 5, ack: 9 }, Buffer.from('hello'));
  const frame = Buffer.concat([b.eth(0x0800, b.ipv4(6, seg)), Buffer.alloc(6)]);
  const t = decode(b.pkt('LINKTYPE_ETHERNET', frame)).payload.payload.payload;
  assert.equal(t.dataLength, 5);
  assert.equal(t.data.toString(), 'hello');
  assert.equal(String(t), '443->5000 seq 5 ack 9 flags [ap] win 512 csum 4369 [.] len 5');
});

test('TCP options: SACK, unknown kinds, TFO and MPTCP are kept, never thrown', function () {
  const opts = b.hex('0101 050a 00000001 00000002 2206 aabbccdd 1e04 2100 4704 0102 0000');
  const t = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(6, b.tcp({ flags: 'A', options: opts })))))
    .payload.payload.payload;
  assert.equal(t._error, undefined);
  assert.deepEqual(t.options.sack, [[1, 2]]);
  assert.deepEqual(t.options.tfo, b.hex('aabbccdd'));
  assert.deepEqual(t.options.mptcp, [b.hex('2100')]);
  assert.deepEqual(t.options.unknown, [{ kind: 0x47, bytes: b.hex('0102') }]);
  assert.deepEqual(Object.keys(t.options).slice(0, 6), ['mss', 'window_scale', 'sack_ok', 'sack', 'timestamp', 'echo']);
  assert.equal(String(t.options), '[sack:1,2]');
  // experimental TFO (kind 254, magic 0xF989)
  const t2 = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(6, b.tcp({ options: b.hex('fe06f98901020000') })))))
    .payload.payload.payload;
  assert.deepEqual(t2.options.tfo, b.hex('0102'));
  // a bad option length stops option parsing with _error on the TCP layer
  const t3 = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(6, b.tcp({ options: b.hex('02040578 4701 0000') })))))
    .payload.payload.payload;
  assert.equal(t3.options.mss, 1400);
  assert.match(t3._error, /invalid length 1 for TCP option 71/);
});

test('Ethernet: 802.1Q tag, QinQ (0x88a8 and 0x9100) keeps both tags', function () {
  const inner = b.ipv4(17, b.udp(1000, 2000, Buffer.from('x')));
  const single = Buffer.concat([b.hex('001122334466 001122334455 8100 a064 0800'), inner]);
  const e = decode(b.pkt('LINKTYPE_ETHERNET', single)).payload;
  assert.deepEqual(Object.keys(e), ['emitter', 'dhost', 'shost', 'ethertype', 'vlan', 'payload']);
  assert.deepEqual([e.vlan.priority, e.vlan.canonical_format, e.vlan.id], [5, 0, 100]);
  assert.equal(e.ethertype, 0x0800);
  assert.equal(String(e), '00:11:22:33:44:55 -> 00:11:22:33:44:66 vlan 5 0 100 IPv4 10.0.0.1 -> 10.0.0.2 UDP UDP 1000->2000 len 9');
  assert.equal(String(e), String(quietOrig(b.pkt('LINKTYPE_ETHERNET', single)).payload));

  [0x88a8, 0x9100].forEach(function (tpid) {
    const qinq = Buffer.concat([b.hex('001122334466 001122334455'), b.u16(tpid), b.hex('000a 8100 2014 0800'), inner]);
    const q = decode(b.pkt('LINKTYPE_ETHERNET', qinq)).payload;
    assert.equal(q.vlan.id, 10);
    assert.equal(q.vlans.length, 2);
    assert.equal(q.vlans[0], q.vlan);
    assert.equal(q.vlans[1].id, 20);
    assert.equal(q.vlans[1].priority, 1);
    assert.equal(q.ethertype, 0x0800);
    assert.equal(q.payload.payload.sport, 1000);
    assert.deepEqual(Object.keys(q), ['emitter', 'dhost', 'shost', 'ethertype', 'vlan', 'payload', 'vlans']);
    assert.match(String(q), / vlan 0 0 10 vlan 1 0 20 IPv4 /);
  });
});

test('Ethernet: unknown ethertype and 802.3 frames: null payload, toString does not throw, no console', function () {
  const e = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x88b5, Buffer.alloc(10)))).payload;
  assert.equal(e.payload, null);
  assert.equal(String(e), '00:11:22:33:44:55 -> 00:11:22:33:44:66 ethertype 34997');
  const l = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0026, Buffer.alloc(38)))).payload;
  assert.equal(l.ethertype, 0);
  assert.equal(l.payload, null);
  const lldp = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x88cc, Buffer.alloc(10)))).payload;
  assert.equal(lldp.payload, 'need to implement LLDP');
  assert.equal(String(lldp), '00:11:22:33:44:55 -> 00:11:22:33:44:66 LLDP need to implement LLDP');
});

test('ARP request: fields and toString', function () {
  const arp = b.hex('0001 0800 06 04 0001 001122334455 c0a80001 000000000000 c0a80002');
  const p = b.pkt('LINKTYPE_ETHERNET', b.eth(0x0806, arp, { dst: 'ffffffffffff' }));
  const a = decode(p).payload.payload;
  assert.deepEqual(Object.keys(a), ['emitter', 'htype', 'ptype', 'hlen', 'plen', 'operation', 'sender_ha',
    'sender_pa', 'target_ha', 'target_pa']);
  assert.equal(String(decode(p)), 'LINKTYPE_ETHERNET 00:11:22:33:44:55 -> ff:ff:ff:ff:ff:ff ARP request sender ' +
        '00:11:22:33:44:55 192.168.0.1 target 00:00:00:00:00:00 192.168.0.2');
  const odd = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0806, b.hex('0001 0800 08 04 0002 0000')))).payload.payload;
  assert.equal(odd.sender_ha, undefined);
  assert.equal(String(odd), 'reply');
});

test('IPv4: unknown protocol, protocolName "Unknown", toString "proto N undefined"', function () {
  const p = b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(132, Buffer.alloc(8))));
  const ip = decode(p).payload.payload;
  assert.equal(ip.protocolName, 'Unknown');
  assert.equal(ip.payload, undefined);
  assert.equal(String(ip), '10.0.0.1 -> 10.0.0.2 proto 132 undefined');
  assert.equal(String(ip), String(quietOrig(p).payload.payload));
});

test('IPv4 fragments: first fragment decoded and flagged, later fragments keep raw bytes', function () {
  const first = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(17, b.udp(53, 53, Buffer.alloc(20)), { flags: 1 }))))
    .payload.payload;
  assert.equal(first.payload.constructor.name, 'UDP');
  assert.equal(first.isFragment, true);
  const later = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(17, Buffer.from('continued'), { fragOffset: 1480 }))))
    .payload.payload;
  assert.equal(later.fragmentOffset, 1480);
  assert.ok(Buffer.isBuffer(later.payload));
  assert.equal(later.payload.toString(), 'continued');
  assert.equal(later.isFragment, true);
  assert.equal(later.protocolName, undefined);
  assert.equal(String(later), '10.0.0.1 -> 10.0.0.2 proto 17 fragment offset 1480 len 9');
});

test('ICMP echo: node_pcap fields and toString, plus id/seq', function () {
  const p = b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(1, b.hex('0800 f7ff 1234 0007 6162'))));
  const i = decode(p).payload.payload.payload;
  assert.deepEqual(Object.keys(i), ['emitter', 'type', 'code', 'checksum', 'id', 'seq']);
  assert.equal(i.id, 0x1234);
  assert.equal(i.seq, 7);
  assert.equal(String(i), 'Echo Request');
  assert.equal(String(decode(p)), String(quietOrig(p)));
  const unreachable = [[3, 3, 'Destination Port Unreachable'], [3, 13, 'Communication administratively prohibited'],
    [3, 14, 'Destination Unreachable (unknown code 14)'], [5, 1, 'Redirect Host'], [5, 9, 'Redirect (unknown code 9)'],
    [11, 0, 'TTL expired in transit'], [11, 1, 'Fragment reassembly time exceeded'],
    [11, 2, 'Time Exceeded (unknown code 2)'], [0, 0, 'Echo Reply'], [4, 0, 'Source Quench'],
    [9, 0, 'Router Advertisement'], [42, 1, 'type 42 code 1']];
  unreachable.forEach(function (c) {
    const q = b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(1, Buffer.from([c[0], c[1], 0, 0, 0, 0, 0, 0]))));
    assert.equal(String(decode(q).payload.payload.payload), c[2]);
    assert.equal(String(decode(q)), String(quietOrig(q)));
  });
});

test('UDP: fields, data view, no payload property', function () {
  const p = b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(17, b.udp(1234, 5678, Buffer.from('abc')))));
  const u = decode(p).payload.payload.payload;
  assert.deepEqual(Object.keys(u), ['emitter', 'sport', 'dport', 'length', 'checksum', 'data']);
  assert.equal(u.data.toString(), 'abc');
  assert.equal(String(u), 'UDP 1234->5678 len 11');
});

test('IGMP: versions and v3 records', function () {
  function igmp(bytes) {
    return decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(2, b.hex(bytes))))).payload.payload.payload;
  }
  const v1q = igmp('1100 eeff 00000000');
  assert.equal(v1q.version, 1);
  assert.equal(String(v1q), 'Membership Query');
  const v2q = igmp('1164 ee9b 00000000');
  assert.equal(v2q.version, 2);
  const v3q = igmp('1164 0000 00000000 0a 7d 0001 0a000005');
  assert.equal(v3q.version, 3);
  assert.equal(v3q.qrv, 2);
  assert.equal(v3q.sFlag, true);
  assert.equal(v3q.qqic, 125);
  assert.deepEqual(v3q.sources.map(String), ['10.0.0.5']);
  const v2r = igmp('1600 0000 e0000001');
  assert.equal(v2r.version, 2);
  assert.equal(String(v2r.groupAddress), '224.0.0.1');
  assert.equal(String(igmp('1700 0000 e0000001')), 'Leave Group');
  const v3r = igmp('2200 0000 0000 0002 04 00 0000 e00000fb 01 00 0001 ef010203 0a000001');
  assert.equal(v3r.version, 3);
  assert.equal(String(v3r), 'Membership Report');
  assert.deepEqual(Object.keys(v3r).slice(0, 6), ['emitter', 'type', 'version', 'maxResponseTime', 'checksum', 'groupAddress']);
  assert.equal(v3r.groupRecords.length, 2);
  assert.equal(v3r.groupRecords[0].recordType, 4);
  assert.equal(String(v3r.groupRecords[0].multicastAddress), '224.0.0.251');
  assert.equal(String(v3r.groupRecords[1].multicastAddress), '239.1.2.3');
  assert.deepEqual(v3r.groupRecords[1].sources.map(String), ['10.0.0.1']);
});

test('IPv6/TCP: payload length from the IPv6 header, tcp/udp events fire', function () {
  const seg = b.tcp({ flags: 'A', seq: 1, ack: 2 });
  const frame = Buffer.concat([b.eth(0x86dd, b.ipv6(6, seg)), Buffer.alloc(4)]);
  const em = new EventEmitter();
  const events = [];
  ['tcp', 'udp', 'ipv6', 'ipv4'].forEach(function (n) { em.on(n, function () { events.push(n); }); });
  const p = decode(b.pkt('LINKTYPE_ETHERNET', frame), em);
  const ip = p.payload.payload;
  assert.deepEqual(Object.keys(ip), ['emitter', 'version', 'trafficClass', 'flowLabel', 'payloadLength',
    'nextHeader', 'hopLimit', 'saddr', 'daddr', 'payload']);
  assert.equal(String(ip.saddr), '2001:0db8:0000:0000:0000:0000:0000:0001');
  assert.equal(ip.payload.dataLength, 0);
  assert.equal(ip.payload.data, null);
  assert.deepEqual(events, ['tcp', 'ipv6']);
  assert.equal(String(ip), '2001:0db8:0000:0000:0000:0000:0000:0001 -> 2001:0db8:0000:0000:0000:0000:0000:0002 ' +
        'TCP 443->5000 seq 1 ack 2 flags [a] win 512 csum 4369 [.] len 0');
});

test('IPv6 extension headers: hop-by-hop, fragment, AH and ESP', function () {
  const udp = b.udp(1, 2, Buffer.from('zz'));
  const hbh = Buffer.concat([b.hex('11 00 0104 00000000'), udp]);
  const ip = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(0, hbh)))).payload.payload;
  assert.equal(ip.payload.constructor.name, 'HeaderExtension');
  assert.deepEqual(Object.keys(ip.payload), ['payload', 'nextHeader', 'headerLength']);
  assert.equal(ip.payload.headerLength, 8);
  assert.equal(ip.payload.payload.data.toString(), 'zz');
  assert.match(String(ip), / HeaderExtension UDP UDP 1->2 len 10$/);

  const frag0 = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(44, Buffer.concat([b.hex('11 00 0001 0000abcd'), udp])))))
    .payload.payload;
  assert.equal(frag0.payload.constructor.name, 'FragmentHeader');
  assert.equal(frag0.payload.moreFragments, true);
  assert.equal(frag0.payload.identification, 0xabcd);
  assert.equal(frag0.payload.payload.sport, 1);
  const frag1 = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(44, Buffer.concat([b.hex('11 00 05a8 0000abcd'), Buffer.from('rest')])))))
    .payload.payload;
  assert.equal(frag1.payload.fragmentOffset, 1448);
  assert.ok(Buffer.isBuffer(frag1.payload.payload));
  assert.equal(frag1.payload.payload.toString(), 'rest');
  assert.match(String(frag1), / FragmentHeader id 43981 offset 1448 proto 17 len 4$/);

  // AH: length (len+2)*4 = 24 bytes with a 12-byte ICV
  const ah = Buffer.concat([b.hex('11 04 0000 00001000 00000005'), Buffer.alloc(12), udp]);
  const ipah = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(51, ah)))).payload.payload;
  assert.equal(ipah.payload.constructor.name, 'AuthenticationHeader');
  assert.equal(ipah.payload.headerLength, 24);
  assert.equal(ipah.payload.spi, 0x1000);
  assert.equal(ipah.payload.sequence, 5);
  assert.equal(ipah.payload.payload.dport, 2);

  const esp = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(50, b.hex('00000100 00000002 deadbeef')))))
    .payload.payload;
  assert.equal(esp.payload.constructor.name, 'ESP');
  assert.equal(esp.payload.spi, 256);
  assert.equal(esp.payload.sequence, 2);
  assert.deepEqual(esp.payload.data, b.hex('deadbeef'));
  assert.equal(String(esp), '10.0.0.1 -> 10.0.0.2 ESP spi 256 seq 2 len 4');

  const nonext = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(59, Buffer.alloc(0))))).payload.payload;
  assert.equal(nonext.payload.constructor.name, 'NoNext');
  assert.equal(nonext.payload._error, undefined);
  assert.equal(String(nonext.payload), '');
});

test('ICMPv6: echo id/seq and neighbour discovery target, icmpv6 event', function () {
  const em = new EventEmitter();
  const seen = [];
  em.on('icmpv6', function (x) { seen.push(x.type); });
  const echo = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(58, b.hex('8000 1234 0042 0001 ffff')))), em)
    .payload.payload.payload;
  assert.equal(echo.constructor.name, 'ICMPv6');
  assert.deepEqual([echo.type, echo.code, echo.checksum, echo.id, echo.seq], [128, 0, 0x1234, 0x42, 1]);
  assert.equal(String(echo), 'Echo Request code 0 id 66 seq 1');
  const ns = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(58, Buffer.concat([b.hex('8700 0000 00000000'), b.V6_DST])))), em)
    .payload.payload.payload;
  assert.equal(String(ns.targetAddress), '2001:0db8:0000:0000:0000:0000:0000:0002');
  assert.equal(String(ns), 'Neighbor Solicitation code 0 target 2001:0db8:0000:0000:0000:0000:0000:0002');
  assert.deepEqual(seen, [128, 135]);
});

test('Linux SLL and SLL2', function () {
  const ip = b.ipv4(17, b.udp(1, 2, Buffer.alloc(0)));
  const sll = Buffer.concat([b.hex('0000 0001 0006 001122334455 0000 0800'), ip]);
  const p = decode(b.pkt('LINKTYPE_LINUX_SLL', sll));
  assert.deepEqual(Object.keys(p.payload), ['emitter', 'packet_type', 'address_type', 'address_len', 'address',
    'ethertype', 'payload']);
  assert.equal(String(p), 'LINKTYPE_LINUX_SLL recv_us addrtype 1 00:11:22:33:44:55 IPv4 10.0.0.1 -> 10.0.0.2 UDP UDP 1->2 len 8');
  const sll2 = Buffer.concat([b.hex('0800 0000 00000003 0001 04 06 001122334455 0000'), ip]);
  const p2 = decode(b.pkt('LINKTYPE_LINUX_SLL2', sll2));
  assert.equal(p2.payload.constructor.name, 'SLL2Packet');
  assert.deepEqual([p2.payload.packet_type, p2.payload.address_type, p2.payload.interface_index, p2.payload.ethertype],
    [4, 1, 3, 0x0800]);
  assert.equal(String(p2), 'LINKTYPE_LINUX_SLL2 sent_us if 3 addrtype 1 00:11:22:33:44:55 IPv4 10.0.0.1 -> 10.0.0.2 UDP UDP 1->2 len 8');
});

test('NULL (families 2, 24, 28, 30, both byte orders), LOOP, RAW, IPV4 and IPV6 link types', function () {
  const v4 = b.ipv4(17, b.udp(1, 2, Buffer.alloc(0)));
  const v6 = b.ipv6(17, b.udp(1, 2, Buffer.alloc(0)));
  const n = decode(b.pkt('LINKTYPE_NULL', Buffer.concat([b.hex('02000000'), v4])));
  assert.deepEqual(Object.keys(n.payload), ['emitter', 'pftype', 'payload', '_error']);
  assert.equal(String(n), 'LINKTYPE_NULL 2 10.0.0.1 -> 10.0.0.2 UDP UDP 1->2 len 8');
  [24, 28, 30].forEach(function (f) {
    const le = decode(b.pkt('LINKTYPE_NULL', Buffer.concat([Buffer.from([f, 0, 0, 0]), v6]))).payload;
    const be = decode(b.pkt('LINKTYPE_NULL', Buffer.concat([Buffer.from([0, 0, 0, f]), v6]))).payload;
    assert.equal(le.payload.constructor.name, 'IPv6');
    assert.equal(be.payload.constructor.name, 'IPv6');
  });
  const unk = decode(b.pkt('LINKTYPE_NULL', Buffer.concat([b.hex('07000000'), v4]))).payload;
  assert.equal(unk._error, 'unknown protocol family 7');
  const loop = decode(b.pkt('LINKTYPE_LOOP', Buffer.concat([b.hex('0000001c'), v6]))).payload;
  assert.equal(loop.pftype, 28);
  assert.equal(loop.payload.constructor.name, 'IPv6');
  assert.equal(decode(b.pkt('LINKTYPE_RAW', v4)).payload.constructor.name, 'IPv4');
  assert.equal(decode(b.pkt('LINKTYPE_RAW', v6)).payload.constructor.name, 'IPv6');
  assert.equal(String(decode(b.pkt('LINKTYPE_IPV4', v4))), 'LINKTYPE_IPV4 10.0.0.1 -> 10.0.0.2 UDP UDP 1->2 len 8');
  assert.equal(decode(b.pkt('LINKTYPE_IPV6', v6)).payload.payload.sport, 1);
});

test('unknown link type, bare Buffer, caplen slicing, bad input', function () {
  const u = decode(b.pkt('Unknown linktype 147', Buffer.alloc(20)));
  assert.equal(u.payload, null);
  assert.equal(String(u), 'Unknown linktype 147 null');
  assert.match(u._error, /unsupported link type/);
  const frame = b.eth(0x0800, b.ipv4(17, b.udp(1, 2, Buffer.alloc(0))));
  const bare = decode(frame);
  assert.equal(bare.link_type, 'LINKTYPE_ETHERNET');
  assert.equal(bare.payload.payload.payload.dport, 2);
  // node_pcap passed a larger shared buffer: only caplen bytes are used
  const big = Buffer.concat([frame, Buffer.alloc(100, 0xff)]);
  const sliced = decode({ buf: big, header: b.header(frame.length), link_type: 'LINKTYPE_ETHERNET' });
  assert.equal(sliced.payload.payload.payload.data.length, 0);
  [undefined, null, 42, 'x', {}, { buf: 'nope' }].forEach(function (bad) {
    const r = decode(bad);
    assert.equal(r.payload, null);
    assert.equal(typeof r._error, 'string');
    assert.equal(typeof String(r), 'string');
  });
});

test('truncated layers stop with a string _error', function () {
  const frame = b.eth(0x0800, b.ipv4(6, b.tcp({ flags: 'S', options: SYN_OPTS })));
  const cuts = { 10: 'payload', 20: 'payload.payload', 40: 'payload.payload.payload', 50: 'payload.payload.payload' };
  Object.keys(cuts).forEach(function (cut) {
    const p = decode(b.pkt('LINKTYPE_ETHERNET', frame.subarray(0, Number(cut))));
    const layer = cuts[cut].split('.').reduce(function (o, k) { return o[k]; }, p);
    assert.equal(typeof layer._error, 'string', 'cut ' + cut);
    assert.equal(typeof String(p), 'string');
  });
});
