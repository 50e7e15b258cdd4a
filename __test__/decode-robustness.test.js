'use strict';
// Decoders never throw and never print: every packet of the corpus cut at
// every length, every decoder class fed truncated and random bytes.
const test = require('node:test');
const assert = require('node:assert/strict');
const corpus = require('./helpers/corpus');
const decode = require('../decode').decode;

const CLASSES = ['ethernet_packet', 'ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'icmpv6', 'igmp', 'arp', 'dns', 'null_packet',
  'sll_packet', 'sll2_packet', 'llc_packet', 'ieee802.11/radio_packet', 'ieee802.11/radio_frame',
  'ieee802.11/radio_beacon_frame', 'ieee802.11/radio_probe_frame', 'ipv6headers/header_extension',
  'ipv6headers/no_next', 'ipv6headers/fragment', 'ipv6headers/authentication_header', 'ipv6headers/esp', 'vlan']
  .map(function (f) { return require('../decode/' + f); });

// Replaces console and stdout/stderr writes while fn runs; returns what was printed.
async function captureOutput(fn) {
  const printed = [];
  const saved = {};
  ['log', 'warn', 'error', 'info', 'debug', 'trace'].forEach(function (k) {
    saved[k] = console[k];
    console[k] = function () { printed.push(k + ': ' + Array.prototype.join.call(arguments, ' ')); };
  });
  const out = process.stdout.write, err = process.stderr.write;
  // The test runner reports through stdout with binary (Buffer) chunks: let those through.
  process.stdout.write = function (s) {
    if (typeof s === 'string') { printed.push('stdout: ' + s); return true; }
    return out.apply(process.stdout, arguments);
  };
  process.stderr.write = function (s) {
    if (typeof s === 'string') { printed.push('stderr: ' + s); return true; }
    return err.apply(process.stderr, arguments);
  };
  try {
    await fn();
  } finally {
    Object.keys(saved).forEach(function (k) { console[k] = saved[k]; });
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return printed;
}

function header(caplen) {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(caplen, 8);
  h.writeUInt32LE(caplen, 12);
  return h;
}

// Decodes and stringifies; returns a failure description or null.
function check(p) {
  const d = decode(p);
  const s = String(d);
  if (typeof s !== 'string') { return 'toString did not return a string'; }
  if (d._error !== undefined && typeof d._error !== 'string') { return 'non-string _error'; }
  if (typeof d._error === 'string' && d._error.indexOf('decoder failure') === 0) { return d._error; }
  return null;
}

test('corpus: every packet at every cut length decodes and stringifies, silently', async function () {
  const files = corpus.captureFiles();
  const failures = [];
  let decoded = 0;
  const printed = await captureOutput(async function () {
    for (let i = 0; i < files.length; i++) {
      const packets = await corpus.readCapture(files[i]);
      if (!Array.isArray(packets)) { continue; }
      packets.forEach(function (p, n) {
        for (let cut = 0; cut <= p.buf.length; cut++) {
          decoded++;
          const f = check({ buf: p.buf.subarray(0, cut), header: header(cut), link_type: p.link_type });
          if (f && failures.length < 10) { failures.push(files[i] + '#' + n + ' cut ' + cut + ': ' + f); }
        }
      });
    }
  });
  assert.deepEqual(failures, []);
  assert.deepEqual(printed, []);
  assert.ok(decoded > 500000, 'decoded ' + decoded);
});

test('http-loopback.pcap: all 4000 packets decode; the first 200 at every cut', async function () {
  const packets = await corpus.readCapture(corpus.HTTP_LOOPBACK);
  assert.equal(packets.length, 4000);
  const failures = [];
  const printed = await captureOutput(function () {
    packets.forEach(function (p, n) {
      const d = decode(p);
      const t = d.payload.payload.payload;
      if (!t || (t.constructor.name !== 'TCP' && t.constructor.name !== 'UDP' && t.constructor.name !== 'ICMP')) {
        failures.push('#' + n + ' not decoded to L4: ' + String(d));
      }
      if (t && t._error) { failures.push('#' + n + ': ' + t._error); }
      for (let cut = 0; n < 200 && cut <= p.buf.length; cut++) {
        const f = check({ buf: p.buf.subarray(0, cut), header: header(cut), link_type: p.link_type });
        if (f) { failures.push('#' + n + ' cut ' + cut + ': ' + f); }
      }
    });
  });
  assert.deepEqual(failures.slice(0, 10), []);
  assert.deepEqual(printed, []);
});

test('every decoder class, called directly, survives truncated and random input', async function () {
  let seed = 12345;
  function rnd() { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; }
  const inputs = [];
  for (let i = 0; i < 400; i++) {
    const len = rnd() % 120;
    const buf = Buffer.alloc(len);
    for (let j = 0; j < len; j++) { buf[j] = rnd() & 0xff; }
    // bias towards plausible headers
    if (len > 0 && i % 3 === 0) { buf[0] = 0x45; }
    if (len > 0 && i % 3 === 1) { buf[0] = 0x60; }
    inputs.push(buf);
  }
  const failures = [];
  const printed = await captureOutput(function () {
    CLASSES.forEach(function (C) {
      inputs.forEach(function (buf, n) {
        for (let cut = 0; cut <= buf.length; cut += 7) {
          const view = buf.subarray(0, cut);
          try {
            const d = new C().decode(view, 0, cut);
            String(d);
          } catch (e) {
            if (failures.length < 10) { failures.push(C.name + ' input ' + n + ' cut ' + cut + ': ' + e.stack); }
          }
        }
      });
    });
  });
  assert.deepEqual(failures, []);
  assert.deepEqual(printed, []);
});

test('deeply nested headers stop with _error instead of overflowing the stack', function () {
  // 4000 IPv6 hop-by-hop headers in a row, then IPv4-in-IPv4 nesting
  const chain = Buffer.alloc(8 * 4000);
  for (let i = 0; i < 4000; i++) { chain[i * 8] = 0; }
  const v6 = Buffer.concat([Buffer.from('60000000', 'hex'), Buffer.from([0, 0, 0, 64]), Buffer.alloc(32), chain]);
  v6.writeUInt16BE(0xffff, 4);
  const d = decode({ buf: v6, header: header(v6.length), link_type: 'LINKTYPE_IPV6' });
  let node = d.payload, depth = 0;
  while (node && node.payload && typeof node.payload === 'object') { node = node.payload; depth++; }
  assert.equal(node._error, 'too many nested headers');
  assert.ok(depth < 64);
  let ip = Buffer.alloc(0);
  for (let k = 0; k < 200; k++) {
    const h = Buffer.from('450000000000000040040000' + '0a000001' + '0a000002', 'hex');
    ip = Buffer.concat([h, ip]);
  }
  const d2 = decode({ buf: ip, header: header(ip.length), link_type: 'LINKTYPE_RAW' });
  assert.equal(typeof String(d2), 'string');
});

test('diagnostics go to util.debuglog("pcap") (NODE_DEBUG=pcap), never to the console', function () {
  const spawnSync = require('child_process').spawnSync;
  const root = require('path').resolve(__dirname, '..');
  const script = 'var pcap = require(' + JSON.stringify(root) + ');' +
        'var h = Buffer.alloc(16); h.writeUInt32LE(20, 8); h.writeUInt32LE(20, 12);' +
        'var p = pcap.decode.packet({ buf: Buffer.alloc(20), header: h, link_type: "LINKTYPE_FOO" });' +
        'var e = Buffer.alloc(20); e[12] = 0x12; e[13] = 0x34;' +
        'var q = pcap.decode.packet({ buf: e, header: h, link_type: "LINKTYPE_ETHERNET" });' +
        'process.stdout.write(JSON.stringify([p._error, String(q)]));';
  const env = Object.assign({}, process.env);
  delete env.NODE_DEBUG;
  const quiet = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: env });
  assert.strictEqual(quiet.status, 0, quiet.stderr);
  assert.strictEqual(quiet.stderr, '', 'nothing printed without NODE_DEBUG');
  assert.deepStrictEqual(JSON.parse(quiet.stdout)[0], 'unsupported link type LINKTYPE_FOO');
  env.NODE_DEBUG = 'pcap';
  const loud = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: env });
  assert.strictEqual(loud.stdout, quiet.stdout);
  assert.match(loud.stderr, /^PCAP \d+: node_pcap: PcapPacket.decode - Don't yet know how to decode link type LINKTYPE_FOO$/m);
  assert.match(loud.stderr, /^PCAP \d+: node_pcap: .*Don't know how to decode ethertype 4660$/m);
});
