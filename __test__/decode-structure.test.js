'use strict';
// The native structure pass (src/structure.rs, etherparse) and the decoders built on its layer
// maps (decode/_mapped.js): what decode.packet builds from a map equals what the checked
// decoders build, for every packet of every fixture and for truncated packets read through a
// session; the map agrees with the checked decoders on layers, offsets and lengths; the maps
// of a session come from its capture thread; the map never leaks into what users see.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');

const pcap = require('..');
const native = require('../lib/native');
const structure = require('../lib/structure');
const mapped = require('../decode/_mapped');
const EthernetPacket = require('../decode/ethernet_packet');
const IPv4 = require('../decode/ipv4');
const IPv6 = require('../decode/ipv6');
const Arp = require('../decode/arp');
const TCP = require('../decode/tcp');
const UDP = require('../decode/udp');
const NullPacket = require('../decode/null_packet');
const SLLPacket = require('../decode/sll_packet');
const SLL2Packet = require('../decode/sll2_packet');

const FIXTURES = path.join(__dirname, 'fixtures');
const files = [path.join(FIXTURES, 'http-loopback.pcap')].concat(
  fs.readdirSync(path.join(FIXTURES, 'captures')).sort().map((f) => path.join(FIXTURES, 'captures', f)));

// The checked decoders' reading of a packet (the classes' own decode methods never use maps).
function checked(buf, linkType) {
  switch (linkType) {
    case 'LINKTYPE_ETHERNET': return new EthernetPacket(undefined).decode(buf, 0);
    case 'LINKTYPE_RAW': return buf.length > 0 && (buf[0] >> 4) === 6 ? new IPv6(undefined).decode(buf, 0) : new IPv4(undefined).decode(buf, 0);
    case 'LINKTYPE_IPV4': return new IPv4(undefined).decode(buf, 0);
    case 'LINKTYPE_IPV6': return new IPv6(undefined).decode(buf, 0);
    case 'LINKTYPE_NULL': return new NullPacket(undefined).decode(buf, 0);
    case 'LINKTYPE_LOOP': return new NullPacket(undefined).decodeLoop(buf, 0);
    case 'LINKTYPE_LINUX_SLL': return new SLLPacket(undefined).decode(buf, 0);
    case 'LINKTYPE_LINUX_SLL2': return new SLL2Packet(undefined).decode(buf, 0);
    default: return undefined;
  }
}
const MAPPED_LINKS = new Set(['LINKTYPE_ETHERNET', 'LINKTYPE_RAW', 'LINKTYPE_IPV4', 'LINKTYPE_IPV6', 'LINKTYPE_NULL',
  'LINKTYPE_LOOP', 'LINKTYPE_LINUX_SLL', 'LINKTYPE_LINUX_SLL2']);

function show(x) {
  return util.inspect(x, { depth: Infinity, showHidden: false, breakLength: Infinity });
}

// Reads a capture through a session, calling fn(raw) for each packet; resolves with the count.
function eachPacket(file, fn) {
  return new Promise((resolve, reject) => {
    let session;
    try {
      session = pcap.createOfflineSession(file, {});
    } catch (e) {
      resolve(-1);
      return;
    }
    let n = 0;
    session.on('packet', (raw) => {
      n++;
      try {
        fn(raw, session);
      } catch (e) {
        session.close();
        reject(e);
      }
    });
    session.on('complete', () => {
      session.close();
      resolve(n);
    });
  });
}

test('session packets: objects built from the capture thread\'s maps equal the checked decoders\' (every fixture)', async () => {
  const before = { thread: structure.sources.thread, call: structure.sources.call, mapped: mapped.counts.mapped };
  let compared = 0;
  let loopbackBuilt = -1;
  const builtByLink = {};
  let loopbackThread = -1;
  for (const file of files) {
    const builtBefore = mapped.counts.mapped;
    const threadBefore = structure.sources.thread;
    await eachPacket(file, (raw) => {
      if (!MAPPED_LINKS.has(raw.link_type)) return;
      const n0 = mapped.counts.mapped;
      const pkt = pcap.decode.packet(raw);
      if (mapped.counts.mapped > n0) builtByLink[raw.link_type] = (builtByLink[raw.link_type] || 0) + 1;
      const want = checked(raw.buf.subarray(0, pkt.pcap_header.caplen), raw.link_type);
      const got = show(pkt.payload);
      if (got !== show(want)) {
        assert.equal(got, show(want), `${path.basename(file)}: packet differs`);
      }
      compared++;
    });
    if (path.basename(file) === 'http-loopback.pcap') {
      loopbackBuilt = mapped.counts.mapped - builtBefore;
      loopbackThread = structure.sources.thread - threadBefore;
    }
  }
  // Plain TCP over IPv4 and IPv6 on Ethernet: every packet built from its map.
  assert.equal(loopbackBuilt, 4000);
  // The other link types' decoders take the network layer from the map too.
  for (const lt of ['LINKTYPE_RAW', 'LINKTYPE_NULL', 'LINKTYPE_LINUX_SLL']) {
    assert.ok(builtByLink[lt] > 0, `${lt}: ${JSON.stringify(builtByLink)}`);
  }
  assert.ok(compared > 5000, `packets compared: ${compared}`);
  // Every packet had a map; a session's thread writes them once its packets are decoded (a small
  // file is queued whole before that: its maps come from a call), and objects were built from them.
  const fromThread = structure.sources.thread - before.thread;
  const fromCall = structure.sources.call - before.call;
  const built = mapped.counts.mapped - before.mapped;
  assert.equal(fromThread + fromCall, compared);
  assert.ok(fromThread > 0);
  // http-loopback (2.7 MB) is larger than what the thread queues before the first decode.
  assert.ok(loopbackThread > 2000, `http-loopback maps from its capture thread: ${loopbackThread} of 4000`);
  assert.ok(built > compared * 0.5, `packets built from maps: ${built} of ${compared}`);
});

test('truncated packets read through a session: built from maps, equal to the checked decoders, never throwing', async () => {
  // Every packet of http-loopback cut at 0..80 bytes and a few longer lengths, written to a file.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-structure-'));
  const cut = path.join(tmp, 'cut.pcap');
  const w = pcap.createWriter(cut, { link_type: 'LINKTYPE_ETHERNET' });
  let written = 0;
  let k = 0;
  await eachPacket(path.join(FIXTURES, 'http-loopback.pcap'), (raw) => {
    if (k++ % 10 !== 0) return; // 400 of the 4,000 packets
    const full = Buffer.from(raw.buf);
    for (let len = 0; len <= Math.min(full.length, 80); len++) {
      w.write(full.subarray(0, len));
      written++;
    }
    w.write(full.subarray(0, full.length - 1));
    written++;
  });
  w.close();
  const before = structure.sources.thread;
  let n = 0;
  await eachPacket(cut, (raw) => {
    const pkt = pcap.decode.packet(raw);
    assert.equal(typeof String(pkt), 'string');
    assert.equal(show(pkt.payload), show(checked(raw.buf, raw.link_type)));
    n++;
  });
  assert.equal(n, written);
  assert.ok(structure.sources.thread - before > n * 0.5, 'maps from the capture thread');
  fs.rmSync(tmp, { recursive: true, force: true });
});

// The layers the checked decoders found: the network object and the transport object.
function layersOf(link, linkType) {
  let netObj = null;
  if (linkType === 'LINKTYPE_RAW' || linkType === 'LINKTYPE_IPV4' || linkType === 'LINKTYPE_IPV6') netObj = link;
  else if (link) netObj = link.payload;
  let transport = null;
  if (netObj instanceof IPv4 || netObj instanceof IPv6) {
    transport = netObj.payload;
    // IPv6 extension headers: follow their payloads to the first non-extension layer.
    let guard = 0;
    while (transport && typeof transport === 'object' && !(transport instanceof TCP) && !(transport instanceof UDP) &&
      'nextHeader' in transport && !(transport instanceof IPv6) && guard++ < 40) {
      transport = transport.payload;
    }
  }
  return { netObj, transport };
}

function anyError(x, depth) {
  if (!x || typeof x !== 'object' || Buffer.isBuffer(x) || depth > 12) return false;
  if (typeof x._error === 'string') return true;
  return anyError(x.payload, depth + 1);
}

test('the native map agrees with the checked decoders on every fixture packet', async () => {
  const out = Buffer.alloc(structure.MAP_LEN);
  let agreed = 0;
  let tcp = 0;
  const statuses = {};
  for (const file of files) {
    await eachPacket(file, (raw) => {
      const ref = checked(Buffer.from(raw.buf), raw.link_type);
      if (ref === undefined) return;
      const dlt = native.linkTypeNumber(raw.link_type);
      assert.equal(native.structureInto(raw.buf, dlt, out), true);
      const m = {
        net: out[3], netOff: out.readUInt16LE(4), proto: out[6], status: out[7], to: out.readUInt16LE(8),
        hlen: out.readUInt16LE(10), seg: out.readUInt16LE(12), flags: out[14], caplen: out.readUInt32LE(16),
      };
      statuses[m.status] = (statuses[m.status] || 0) + 1;
      const where = `${path.basename(file)} ${JSON.stringify(m)}`;
      assert.equal(m.caplen, raw.buf.length, where);
      const { netObj, transport } = layersOf(ref, raw.link_type);
      if (m.status === 0) {
        if (m.net === structure.NET_IPV4) assert.ok(netObj instanceof IPv4, where);
        if (m.net === structure.NET_IPV6) assert.ok(netObj instanceof IPv6, where);
        if (m.net === 3) assert.ok(netObj instanceof Arp, where);
        if (m.flags & structure.F_TRANSPORT) {
          if (m.proto === 6) {
            assert.ok(transport instanceof TCP, where);
            assert.equal(transport.headerLength, m.hlen, where);
            const seg = m.flags & structure.F_LENGTH_FROM_CAPTURE ? raw.buf.length - m.to : m.seg;
            assert.equal(transport.dataLength, seg - m.hlen, where);
            assert.equal(transport._error, undefined, where);
            tcp++;
          } else {
            assert.equal(m.proto, 17, where);
            assert.ok(transport instanceof UDP, where);
          }
        }
        if (netObj instanceof IPv4 || netObj instanceof IPv6) {
          assert.equal(netObj._error, undefined, where);
          if (!(m.flags & structure.F_IPV6_EXTS)) {
            assert.equal(m.proto, netObj instanceof IPv4 ? netObj.protocol : netObj.nextHeader, where);
          }
        }
      } else if (m.status !== 4 && m.status !== 8 && !(netObj instanceof Arp && !(netObj.hlen === 6 && netObj.plen === 4))) {
        // Truncated or malformed: the checked decoders stop with an _error too. (Status 4,
        // NET_MALFORMED, includes an IPv4 version nibble other than 4, which node_pcap's IPv4
        // decoder never checked; 8 is a link type the pass does not map. The ARP decoder reads
        // addresses only for Ethernet/IPv4 sizes.)
        assert.ok(anyError(ref, 0), `${where}: the checked decoders found no error`);
      }
      agreed++;
    });
  }
  assert.ok(agreed > 5000, `packets: ${agreed}`);
  assert.ok(tcp > 3000, `TCP packets: ${tcp}`);
  assert.ok(Object.keys(statuses).length > 1, `statuses seen: ${JSON.stringify(statuses)}`);
});

test('the map is invisible: packet objects show node_pcap\'s three properties only', async () => {
  await eachPacket(path.join(FIXTURES, 'http-loopback.pcap'), (raw) => {
    assert.deepEqual(Object.keys(raw), ['buf', 'header', 'link_type']);
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(raw))), ['buf', 'header', 'link_type']);
    assert.equal(raw.header.length, 16);
    assert.doesNotMatch(util.inspect(raw, { showHidden: true }), /source|#at|#buf/);
  });
});

test('a packet whose buf was replaced or changed decodes what it now holds', async () => {
  const packets = [];
  await eachPacket(path.join(FIXTURES, 'http-loopback.pcap'), (raw) => {
    if (packets.length < 200) packets.push(raw);
  });
  // Decode each once (maps are in use), then swap bufs between packets of different shapes.
  for (const p of packets) pcap.decode.packet(p);
  for (let i = 0; i + 1 < packets.length; i++) {
    const a = packets[i];
    const other = packets[i + 1].buf;
    const swapped = { buf: a.buf, header: a.header, link_type: a.link_type };
    a.buf = other;
    const h = Buffer.from(a.header);
    h.writeUInt32LE(other.length, 8);
    a.header = h;
    assert.equal(show(pcap.decode.packet(a).payload), show(checked(other, 'LINKTYPE_ETHERNET')));
    Object.assign(a, swapped);
  }
  // Bytes changed in place after the map was written (a TCP option length zeroed, every byte
  // flipped): decoding still ends and never throws.
  for (const p of packets.slice(0, 50)) {
    const saved = Buffer.from(p.buf);
    p.buf.fill(0, 54);
    assert.equal(typeof String(pcap.decode.packet(p)), 'string');
    for (let i = 0; i < p.buf.length; i++) p.buf[i] ^= 0xff;
    assert.equal(typeof String(pcap.decode.packet(p)), 'string');
    saved.copy(p.buf);
  }
});

test('every mapped link type: the same IP packets under each link header decode from maps as the checked decoders', async () => {
  const frames = [];
  await eachPacket(path.join(FIXTURES, 'http-loopback.pcap'), (raw) => {
    if (frames.length < 300) frames.push(Buffer.from(raw.buf));
  });
  const wrap = {
    LINKTYPE_LINUX_SLL2: (ip, et) => Buffer.concat([Buffer.from([et >> 8, et & 0xff, 0, 0, 0, 0, 0, 1, 3, 4, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0]), ip]),
    LINKTYPE_LINUX_SLL: (ip, et) => Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, et >> 8, et & 0xff]), ip]),
    LINKTYPE_NULL: (ip, et) => Buffer.concat([Buffer.from(et === 0x0800 ? [2, 0, 0, 0] : [30, 0, 0, 0]), ip]),
    LINKTYPE_LOOP: (ip, et) => Buffer.concat([Buffer.from(et === 0x0800 ? [0, 0, 0, 2] : [0, 0, 0, 24]), ip]),
    LINKTYPE_RAW: (ip) => ip,
    // Ethernet with an 802.1Q tag, then an 802.1ad + 802.1Q stack.
    LINKTYPE_ETHERNET: (ip, et, i) => Buffer.concat([Buffer.alloc(12, 0x11),
      Buffer.from(i % 2 ? [0x81, 0, 0, 5] : [0x88, 0xa8, 0, 5, 0x81, 0, 0, 7]), Buffer.from([et >> 8, et & 0xff]), ip]),
  };
  for (const [lt, make] of Object.entries(wrap)) {
    const n0 = mapped.counts.mapped;
    frames.forEach((f, i) => {
      const buf = make(f.subarray(14), f.readUInt16BE(12), i);
      const pkt = pcap.decode.packet({ buf, header: null, link_type: lt });
      assert.equal(show(pkt.payload), show(checked(buf, lt)), `${lt} packet ${i}`);
    });
    assert.equal(mapped.counts.mapped - n0, frames.length, `${lt}: every packet built from its map`);
  }
});

test('inside the handler, a packet decoded as another link type is mapped for that link type', async () => {
  let n = 0;
  await eachPacket(path.join(FIXTURES, 'http-loopback.pcap'), (raw) => {
    if (n++ >= 300) return;
    // The IP packet inside the frame, decoded as LINKTYPE_RAW while the session emits it.
    const ip = raw.buf.subarray(14);
    const pkt = pcap.decode.packet({ buf: ip, header: null, link_type: 'LINKTYPE_RAW' });
    assert.equal(show(pkt.payload), show(checked(ip, 'LINKTYPE_RAW')));
    // The frame itself, as the session's own link type but under another name: not its map.
    const asRaw = pcap.decode.packet({ buf: raw.buf, header: raw.header, link_type: 'LINKTYPE_RAW' });
    assert.equal(show(asRaw.payload), show(checked(raw.buf, 'LINKTYPE_RAW')));
  });
  assert.ok(n >= 300);
});

test('a packet changed in place inside its handler decodes what it now holds (maps on)', async () => {
  // Ethernet / IPv4 / TCP with 8 payload bytes, 12,000 times (more than a session queues before
  // its first packet is decoded).
  const frame = Buffer.from('ffffffffffff0000000000010800450000300001000040060000c0a80001c0a80002' +
    '0400005000000001000000025018ffff00000000' + '6162636465666768', 'hex');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-structure-'));
  const file = path.join(tmp, 'same.pcap');
  const w = pcap.createWriter(file, { link_type: 'LINKTYPE_ETHERNET' });
  for (let i = 0; i < 12000; i++) w.write(frame);
  w.close();
  const edits = [
    (b) => { b[16] = 0; b[17] = 0x24; b[46] = 0x60; }, // total length 48 -> 36, data offset 5 -> 6
    (b) => { b[14] = 0x46; },                            // header length 20 -> 24
    (b) => { b[12] = 0x86; b[13] = 0xdd; },              // ethertype IPv4 -> IPv6
    (b) => { b[12] = 0x81; b[13] = 0x00; },              // now a VLAN tag
    (b) => { b[23] = 17; },                              // protocol TCP -> UDP
    (b) => { b[20] = 0x20; b[21] = 0x01; },              // a later fragment
    (b) => { b[46] = 0x70; b[54] = 5; b[55] = 10; },     // options: a SACK block
    (b) => { b[16] = 0; b[17] = 0; },                    // total length 0
  ];
  let n = 0;
  let edited = 0;
  const fromThreadBefore = structure.sources.thread;
  await eachPacket(file, (raw) => {
    n++;
    if (n < 10000) { pcap.decode.packet(raw); return; } // maps are on long before here
    const edit = edits[n % edits.length];
    edit(raw.buf);
    const pkt = pcap.decode.packet(raw);
    assert.equal(show(pkt.payload), show(checked(raw.buf, 'LINKTYPE_ETHERNET')), `edit ${n % edits.length}`);
    edited++;
  });
  assert.equal(edited, 2001);
  assert.ok(structure.sources.thread - fromThreadBefore > 1000, 'maps came from the capture thread');
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a listener that decodes another packet in the middle of a decode changes nothing', () => {
  const EventEmitter = require('events');
  const tcp4 = Buffer.from('ffffffffffff0000000000010800450000280001000040060000c0a80001c0a80002' +
    '0400005000000001000000025018ffff00000000', 'hex');
  const udp6 = Buffer.from('ffffffffffff00000000000186dd6000000000081140' + '00'.repeat(32) + '0035003500080000', 'hex');
  const em = new EventEmitter();
  let inner = 0;
  for (const ev of ['tcp', 'udp', 'ipv4', 'ipv6']) {
    em.on(ev, () => {
      if (inner++ < 50) pcap.decode.packet({ buf: udp6, header: null, link_type: 'LINKTYPE_ETHERNET' }, em);
    });
  }
  const got = pcap.decode.packet({ buf: tcp4, header: null, link_type: 'LINKTYPE_ETHERNET' }, em).payload;
  assert.ok(inner > 0);
  // The same tree as the checked decoders' (emitters left out of the comparison).
  const noEmitter = (k, v) => (k === 'emitter' ? undefined : v);
  const want = checked(tcp4, 'LINKTYPE_ETHERNET');
  assert.equal(JSON.stringify(got, noEmitter), JSON.stringify(want, noEmitter));
  assert.equal(got.payload.protocol, 6);
  assert.equal(got.payload.payload.constructor.name, 'TCP');
});

test('structureInto: one synchronous call maps any buffer; a short output buffer is refused', () => {
  const out = Buffer.alloc(structure.MAP_LEN);
  assert.equal(native.structureInto(Buffer.alloc(0), 1, out), true);
  assert.equal(out[7], 1, 'LINK_TRUNCATED');
  assert.equal(native.structureInto(Buffer.alloc(60), 9999, out), true);
  assert.equal(out[7], 8, 'UNSUPPORTED');
  assert.equal(native.structureInto(Buffer.alloc(60), 1, Buffer.alloc(10)), false);
  const same = Buffer.alloc(60);
  assert.equal(native.structureInto(same, 1, same), false, 'an output overlapping the input is refused');
  assert.equal(native.structureInto(same, 1, 'not a buffer'), false);
  assert.equal(native.recordHeaderBytes(), 16, 'a record is the pcap header, then the data');
});
