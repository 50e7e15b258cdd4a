'use strict';
// Test helper: the one packet builder. Layer builders (eth, ipv4, ipv6, tcp, udp, and the link
// headers sll, sll2, nullHeader) return Buffers and nest: eth(0x0800, ipv4(6, tcp({...}, data))).
// `frame(seg)` builds a whole TCP segment on any link type from them as a raw node_pcap packet
// {buf, header, link_type}, and `conversation()` writes TCP exchanges with consistent sequence
// numbers. helpers/bytes.js and helpers/segments.js are older names for parts of this module.
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

// An option's value, or its default when not given (an explicit 0 is kept).
function opt(v, d) {
  return v === undefined ? d : v;
}

function hex(s) {
  return Buffer.from(s.replace(/[\s:.-]/g, ''), 'hex');
}

function u16(n) {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function ip4(s) {
  return Buffer.from(s.split('.').map(Number));
}

// The 16 bytes of an IPv6 address in any text form ('2001:db8::1'), as an array.
function ipv6Bytes(text) {
  const parts = text.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
  const groups = head.concat(new Array(8 - head.length - tail.length).fill('0'), tail);
  const out = [];
  for (const g of groups) { const v = parseInt(g, 16); out.push(v >> 8, v & 255); }
  return out;
}

// An address given as text or bytes.
function v4(a) { return Buffer.isBuffer(a) ? a : ip4(a); }
function v6(a) { return Buffer.isBuffer(a) ? a : Buffer.from(ipv6Bytes(a)); }

// opts: dst, src (hex text), tags (bytes of VLAN tags between the addresses and the type).
function eth(type, payload, opts) {
  opts = opts || {};
  return Buffer.concat([hex(opts.dst || '001122334466'), hex(opts.src || '001122334455'),
    opts.tags || Buffer.alloc(0), u16(type), payload]);
}

// One 802.1Q tag (TPID 0x8100) for eth's `tags`.
function vlanTag(id) {
  return Buffer.from([0x81, 0x00, (id >> 8) & 0x0f, id & 0xff]);
}

// Linux cooked headers and BSD loopback (LINKTYPE_NULL, host byte order: little-endian here).
function sll(type, payload) {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0, 0);
  h.writeUInt16BE(1, 2);
  h.writeUInt16BE(6, 4);
  h.writeUInt16BE(type, 14);
  return Buffer.concat([h, payload]);
}

function sll2(type, payload) {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0);
  h.writeUInt32BE(1, 4);
  h.writeUInt16BE(1, 8);
  h[11] = 6;
  return Buffer.concat([h, payload]);
}

function nullHeader(family, payload) {
  return Buffer.concat([Buffer.from([family, 0, 0, 0]), payload]);
}

// opts: tos, length (total; default header + payload), id, flags (3 bits), fragOffset (bytes),
// ttl, checksum, src, dst (text or bytes).
function ipv4(proto, payload, opts) {
  opts = opts || {};
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h[1] = opt(opts.tos, 0);
  h.writeUInt16BE(opt(opts.length, 20 + payload.length), 2);
  h.writeUInt16BE(opt(opts.id, 0x1234), 4);
  h.writeUInt16BE((opt(opts.flags, 0) << 13) | (opt(opts.fragOffset, 0) >> 3), 6);
  h[8] = opt(opts.ttl, 64);
  h[9] = proto;
  h.writeUInt16BE(opt(opts.checksum, 0xbeef), 10);
  v4(opts.src || '10.0.0.1').copy(h, 12);
  v4(opts.dst || '10.0.0.2').copy(h, 16);
  return Buffer.concat([h, payload]);
}

const V6_SRC = hex('20010db8000000000000000000000001');
const V6_DST = hex('20010db8000000000000000000000002');

// opts: tc, flow, plen (default: the payload's length), hops, src, dst (text or bytes).
function ipv6(next, payload, opts) {
  opts = opts || {};
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000 | (opt(opts.tc, 0) << 20) | opt(opts.flow, 0));
  h.writeUInt16BE(opt(opts.plen, payload.length), 4);
  h[6] = next;
  h[7] = opt(opts.hops, 64);
  v6(opts.src || V6_SRC).copy(h, 8);
  v6(opts.dst || V6_DST).copy(h, 24);
  return Buffer.concat([h, payload]);
}

// opts: sport, dport, seq, ack, flags (letters of "FSRPAUEC": fin syn rst psh ack urg ece cwr),
// win, csum, urg, options (bytes, a multiple of 4).
function tcp(opts, data) {
  opts = opts || {};
  data = data || Buffer.alloc(0);
  const options = opts.options || Buffer.alloc(0);
  const hl = 20 + options.length;
  const h = Buffer.alloc(20);
  h.writeUInt16BE(opt(opts.sport, 443), 0);
  h.writeUInt16BE(opt(opts.dport, 5000), 2);
  h.writeUInt32BE(opt(opts.seq, 1000) >>> 0, 4);
  h.writeUInt32BE(opt(opts.ack, 0) >>> 0, 8);
  h[12] = (hl / 4) << 4;
  let f = 0;
  const letters = 'FSRPAUEC';
  for (let i = 0; i < letters.length; i++) {
    if ((opts.flags || '').indexOf(letters[i]) >= 0) { f |= 1 << i; }
  }
  h[13] = f;
  h.writeUInt16BE(opt(opts.win, 512), 14);
  h.writeUInt16BE(opt(opts.csum, 0x1111), 16);
  h.writeUInt16BE(opt(opts.urg, 0), 18);
  return Buffer.concat([h, options, data]);
}

function udp(sport, dport, data) {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + data.length, 4);
  h.writeUInt16BE(0x2222, 6);
  return Buffer.concat([h, data]);
}

// The 16-byte pcap record header (little-endian); time in seconds (default 1700000000.123456).
function header(len, caplen, time) {
  const h = Buffer.alloc(16);
  let sec = 1700000000, usec = 123456;
  if (time !== undefined) {
    sec = Math.floor(time);
    usec = Math.round((time - sec) * 1e6);
  }
  h.writeUInt32LE(sec, 0);
  h.writeUInt32LE(usec, 4);
  h.writeUInt32LE(caplen === undefined ? len : caplen, 8);
  h.writeUInt32LE(len, 12);
  return h;
}

function pkt(link_type, buf) {
  return { buf: buf, header: header(buf.length), link_type: link_type };
}

// DNS name in wire format (no compression)
function dnsName(name) {
  const parts = name ? name.split('.') : [];
  const out = [];
  parts.forEach(function (p) { out.push(Buffer.from([p.length]), Buffer.from(p, 'latin1')); });
  out.push(Buffer.from([0]));
  return Buffer.concat(out);
}

// A TCP segment as a raw node_pcap packet.
// seg: {src, dst (address text), sport, dport, seq, ack, flags: 'SA' style, data (Buffer|string),
//       wscale, v6, vlan (id), time (seconds, float), link ('eth'|'raw'|'sll'|'sll2'|'null'),
//       truncate (bytes to cut from the capture)}
// Fixed fields: IPv4 id 0, DF, TTL 64, checksums 0; TCP window 65535.
function frame(seg) {
  const isV6 = seg.v6 !== undefined ? seg.v6 : seg.src.includes(':');
  const data = seg.data === undefined ? Buffer.alloc(0) : Buffer.from(seg.data);
  const options = seg.wscale !== undefined ? Buffer.from([1, 3, 3, seg.wscale]) : undefined;
  const t = tcp({ sport: seg.sport || 0, dport: seg.dport || 0, seq: seg.seq || 0, ack: seg.ack || 0,
    flags: seg.flags || 'A', win: 65535, csum: 0, options }, data);
  const type = isV6 ? 0x86dd : 0x0800;
  const l3 = isV6 ? ipv6(6, t, { src: seg.src, dst: seg.dst }) :
    ipv4(6, t, { id: 0, flags: 2, checksum: 0, src: seg.src, dst: seg.dst });
  const link = seg.link || 'eth';
  let buf, link_type;
  if (link === 'raw') {
    buf = l3;
    link_type = 'LINKTYPE_RAW';
  } else if (link === 'null') {
    buf = nullHeader(isV6 ? 30 : 2, l3);
    link_type = 'LINKTYPE_NULL';
  } else if (link === 'sll') {
    buf = sll(type, l3);
    link_type = 'LINKTYPE_LINUX_SLL';
  } else if (link === 'sll2') {
    buf = sll2(type, l3);
    link_type = 'LINKTYPE_LINUX_SLL2';
  } else {
    buf = eth(type, l3, { dst: '000102030405', src: '000102030406',
      tags: seg.vlan !== undefined ? vlanTag(seg.vlan) : undefined });
    link_type = 'LINKTYPE_ETHERNET';
  }
  const len = buf.length;
  if (seg.truncate) { buf = buf.subarray(0, buf.length - seg.truncate); }
  return { buf, header: header(len, buf.length, seg.time === undefined ? 1000 : seg.time), link_type };
}

function decode(raw) {
  return require(path.join(ROOT, 'decode')).decode.packet(raw);
}

// A little TCP conversation writer: keeps sequence numbers for both sides.
// conn.c(flags, data) sends from the client, conn.s(...) from the server; returns segments.
function conversation(opts) {
  const o = Object.assign({ client: '10.0.0.1', server: '10.0.0.2', cport: 40000, sport: 80,
    cisn: 1000, sisn: 5000, time: 1000, step: 0.001 }, opts);
  let cseq = o.cisn >>> 0, sseq = o.sisn >>> 0, time = o.time;
  const segs = [];
  function send(fromClient, flags, data, extra) {
    data = data === undefined ? Buffer.alloc(0) : Buffer.from(data);
    const seg = Object.assign({
      src: fromClient ? o.client : o.server, dst: fromClient ? o.server : o.client,
      sport: fromClient ? o.cport : o.sport, dport: fromClient ? o.sport : o.cport,
      seq: fromClient ? cseq : sseq, ack: flags.includes('A') ? (fromClient ? sseq : cseq) : 0,
      flags, data, time, vlan: o.vlan, link: o.link,
    }, extra || {});
    const adv = data.length + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0);
    if (fromClient) { cseq = (cseq + adv) >>> 0; } else { sseq = (sseq + adv) >>> 0; }
    time += o.step;
    segs.push(seg);
    return seg;
  }
  return {
    segs,
    c: (flags, data, extra) => send(true, flags, data, extra),
    s: (flags, data, extra) => send(false, flags, data, extra),
    handshake() { send(true, 'S'); send(false, 'SA'); send(true, 'A'); return this; },
    close() { send(true, 'FA'); send(false, 'FA'); send(true, 'A'); return this; },
    get cseq() { return cseq; },
    get sseq() { return sseq; },
  };
}

module.exports = {
  hex, u16, u32, ip4, ipv6Bytes, eth, vlanTag, sll, sll2, nullHeader, ipv4, ipv6, tcp, udp,
  header, pkt, dnsName, V6_SRC, V6_DST, frame, decode, conversation,
};
