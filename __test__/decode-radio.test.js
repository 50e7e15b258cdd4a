'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const EventEmitter = require('events');
const b = require('./helpers/bytes');
const decode = require('../decode').decode;
const orig = require('./helpers/original')('decode');

// radiotap: rev 0, len 24, present tsft|flags|rate|channel|antenna_signal (0x2f)
const RADIOTAP = b.hex('00 00 1700 2f000000 1122334455667788 10 02 6c09 a000 d5');
const BEACON = Buffer.concat([
  b.hex('8000 0000 ffffffffffff 0a0b0c0d0e0f 0a0b0c0d0e0f 1000'),
  b.hex('0000000000000000 6400 1104'),
  b.hex('00 04 74657374'), // SSID "test"
  b.hex('01 02 8284'),     // rates
  b.hex('03 01 06'),       // channel 6
  b.hex('deadbeef')        // FCS
]);

test('radiotap + beacon: fields, order, events, same as node_pcap', function () {
  const pkt = b.pkt('LINKTYPE_IEEE802_11_RADIO', Buffer.concat([RADIOTAP, BEACON]));
  const em = new EventEmitter();
  const order = [];
  em.on('radio-packet', function () { order.push('radio-packet'); });
  em.on('radio-frame', function () { order.push('radio-frame'); });
  const r = decode(pkt, em).payload;
  assert.deepEqual(order, ['radio-frame', 'radio-packet']);
  assert.deepEqual(Object.keys(r), ['emitter', 'headerRevision', 'headerPad', 'headerLength', 'presentFields', 'fields',
    '_decoderCache', 'ieee802_11Frame']);
  assert.equal(r.presentFields, 0x2f);
  assert.equal(r.fields.tsft, BigInt('0x8877665544332211'));
  assert.equal(r.fields.flags, 0x10);
  assert.equal(r.fields.rate, 2);
  assert.deepEqual(r.fields.channel, { frequency: 2412, flags: 0xa0 });
  assert.equal(r.fields.antenna_signal, -43);
  const f = r.ieee802_11Frame;
  assert.deepEqual(Object.keys(f), ['emitter', 'frameControl', 'version', 'type', 'subType', 'flags', 'duration',
    'bssid', 'shost', 'dhost', 'fragSeq', 'beacon', 'llc']);
  assert.deepEqual([f.type, f.subType], [0, 8]);
  assert.equal(String(f.shost), '0a:0b:0c:0d:0e:0f');
  assert.deepEqual(f.beacon.tags.map(function (t) { return t.type; }), ['ssid', 'rates', 'channel']);
  assert.equal(f.beacon.tags[0].ssid, 'test');
  assert.equal(f.beacon.tags[2].channel, 6);
  assert.deepEqual(Object.keys(f.beacon.tags[0]), ['type', 'typeId', 'length', 'value', 'ssid']);

  const o = orig.decode(pkt).payload;
  assert.deepEqual(r.fields, o.fields);
  assert.deepEqual(Object.keys(o), Object.keys(r));
  assert.equal(String(decode(pkt)), String(orig.decode(pkt)));
  assert.deepEqual(JSON.parse(JSON.stringify(f.beacon.tags)), JSON.parse(JSON.stringify(o.ieee802_11Frame.beacon.tags)));
  // node_pcap's class name, misspelling included (util.inspect and constructor.name show it).
  assert.equal(f.beacon.tags[0].constructor.name, o.ieee802_11Frame.beacon.tags[0].constructor.name);
  assert.equal(require('util').inspect(f.beacon.tags[0]), require('util').inspect(o.ieee802_11Frame.beacon.tags[0]));
});

test('radiotap decodeLower:false and radiotapCache option', function () {
  const cache = {};
  const pkt = b.pkt('LINKTYPE_IEEE802_11_RADIO', Buffer.concat([RADIOTAP, BEACON]));
  const r = decode(pkt, null, { decodeLower: false, radiotapCache: cache }).payload;
  assert.ok(Buffer.isBuffer(r.ieee802_11Frame));
  assert.equal(r.ieee802_11Frame.length, BEACON.length);
  assert.equal(Object.keys(cache).length, 1);
});

test('radiotap namespaces and vendor namespaces decode instead of throwing', function () {
  // word0: flags(1) + radiotap ns (29) + ext (31); word1: antenna_signal(5) + antenna(11)
  // + vendor ns (30) + ext; word2: vendor bitmap (bit 0), no ext
  const hdr = Buffer.concat([
    b.hex('00 00'), b.u16(0), // length patched below
    b.hex('020000a0'), b.hex('200800c0'), b.hex('01000000'),
    b.hex('10'),              // flags
    b.hex('c8'),              // antenna_signal -56
    b.hex('01'),              // antenna 1
    b.hex('00'),              // pad to 2
    b.hex('001018 01 0300'),  // vendor ns: OUI 00:10:18, sub 1, skip 3
    b.hex('aabbcc')
  ]);
  hdr.writeUInt16LE(hdr.length, 2);
  const pkt = b.pkt('LINKTYPE_IEEE802_11_RADIO', Buffer.concat([hdr, BEACON]));
  const r = decode(pkt).payload;
  assert.equal(r._error, undefined);
  assert.equal(r.fields.flags, 0x10);
  assert.equal(r.fields.namespaces.length, 1);
  assert.equal(r.fields.namespaces[0].antenna_signal, -56);
  assert.equal(r.fields.namespaces[0].antenna, 1);
  assert.equal(r.fields.vendorNamespaces[0].oui, 0x001018);
  assert.deepEqual(r.fields.vendorNamespaces[0].data, b.hex('aabbcc'));
  assert.equal(typeof r.presentFields, 'bigint');
  assert.equal(r.ieee802_11Frame.beacon.tags[0].ssid, 'test');
  assert.throws(function () { orig.decode(pkt); });
});

test('radiotap: fields whose names are not identifiers (FHSS, A-MPDU) work, with aliases', function () {
  // present: fhss (4) + a_mpdu_status (20); fhss at 8, a_mpdu aligned to 4 -> 12
  const hdr = b.hex('00 00 1400 10001000 0102 0000 78563412 0300 aa 00');
  const r = decode(b.pkt('LINKTYPE_IEEE802_11_RADIO', Buffer.concat([hdr, BEACON]))).payload;
  assert.equal(r._error, undefined);
  assert.deepEqual([r.fields.fhss['hop set'], r.fields.fhss.hop_pattern], [1, 2]);
  assert.equal(r.fields.a_mpdu_status['reference number'], 0x12345678);
  assert.equal(r.fields.a_mpdu_status.reference_number, 0x12345678);
  assert.equal(r.fields.a_mpdu_status['delimiter CRC value'], 0xaa);
});

test('802.11 data frames: QoS header skipped before LLC; control frames; short frames', function () {
  const llc = b.hex('aaaa03 000000 0800');
  const ip = b.ipv4(17, b.udp(5353, 5353, Buffer.alloc(0)));
  const qos = Buffer.concat([b.hex('8801 0000 001122334455 0a0b0c0d0e0f 001122334466 0000 0000'), llc, ip]);
  const em = new EventEmitter();
  const seen = [];
  em.on('llc', function () { seen.push('llc'); });
  em.on('udp', function () { seen.push('udp'); });
  const f = decode(b.pkt('LINKTYPE_IEEE802_11_RADIO', Buffer.concat([b.hex('00 00 0800 00000000'), qos])), em)
    .payload.ieee802_11Frame;
  assert.equal(f.subType, 8);
  assert.equal(f.qosControl, 0);
  assert.equal(f.llc.type, 0x0800);
  assert.equal(f.llc.payload.payload.sport, 5353);
  assert.deepEqual(seen, ['udp', 'llc']);
  const ack = decode(b.pkt('LINKTYPE_IEEE802_11_RADIO', b.hex('00 00 0800 00000000 d400 0000 001122334455')))
    .payload.ieee802_11Frame;
  assert.equal(ack._error, undefined);
  assert.equal(String(ack.bssid), '00:11:22:33:44:55');
  const shortMgmt = decode(b.pkt('LINKTYPE_IEEE802_11_RADIO', b.hex('00 00 0800 00000000 8000 0000 0011')))
    .payload.ieee802_11Frame;
  assert.equal(shortMgmt._error, 'Not enough of packet left to be a RadioFrame');
});

test('probe request: RadioProbeFrame with its tags, directly and through decode.packet, same as node_pcap', function () {
  const RadioProbeFrame = require('../decode/ieee802.11/radio_probe_frame');
  const OrigProbe = require('./helpers/original')('decode/ieee802.11/radio_probe_frame');
  const body = Buffer.concat([b.hex('00 07 6d792d77696669'), b.hex('01 04 02040b16'), b.hex('dd 06 0050f2 04 0a 0b')]); // SSID, rates, vendor-specific
  const p = new RadioProbeFrame().decode(body, 0);
  assert.ok(p instanceof RadioProbeFrame);
  assert.deepEqual(Object.keys(p), ['tags']);
  assert.deepEqual(p.tags.map(function (t) { return [t.type, t.typeId, t.length]; }), [['ssid', 0, 7], ['rates', 1, 4], [p.tags[2].type, 221, 6]]);
  assert.equal(p.tags.length, 3);
  assert.equal(p.tags[0].ssid, 'my-wifi');
  assert.deepEqual(JSON.parse(JSON.stringify(p)), JSON.parse(JSON.stringify(new OrigProbe().decode(body, 0))));
  // In a frame: management type 0, subtype 4 (probe request), then the tags, then the FCS.
  const frame = Buffer.concat([b.hex('4000 0000 ffffffffffff 0a0b0c0d0e0f ffffffffffff 2000'), body, b.hex('deadbeef')]);
  const pkt = b.pkt('LINKTYPE_IEEE802_11_RADIO', Buffer.concat([RADIOTAP, frame]));
  const f = decode(pkt).payload.ieee802_11Frame;
  const o = orig.decode(pkt).payload.ieee802_11Frame;
  assert.deepEqual([f.type, f.subType], [0, 4]);
  assert.deepEqual(Object.keys(f), Object.keys(o));
  assert.ok(f.probe instanceof RadioProbeFrame, 'probe body decoded');
  assert.deepEqual(JSON.parse(JSON.stringify(f.probe)), JSON.parse(JSON.stringify(o.probe)));
  assert.equal(f.probe.tags[0].ssid, 'my-wifi');
});
