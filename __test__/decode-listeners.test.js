'use strict';
// Decode events (`decode.packet(raw, emitter)`): an exception thrown by a listener reaches the
// caller of decode.packet, as in node_pcap 3.1.0 (its decoders called emitter.emit() unguarded, so
// the throw left the decode at that point), while the decoders themselves still never throw.
const test = require('node:test');
const assert = require('node:assert/strict');
const EventEmitter = require('events');
const corpus = require('./helpers/corpus');
const ours = require('../decode');
const internal = require('../decode/_internal');
const orig = require('./helpers/original')('decode');

const EVENTS = ['arp', 'ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'icmpv6', 'igmp', 'llc', 'dns', 'radio-packet',
  'radio-frame'];
const NODE_PCAP_LINKS = ['LINKTYPE_ETHERNET', 'LINKTYPE_NULL', 'LINKTYPE_RAW', 'LINKTYPE_LINUX_SLL'];
const FILES = ['dns_udp.pcap', 'dns_tcp.pcap', 'arp-oobr.pcap', 'bigtcp-ipv6-hbh.pcap', 'OSPFv3_with_AH.pcap',
  'PIM-DM_pruning.pcap', 'RADIUS-RFC4675.pcap', 'bgp-addpath.pcap'];

// An emitter whose listener for `throwOn` throws `error`; every event is recorded in `seen`.
function emitterThrowing(throwOn, error) {
  const em = new EventEmitter();
  em.seen = [];
  for (const ev of EVENTS) {
    em.on(ev, () => {
      em.seen.push(ev);
      if (ev === throwOn) { throw error; }
    });
  }
  return em;
}

function quietly(fn) {
  const log = console.log;
  console.log = () => {};
  try { return fn(); } finally { console.log = log; }
}

// What decode(raw, em) did: {threw, value} or {returned}.
function outcome(decode, raw, em) {
  try {
    return { returned: quietly(() => decode(raw, em)) };
  } catch (e) {
    return { threw: true, value: e };
  }
}

async function packetsOf(name) {
  const packets = await corpus.readCapture(require('path').join(__dirname, 'fixtures', 'captures', name));
  assert.ok(Array.isArray(packets) && packets.length > 0, name);
  return packets;
}

test('a throwing listener: node_pcap 3.1.0 and this package both throw its exception out of decode.packet', async () => {
  let compared = 0;
  const perEvent = {};
  for (const name of FILES.concat([corpus.HTTP_LOOPBACK])) {
    const packets = name === corpus.HTTP_LOOPBACK ? (await corpus.readCapture(name)).slice(0, 200) : await packetsOf(name);
    for (const raw of packets) {
      if (!NODE_PCAP_LINKS.includes(raw.link_type)) { continue; }
      // The events node_pcap emits for this packet when nothing throws (skipping packets its own
      // decoders throw on: that is a node_pcap bug this package fixes, not a listener exception).
      const probe = emitterThrowing(null, null);
      if (outcome(orig.decode, raw, probe).threw) { continue; }
      for (const ev of new Set(probe.seen)) {
        const sentinel = new Error('listener of ' + ev);
        const theirs = outcome(orig.decode, raw, emitterThrowing(ev, sentinel));
        const mine = outcome(ours.decode, raw, emitterThrowing(ev, sentinel));
        assert.ok(theirs.threw && theirs.value === sentinel, 'node_pcap passes the exception on');
        assert.ok(mine.threw, `${ev}: decode.packet returned instead of throwing`);
        assert.equal(mine.value, sentinel, `${ev}: the listener's own exception, not a wrapper`);
        perEvent[ev] = (perEvent[ev] || 0) + 1;
        compared++;
      }
    }
  }
  assert.ok(compared > 300, 'compared ' + compared);
  for (const ev of ['ipv4', 'ipv6', 'tcp', 'udp', 'arp']) { assert.ok(perEvent[ev] > 0, ev + ' compared'); }
});

test('after a listener threw, nothing is left behind: the next decodes are as if it never happened', async () => {
  const packets = (await corpus.readCapture(corpus.HTTP_LOOPBACK)).slice(0, 100).concat(await packetsOf('dns_udp.pcap'),
    await packetsOf('OSPFv3_with_AH.pcap'));
  const show = (p) => JSON.stringify(p, (k, v) => (k === 'emitter' ? undefined : v));
  for (const raw of packets) {
    const clean = show(ours.decode(raw));
    const probe = emitterThrowing(null, null);
    ours.decode(raw, probe);
    for (const ev of new Set(probe.seen)) {
      const depth = internal.nesting.depth;
      assert.throws(() => ours.decode(raw, emitterThrowing(ev, 'thrown value')), (v) => v === 'thrown value');
      assert.equal(internal.nesting.depth, depth, 'the nesting guard is restored');
      assert.equal(internal.listenerError.pending, false);
      assert.equal(show(ours.decode(raw)), clean);
      assert.equal(show(ours.decode(raw, emitterThrowing(null, null))), clean);
    }
  }
});

test('a listener decoding another packet whose listener throws: the inner caller may catch it, the outer decode completes', async () => {
  const [inner] = await packetsOf('dns_udp.pcap');
  const outer = (await corpus.readCapture(corpus.HTTP_LOOPBACK))[0];
  const thrownInside = new Error('inner listener');
  let caught = null;
  const em = new EventEmitter();
  em.once('tcp', () => {
    try { ours.decode(inner, emitterThrowing('udp', thrownInside)); } catch (e) { caught = e; }
  });
  const depth = internal.nesting.depth;
  const got = ours.decode(outer, em);
  assert.equal(caught, thrownInside);
  assert.equal(got._error, undefined);
  assert.equal(got.payload.payload.payload.constructor.name, 'TCP');
  assert.equal(internal.nesting.depth, depth);
  // Not caught inside: the outer caller gets the inner listener's exception.
  const em2 = new EventEmitter();
  em2.once('tcp', () => ours.decode(inner, emitterThrowing('udp', thrownInside)));
  assert.throws(() => ours.decode(outer, em2), (e) => e === thrownInside);
  assert.equal(internal.nesting.depth, depth);
});

test('the decoders still never throw: every packet cut at every length, with listeners on every event', async () => {
  let decoded = 0;
  const em = emitterThrowing(null, null);
  for (const name of FILES) {
    for (const p of await packetsOf(name)) {
      for (let cut = 0; cut <= p.buf.length; cut++) {
        const h = Buffer.alloc(16);
        h.writeUInt32LE(cut, 8);
        h.writeUInt32LE(cut, 12);
        const d = ours.decode({ buf: p.buf.subarray(0, cut), header: h, link_type: p.link_type }, em);
        assert.ok(!(typeof d._error === 'string' && d._error.startsWith('decoder failure')), d._error);
        decoded++;
      }
    }
  }
  assert.ok(decoded > 10000, 'decoded ' + decoded);
  assert.ok(em.seen.length > 1000, 'events were emitted');
});

test('a decoder failure is still kept from the caller: a decoder registered in ip_protocols that throws', () => {
  const protocols = require('../decode/ip_protocols');
  const b = require('./helpers/bytes');
  const saved = protocols[253];
  protocols[253] = function Broken() {};
  protocols[253].prototype.decode = function () { throw new Error('broken decoder'); };
  try {
    const raw = { buf: b.eth(0x0800, b.ipv4(253, Buffer.alloc(8))), header: null, link_type: 'LINKTYPE_ETHERNET' };
    const d = ours.decode(raw, emitterThrowing(null, null));
    assert.match(d._error, /^decoder failure: broken decoder/);
    assert.equal(internal.nesting.depth, 0);
  } finally {
    protocols[253] = saved;
  }
});
