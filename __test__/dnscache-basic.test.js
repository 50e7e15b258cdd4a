'use strict';
// DNSCache (compat.md §2.9): node_pcap's ptr() plus an entry limit and expiry.
const test = require('node:test');
const assert = require('node:assert');
const dns = require('node:dns');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DNSCache = require(path.join(ROOT, 'dns_cache'));

function fakeResolver(table, calls) {
  return (ip, cb) => { calls.push(ip); setImmediate(() => (table[ip] ? cb(null, table[ip]) : cb(Object.assign(new Error('nx'), { code: 'ENOTFOUND' })))); };
}
const tick = () => new Promise((r) => setImmediate(r));

test('exports: module.exports is the class, also pcap.DNSCache; fields as node_pcap', () => {
  assert.strictEqual(require(ROOT).DNSCache, DNSCache);
  const c = new DNSCache();
  assert.deepStrictEqual(Object.keys(c), ['cache', 'requests']);
  assert.deepStrictEqual(c.cache, {});
  assert.deepStrictEqual(c.requests, {});
});

test('ptr returns the address at once, the name once resolved, and looks up once', async () => {
  const calls = [];
  const c = new DNSCache({ reverse: fakeResolver({ '10.0.0.1': ['one.example', 'alias'] }, calls) });
  assert.strictEqual(c.ptr('10.0.0.1'), '10.0.0.1');
  assert.strictEqual(c.ptr('10.0.0.1'), '10.0.0.1');
  assert.deepStrictEqual(c.requests, { '10.0.0.1': true });
  await tick();
  assert.strictEqual(c.ptr('10.0.0.1'), 'one.example');
  assert.deepStrictEqual(calls, ['10.0.0.1']);
});

test('a failed lookup caches the address itself (node_pcap on_ptr)', async () => {
  const calls = [];
  const c = new DNSCache({ reverse: fakeResolver({}, calls) });
  c.ptr('10.9.9.9');
  await tick();
  assert.strictEqual(c.cache['10.9.9.9'], '10.9.9.9');
  assert.strictEqual(c.ptr('10.9.9.9'), '10.9.9.9');
  assert.deepStrictEqual(calls, ['10.9.9.9']);
  c.on_ptr(null, '1.2.3.4', ['direct.example']);
  assert.strictEqual(c.ptr('1.2.3.4'), 'direct.example');
});

test('uses Node\'s dns.reverse by default (looked up at call time)', async () => {
  const saved = dns.reverse;
  const calls = [];
  dns.reverse = (ip, cb) => { calls.push(ip); setImmediate(cb, null, ['patched.example']); };
  try {
    const c = new DNSCache();
    assert.strictEqual(c.ptr('127.0.0.2'), '127.0.0.2');
    await tick();
    assert.strictEqual(c.ptr('127.0.0.2'), 'patched.example');
    assert.deepStrictEqual(calls, ['127.0.0.2']);
  } finally {
    dns.reverse = saved;
  }
});

test('real dns.reverse on a loopback address settles to a name or the address', async () => {
  const c = new DNSCache();
  assert.strictEqual(c.ptr('127.0.0.1'), '127.0.0.1');
  for (let i = 0; i < 200 && c.cache['127.0.0.1'] === undefined; i++) { await new Promise((r) => setTimeout(r, 25)); }
  assert.strictEqual(typeof c.cache['127.0.0.1'], 'string');
  assert.ok(c.cache['127.0.0.1'].length > 0);
});

test('an invalid address does not throw', async () => {
  const c = new DNSCache();
  assert.strictEqual(c.ptr('not an ip'), 'not an ip');
  await tick();
  assert.strictEqual(c.ptr('not an ip'), 'not an ip');
});

test('maxEntries bounds the cache (oldest out first)', async () => {
  const calls = [];
  const table = {};
  for (let i = 0; i < 20; i++) { table['10.0.0.' + i] = ['h' + i]; }
  const c = new DNSCache({ maxEntries: 5, reverse: fakeResolver(table, calls) });
  for (let i = 0; i < 20; i++) { c.ptr('10.0.0.' + i); await tick(); }
  assert.strictEqual(Object.keys(c.cache).length, 5);
  assert.deepStrictEqual(Object.keys(c.cache), ['10.0.0.15', '10.0.0.16', '10.0.0.17', '10.0.0.18', '10.0.0.19']);
  assert.strictEqual(c.ptr('10.0.0.0'), '10.0.0.0', 'evicted: looked up again');
  assert.strictEqual(calls.filter((x) => x === '10.0.0.0').length, 2);
});

test('ttl expires entries, which are then looked up again', async () => {
  const calls = [];
  const c = new DNSCache({ ttl: 30, reverse: fakeResolver({ '10.1.1.1': ['x.example'] }, calls) });
  c.ptr('10.1.1.1');
  await tick();
  assert.strictEqual(c.ptr('10.1.1.1'), 'x.example');
  await new Promise((r) => setTimeout(r, 60));
  assert.strictEqual(c.ptr('10.1.1.1'), '10.1.1.1');
  await tick();
  assert.strictEqual(c.ptr('10.1.1.1'), 'x.example');
  assert.strictEqual(calls.length, 2);
});

test('options are validated', () => {
  assert.throws(() => new DNSCache({ maxEntries: 0 }), TypeError);
  assert.throws(() => new DNSCache({ ttl: -1 }), TypeError);
  assert.throws(() => new DNSCache({ reverse: 'no' }), TypeError);
});
