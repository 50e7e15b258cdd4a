'use strict';
// The decoders' internal table (decode/_internal.js) and the module graph behind it: the table is
// complete and fixed, the fast routines hang off the classes without changing how they look, and
// any deep path can be required first (the graph is cyclic) with the same results.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const orig = require('./helpers/original');

const ROOT = path.resolve(__dirname, '..');
const DECODE = path.join(ROOT, 'decode');

test('the internal table is built once, complete and frozen, from the protocol modules', () => {
  const internal = require('../decode/_internal');
  const { FAST } = require('../decode/_util');
  assert.ok(Object.isFrozen(internal));
  for (const [name, value] of Object.entries(internal)) assert.notEqual(value, undefined, name);
  assert.throws(() => { internal.decodeTCP = null; }, TypeError);
  const TCP = require('../decode/tcp');
  const IPv4 = require('../decode/ipv4');
  const Ethernet = require('../decode/ethernet_packet');
  assert.equal(internal.decodeTCP, TCP[FAST].decode);
  assert.equal(internal.mappedTCP, TCP[FAST].mapped);
  assert.equal(internal.builtIPv4, IPv4[FAST].built);
  assert.equal(internal.decodeEthernet, Ethernet[FAST].decode);
  assert.equal(internal.nesting, require('../decode/_util').nesting);
});

test('the classes look as node_pcap\'s: no enumerable statics, the same inspect text', () => {
  for (const name of ['tcp', 'udp', 'ipv4', 'ipv6', 'ethernet_packet']) {
    const ours = require(path.join(DECODE, name));
    const theirs = orig('decode/' + name);
    assert.deepEqual(Object.keys(ours), Object.keys(theirs), name);
    assert.equal(util.inspect(ours), util.inspect(theirs), name);
  }
});

test('every decode module can be required first: no circular-require warnings, same decoding', () => {
  const modules = [];
  (function walk(dir, rel) {
    for (const f of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, f);
      if (fs.statSync(full).isDirectory()) walk(full, rel + f + '/');
      else if (f.endsWith('.js')) modules.push(rel + f.slice(0, -3));
    }
  })(DECODE, '');
  assert.ok(modules.length > 30, modules.length + ' modules');
  // Ethernet, IPv6, hop-by-hop options, fragment header, UDP: every extension-header module and
  // the IP layers take part; toString walks all of them.
  const script = (first) => `
    require(${JSON.stringify(path.join(DECODE, first))});
    const b = require(${JSON.stringify(path.join(__dirname, 'helpers', 'packets'))});
    const { decode } = require(${JSON.stringify(DECODE)});
    const udp = b.udp(5353, 53, Buffer.from('hi'));
    const frag = Buffer.concat([Buffer.from([17, 0, 0, 0, 0, 0, 0, 7]), udp]);
    const hop = Buffer.concat([Buffer.from([44, 0, 1, 4, 0, 0, 0, 0]), frag]);
    const v4 = b.ipv4(6, b.tcp({ flags: 'SA', options: Buffer.from([2, 4, 5, 180]) }, Buffer.from('x')));
    const out = [b.eth(0x86dd, b.ipv6(0, hop)), b.eth(0x0800, v4)].map((f) => decode.packet(b.pkt('LINKTYPE_ETHERNET', f)));
    process.stdout.write(out.map(String).join('\\n') + '\\n' + JSON.stringify(out, (k, v) => (k === 'emitter' ? undefined : v)));
  `;
  const reference = spawnSync(process.execPath, ['-e', script('index')], { encoding: 'utf8' });
  assert.equal(reference.status, 0, reference.stderr);
  assert.equal(reference.stderr, '');
  assert.match(reference.stdout, /HeaderExtension/);
  for (const m of modules) {
    const r = spawnSync(process.execPath, ['-e', script(m)], { encoding: 'utf8' });
    assert.equal(r.status, 0, m + ': ' + r.stderr);
    assert.equal(r.stderr, '', m);
    assert.equal(r.stdout, reference.stdout, m);
  }
});
