'use strict';
// Test helpers: read capture files with the engine and decode them; tshark references.
const { spawnSync, execFile } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

// All packets of a capture file as node_pcap raw packets {buf, header, link_type}.
function readRaw(file) {
  const pcap = require(ROOT);
  return new Promise((resolve, reject) => {
    let session;
    try {
      session = pcap.createOfflineSession(file);
    } catch (e) {
      reject(e);
      return;
    }
    const out = [];
    session.on('packet', (raw) => {
      // copy: do not depend on buffer lifetime here
      out.push({ buf: Buffer.from(raw.buf), header: Buffer.from(raw.header), link_type: raw.link_type });
    });
    session.on('error', reject);
    session.on('complete', () => resolve(out));
  });
}

async function readDecoded(file) {
  const { decode } = require(path.join(ROOT, 'decode'));
  const raws = await readRaw(file);
  return raws.map((raw) => decode.packet(raw));
}

function tsharkArgs(file, fields, filter) {
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  if (filter) { args.push('-Y', filter); }
  for (const f of fields) { args.push('-e', f); }
  return args;
}

function parseRows(out) {
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

// tshark's rows (its exit status is ignored: it complains about damaged files but
// still prints what it read).
function tshark(file, fields, filter) {
  const r = spawnSync('tshark', tsharkArgs(file, fields, filter), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  return parseRows(r.stdout || '');
}

function tsharkAsync(file, fields, filter) {
  return new Promise((resolve) => {
    execFile('tshark', tsharkArgs(file, fields, filter), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => resolve(parseRows(stdout || '')));
  });
}

// Files (of `files`) in which tshark sees TCP, checked in parallel.
async function filesWithTcp(files) {
  const out = [];
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const f = files[next++];
      if ((await tsharkAsync(f, ['frame.number'], 'tcp')).length > 0) { out.push(f); }
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
function tsharkStreams(file) {
  const rows = tshark(file, ['tcp.stream', 'tcp.len', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
    'tcp.srcport', 'tcp.dstport', 'frame.protocols'], 'tcp');
  const streams = new Map();
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
    let s = streams.get(stream);
    if (!s) {
      s = { stream: Number(stream), first: src, key: src < dst ? src + '-' + dst : dst + '-' + src, bytes: {}, packets: 0 };
      s.bytes[src] = 0;
      s.bytes[dst] = 0;
      streams.set(stream, s);
    }
    s.packets++;
    s.bytes[src] += Number(len) || 0;
  }
  return [...streams.values()];
}

module.exports = { ROOT, readRaw, readDecoded, tshark, tsharkStreams, compressV6, filesWithTcp };
