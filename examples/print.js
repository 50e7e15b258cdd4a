#!/usr/bin/env node
'use strict';

// A tcpdump-like packet printer: one line per packet (node_pcap's decoded packet as text),
// then a summary: packet count, packets per protocol and the capture's drop counters.
//
//   sudo node examples/print.js -i lo 'tcp port 8080'
//   node examples/print.js -r examples/data/sample.pcap -c 10

const cli = require('./lib/cli');
const { escapeText } = require('./lib/escape');

const PROG = 'print';
const OPTIONS = cli.CAPTURE_OPTIONS.concat([
  { name: 'count', short: 'c', arg: 'N', number: true, help: 'stop after N packets' },
  { name: 'write', short: 'w', arg: 'FILE', help: 'also write the packets to FILE (pcap)' },
  { name: 'no-time', short: 't', help: 'do not print a timestamp at the start of each line' },
  { name: 'quiet', short: 'q', help: 'print only the summary' },
]);

// Decoder names as people write them.
const NAMES = {
  'ethernet-packet': 'Ethernet', 'null-packet': 'NULL', 'ssl-packet': 'SLL', 'sll2-packet': 'SLL2',
  vlan: 'VLAN', llc: 'LLC', ipv4: 'IPv4', ipv6: 'IPv6', arp: 'ARP', tcp: 'TCP', udp: 'UDP',
  icmp: 'ICMP', icmpv6: 'ICMPv6', igmp: 'IGMP', dns: 'DNS',
};

function layerNames(packet) {
  const names = [];
  let layer = packet.payload;
  for (let depth = 0; depth < 10 && layer !== null && typeof layer === 'object' && !Buffer.isBuffer(layer); depth++) {
    const n = layer.decoderName || (layer.constructor && layer.constructor.name);
    if (!n || n === 'Object') { break; }
    names.push(NAMES[n] || n);
    if (n === 'udp' && (layer.sport === 53 || layer.dport === 53)) { names.push('DNS'); }
    layer = layer.payload;
  }
  return names;
}

cli.run(PROG, 'print.js [-i IFACE | -r FILE] [options] [BPF filter]',
  'Prints each packet on one line, as pcap.decode.packet(raw).toString() describes it,\n' +
  'then a summary (on stderr): packets, packets per protocol, drops. Ctrl-C stops a live capture.',
  OPTIONS, (opts, rest) => {
    const pcap = cli.loadPcap();
    const filter = [opts.filter || '', rest.join(' ')].filter(Boolean).join(' and ');
    const counts = new Map();
    let packets = 0;
    const out = [];
    const flush = () => { if (out.length) { process.stdout.write(out.join('')); out.length = 0; } };

    const run = cli.openSession(PROG, pcap, opts, filter, (raw) => {
      packets++;
      const packet = pcap.decode.packet(raw);
      for (const n of layerNames(packet)) { counts.set(n, (counts.get(n) || 0) + 1); }
      if (!opts.quiet) {
        // toString() escapes the packet bytes it shows (DNS names, TXT); escapeText covers the rest
        // (a decoder registered by a user, say) so that nothing printed can drive the terminal.
        const text = escapeText(String(packet).replace(/\s*\n\s*/g, ' '));
        out.push((opts['no-time'] ? '' : cli.timeText(packet.pcap_header) + ' ') + text + '\n');
        if (out.length >= 256) { flush(); }
      }
      if (opts.count !== undefined && packets >= opts.count) { run.stop(); }
    }, (info) => {
      flush();
      const lines = [];
      lines.push(packets + ' packet' + (packets === 1 ? '' : 's') + (info.live ? ' captured' : ' read'));
      const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      lines.push('protocols: ' + (sorted.length ? sorted.map(([k, v]) => k + ' ' + v).join(', ') : 'none'));
      lines.push(cli.dropsText(info.stats));
      process.stderr.write(lines.join('\n') + '\n');
    });
  });
