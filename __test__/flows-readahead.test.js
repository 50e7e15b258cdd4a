'use strict';
// A flows-only session reads a classic pcap file in 1 MiB blocks; with two CPUs a second thread
// reads the next blocks while the capture thread meters (src/capture/reader/flowfile.rs).
// PCAP_READER=thread forces that read-ahead and PCAP_READER=inline the single-thread loop: both
// must give the same flow records, the same counters and the same end, over a file of many
// blocks, with a filter, and on a file whose last record is cut.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { writeSynFlood } = require('../bench/synflood');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-flows-ahead-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CHILD = `
const pcap = require(${JSON.stringify(path.join(__dirname, '..'))});
const [file, filter] = process.argv.slice(1);
const s = pcap.createOfflineSession(file, { flows: true, packets: false, filter });
const records = [];
let error = null;
s.on('flow', (f) => records.push(JSON.stringify(f, (k, v) => (typeof v === 'bigint' ? String(v) : v))));
s.on('error', (e) => { error = e.message; });
s.on('complete', () => {
  const st = s.flowStats();
  s.close();
  const digest = require('crypto').createHash('sha256').update(records.sort().join('\\n')).digest('hex');
  process.stdout.write(JSON.stringify({ packets: st.packets, flows: st.flows, records: records.length, digest, error }));
});`;

function run(reader, file, filter) {
  const out = execFileSync(process.execPath, ['-e', CHILD, file, filter || ''], {
    encoding: 'utf8', env: Object.assign({}, process.env, { PCAP_READER: reader }), timeout: 60000,
  });
  return JSON.parse(out);
}

const file = path.join(tmp, 'many-blocks.pcap');
const N = 120000;
// Two SYN floods one after the other (times restart: flows of the second end the first's).
writeSynFlood(file, N);
const fixture = fs.readFileSync(path.join(__dirname, 'fixtures', 'http-loopback.pcap'));
fs.appendFileSync(file, fixture.subarray(24)); // records of a file with the same header shape

test('read-ahead and single-thread flow meters agree over a file of many blocks', () => {
  assert.ok(fs.statSync(file).size > 8 * 1024 * 1024, 'the file spans several 1 MiB blocks');
  const ahead = run('thread', file);
  const single = run('inline', file);
  assert.strictEqual(ahead.error, null);
  assert.ok(ahead.packets > N, `${ahead.packets} packets metered`);
  assert.ok(ahead.records >= N, 'a record per flow');
  assert.deepStrictEqual(ahead, single);
});

test('read-ahead with a filter: the same records as the single-thread meter', () => {
  const ahead = run('thread', file, 'tcp port 8098 or (tcp port 80 and src port 1000)');
  const single = run('inline', file, 'tcp port 8098 or (tcp port 80 and src port 1000)');
  assert.ok(ahead.packets > 1000 && ahead.packets < N, `${ahead.packets} packets passed the filter`);
  assert.deepStrictEqual(ahead, single);
});

test('read-ahead on a file cut inside its last record: every whole record metered, then the error', () => {
  const cut = path.join(tmp, 'cut.pcap');
  const whole = fs.readFileSync(file);
  fs.writeFileSync(cut, whole.subarray(0, whole.length - 7));
  const ahead = run('thread', cut);
  const single = run('inline', cut);
  assert.match(String(ahead.error), /truncated/);
  assert.strictEqual(ahead.packets, run('thread', file).packets - 1);
  assert.deepStrictEqual(ahead, single);
});
