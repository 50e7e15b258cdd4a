'use strict';
// Test helper: the one tshark runner. `run(args)` starts tshark (its stderr dropped) and returns
// its output; everything else here builds arguments and parses output for the tests' references:
// per-file field rows (`fields`), TCP conversations (`streams`), and per-packet field values of
// a set of files in one tshark run (`perPacket`, for the decoder comparison). helpers/capture.js
// and helpers/tshark-fields.js are older names for parts of this module.
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const MAX_OUTPUT = 1 << 28;

// tshark's standard output for `args`. By default a failing tshark throws; with `lenient` its
// exit status is ignored (it complains about damaged files but still prints what it read).
// `encoding`: 'utf8' unless given ('latin1' keeps arbitrary bytes one character each).
function run(args, options) {
  const o = options || {};
  const encoding = o.encoding || 'utf8';
  if (o.lenient) {
    const r = childProcess.spawnSync('tshark', args, { encoding, maxBuffer: MAX_OUTPUT, stdio: ['ignore', 'pipe', 'ignore'] });
    return r.stdout || '';
  }
  return childProcess.execFileSync('tshark', args, { encoding, maxBuffer: MAX_OUTPUT, stdio: ['ignore', 'pipe', 'ignore'] });
}

// The same, without blocking (always lenient).
function runAsync(args, options) {
  const encoding = (options && options.encoding) || 'utf8';
  return new Promise((resolve) => {
    childProcess.execFile('tshark', args, { encoding, maxBuffer: MAX_OUTPUT }, (err, stdout) => resolve(stdout || ''));
  });
}

// True when tshark and mergecap run.
function available() {
  try {
    childProcess.execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    childProcess.execFileSync('mergecap', ['-v'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return false;
  }
}

// --- Field rows of one file -------------------------------------------------------------------

function fieldArgs(file, fields, filter) {
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  if (filter) { args.push('-Y', filter); }
  for (const f of fields) { args.push('-e', f); }
  return args;
}

function parseRows(out) {
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

// tshark's rows of `fields` (arrays of strings; occurrences joined with ','), lenient.
function fields(file, names, filter) {
  return parseRows(run(fieldArgs(file, names, filter), { lenient: true }));
}

function fieldsAsync(file, names, filter) {
  return runAsync(fieldArgs(file, names, filter)).then(parseRows);
}

// Files (of `files`) in which tshark sees TCP, checked in parallel.
async function filesWithTcp(files) {
  const out = [];
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const f = files[next++];
      if ((await fieldsAsync(f, ['frame.number'], 'tcp')).length > 0) { out.push(f); }
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  return out.sort();
}

// RFC 5952 text of an IPv6 address given in any form tshark prints.
function compressV6(text) {
  const net = require('net');
  if (!net.isIPv6(text)) { return text; }
  // expand, then compress like tcp_tracker does
  const parts = text.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
  const groups = head.concat(new Array(8 - head.length - tail.length).fill('0'), tail).map((g) => parseInt(g, 16));
  let bestStart = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) { j++; }
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) { out += '::'; i += bestLen - 1; continue; }
    if (out.length > 0 && !out.endsWith(':')) { out += ':'; }
    out += groups[i].toString(16);
  }
  return out;
}

// tshark's TCP conversations of a file: [{stream, a, b, bytes: {[endpoint]: n}, packets}]
// in order of first appearance. Endpoints use tcp_tracker's text form. Only TCP
// carried directly over the outermost IP layer (no UDP/GRE tunnels) is considered.
function streams(file) {
  const rows = fields(file, ['tcp.stream', 'tcp.len', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
    'tcp.srcport', 'tcp.dstport', 'frame.protocols'], 'tcp');
  const all = new Map();
  for (const r of rows) {
    const [stream, len, ipsrc, ipdst, v6src, v6dst, sport, dport, protos] = r;
    if (/:(udp|gre|icmp|icmpv6):/.test(':' + protos + ':')) { continue; }
    if (stream.includes(',')) { continue; }
    const pick = (s) => { const a = s.split(','); return a[a.length - 1]; };
    let src, dst;
    if (v6src && !ipsrc) {
      src = '[' + compressV6(pick(v6src)) + ']:' + sport;
      dst = '[' + compressV6(pick(v6dst)) + ']:' + dport;
    } else {
      src = pick(ipsrc) + ':' + sport;
      dst = pick(ipdst) + ':' + dport;
    }
    let s = all.get(stream);
    if (!s) {
      s = { stream: Number(stream), first: src, key: src < dst ? src + '-' + dst : dst + '-' + src, bytes: {}, packets: 0 };
      s.bytes[src] = 0;
      s.bytes[dst] = 0;
      all.set(stream, s);
    }
    s.packets++;
    s.bytes[src] += Number(len) || 0;
  }
  return [...all.values()];
}

// --- Per-packet fields of many files in one run (the decoder comparison) ---------------------
//
// The files are concatenated with mergecap (pcapng keeps each file's link type), so tshark
// starts once instead of once per file. Field values do not depend on the neighbouring files
// (checked against one tshark run per file); only some expert notes of reassembled protocols
// above TCP do.

const FIELDS = [
  'frame.number', 'frame.len', 'frame.cap_len', 'frame.protocols', '_ws.malformed', '_ws.expert.severity',
  'eth.dst', 'eth.src', 'eth.type', 'isl.dst', 'isl.src', 'vlan.id', 'vlan.etype', 'ieee8021ad.id',
  'sll.pkttype', 'sll.hatype', 'sll.halen', 'sll.src.eth', 'sll.etype', 'sll.ltype', 'sll.ifindex', 'null.family',
  'ip.src', 'ip.dst', 'ip.ttl', 'ip.id', 'ip.flags.rb', 'ip.flags.df', 'ip.flags.mf', 'ip.frag_offset',
  'ip.len', 'ip.proto', 'ip.hdr_len',
  'ipv6.src', 'ipv6.dst', 'ipv6.hlim', 'ipv6.nxt', 'ipv6.plen',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.ack', 'tcp.flags', 'tcp.window_size_value', 'tcp.hdr_len',
  'tcp.len', 'tcp.options.mss_val', 'tcp.options.wscale.shift', 'tcp.options.sack_perm',
  'tcp.options.sack.count', 'tcp.options.sack_le', 'tcp.options.sack_re', 'tcp.options.timestamp.tsval',
  'tcp.options.timestamp.tsecr',
  'udp.srcport', 'udp.dstport', 'udp.length',
  'icmp.type', 'icmp.code', 'icmp.ident', 'icmp.seq',
  'icmpv6.type', 'icmpv6.code', 'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number',
  'icmpv6.nd.ns.target_address', 'icmpv6.nd.na.target_address', 'icmpv6.nd.rd.target_address',
  'igmp.type', 'igmp.version', 'igmp.maddr',
  'arp.opcode', 'arp.hw.size', 'arp.proto.size', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.hw_mac',
  'arp.dst.proto_ipv4', 'arp.src.hw', 'arp.src.proto', 'arp.dst.hw', 'arp.dst.proto',
  'dns.id', 'dns.flags', 'dns.count.queries', 'dns.count.answers', 'dns.count.auth_rr', 'dns.count.add_rr',
  'dns.qry.name', 'dns.qry.type', 'dns.resp.name', 'dns.resp.type', 'dns.a', 'dns.aaaa', 'dns.ns',
  'dns.cname', 'dns.ptr.domain_name', 'dns.mx.preference', 'dns.mx.mail_exchange', 'dns.txt',
  'dns.soa.mname', 'dns.soa.rname', 'dns.soa.serial_number', 'dns.soa.refresh_interval',
  'dns.soa.retry_interval', 'dns.soa.expire_limit', 'dns.soa.minimum_ttl',
  'dns.srv.priority', 'dns.srv.weight', 'dns.srv.port', 'dns.srv.target'
];

// Decode each packet on its own, as the package does: no IP defragmentation
// (tshark then decodes a first fragment's transport header as we do), no TCP
// reassembly, absolute sequence numbers.
const PREFS = [
  'tcp.relative_sequence_numbers:FALSE', 'tcp.desegment_tcp_streams:FALSE', 'tcp.analyze_sequence_numbers:FALSE',
  'ip.defragment:FALSE', 'ipv6.defragment:FALSE'
];

const AGGREGATOR = '\x1f';
const EXPERT_ERROR = 0x800000;

// files: capture paths, in order. Returns one row per packet, in order: an object
// mapping each field name to the list of its occurrences (empty when absent).
function perPacket(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-tshark-'));
  try {
    const merged = path.join(dir, 'all.pcapng');
    childProcess.execFileSync('mergecap', ['-a', '-I', 'none', '-F', 'pcapng', '-w', merged].concat(files),
      { stdio: ['ignore', 'ignore', 'pipe'] });
    const args = ['-r', merged, '-n', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a',
      '-E', 'aggregator=' + AGGREGATOR, '-E', 'quote=n'];
    PREFS.forEach(function (p) { args.push('-o', p); });
    FIELDS.forEach(function (f) { args.push('-e', f); });
    return parsePerPacket(run(args));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function parsePerPacket(out) {
  const lines = out.split('\n');
  if (lines[lines.length - 1] === '') { lines.pop(); }
  return lines.map(function (line) {
    const cols = line.split('\t');
    const row = {};
    for (let i = 0; i < FIELDS.length; i++) {
      const c = cols[i];
      row[FIELDS[i]] = c === undefined || c === '' ? [] : c.split(AGGREGATOR);
    }
    return row;
  });
}

// True when tshark found the packet malformed or raised an error-level expert item.
function flagged(row) {
  if (row['_ws.malformed'].length > 0) { return true; }
  return row['_ws.expert.severity'].some(function (s) { return Number(s) >= EXPERT_ERROR; });
}

module.exports = {
  run, runAsync, available, fields, fieldsAsync, filesWithTcp, compressV6, streams,
  FIELDS, perPacket, flagged,
};
