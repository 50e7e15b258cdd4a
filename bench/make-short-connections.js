'use strict';

// Synthesizes a capture of many short TCP connections (HTTP-like request/response), for the
// tracker's memory benchmark (bench/tracker-memory.js).
//
// Usage: node bench/make-short-connections.js [out.pcap] [connections] [concurrency] [v6share]
// (defaults: bench/data/short-connections.pcap, 1000000, 64, 0.25).
//
// Each connection is 8 Ethernet frames: SYN, SYN/ACK, ACK, request, response, FIN/ACK from
// the client, FIN/ACK from the server, ACK. The SYNs carry MSS/SACK-permitted/timestamp/window
// scale options and the other segments a timestamp option, as Linux sends them; IPv4 header and
// TCP checksums are valid. `concurrency` connections are open at a time and their packets are
// interleaved; the clock advances 10 µs per packet (1 M connections span 80 s, longer than the
// tracker's default timeWait). Clients are 256 IPv4 addresses (10.1.0.0/24 range) and
// 256 IPv6 addresses (fd00:1::/120) cycling through ephemeral ports 32768-60999, so port pairs
// get reused, as on a busy host; servers are 10.0.0.80:80 and [fd00::80]:80.
const fs = require('fs');
const path = require('path');
const pcap = require(path.resolve(__dirname, '..'));

const out = path.resolve(process.argv[2] || path.join(__dirname, 'data', 'short-connections.pcap'));
const total = Number(process.argv[3] || 1000000);
const concurrency = Number(process.argv[4] || 64);
const v6share = process.argv[5] === undefined ? 0.25 : Number(process.argv[5]);
const STEP_US = 10;

fs.mkdirSync(path.dirname(out), { recursive: true });
const writer = pcap.createWriter(out, { link_type: 'LINKTYPE_ETHERNET' });

const CLIENT_MAC = Buffer.from([0x02, 0, 0, 0, 0, 0x01]);
const SERVER_MAC = Buffer.from([0x02, 0, 0, 0, 0, 0x02]);
const SERVER4 = Buffer.from([10, 0, 0, 80]);
const SERVER6 = Buffer.from([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]);

function sum16(buf, start, end, acc) {
  let s = acc;
  let i = start;
  for (; i + 1 < end; i += 2) { s += (buf[i] << 8) | buf[i + 1]; }
  if (i < end) { s += buf[i] << 8; }
  return s;
}

function fold(s) {
  while (s > 0xffff) { s = (s & 0xffff) + Math.floor(s / 0x10000); }
  return (~s) & 0xffff;
}

let seed = 12345;
function rand32() {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}

// One frame. c: connection, fromClient, flags (TCP flag byte), seq, ack, payload, syn (SYN options)
function frame(c, fromClient, flags, seq, ack, payload, now) {
  const v6 = c.v6;
  const optLen = (flags & 0x02) ? 20 : 12;
  const tcpLen = 20 + optLen;
  const ipLen = v6 ? 40 : 20;
  const dataLen = payload ? payload.length : 0;
  const buf = Buffer.alloc(14 + ipLen + tcpLen + dataLen);
  (fromClient ? SERVER_MAC : CLIENT_MAC).copy(buf, 0);
  (fromClient ? CLIENT_MAC : SERVER_MAC).copy(buf, 6);
  buf.writeUInt16BE(v6 ? 0x86dd : 0x0800, 12);
  const ip = 14;
  const src = fromClient ? c.addr : (v6 ? SERVER6 : SERVER4);
  const dst = fromClient ? (v6 ? SERVER6 : SERVER4) : c.addr;
  if (v6) {
    buf[ip] = 0x60;
    buf.writeUInt16BE(tcpLen + dataLen, ip + 4);
    buf[ip + 6] = 6;
    buf[ip + 7] = 64;
    src.copy(buf, ip + 8);
    dst.copy(buf, ip + 24);
  } else {
    buf[ip] = 0x45;
    buf.writeUInt16BE(20 + tcpLen + dataLen, ip + 2);
    buf.writeUInt16BE((c.ipid++) & 0xffff, ip + 4);
    buf[ip + 6] = 0x40; // DF
    buf[ip + 8] = 64;
    buf[ip + 9] = 6;
    src.copy(buf, ip + 12);
    dst.copy(buf, ip + 16);
    buf.writeUInt16BE(fold(sum16(buf, ip, ip + 20, 0)), ip + 10);
  }
  const t = ip + ipLen;
  buf.writeUInt16BE(fromClient ? c.port : 80, t);
  buf.writeUInt16BE(fromClient ? 80 : c.port, t + 2);
  buf.writeUInt32BE(seq >>> 0, t + 4);
  buf.writeUInt32BE(ack >>> 0, t + 8);
  buf[t + 12] = (tcpLen / 4) << 4;
  buf[t + 13] = flags;
  buf.writeUInt16BE(flags & 0x02 ? 65483 : 512, t + 14); // window
  let o = t + 20;
  const tsval = Math.floor(now / 1000) % 0x100000000; // ms clock
  if (flags & 0x02) { // MSS, SACK permitted, timestamps, NOP, window scale 7
    buf[o++] = 2; buf[o++] = 4; buf.writeUInt16BE(65495, o); o += 2;
    buf[o++] = 4; buf[o++] = 2;
    buf[o++] = 8; buf[o++] = 10; buf.writeUInt32BE(tsval, o); buf.writeUInt32BE(fromClient ? 0 : c.cts, o + 4); o += 8;
    buf[o++] = 1;
    buf[o++] = 3; buf[o++] = 3; buf[o++] = 7;
  } else { // NOP, NOP, timestamps
    buf[o++] = 1; buf[o++] = 1;
    buf[o++] = 8; buf[o++] = 10; buf.writeUInt32BE(tsval, o); buf.writeUInt32BE(fromClient ? c.sts : c.cts, o + 4); o += 8;
  }
  if (fromClient) { c.cts = tsval; } else { c.sts = tsval; }
  if (payload) { payload.copy(buf, o); }
  // TCP checksum over the pseudo-header and the segment
  let s = v6 ? sum16(buf, ip + 8, ip + 40, 0) : sum16(buf, ip + 12, ip + 20, 0);
  s += 6 + tcpLen + dataLen;
  s = sum16(buf, t, buf.length, s);
  buf.writeUInt16BE(fold(s), t + 16);

  const header = Buffer.alloc(16);
  header.writeUInt32LE(Math.floor(now / 1e6), 0);
  header.writeUInt32LE(now % 1e6, 4);
  header.writeUInt32LE(buf.length, 8);
  header.writeUInt32LE(buf.length, 12);
  writer.write({ buf, header });
}

const PATHS = ['/', '/index.html', '/api/v1/items?page=2', '/static/app.js', '/favicon.ico'];
let started = 0;
let clientIndex = 0;
const nextPort = new Uint16Array(512).fill(32768);

function newConnection() {
  const v6 = rand32() / 2 ** 32 < v6share;
  const n = clientIndex++ & 255;
  const addr = v6
    ? Buffer.from([0xfd, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n])
    : Buffer.from([10, 1, 0, n]);
  const slot = (v6 ? 256 : 0) + n;
  const port = nextPort[slot];
  nextPort[slot] = port >= 60999 ? 32768 : port + 1;
  const p = PATHS[started % PATHS.length];
  const request = Buffer.from('GET ' + p + ' HTTP/1.1\r\nHost: example.test\r\nUser-Agent: bench/1.0\r\nAccept: */*\r\n\r\n');
  const body = 'x'.repeat(20 + (started % 200));
  const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ' + body.length +
    '\r\nConnection: close\r\n\r\n' + body);
  started++;
  return { v6, addr, port, cisn: rand32(), sisn: rand32(), step: 0, ipid: rand32() & 0xffff, cts: 0, sts: 0, request, response };
}

// Emits the connection's next packet; returns false when it is done.
function step(c, now) {
  const q = c.request.length;
  const r = c.response.length;
  const C = c.cisn;
  const S = c.sisn;
  switch (c.step++) {
    case 0: frame(c, true, 0x02, C, 0, null, now); return true;                               // SYN
    case 1: frame(c, false, 0x12, S, C + 1, null, now); return true;                          // SYN/ACK
    case 2: frame(c, true, 0x10, C + 1, S + 1, null, now); return true;                       // ACK
    case 3: frame(c, true, 0x18, C + 1, S + 1, c.request, now); return true;                  // request
    case 4: frame(c, false, 0x18, S + 1, C + 1 + q, c.response, now); return true;            // response
    case 5: frame(c, true, 0x11, C + 1 + q, S + 1 + r, null, now); return true;               // FIN/ACK
    case 6: frame(c, false, 0x11, S + 1 + r, C + 2 + q, null, now); return true;              // FIN/ACK
    case 7: frame(c, true, 0x10, C + 2 + q, S + 2 + r, null, now); return false;              // ACK
  }
  return false;
}

let now = 1700000000 * 1e6; // µs
const open = [];
let packets = 0;
const t0 = Date.now();
while (started < total || open.length > 0) {
  while (open.length < concurrency && started < total) { open.push(newConnection()); }
  // round robin with a little randomness, so connections interleave unevenly
  const i = rand32() % open.length;
  const more = step(open[i], now);
  now += STEP_US;
  packets++;
  if (!more) {
    open[i] = open[open.length - 1];
    open.pop();
  }
  if (packets % 1000000 === 0) { process.stderr.write('.'); }
}
writer.close();
process.stderr.write('\n');
console.log(JSON.stringify({ out, connections: total, packets, seconds: (Date.now() - t0) / 1000 }));
