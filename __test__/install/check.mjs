// Run by scripts/install-test.sh in the consumer project: ESM imports of the installed package,
// the main entry and every path of its exports map, with and without `.js`.
import assert from 'node:assert';
import { createRequire } from 'node:module';
import pcap, { decode, createOfflineSession, TCPTracker } from 'pcap';
import IPv4 from 'pcap/decode/ipv4';
import IPv4js from 'pcap/decode/ipv4.js';
import { HTTPTracker } from 'pcap/http_tracker';

const require = createRequire(import.meta.url);
assert.strictEqual(typeof createOfflineSession, 'function');
assert.strictEqual(decode, pcap.decode);
assert.strictEqual(TCPTracker, pcap.TCPTracker);
assert.strictEqual(IPv4, IPv4js);
assert.strictEqual(IPv4, require('pcap/decode/ipv4'));
assert.strictEqual(HTTPTracker, pcap.HTTPTracker);

const { exports: map } = require('pcap/package.json');
let n = 0;
for (const key of Object.keys(map)) {
  if (key === '.' || key === './package.json') continue;
  const mod = await import('pcap/' + key.slice(2));
  assert.strictEqual(mod.default, require('pcap/' + key.slice(2)), key);
  n++;
}
await assert.rejects(import('pcap/lib/native.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
console.log('  esm: import pcap and ' + n + ' deep paths; lib/native.js not exported');
