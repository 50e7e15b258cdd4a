'use strict';
// Test helper: run tshark once over a set of capture files and return its
// per-packet field values, for the differential test against tshark.
//
// The files are concatenated with mergecap (pcapng keeps each file's link type),
// so tshark starts once instead of once per file. Field values do not depend on
// the neighbouring files (checked against one tshark run per file); only some
// expert notes of reassembled protocols above TCP do.
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

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

function available() {
  try {
    childProcess.execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    childProcess.execFileSync('mergecap', ['-v'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return false;
  }
}

// files: capture paths, in order. Returns one row per packet, in order: an object
// mapping each field name to the list of its occurrences (empty when absent).
function run(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-tshark-'));
  try {
    const merged = path.join(dir, 'all.pcapng');
    childProcess.execFileSync('mergecap', ['-a', '-I', 'none', '-F', 'pcapng', '-w', merged].concat(files),
      { stdio: ['ignore', 'ignore', 'pipe'] });
    const args = ['-r', merged, '-n', '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a',
      '-E', 'aggregator=' + AGGREGATOR, '-E', 'quote=n'];
    PREFS.forEach(function (p) { args.push('-o', p); });
    FIELDS.forEach(function (f) { args.push('-e', f); });
    const out = childProcess.execFileSync('tshark', args,
      { maxBuffer: 1 << 28, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return parse(out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function parse(out) {
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

module.exports = { FIELDS: FIELDS, available: available, run: run, flagged: flagged };
