'use strict';
// Hand-made TCP segments: raw node_pcap packets ({buf, header, link_type}) and decoded ones.
const path = require('path');
const ROOT = path.resolve(__dirname, '..', '..');

function ipv4Bytes(text) { return text.split('.').map(Number); }

function ipv6Bytes(text) {
  const parts = text.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
  const groups = head.concat(new Array(8 - head.length - tail.length).fill('0'), tail);
  const out = [];
  for (const g of groups) { const v = parseInt(g, 16); out.push(v >> 8, v & 255); }
  return out;
}


// seg: {src, dst (address text), sport, dport, seq, ack, flags: 'SA' style or array, data (Buffer|string),
//       wscale, v6, vlan (id), time (seconds, float), link ('eth'|'raw'|'sll'|'null'), truncate (bytes to cut)}
function frame(seg) {
  const v6 = seg.v6 !== undefined ? seg.v6 : seg.src.includes(':');
  const data = seg.data === undefined ? Buffer.alloc(0) : Buffer.from(seg.data);
  const opts = [];
  if (seg.wscale !== undefined) { opts.push(1, 3, 3, seg.wscale); }
  const tcpLen = 20 + opts.length;
  const tcp = Buffer.alloc(tcpLen + data.length);
  tcp.writeUInt16BE(seg.sport, 0);
  tcp.writeUInt16BE(seg.dport, 2);
  tcp.writeUInt32BE((seg.seq || 0) >>> 0, 4);
  tcp.writeUInt32BE((seg.ack || 0) >>> 0, 8);
  tcp[12] = (tcpLen / 4) << 4;
  let f = 0;
  const flags = seg.flags || 'A';
  for (const ch of flags) {
    f |= { F: 1, S: 2, R: 4, P: 8, A: 16, U: 32 }[ch] || 0;
  }
  tcp[13] = f;
  tcp.writeUInt16BE(65535, 14);
  Buffer.from(opts).copy(tcp, 20);
  data.copy(tcp, tcpLen);

  let ip;
  if (v6) {
    ip = Buffer.alloc(40);
    ip[0] = 0x60;
    ip.writeUInt16BE(tcp.length, 4);
    ip[6] = 6;
    ip[7] = 64;
    Buffer.from(ipv6Bytes(seg.src)).copy(ip, 8);
    Buffer.from(ipv6Bytes(seg.dst)).copy(ip, 24);
  } else {
    ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + tcp.length, 2);
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = 6;
    Buffer.from(ipv4Bytes(seg.src)).copy(ip, 12);
    Buffer.from(ipv4Bytes(seg.dst)).copy(ip, 16);
  }
  const l3 = Buffer.concat([ip, tcp]);
  const link = seg.link || 'eth';
  let buf, link_type;
  if (link === 'raw') {
    buf = l3;
    link_type = 'LINKTYPE_RAW';
  } else if (link === 'null') {
    buf = Buffer.concat([Buffer.from([v6 ? 30 : 2, 0, 0, 0]), l3]);
    link_type = 'LINKTYPE_NULL';
  } else if (link === 'sll') {
    const h = Buffer.alloc(16);
    h.writeUInt16BE(0, 0);
    h.writeUInt16BE(1, 2);
    h.writeUInt16BE(6, 4);
    h.writeUInt16BE(v6 ? 0x86dd : 0x0800, 14);
    buf = Buffer.concat([h, l3]);
    link_type = 'LINKTYPE_LINUX_SLL';
  } else if (link === 'sll2') {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(v6 ? 0x86dd : 0x0800, 0);
    h.writeUInt32BE(1, 4);
    h.writeUInt16BE(1, 8);
    h[11] = 6;
    buf = Buffer.concat([h, l3]);
    link_type = 'LINKTYPE_LINUX_SLL2';
  } else {
    const eth = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6];
    if (seg.vlan !== undefined) { eth.push(0x81, 0x00, (seg.vlan >> 8) & 0x0f, seg.vlan & 0xff); }
    eth.push(v6 ? 0x86 : 0x08, v6 ? 0xdd : 0x00);
    buf = Buffer.concat([Buffer.from(eth), l3]);
    link_type = 'LINKTYPE_ETHERNET';
  }
  const len = buf.length;
  if (seg.truncate) { buf = buf.subarray(0, buf.length - seg.truncate); }
  const header = Buffer.alloc(16);
  const time = seg.time === undefined ? 1000 : seg.time;
  const sec = Math.floor(time);
  header.writeUInt32LE(sec, 0);
  header.writeUInt32LE(Math.round((time - sec) * 1e6), 4);
  header.writeUInt32LE(buf.length, 8);
  header.writeUInt32LE(len, 12);
  return { buf, header, link_type };
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

module.exports = { frame, decode, conversation, ipv6Bytes };
