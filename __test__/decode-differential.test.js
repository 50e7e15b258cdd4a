'use strict';
// Differential test: every packet of the capture corpus, decoded by this
// package and by node_pcap 3.1.0 (pcap-original). Same toString() and same
// own properties in the same order, except the fixes listed in docs/decoders.md.
const test = require('node:test');
const assert = require('node:assert/strict');
const corpus = require('./helpers/corpus');
const ours = require('../decode');
const orig = require('./helpers/original')('decode');

const NODE_PCAP_LINKS = ['LINKTYPE_ETHERNET', 'LINKTYPE_NULL', 'LINKTYPE_RAW', 'LINKTYPE_IEEE802_11_RADIO',
  'LINKTYPE_LINUX_SLL'];

// Properties this package appends after node_pcap's own (docs/decoders.md, "Additions").
const APPENDED = ['_error', 'isFragment', 'tfo', 'mptcp', 'unknown', 'id', 'seq', 'sFlag', 'qrv', 'qqic',
  'numberOfSources', 'sources', 'numberOfGroupRecords', 'groupRecords', 'vlans', 'addr4', 'qosControl',
  'targetAddress', 'namespaces', 'vendorNamespaces', 'tlv', 'hop_set', 'hop_pattern', 'reference_number',
  'delimiter_crc_value', 'unit_position'];

// Subtrees whose values differ by a documented fix (keys are still compared).
const FIXED_VALUES = ['DNS', 'DnsFlags', 'DNSRRSet', 'DNSRR', 'IPv6', 'SLLAddr', 'IGMP', 'RadioFrame'];

// Classes that replace node_pcap output (AH, fragments, ESP, ICMPv6): their packets' toString differs.
const NEW_OUTPUT = ['AuthenticationHeader', 'FragmentHeader', 'ESP', 'ICMPv6'];

function quietly(fn) {
  const log = console.log, warn = console.warn;
  console.log = function () {};
  console.warn = function () {};
  try { return fn(); } finally { console.log = log; console.warn = warn; }
}

function isNode(v) {
  return v !== null && typeof v === 'object' && !Buffer.isBuffer(v);
}

function classesIn(root) {
  const seen = new Set(), out = new Set(), stack = [root];
  while (stack.length) {
    const v = stack.pop();
    if (!isNode(v) || seen.has(v)) { continue; }
    seen.add(v);
    out.add(v.constructor ? v.constructor.name : 'Object');
    if (v.isFragment === true && Buffer.isBuffer(v.payload)) { out.add('NonFirstFragment'); }
    Object.keys(v).forEach(function (k) { if (k !== 'emitter' && k !== 'raw_packet') { stack.push(v[k]); } });
  }
  return out;
}

function compareTree(a, o, path, fixed, problems) {
  if (problems.length > 5) { return; }
  if (!isNode(o) || !isNode(a)) {
    if (!fixed && !(typeof o === 'number' && Number.isNaN(o)) && a !== o && !(Buffer.isBuffer(o) && Buffer.isBuffer(a) && o.equals(a))) {
      problems.push(path + ': ' + String(a) + ' !== ' + String(o));
    }
    return;
  }
  const ca = a.constructor && a.constructor.name, co = o.constructor && o.constructor.name;
  if (ca !== co) {
    if (!fixed && NEW_OUTPUT.indexOf(ca) < 0) { problems.push(path + ': class ' + ca + ' !== ' + co); }
    return;
  }
  if (o.protocolName === 'Unknown' && a.protocolName === undefined && isNode(a.payload) &&
        NEW_OUTPUT.indexOf(a.payload.constructor.name) >= 0) {
    return; // a protocol node_pcap did not know (documented addition)
  }
  fixed = fixed || FIXED_VALUES.indexOf(ca) >= 0 || (a.isFragment === true && Buffer.isBuffer(a.payload));
  const ka = Object.keys(a), ko = Object.keys(o);
  const prefix = ka.slice(0, ko.length);
  if (prefix.join() !== ko.join()) {
    problems.push(path + ' (' + ca + '): keys ' + ka.join() + ' vs node_pcap ' + ko.join());
    return;
  }
  ka.slice(ko.length).forEach(function (k) {
    if (APPENDED.indexOf(k) < 0) { problems.push(path + ': unexpected appended key ' + k); }
  });
  ko.forEach(function (k) {
    if (k === 'emitter' || k === 'raw_packet' || k === '_decoderCache') { return; }
    compareTree(a[k], o[k], path + '.' + k, fixed, problems);
  });
}

function normalize(s, classes) {
  s = s.replace(/ DNS \{[\s\S]*$/, ' DNS');          // DNS flags and record data fixed
  if (classes.has('IPv6')) { s = s.replace(/ len -?\d+$/, ' len N'); } // IPv6 payload length fixed
  return s;
}

test('corpus: same toString and property order as node_pcap 3.1.0 (documented fixes aside)', async function () {
  const files = corpus.captureFiles().concat([corpus.HTTP_LOOPBACK]);
  let compared = 0, stringsCompared = 0, problems = [];
  for (let i = 0; i < files.length; i++) {
    const packets = await corpus.readCapture(files[i]);
    if (!Array.isArray(packets)) { continue; }
    const name = files[i].split('/').pop();
    packets.forEach(function (p, n) {
      if (NODE_PCAP_LINKS.indexOf(p.link_type) < 0) { return; }
      let theirs, ts;
      try {
        theirs = quietly(function () { return orig.decode({ buf: Buffer.from(p.buf), header: p.header, link_type: p.link_type }); });
        ts = quietly(function () { return String(theirs); });
      } catch (e) {
        return; // node_pcap throws here: covered by the robustness test
      }
      const mine = ours.decode(p);
      const classes = classesIn(mine);
      compared++;
      const local = [];
      const sllFix = p.link_type === 'LINKTYPE_LINUX_SLL';
      compareTree(mine, theirs, name + '#' + n, false, local);
      if (!sllFix && !NEW_OUTPUT.some(function (c) { return classes.has(c); }) && !classes.has('NonFirstFragment')) {
        stringsCompared++;
        const a = normalize(String(mine), classes), b = normalize(ts, classes);
        if (a !== b) { local.push(name + '#' + n + ': toString\n  ours: ' + a + '\n  orig: ' + b); }
      }
      if (sllFix) {
        // node_pcap prints "undefined" for the last SLL address byte
        const a2 = normalize(String(mine), classes);
        const b2 = normalize(ts.replace(String(theirs.payload.address), String(mine.payload.address)), classes);
        if (!NEW_OUTPUT.some(function (c) { return classes.has(c); }) && a2 !== b2) {
          local.push(name + '#' + n + ': SLL toString\n  ours: ' + a2 + '\n  orig: ' + b2);
        }
      }
      if (local.length && problems.length < 20) { problems = problems.concat(local); }
    });
  }
  assert.deepEqual(problems, []);
  assert.ok(compared > 6000, 'compared ' + compared);
  assert.ok(stringsCompared > 4000, 'strings compared ' + stringsCompared);
});
