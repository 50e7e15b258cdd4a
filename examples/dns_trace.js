#!/usr/bin/env node
'use strict';

// DNS queries and answers, over UDP and over TCP (RFC 1035 section 4.2.2 length-prefixed
// messages on reassembled streams), with the time each answer took.
//
//   sudo node examples/dns_trace.js -i any
//   node examples/dns_trace.js -r examples/data/sample.pcap

const cli = require('./lib/cli');
const { escapeText, jsonText } = require('./lib/escape');
const DNS = require('../decode/dns');
const TCPTracker = require('../tcp_tracker').TCPTracker;

const PROG = 'dns_trace';
const OPTIONS = cli.CAPTURE_OPTIONS.concat([
  { name: 'port', short: 'p', arg: 'PORT', multi: true, help: 'DNS server port (repeatable; default 53)' },
  { name: 'name', short: 'n', arg: 'REGEX', help: 'only queries and answers whose question name matches REGEX' },
  { name: 'answers', short: 'a', help: 'print answers only (no query lines)' },
  { name: 'count', short: 'c', arg: 'N', number: true, help: 'stop after N DNS messages' },
]);

const TYPES = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV',
  39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 255: 'ANY', 257: 'CAA',
};
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

function typeName(n) { return TYPES[n] || 'TYPE' + n; }

function v6Text(addr) {
  const s = String(addr);
  if (s.indexOf('::') !== -1 || s.split(':').length !== 8) { return s; }
  const g = s.split(':').map((x) => parseInt(x, 16).toString(16));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === '0') { j++; }
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best === -1) { return g.join(':'); }
  return g.slice(0, best).join(':') + '::' + g.slice(best + bestLen).join(':');
}

function rdataText(rr) {
  const d = rr.rdata;
  if (d === null || d === undefined) { return '?'; }
  if (rr.type === 28) { return v6Text(d); }
  if (Array.isArray(d)) { return d.map((x) => jsonText(x)).join(' '); }
  return String(d);
}

// IP and transport layers of a decoded packet, whatever the link type.
function layers(packet) {
  let l = packet.payload;
  for (let i = 0; i < 8 && l && typeof l === 'object'; i++) {
    const n = l.decoderName;
    if (n === 'ipv4' || n === 'ipv6') {
      const t = l.payload;
      if (!t || typeof t !== 'object') { return null; }
      const v6 = n === 'ipv6';
      return { ip: l, t, v6, src: v6 ? v6Text(l.saddr) : String(l.saddr), dst: v6 ? v6Text(l.daddr) : String(l.daddr) };
    }
    l = l.payload;
  }
  return null;
}

function endpoint(v6, addr, port) { return v6 ? '[' + addr + ']:' + port : addr + ':' + port; }

cli.run(PROG, 'dns_trace.js [-i IFACE | -r FILE] [options] [BPF filter]',
  'Prints DNS queries and answers (UDP and TCP), matching each answer to its query\n' +
  'to show how long it took. Answers are decoded with pcap/decode/dns.',
  OPTIONS, (opts, rest) => {
    const pcap = cli.loadPcap();
    const ports = new Set();
    for (const p of opts.port || ['53']) {
      if (!/^\d{1,5}$/.test(p) || +p > 65535) { throw cli.usageError('--port wants a port number, not ' + JSON.stringify(p)); }
      ports.add(+p);
    }
    let nameRe = null;
    if (opts.name !== undefined) {
      try { nameRe = new RegExp(opts.name, 'i'); } catch (e) { throw cli.usageError('--name: ' + e.message); }
    }
    const parts = ['(udp or tcp) and (' + [...ports].map((p) => 'port ' + p).join(' or ') + ')'];
    if (opts.filter) { parts.push('(' + opts.filter + ')'); }
    if (rest.length) { parts.push('(' + rest.join(' ') + ')'); }
    const filter = parts.join(' and ');

    const pendingQueries = new Map(); // "client|server|id" -> capture time
    const counts = { queries: 0, answers: 0, unanswered: 0, malformed: 0 };
    let messages = 0;
    const out = [];
    const flush = () => { if (out.length) { process.stdout.write(out.join('')); out.length = 0; } };
    let run = null;

    // One DNS message from `from` to `to` (endpoint text), at capture time `t`.
    const message = (buf, from, to, fromPort, t, proto) => {
      const dns = new DNS().decode(buf, 0);
      if (!dns.header) { counts.malformed++; return; }
      const q = dns.question && dns.question.rrs[0];
      const qname = q ? q.name || '.' : '?';
      if (nameRe && !nameRe.test(qname)) { return; }
      const qtype = q ? typeName(q.type) : '?';
      const tag = proto === 'tcp' ? ' [tcp]' : '';
      messages++;
      if (!dns.header.isResponse) {
        counts.queries++;
        pendingQueries.set(from + '|' + to + '|' + dns.id, t);
        if (pendingQueries.size > 100000) { pendingQueries.delete(pendingQueries.keys().next().value); }
        if (!opts.answers) {
          out.push(escapeText(cli.secondsText(t) + ' ' + from + ' -> ' + to + ' query #' + dns.id + ' ' + qtype + ' ' + qname + tag) + '\n');
        }
      } else {
        counts.answers++;
        const key = to + '|' + from + '|' + dns.id;
        const qt = pendingQueries.get(key);
        pendingQueries.delete(key);
        const rcode = RCODES[dns.header.responseCode] || 'RCODE' + dns.header.responseCode;
        const answers = dns.answer ? dns.answer.rrs.filter(Boolean).map((rr) => typeName(rr.type) + ' ' + rdataText(rr)) : [];
        let line = cli.secondsText(t) + ' ' + from + ' -> ' + to + ' answer #' + dns.id + ' ' + qtype + ' ' + qname + ' ' + rcode;
        if (dns.header.isTruncated) { line += ' truncated'; }
        line += answers.length ? ': ' + answers.join(', ') : '';
        line += qt !== undefined ? ' (' + ((t - qt) * 1000).toFixed(3) + ' ms)' : '';
        if (dns._error) { line += ' [malformed: ' + dns._error + ']'; counts.malformed++; }
        out.push(escapeText(line + tag) + '\n');
      }
      if (out.length >= 64) { flush(); }
      if (opts.count !== undefined && messages >= opts.count && run) { run.stop(); }
    };

    // DNS over TCP: each direction is a sequence of (2-byte length, message).
    const tcp = new TCPTracker({ reassemble: true });
    tcp.on('session', (session) => {
      const srcPort = +session.src.slice(session.src.lastIndexOf(':') + 1);
      const dstPort = +session.dst.slice(session.dst.lastIndexOf(':') + 1);
      if (!ports.has(srcPort) && !ports.has(dstPort)) { return; }
      const bufs = { send: Buffer.alloc(0), recv: Buffer.alloc(0) };
      const broken = { send: false, recv: false };
      const onData = (dir) => (s, data) => {
        if (broken[dir]) { return; }
        let b = bufs[dir].length ? Buffer.concat([bufs[dir], data]) : data;
        while (b.length >= 2) {
          const n = b.readUInt16BE(0);
          if (b.length < 2 + n) { break; }
          const from = dir === 'send' ? s.src : s.dst;
          const to = dir === 'send' ? s.dst : s.src;
          message(b.subarray(2, 2 + n), from, to, dir === 'send' ? srcPort : dstPort, s.current_cap_time, 'tcp');
          b = b.subarray(2 + n);
        }
        bufs[dir] = b.length ? Buffer.from(b) : Buffer.alloc(0);
        if (bufs[dir].length > 70000) { broken[dir] = true; } // not DNS
      };
      session.on('data send', onData('send'));
      session.on('data recv', onData('recv'));
      session.on('gap', (s, dir) => { broken[dir] = true; });
    });

    run = cli.openSession(PROG, pcap, opts, filter, (raw) => {
      const packet = pcap.decode.packet(raw);
      const l = layers(packet);
      if (l === null) { return; }
      const t = packet.pcap_header.tv_sec + packet.pcap_header.tv_usec / 1e6;
      if (l.t.decoderName === 'udp') {
        const u = l.t;
        if (!(ports.has(u.sport) || ports.has(u.dport)) || !u.data) { return; }
        message(u.data, endpoint(l.v6, l.src, u.sport), endpoint(l.v6, l.dst, u.dport), u.sport, t, 'udp');
      } else if (l.t.decoderName === 'tcp') {
        tcp.track_packet(packet);
      }
    }, (info) => {
      tcp.close();
      counts.unanswered = pendingQueries.size;
      flush();
      process.stderr.write(counts.queries + ' queries, ' + counts.answers + ' answers, ' + counts.unanswered +
        ' unanswered, ' + counts.malformed + ' malformed; ' + cli.dropsText(info.stats) + '\n');
    });
  });
