'use strict';
// Test helper: build packet bytes for the decoder unit tests.

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

function eth(type, payload, opts) {
  opts = opts || {};
  return Buffer.concat([hex(opts.dst || '001122334466'), hex(opts.src || '001122334455'),
    opts.tags || Buffer.alloc(0), u16(type), payload]);
}

function ipv4(proto, payload, opts) {
  opts = opts || {};
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h[1] = opts.tos || 0;
  h.writeUInt16BE(opts.length !== undefined ? opts.length : 20 + payload.length, 2);
  h.writeUInt16BE(opts.id || 0x1234, 4);
  h.writeUInt16BE(((opts.flags || 0) << 13) | ((opts.fragOffset || 0) >> 3), 6);
  h[8] = opts.ttl || 64;
  h[9] = proto;
  h.writeUInt16BE(opts.checksum || 0xbeef, 10);
  ip4(opts.src || '10.0.0.1').copy(h, 12);
  ip4(opts.dst || '10.0.0.2').copy(h, 16);
  return Buffer.concat([h, payload]);
}

const V6_SRC = hex('20010db8000000000000000000000001');
const V6_DST = hex('20010db8000000000000000000000002');

function ipv6(next, payload, opts) {
  opts = opts || {};
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000 | ((opts.tc || 0) << 20) | (opts.flow || 0));
  h.writeUInt16BE(opts.plen !== undefined ? opts.plen : payload.length, 4);
  h[6] = next;
  h[7] = opts.hops || 64;
  (opts.src || V6_SRC).copy(h, 8);
  (opts.dst || V6_DST).copy(h, 24);
  return Buffer.concat([h, payload]);
}

// flags: string of letters from "FSRPAUEC" (fin syn rst psh ack urg ece cwr)
function tcp(opts, data) {
  opts = opts || {};
  data = data || Buffer.alloc(0);
  const options = opts.options || Buffer.alloc(0);
  const hl = 20 + options.length;
  const h = Buffer.alloc(20);
  h.writeUInt16BE(opts.sport || 443, 0);
  h.writeUInt16BE(opts.dport || 5000, 2);
  h.writeUInt32BE(opts.seq || 1000, 4);
  h.writeUInt32BE(opts.ack || 0, 8);
  h[12] = (hl / 4) << 4;
  let f = 0;
  const letters = 'FSRPAUEC';
  for (let i = 0; i < letters.length; i++) {
    if ((opts.flags || '').indexOf(letters[i]) >= 0) { f |= 1 << i; }
  }
  h[13] = f;
  h.writeUInt16BE(opts.win || 512, 14);
  h.writeUInt16BE(opts.csum || 0x1111, 16);
  h.writeUInt16BE(opts.urg || 0, 18);
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

function header(len, caplen) {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(1700000000, 0);
  h.writeUInt32LE(123456, 4);
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

module.exports = {
  hex: hex, u16: u16, u32: u32, ip4: ip4, eth: eth, ipv4: ipv4, ipv6: ipv6, tcp: tcp, udp: udp,
  header: header, pkt: pkt, dnsName: dnsName, V6_SRC: V6_SRC, V6_DST: V6_DST
};
