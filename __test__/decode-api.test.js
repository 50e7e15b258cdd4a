'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const EventEmitter = require('events');
const b = require('./helpers/bytes');

const D = '../decode/';

test('decode/index.js exports and decode.packet === decode', function () {
  const idx = require('../decode');
  assert.equal(typeof idx.decode, 'function');
  assert.equal(idx.decode.packet, idx.decode);
  assert.equal(idx.EthernetPacket, require(D + 'ethernet_packet'));
  assert.equal(idx.IPv4Packet, require(D + 'ipv4'));
  assert.equal(idx.IPv6Packet, require(D + 'ipv6'));
  assert.equal(idx.ArpPacket, require(D + 'arp'));
  assert.equal(idx.PcapPacket, require(D + 'pcap_packet'));
});

test('deep-require paths, decoderName/eventsOnDecode on prototypes', function () {
  const expect = {
    ethernet_packet: ['ethernet-packet', false], vlan: ['vlan', false], ipv4: ['ipv4', true],
    ipv4_addr: ['ipv4-addr', false], ipv6: ['ipv6', true], ipv6_addr: ['ipv6-addr', false], tcp: ['tcp', true],
    udp: ['udp', true], icmp: ['icmp', true], igmp: ['igmp', true], arp: ['arp', true], dns: ['dns', true],
    null_packet: ['null-packet', false], sll_packet: ['ssl-packet', false], sll_addr: ['ssl-addr', false],
    llc_packet: ['llc', true]
  };
  Object.keys(expect).forEach(function (f) {
    const C = require(D + f);
    assert.equal(typeof C, 'function', f);
    assert.equal(C.prototype.decoderName, expect[f][0], f);
    assert.equal(C.prototype.eventsOnDecode, expect[f][1], f);
    assert.ok(!Object.prototype.hasOwnProperty.call(new C(), 'decoderName'), f);
  });
  ['ieee802.11/radio_packet', 'ieee802.11/radio_frame', 'ieee802.11/radio_beacon_frame',
    'ieee802.11/radio_probe_frame', 'ieee802.11/radio_management_frame_tag', 'ipv6headers/header_extension',
    'ipv6headers/no_next', 'pcap_packet', 'ethernet_addr', 'websocket'].forEach(function (f) {
    assert.equal(typeof require(D + f), 'function', f);
  });
  assert.equal(typeof require(D + 'ieee802.11/radio_utils').parseTags, 'function');
  assert.equal(require(D + 'ieee802.11/radiotap_fields.json')[0].id, 'tsft');
  assert.equal(typeof require(D + 'ieee802.11/radio_packet').globalCache, 'object');
  ['RadioPacket', 'PcapPacket', 'NoNext', 'HeaderExtension'].forEach(function (n) {
    const C = { RadioPacket: require(D + 'ieee802.11/radio_packet'), PcapPacket: require(D + 'pcap_packet'),
      NoNext: require(D + 'ipv6headers/no_next'), HeaderExtension: require(D + 'ipv6headers/header_extension') }[n];
    assert.equal(C.prototype.decoderName, undefined, n);
  });
});

test('instanceof identity between deep requires and decode() results; class names', function () {
  const decode = require('../decode').decode;
  const p = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(6, b.tcp({ flags: 'S' })))));
  assert.ok(p instanceof require(D + 'pcap_packet'));
  assert.ok(p.payload instanceof require(D + 'ethernet_packet'));
  assert.ok(p.payload.dhost instanceof require(D + 'ethernet_addr'));
  assert.ok(p.payload.payload instanceof require(D + 'ipv4'));
  assert.ok(p.payload.payload.saddr instanceof require(D + 'ipv4_addr'));
  assert.ok(p.payload.payload.payload instanceof require(D + 'tcp'));
  const names = [p.constructor.name, p.pcap_header.constructor.name, p.payload.constructor.name,
    p.payload.dhost.constructor.name, p.payload.payload.constructor.name, p.payload.payload.flags.constructor.name,
    p.payload.payload.saddr.constructor.name, p.payload.payload.payload.constructor.name,
    p.payload.payload.payload.flags.constructor.name, p.payload.payload.payload.options.constructor.name];
  assert.deepEqual(names, ['PcapPacket', 'PcapHeader', 'EthernetPacket', 'EthernetAddr', 'IPv4', 'IPFlags',
    'IPv4Addr', 'TCP', 'TCPFlags', 'TCPOptions']);
  const v6 = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(17, b.udp(1, 2, Buffer.alloc(0)))))).payload.payload;
  assert.ok(v6 instanceof require(D + 'ipv6'));
  assert.ok(v6.saddr instanceof require(D + 'ipv6_addr'));
  assert.ok(v6.payload instanceof require(D + 'udp'));
});

test('standalone decoders: new X(emitter).decode(buf, offset, len) returns this', function () {
  const TCP = require(D + 'tcp');
  const seg = Buffer.concat([Buffer.alloc(3), b.tcp({ flags: 'PA' }, Buffer.from('data'))]);
  const t = new TCP().decode(seg, 3, 24);
  assert.ok(t instanceof TCP);
  assert.equal(t.data.toString(), 'data');
  const IPv4Addr = require(D + 'ipv4_addr');
  const a = new IPv4Addr();
  assert.deepEqual(Object.keys(a), ['addr']);
  assert.equal(a.decode(b.hex('7f000001'), 0), a);
  assert.equal(String(a), '127.0.0.1');
  const IPv6Addr = require(D + 'ipv6_addr');
  assert.equal(String(new IPv6Addr().decode(b.hex('fe800000000000000000000000000001'), 0)),
    'fe80:0000:0000:0000:0000:0000:0000:0001');
  const EthernetAddr = require(D + 'ethernet_addr');
  assert.equal(String(new EthernetAddr(b.hex('0a0b0c0d0e0f'), 0)), '0a:0b:0c:0d:0e:0f');
  const SLLAddr = require(D + 'sll_addr');
  assert.equal(String(new SLLAddr(b.hex('0a0b0c0d0e0f'), 0, 6)), '0a:0b:0c:0d:0e:0f');
  const Vlan = require(D + 'vlan');
  assert.equal(String(new Vlan().decode(b.hex('e00a'), 0)), '7 0 10');
});

test('decode events fire innermost first with the decoder instance', function () {
  const decode = require('../decode').decode;
  const em = new EventEmitter();
  const order = [];
  ['ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'igmp', 'arp', 'dns'].forEach(function (n) {
    em.on(n, function (x) { order.push(n + ':' + x.constructor.name); });
  });
  decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(6, b.tcp({ flags: 'S' })))), em);
  decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(4, b.ipv4(17, b.udp(1, 2, Buffer.alloc(0)))))), em);
  decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(1, b.hex('0000 0000 0000 0000')))), em);
  decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0806, b.hex('0001 0800 06 04 0001 001122334455 c0a80001 000000000000 c0a80002'))), em);
  decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x86dd, b.ipv6(0, Buffer.concat([b.hex('11 00 0000 00000000'),
    b.udp(1, 2, Buffer.alloc(0))])))), em);
  assert.deepEqual(order, ['tcp:TCP', 'ipv4:IPv4', 'udp:UDP', 'ipv4:IPv4', 'ipv4:IPv4', 'icmp:ICMP', 'ipv4:IPv4',
    'arp:Arp', 'udp:UDP', 'ipv6:IPv6']);
});

test('ip_protocols is a mutable 256-slot table used by IPv4 and IPv6', function () {
  const protocols = require(D + 'ip_protocols');
  assert.ok(Array.isArray(protocols));
  assert.equal(protocols.length, 256);
  assert.equal(protocols[6], require(D + 'tcp'));
  assert.equal(protocols[17], require(D + 'udp'));
  assert.equal(protocols[59], require(D + 'ipv6headers/no_next'));
  function Custom() { this.seen = null; }
  Custom.prototype.decode = function (raw, offset, len) { this.seen = [raw[offset], len]; return this; };
  const saved = protocols[253];
  protocols[253] = Custom;
  try {
    const decode = require('../decode').decode;
    const ip = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(253, b.hex('2a2b'))))).payload.payload;
    assert.ok(ip.payload instanceof Custom);
    assert.deepEqual(ip.payload.seen, [0x2a, 2]);
    assert.equal(ip.protocolName, undefined);
  } finally {
    protocols[253] = saved;
  }
});

test('util.js tables', function () {
  const util = require('../util');
  assert.equal(util.int8_to_hex.length, 256);
  assert.equal(util.int8_to_hex[10], '0a');
  assert.equal(util.int8_to_hex[255], 'ff');
  assert.equal(util.int8_to_hex_nopad[10], 'a');
  assert.equal(util.int8_to_dec[200], '200');
});

test('WebSocketParser (hixie-76 frames)', function () {
  const WebSocketParser = require(D + 'websocket');
  const w = new WebSocketParser('draft76');
  assert.ok(w instanceof EventEmitter);
  const got = [];
  w.on('message', function (m) { got.push(m); });
  w.execute(Buffer.concat([Buffer.alloc(16, 0x41), Buffer.from([0]), Buffer.from('héllo'), Buffer.from([0xff, 0])]));
  w.execute(Buffer.concat([Buffer.from('second'), Buffer.from([0xff])]));
  assert.deepEqual(got, ['héllo', 'second']);
  const plain = new WebSocketParser();
  const got2 = [];
  plain.on('message', function (m) { got2.push(m); });
  plain.execute(Buffer.from([0, 0x68, 0x69, 0xff]));
  assert.deepEqual(got2, ['hi']);
});
