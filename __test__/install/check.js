'use strict';

// Run by scripts/install-test.sh inside a consumer project that installed `pcap` from the local
// registry (no cargo, no libpcap on the machine): the package loads its prebuilt addon, decodes
// the sample capture it ships, sees a ping on lo, and resolves every node_pcap 3.1.0 deep path.
//
// env: SAMPLE_PACKETS and SAMPLE_TCP4 (tcpdump's counts for examples/data/sample.pcap, taken
// outside), ORIGINAL_DIR (node_pcap 3.1.0, for its list of files), PING_PATTERN (hex).
const assert = require('assert');
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

async function main() {
  const results = [];
  const pcap = require('pcap');
  const pkgDir = path.dirname(require.resolve('pcap/package.json'));
  const addon = Object.keys(require.cache).find((f) => f.endsWith('.node'));
  assert.ok(addon && addon.includes(path.join('node_modules', '@node-pcap', 'pcap-linux-x64-gnu')),
    'the addon comes from the platform package, not ' + addon);
  assert.match(pcap.lib_version, /^libpcap version 1\.10\.5/);
  results.push('require: ' + pcap.lib_version + ' from ' + path.relative(process.cwd(), addon));

  // The sample capture shipped in the package decodes, packet for packet as tcpdump counts.
  const sample = path.join(pkgDir, 'examples', 'data', 'sample.pcap');
  const TCP = require('pcap/decode/tcp');
  const IPv4 = require('pcap/decode/ipv4');
  let packets = 0;
  let tcp4 = 0;
  await new Promise((resolve, reject) => {
    const s = pcap.createOfflineSession(sample);
    s.on('packet', (raw) => {
      const p = pcap.decode.packet(raw);
      packets++;
      const ip = p.payload && p.payload.payload;
      if (ip instanceof IPv4 && ip.payload instanceof TCP) tcp4++;
    });
    s.on('complete', resolve);
    s.on('error', reject);
  });
  assert.strictEqual(packets, Number(process.env.SAMPLE_PACKETS), 'packets in the sample');
  assert.strictEqual(tcp4, Number(process.env.SAMPLE_TCP4), 'IPv4 TCP packets in the sample');
  results.push('sample: ' + packets + ' packets, ' + tcp4 + ' IPv4 TCP (tcpdump: the same)');

  // Live on lo: three echo requests of a ping whose payload carries this run's pattern.
  const pattern = Buffer.from(process.env.PING_PATTERN, 'hex');
  const seen = await new Promise((resolve, reject) => {
    const session = pcap.createSession('lo', { filter: 'icmp[icmptype] == icmp-echo and dst host 127.0.0.1', buffer_timeout: 0 });
    let count = 0;
    session.on('packet', (raw) => {
      if (raw.buf.subarray(0, raw.header.readUInt32LE(8)).includes(pattern)) count++;
    });
    const timer = setTimeout(() => finish(new Error('the ping did not end within 10 s')), 10000);
    const ping = spawn('ping', ['-c', '3', '-i', '0.2', '-W', '1', '-p', process.env.PING_PATTERN, '127.0.0.1'], { stdio: 'ignore' });
    ping.on('error', (e) => finish(e));
    ping.on('exit', () => setTimeout(() => finish(null), 300));
    function finish(err) {
      clearTimeout(timer);
      session.close();
      if (err) reject(err); else resolve(count);
    }
  });
  assert.ok(seen >= 3, 'the capture saw ' + seen + ' of the 3 echo requests');
  results.push('live: ' + seen + ' echo requests to 127.0.0.1 seen on lo');

  // Monitor mode: this libpcap has no libnl, so it cannot enable it; asking is a clear error.
  assert.throws(() => pcap.createSession('lo', { monitor: true }), (e) => {
    assert.strictEqual(e.code, 'ENOTSUP');
    assert.match(e.message, /^lo: monitor mode is not supported/);
    results.push('monitor: ' + e.code + ' "' + e.message + '"');
    return true;
  });

  // Every deep path of node_pcap 3.1.0 (its files, read from the installed 3.1.0 package) resolves,
  // with and without .js, through the exports map; internals stay private.
  const orig = listJs(process.env.ORIGINAL_DIR).filter((f) => !/^(spec|examples|node_modules)\/|^Gruntfile\.js$/.test(f));
  assert.ok(orig.length >= 30, 'node_pcap 3.1.0 file list: ' + orig.length);
  for (const f of orig) {
    const bare = f.replace(/\.js$/, '');
    const a = require('pcap/' + bare);
    assert.strictEqual(require('pcap/' + f), a, f);
    const types = require('pcap/package.json').exports['./' + bare].types;
    assert.ok(fs.existsSync(path.join(pkgDir, types)), 'types of ' + bare + ': ' + types);
  }
  for (const internal of ['lib/native', 'lib/session.js', 'decode/_internal', 'binding.js', 'build/Release/pcap_binding']) {
    assert.throws(() => require('pcap/' + internal), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' }, internal);
  }
  results.push('deep paths: ' + orig.length + ' of node_pcap 3.1.0, with and without .js, with types; internals not exported');
  for (const r of results) console.log('  ' + r);
}

function listJs(dir, prefix = '') {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...listJs(path.join(dir, e.name), rel + '/'));
    else if (e.name.endsWith('.js')) out.push(rel);
  }
  return out;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
