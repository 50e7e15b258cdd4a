'use strict';

// Connection endpoints: their text ("10.0.0.1:80", "[::1]:8080"), the int32 words a packet's
// endpoints are compared and hashed by (no strings per packet), and a per-tracker cache of
// address texts.

function ipv4Text(a) {
  return a[0] + '.' + a[1] + '.' + a[2] + '.' + a[3];
}

// RFC 5952 compressed form (lowercase, no leading zeros, longest zero run as "::").
function ipv6Text(a) {
  const g = new Array(8);
  for (let i = 0; i < 8; i++) { g[i] = (a[2 * i] << 8) | a[2 * i + 1]; }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) { j++; }
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out.length > 0 && out[out.length - 1] !== ':') { out += ':'; }
    out += g[i].toString(16);
  }
  return out;
}

function endpointText(isV6, addr, port) {
  const a = addr && addr.addr;
  if (!a) { return String(addr) + ':' + port; }
  return isV6 ? '[' + ipv6Text(a) + ']:' + port : ipv4Text(a) + ':' + port;
}

// Session lookup without building strings. A packet's endpoints are written into its
// Parsed record as int32 values (small integers, no allocation): the source and
// destination address words a0-a3 / b0-b3 (an IPv4 address is word 0, the others 0)
// and the ports (sport << 16 | dport). The hash is the same in both directions.
function fillEndpoints(p) {
  const s = p.ip.saddr.addr;
  const d = p.ip.daddr.addr;
  if (p.v6) {
    p.a0 = (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3];
    p.a1 = (s[4] << 24) | (s[5] << 16) | (s[6] << 8) | s[7];
    p.a2 = (s[8] << 24) | (s[9] << 16) | (s[10] << 8) | s[11];
    p.a3 = (s[12] << 24) | (s[13] << 16) | (s[14] << 8) | s[15];
    p.b0 = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
    p.b1 = (d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7];
    p.b2 = (d[8] << 24) | (d[9] << 16) | (d[10] << 8) | d[11];
    p.b3 = (d[12] << 24) | (d[13] << 16) | (d[14] << 8) | d[15];
  } else {
    p.a0 = (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3];
    p.a1 = 0; p.a2 = 0; p.a3 = 0;
    p.b0 = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
    p.b1 = 0; p.b2 = 0; p.b3 = 0;
  }
  const sport = p.tcp.sport;
  const dport = p.tcp.dport;
  p.ports = (sport << 16) | dport;
  p.rports = (dport << 16) | sport;
}

function mix(w0, w1, w2, w3, port) {
  let h = Math.imul(w0 ^ Math.imul(w1, 0x27d4eb2d) ^ Math.imul(w2, 0x165667b1) ^
        Math.imul(w3, 0x61c88647) ^ Math.imul(port + 1, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35);
}

function pairHash(p) {
  const h = (mix(p.a0, p.a1, p.a2, p.a3, p.ports >>> 16) + mix(p.b0, p.b1, p.b2, p.b3, p.ports & 0xffff)) | 0;
  return h ^ (h >>> 16);
}

// 1: same direction as the connection's first packet, -1: reverse, 0: other connection
function direction(c, p) {
  if (c.v6 !== p.v6) { return 0; }
  if (c.ports === p.ports && c.a0 === p.a0 && c.b0 === p.b0 &&
        c.a1 === p.a1 && c.a2 === p.a2 && c.a3 === p.a3 &&
        c.b1 === p.b1 && c.b2 === p.b2 && c.b3 === p.b3) { return 1; }
  if (c.ports === p.rports && c.a0 === p.b0 && c.b0 === p.a0 &&
        c.a1 === p.b1 && c.a2 === p.b2 && c.a3 === p.b3 &&
        c.b1 === p.a1 && c.b2 === p.a2 && c.b3 === p.a3) { return -1; }
  return 0;
}

// Address text, cached per tracker (a capture has few distinct addresses compared with
// connections).
function AddrCache() {
  this.v4 = new Map(); // address word -> text
  this.v6 = new Map(); // hash of the address words -> [w0, w1, w2, w3, text]
}

const ADDR_CACHE_MAX = 4096;

AddrCache.prototype.text = function (v6, addr, w0, w1, w2, w3) {
  if (!v6) {
    let text = this.v4.get(w0);
    if (text === undefined) {
      if (this.v4.size >= ADDR_CACHE_MAX) { this.v4.clear(); }
      text = ipv4Text(addr.addr);
      this.v4.set(w0, text);
    }
    return text;
  }
  const h = mix(w0, w1, w2, w3, 0);
  let e = this.v6.get(h);
  if (e === undefined || e[0] !== w0 || e[1] !== w1 || e[2] !== w2 || e[3] !== w3) {
    if (this.v6.size >= ADDR_CACHE_MAX) { this.v6.clear(); }
    e = [w0, w1, w2, w3, '[' + ipv6Text(addr.addr) + ']'];
    this.v6.set(h, e);
  }
  return e[4];
};

module.exports = { ipv4Text, ipv6Text, endpointText, fillEndpoints, mix, pairHash, direction, AddrCache };
