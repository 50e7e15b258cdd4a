'use strict';

// Packet parsing: find the IP layer and the TCP segment of a decoded packet (any link type the
// decoders handle), without allocating: the result goes into a reused Parsed record.

function decoderClass(mod, name) {
  return typeof mod === 'function' ? mod : mod[name];
}

const IPv4 = decoderClass(require('../../decode/ipv4'), 'IPv4');
const IPv6 = decoderClass(require('../../decode/ipv6'), 'IPv6');
const TCP = decoderClass(require('../../decode/tcp'), 'TCP');

// Result of parsing, reused (one per tracker / session) so no per-packet allocation.
function Parsed() {
  this.ip = null;
  this.tcp = null;
  this.v6 = false;
  this.ipHeaderLength = 0;
  this.len = 0; // payload bytes of the segment
  // endpoints (see fillEndpoints)
  this.a0 = 0; this.a1 = 0; this.a2 = 0; this.a3 = 0;
  this.b0 = 0; this.b1 = 0; this.b2 = 0; this.b3 = 0;
  this.ports = 0;
  this.rports = 0;
}

function nextLayer(p) {
  const next = p.payload;
  if (next !== undefined && next !== null) { return next; }
  if (p.ieee802_11Frame) { return p.ieee802_11Frame; }
  return p.llc;
}

// Returns true and fills `out` when the packet carries a TCP segment over IPv4/IPv6.
function parsePacket(packet, out) {
  if (!packet || typeof packet !== 'object') { return false; }
  let p = packet.payload;
  let depth = 0;
  while (!(p instanceof IPv4 || p instanceof IPv6)) {
    if (p === null || typeof p !== 'object' || ++depth > 8) { return false; }
    p = nextLayer(p);
  }
  let ip = p;
  let l4 = ip.payload;
  let extLength = 0;
  for (depth = 0; depth < 16; depth++) {
    if (l4 instanceof TCP) { break; }
    if (l4 instanceof IPv4 || l4 instanceof IPv6) { // IP-in-IP: track the inner connection
      ip = l4;
      l4 = ip.payload;
      extLength = 0;
      continue;
    }
    if (l4 === null || typeof l4 !== 'object' || ip instanceof IPv4) { return false; }
    // IPv6 extension header
    if (l4.fragmentOffset > 0) { return false; }
    extLength += typeof l4.headerLength === 'number' ? l4.headerLength : 0;
    l4 = l4.payload;
  }
  if (!(l4 instanceof TCP) || l4.flags === undefined) { return false; } // not TCP, or truncated header
  if (ip.daddr === undefined) { return false; }
  if (ip instanceof IPv4) {
    // not a TCP header (later fragment), or not really IPv4
    if (ip.fragmentOffset > 0 || ip.version !== 4 || !(ip.headerLength >= 20)) { return false; }
    out.v6 = false;
    out.ipHeaderLength = ip.headerLength;
  } else {
    if (ip.version !== 6) { return false; }
    out.v6 = true;
    out.ipHeaderLength = 40 + extLength;
  }
  out.ip = ip;
  out.tcp = l4;
  out.len = payloadLength(l4, packet.pcap_header);
  return true;
}

// The segment's payload length: tcp.dataLength (from the IP length), but never more
// than the frame carried on the wire (bytes captured plus bytes cut by the snap length).
function payloadLength(tcp, hdr) {
  const n = tcp.dataLength;
  if (!(n > 0)) { return 0; }
  const data = tcp.data;
  const have = data ? data.length : 0;
  if (have >= n) { return n; }
  const cut = hdr ? hdr.len - hdr.caplen : 0;
  const wire = cut > 0 ? have + cut : have;
  return wire < n ? wire : n;
}

function capTime(packet) {
  const h = packet.pcap_header;
  return h ? h.tv_sec + h.tv_usec / 1000000 : 0;
}

module.exports = { Parsed, parsePacket, payloadLength, capTime };
