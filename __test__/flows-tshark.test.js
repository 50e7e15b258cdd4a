'use strict';
// The flow meter against tshark (its values read at run time): TCP flows are tshark's
// tcp.stream, UDP flows its udp.stream and -z conv,udp conversations; per flow the packets,
// IP bytes, first packet time, retransmissions (tcp.analysis.retransmission), duplicate ACKs,
// out-of-order segments, zero windows, handshake RTT (tcp.analysis.initial_rtt) and the
// TLS SNI, DNS name and HTTP Host. On a capture written packet by packet (IPv4+IPv6, TCP with
// losses and resets, UDP, ICMP, VLANs) and on test captures with TCP and UDP.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const pcap = require('..');
const { writeFlowCapture } = require('./helpers/flowcapture');
const { FOREVER, readFlows, tsharkFlows, tsharkUdpConversations } = require('./helpers/flows');

const FIXTURES = path.join(__dirname, 'fixtures');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-flows-'));
const generated = path.join(tmp, 'generated.pcap');
writeFlowCapture(pcap, generated);
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function sortRows(rows) {
  return rows.sort((a, b) => (a.first_ns < b.first_ns ? -1 : a.first_ns > b.first_ns ? 1 : a.packets - b.packets));
}

// The meter's flows of one protocol as rows comparable with tshark's.
function rowsOf(flows, proto) {
  return sortRows(flows.filter((f) => f.proto === proto).map((f) => ({
    first_ns: f.first_ns,
    packets: f.fwd.packets + f.rev.packets,
    bytes: f.fwd.bytes + f.rev.bytes,
    retrans: f.fwd.retrans_packets + f.rev.retrans_packets,
    dup_acks: f.fwd.dup_acks + f.rev.dup_acks,
    out_of_order: f.fwd.out_of_order + f.rev.out_of_order,
    zero_window: f.fwd.zero_window + f.rev.zero_window,
    rtt_ns: f.rtt === null ? 0 : Math.round(f.rtt * 1e6),
    sni: f.sni, dns: f.dns, host: f.host,
  })));
}

function compare(file, flows, what) {
  const theirs = tsharkFlows(file);
  const tcp = rowsOf(flows, 6);
  const udp = rowsOf(flows, 17);
  const tTcp = sortRows([...theirs.tcp.values()]);
  const tUdp = sortRows([...theirs.udp.values()]);
  assert.strictEqual(tcp.length, tTcp.length, what + ': TCP flows = tcp.stream count');
  assert.strictEqual(udp.length, tUdp.length, what + ': UDP flows = udp.stream count');
  const clean = (r) => Object.assign({}, r, { host: r.host && r.host.replace(/[\x00-\x1f]/g, '') }); // eslint-disable-line no-control-regex
  tTcp.forEach((r, i) => assert.deepStrictEqual(clean(tcp[i]), clean(r), what + ': TCP flow ' + i));
  tUdp.forEach((r, i) => {
    const ours = Object.assign({}, udp[i], { retrans: 0, dup_acks: 0, out_of_order: 0, zero_window: 0, rtt_ns: 0 });
    assert.deepStrictEqual(ours, r, what + ': UDP flow ' + i);
  });
  return { tcp: tTcp, udp: tUdp };
}

test('generated capture: flows, packets, bytes, TCP health, RTT and hints equal tshark\'s', async () => {
  for (const packets of [false, true]) {
    const r = await readFlows(generated, { flows: FOREVER, packets });
    const what = packets ? 'with packet events' : 'flows only';
    const t = compare(generated, r.flows, what);
    assert.strictEqual(r.lateFlows, 0, 'every flow before complete');
    assert.strictEqual(r.packetEvents, packets ? 127 : 0);
    // What the capture was written to contain, as tshark found it.
    const sum = (k) => t.tcp.reduce((n, x) => n + x[k], 0);
    assert.ok(sum('retrans') >= 4 && sum('dup_acks') >= 2 && sum('out_of_order') >= 1 && sum('zero_window') >= 1,
      JSON.stringify({ retrans: sum('retrans'), dup: sum('dup_acks'), ooo: sum('out_of_order'), zw: sum('zero_window') }));
    assert.ok(t.tcp.filter((x) => x.rtt_ns > 0).length >= 5);
    assert.strictEqual(rowsOf(r.flows, 17).length, tsharkUdpConversations(generated), 'UDP flows = -z conv,udp');
    // ICMP echo: one flow per ping session; VLAN ids; the escape character kept in the record.
    const icmp = r.flows.filter((f) => f.proto === 1);
    assert.deepStrictEqual(icmp.map((f) => [f.fwd.packets, f.rev.packets, f.fwd.icmp_type, f.rev.icmp_type]), [[3, 3, 8, 0]]);
    assert.strictEqual(r.flows.filter((f) => f.proto === 58).length, 1);
    assert.ok(r.flows.some((f) => f.vlan === 100 && f.inner_vlan === 0 && f.proto === 6));
    assert.ok(r.flows.some((f) => f.vlan === 200 && f.inner_vlan === 300 && f.proto === 17));
    assert.ok(r.flows.some((f) => f.host === 'www.example.com\x1b[2J'));
    assert.ok(r.flows.some((f) => f.sni === 'example.org' && f.alpn === 'h2,http/1.1'));
    const reasons = r.flows.filter((f) => f.proto === 6).map((f) => f.reason).sort();
    assert.deepStrictEqual(reasons, ['end', 'fin', 'fin', 'reused', 'rst', 'rst'].sort().map((x) => x === 'reused' ? 'rst' : x));
  }
});

test('test captures with TCP or UDP: the same as tshark, whichever way the file is read', async () => {
  const dir = path.join(FIXTURES, 'captures');
  const files = [path.join(FIXTURES, 'http-loopback.pcap')].concat(['kday2.pcap', 'kday3.pcap', 'kday7.pcap',
    'tfo-5c1fa7f9ae91.pcap', 'dns_tcp.pcap', 'sflow-print-v6.pcap', 'geneve.pcap', 'vxlan.pcap', 'bgp-infinite-loop.pcap',
    'of10_inv_OFPST_FLOW.pcap', 'dhcpv4v6-rfc5970-rfc8572.pcap', 'l2tp-avp-overflow.pcap', 'syslog_udp.pcap',
    'epgm_zmtp1.pcap', 'RADIUS-RFC4675.pcap']
    .map((f) => path.join(dir, f)));
  let compared = 0;
  for (const file of files) {
    // Flows only reads a classic pcap file in place; with packets it goes through libpcap.
    const a = await readFlows(file, { flows: FOREVER, packets: false });
    const b = await readFlows(file, { flows: FOREVER });
    const strip = (fl) => fl.map((f) => Object.assign({}, f, { id: 0 })).sort((x, y) => (x.first_ns < y.first_ns ? -1 : 1));
    assert.deepStrictEqual(strip(a.flows), strip(b.flows), path.basename(file) + ': both ways give the same records');
    const t = compare(file, a.flows, path.basename(file));
    compared += t.tcp.length + t.udp.length;
  }
  assert.ok(compared >= 50, compared + ' flows compared');
});
