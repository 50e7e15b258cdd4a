'use strict';
// Test helpers for the flow meter: read a file's flows through the package, and tshark's
// view of the same file's TCP and UDP streams.
const pcap = require('../..');
const tshark = require('./tshark');

// Timeouts far beyond any test capture: tshark's streams have none.
const FOREVER = { idleTimeout: 1e9, activeTimeout: 1e9, closeTimeout: 1e9 };

// Every `flow` event of a file session: {flows, stats, packetEvents, completeAfterFlows}.
function readFlows(file, options) {
  return new Promise((resolve, reject) => {
    const s = pcap.createOfflineSession(file, options);
    const flows = [];
    let packetEvents = 0;
    let completed = false;
    let lateFlows = 0;
    s.on('packet', () => { packetEvents++; });
    s.on('flow', (f) => { flows.push(f); if (completed) lateFlows++; });
    s.on('error', reject);
    s.on('complete', () => {
      completed = true;
      const stats = s.flowStats();
      s.close();
      resolve({ flows, stats, packetEvents, lateFlows });
    });
  });
}

function ns(epoch) {
  const [sec, frac = ''] = epoch.split('.');
  return BigInt(sec) * 1000000000n + BigInt((frac + '000000000').slice(0, 9));
}

// tshark's streams of the first transport header after the first IP header (as the meter
// sees packets), IP fragments left out: {tcp: Map(stream -> row), udp: Map}, each row
// {first_ns, packets, bytes, retrans, rtt_ns, sni, dns, host}.
function tsharkFlows(file) {
  const fields = ['frame.time_epoch', 'frame.protocols', 'tcp.stream', 'udp.stream', 'ip.len', 'ipv6.plen',
    'tcp.analysis.retransmission', 'tcp.analysis.initial_rtt', 'ip.flags.mf', 'ip.frag_offset', 'ipv6.fragment',
    'tls.handshake.extensions_server_name', 'dns.qry.name', 'http.host', 'tcp.analysis.duplicate_ack',
    'tcp.analysis.out_of_order', 'tcp.analysis.zero_window'];
  const out = tshark.run(['-n', '-r', file, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=f']
    .concat(...fields.map((f) => ['-e', f])), { encoding: 'latin1' });
  const tcp = new Map();
  const udp = new Map();
  for (const line of out.split('\n')) {
    const f = line.split('|');
    if (f.length < fields.length) continue;
    const protos = f[1].split(':');
    const ipAt = protos.findIndex((p) => p === 'ip' || p === 'ipv6');
    if (ipAt < 0) continue;
    const v6 = protos[ipAt] === 'ipv6';
    const transport = protos.slice(ipAt + 1).find((p) => !p.startsWith('ipv6.'));
    if (f[8] === '1' || (f[9] !== '' && f[9] !== '0') || f[10] !== '') continue;
    const bytes = v6 ? 40 + Number(f[5]) : Number(f[4]);
    const table = transport === 'tcp' ? tcp : transport === 'udp' ? udp : null;
    const stream = transport === 'tcp' ? f[2] : f[3];
    if (!table || stream === '' || !Number.isFinite(bytes)) continue;
    let row = table.get(stream);
    if (!row) {
      row = { first_ns: ns(f[0]), packets: 0, bytes: 0, retrans: 0, dup_acks: 0, out_of_order: 0, zero_window: 0,
        rtt_ns: 0, sni: null, dns: null, host: null };
      table.set(stream, row);
    }
    row.packets++;
    row.bytes += bytes;
    if (transport === 'tcp') {
      if (f[6] !== '') row.retrans++;
      if (f[14] !== '') row.dup_acks++;
      if (f[15] !== '') row.out_of_order++;
      if (f[16] !== '') row.zero_window++;
      if (row.rtt_ns === 0 && f[7] !== '') row.rtt_ns = Number(ns(f[7]));
    }
    if (f[11] && !row.sni) row.sni = f[11];
    if (f[12] && !row.dns) row.dns = f[12];
    if (f[13] && !row.host) row.host = f[13];
  }
  return { tcp, udp };
}

// `tshark -z conv,udp`: the number of UDP conversations.
function tsharkUdpConversations(file) {
  const out = tshark.run(['-n', '-q', '-r', file, '-z', 'conv,udp']);
  return out.split('\n').filter((l) => /<->/.test(l)).length;
}

module.exports = { FOREVER, readFlows, tsharkFlows, tsharkUdpConversations };
