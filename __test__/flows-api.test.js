'use strict';
// The flows option of sessions: option errors, flows-only sessions, snapshots, uniflow
// records, the end of a file, and a live capture on loopback compared with the packets
// captured beside it.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const pcap = require('..');
const { writeFlowCapture } = require('./helpers/flowcapture');
const { FOREVER, readFlows } = require('./helpers/flows');

const HTTP = path.join(__dirname, 'fixtures', 'http-loopback.pcap');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-flows-api-'));
const generated = path.join(tmp, 'generated.pcap');
writeFlowCapture(pcap, generated);
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('bad flow options are TypeErrors with code EINVAL; an unknown collector host is EIPFIX', () => {
  const bad = [
    { flows: 'yes' }, { flows: { idleTimeout: -1 } }, { flows: { maxFlows: 0 } }, { flows: { maxFlows: 1.5 } },
    { flows: { bogus: 1 } }, { flows: { biflow: 'no' } }, { flows: { ipfix: 'nowhere' } }, { flows: { ipfix: 2055 } },
    { packets: false }, { flows: true, packets: 'no' },
  ];
  for (const o of bad) {
    assert.throws(() => pcap.createOfflineSession(HTTP, o), (e) => e instanceof TypeError && e.code === 'EINVAL', JSON.stringify(o));
  }
  assert.throws(() => pcap.createOfflineSession(HTTP, { flows: { ipfix: 'no.such.host.invalid:2055' } }),
    (e) => e.code === 'EIPFIX' && /no\.such\.host\.invalid/.test(e.message));
});

test('flows only: no packet event, every flow before complete, counters agree', async () => {
  const r = await readFlows(HTTP, { flows: true, packets: false });
  assert.strictEqual(r.packetEvents, 0);
  assert.strictEqual(r.lateFlows, 0);
  assert.strictEqual(r.stats.packets, 4000);
  assert.strictEqual(r.flows.length, r.stats.records);
  assert.strictEqual(r.flows.reduce((n, f) => n + f.fwd.packets + f.rev.packets, 0), 4000);
  assert.ok(r.flows.every((f) => ['fin', 'rst', 'end', 'idle'].includes(f.reason)), [...new Set(r.flows.map((f) => f.reason))].join());
  assert.ok(r.flows.some((f) => f.ip_version === 6) && r.flows.some((f) => f.ip_version === 4));
  assert.ok(r.flows.every((f) => typeof f.first_ns === 'bigint' && f.first <= f.last && f.host !== undefined));
  assert.strictEqual(typeof r.stats.bytes_per_flow, 'number');
});

test('uniflow records: one per direction, the same packets', async () => {
  const bi = await readFlows(generated, { flows: FOREVER, packets: false });
  const uni = await readFlows(generated, { flows: Object.assign({ biflow: false }, FOREVER), packets: false });
  const total = (fl) => fl.reduce((n, f) => n + f.fwd.packets + f.rev.packets, 0);
  assert.strictEqual(total(uni.flows), total(bi.flows));
  assert.ok(uni.flows.every((f) => f.rev.packets === 0 && f.fwd.packets > 0));
  const answered = bi.flows.filter((f) => f.rev.packets > 0).length;
  assert.strictEqual(uni.flows.length, bi.flows.length + answered);
});

test('session.flows(): the active flows mid-file; [] once the file is read', async () => {
  const s = pcap.createOfflineSession(HTTP, { flows: true });
  let snapshot = null;
  await new Promise((resolve) => {
    s.once('packet', () => {
      // The capture thread stops when the queue is full: the flows it metered so far are open.
      s.pause();
      setTimeout(() => {
        snapshot = s.flows();
        s.resume();
        resolve();
      }, 200);
    });
  });
  await new Promise((resolve) => s.on('complete', resolve));
  assert.ok(snapshot.length > 0, 'flows open mid-file');
  assert.ok(snapshot.every((f) => ['snapshot', 'fin', 'rst'].includes(f.reason)));
  assert.ok(snapshot.some((f) => f.reason === 'snapshot'));
  assert.deepStrictEqual(s.flows(), []);
  s.close();
  assert.deepStrictEqual(s.flows(), []);
  assert.strictEqual(s.flowStats(), null);
  const plain = pcap.createOfflineSession(HTTP);
  assert.deepStrictEqual(plain.flows(), []);
  assert.strictEqual(plain.flowStats(), null);
  plain.close();
});

test('close() during a flows-only read ends it', async () => {
  const s = pcap.createOfflineSession(HTTP, { flows: true, packets: false });
  s.on('flow', () => {});
  s.close();
  await new Promise((r) => setTimeout(r, 100));
  assert.strictEqual(s.opened, false);
});

// A TCP exchange on loopback: the flow the live meter reports equals the packets captured
// beside it by a second session.
for (const host of ['127.0.0.1', '::1']) {
  test('live on lo (' + host + '): a connection gives one flow matching the captured packets', async () => {
    const server = net.createServer((sock) => {
      sock.on('data', (d) => { if (d.includes('\n')) sock.end('pong\n'); });
    });
    await new Promise((r) => server.listen(0, host, r));
    const port = server.address().port;
    const filter = 'tcp port ' + port;
    const meter = pcap.createSession('lo', { filter, buffer_timeout: 0, flows: { idleTimeout: 60, closeTimeout: 0.5 }, packets: false });
    const packets = pcap.createSession('lo', { filter, buffer_timeout: 0 });
    let seen = 0;
    let ipBytes = 0;
    packets.on('packet', (raw) => {
      seen++;
      const b = raw.buf;
      ipBytes += b[14] >> 4 === 4 ? b.readUInt16BE(16) : 40 + b.readUInt16BE(18);
    });
    const flows = [];
    meter.on('flow', (f) => flows.push(f));
    try {
      await new Promise((resolve, reject) => {
        const c = net.connect(port, host, () => c.write('ping\n'));
        c.on('data', () => {});
        c.on('end', () => c.end());
        c.on('close', resolve);
        c.on('error', reject);
        setTimeout(() => reject(new Error('exchange timed out')), 5000).unref();
      });
      // The FIN-closed connection leaves after closeTimeout (0.5 s here; the flow clock ticks
      // every 0.5 s); its packets are all in by then. Wait for the record, bounded.
      const deadline = Date.now() + 5000;
      while (flows.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      meter.close();
      packets.close();
      server.close();
    }
    assert.strictEqual(flows.length, 1, 'one flow');
    const f = flows[0];
    assert.strictEqual(f.reason, 'fin');
    assert.strictEqual(f.src, host);
    assert.strictEqual(f.dport, port);
    assert.strictEqual(f.fwd.packets + f.rev.packets, seen);
    assert.strictEqual(f.fwd.bytes + f.rev.bytes, ipBytes);
    assert.ok(f.rtt !== null && f.rtt >= 0 && f.rtt < 1000, 'rtt ' + f.rtt);
    assert.strictEqual(f.fwd.tcp_flags & 0x13, 0x13, 'SYN, ACK and FIN from the client');
    assert.strictEqual(f.fwd.mss > 0, true);
  });
}
