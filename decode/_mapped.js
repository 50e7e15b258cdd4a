'use strict';
// Internal: decode.packet's objects built from a layer map (lib/structure.js, src/structure.rs).
// The map says where each layer starts, how long its header is and that it is complete and
// valid; these builders read the fields at those offsets without checking bounds again. Whatever
// the map does not vouch for (a truncated or malformed layer, IPv6 extension headers, fragments,
// unusual TCP options, link types other than Ethernet and raw IP, decoders replaced in
// ip_protocols) goes to the decoders' own checked readers, from the layer concerned on.
var shared = require('./_util');
var FAST = shared.FAST;
// Ethernet first: it loads the ethertype dispatch, which reads this module's exports at each
// call (they are added to `exports` below, never replaced).
var Ethernet = require('./ethernet_packet')[FAST];
var protocols = require('./ip_protocols');
var TCP = require('./tcp');
var UDP = require('./udp');
var IPv4 = require('./ipv4')[FAST];
var IPv6 = require('./ipv6')[FAST];
var decodeNext = require('./_next');
var S = require('../lib/structure');
var L = require('../lib/layout');

var DecodedEthernet = Ethernet.Decoded;
var builtIPv4 = IPv4.built;
var builtIPv6 = IPv6.built;
var decodeIPv4 = IPv4.decode;
var decodeIPv6 = IPv6.decode;
var mappedTCP = TCP[FAST].mapped;
var mappedUDP = UDP[FAST].mapped;
var nesting = shared.nesting;

// Statistics for tests and debugging: packets built from a map.
var counts = { mapped: 0 };

var found = S.found;
// Where the packet's bytes lie in their ArrayBuffer (a session's batch), for data views; set
// when decoding from a map starts, read before any event can start another decode.
var view = { ab: null, base: 0 };

// The layer map's layout (src/structure.rs, generated into lib/layout.js), as locals for the
// compiler: field offsets, then kinds, statuses, flags and shapes.
var MAP_LINK = L.MAP_LINK;
var MAP_VLAN_TAGS = L.MAP_VLAN_TAGS;
var MAP_NET = L.MAP_NET;
var MAP_NET_OFF = L.MAP_NET_OFF;
var MAP_PROTO = L.MAP_PROTO;
var MAP_STATUS = L.MAP_STATUS;
var MAP_TRANSPORT_OFF = L.MAP_TRANSPORT_OFF;
var MAP_TRANSPORT_HLEN = L.MAP_TRANSPORT_HLEN;
var MAP_SEG_LEN = L.MAP_SEG_LEN;
var MAP_FLAGS = L.MAP_FLAGS;
var MAP_SHAPE = L.MAP_SHAPE;
var F_TRANSPORT = L.F_TRANSPORT;
var F_FRAGMENT = L.F_FRAGMENT;
var F_IPV6_EXTS = L.F_IPV6_EXTS;
var F_LENGTH_FROM_CAPTURE = L.F_LENGTH_FROM_CAPTURE;
var F_USUAL_TCP_OPTIONS = L.F_USUAL_TCP_OPTIONS;
var NET_IPV4 = L.NET_IPV4;
var NET_IPV6 = L.NET_IPV6;
var LINK_ETHERNET = L.LINK_ETHERNET;
var LINK_IP = L.LINK_IP;
var STATUS_OK = L.STATUS_OK;
var STATUS_TRANSPORT_TRUNCATED = L.STATUS_TRANSPORT_TRUNCATED;
var STATUS_TRANSPORT_MALFORMED = L.STATUS_TRANSPORT_MALFORMED;
var SHAPE_TCP = L.SHAPE_TCP;
var SHAPE_IPV6 = L.SHAPE_IPV6;
var SHAPE_ETHERNET = L.SHAPE_ETHERNET;

// An untagged Ethernet frame's ethertype (the frame starts at 0: maps describe whole packets).
var ETHERTYPE_IPV4 = 0x0800;
var ETHERTYPE_IPV6 = 0x86dd;
function ethertype(r) {
  return (r[12] << 8) | r[13];
}

// A handler may change a packet's bytes in place before decoding it, after the capture thread
// mapped them. The bytes a map's network layer stands on are checked again (a few compares);
// when they changed, the layer is decoded by the checked readers instead.
// IPv4: version and header length, total length, fragment offset, protocol.
function sameIPv4(r, m, o, no, to, seg, fl) {
  var hl = to - no;
  if (r[no] !== (0x40 | (hl >> 2)) || r[no + 9] !== m[o + MAP_PROTO] || ((r[no + 6] & 0x1f) | r[no + 7]) !== 0) {
    return false;
  }
  var length = (r[no + 2] << 8) | r[no + 3];
  return (fl & F_LENGTH_FROM_CAPTURE) !== 0 ? length === 0 : length - hl === seg;
}

// IPv6 (without extension headers): version, next header, payload length.
function sameIPv6(r, m, o, no, seg, fl) {
  if ((r[no] >> 4) !== 6 || r[no + 6] !== m[o + MAP_PROTO]) { return false; }
  var length = (r[no + 4] << 8) | r[no + 5];
  return (fl & F_LENGTH_FROM_CAPTURE) !== 0 ? length === 0 : length === seg;
}

// The transport layer: TCP and UDP from the map; ICMP, IGMP, ICMPv6, a decoder registered by
// the user, ... check their own formats.
function transport(Decoder, emitter, r, m, o, to, seg, fl) {
  if ((fl & F_TRANSPORT) !== 0) {
    if (Decoder === TCP) {
      var hl = m[o + MAP_TRANSPORT_HLEN] | (m[o + MAP_TRANSPORT_HLEN + 1] << 8);
      return mappedTCP(emitter, r, to, seg, hl, (fl & F_USUAL_TCP_OPTIONS) !== 0, view.ab, view.base);
    }
    if (Decoder === UDP) {
      return mappedUDP(emitter, r, to);
    }
  }
  return decodeNext(Decoder, emitter, r, to, seg);
}

function ipv4(emitter, r, m, o) {
  var no = m[o + MAP_NET_OFF] | (m[o + MAP_NET_OFF + 1] << 8);
  var fl = m[o + MAP_FLAGS];
  var proto = m[o + MAP_PROTO];
  var Decoder = protocols[proto];
  if ((fl & F_FRAGMENT) !== 0 || Decoder === undefined || nesting.depth >= shared.MAX_DEPTH) {
    return decodeIPv4(emitter, r, no);
  }
  var to = m[o + MAP_TRANSPORT_OFF] | (m[o + MAP_TRANSPORT_OFF + 1] << 8);
  var seg = (fl & F_LENGTH_FROM_CAPTURE) !== 0 ? r.length - to : m[o + MAP_SEG_LEN] | (m[o + MAP_SEG_LEN + 1] << 8);
  if (!sameIPv4(r, m, o, no, to, seg, fl)) { return undefined; }
  var payload = transport(Decoder, emitter, r, m, o, to, seg, fl);
  return builtIPv4(emitter, r, no, payload);
}

function ipv6(emitter, r, m, o) {
  var no = m[o + MAP_NET_OFF] | (m[o + MAP_NET_OFF + 1] << 8);
  var fl = m[o + MAP_FLAGS];
  var nextHeader = m[o + MAP_PROTO];
  var Decoder = protocols[nextHeader];
  if ((fl & F_IPV6_EXTS) !== 0 || Decoder === undefined || nesting.depth >= shared.MAX_DEPTH) {
    return decodeIPv6(emitter, r, no);
  }
  var to = m[o + MAP_TRANSPORT_OFF] | (m[o + MAP_TRANSPORT_OFF + 1] << 8);
  var seg = (fl & F_LENGTH_FROM_CAPTURE) !== 0 ? r.length - to : m[o + MAP_SEG_LEN] | (m[o + MAP_SEG_LEN + 1] << 8);
  if (!sameIPv6(r, m, o, no, seg, fl)) { return undefined; }
  var payload = transport(Decoder, emitter, r, m, o, to, seg, fl);
  return builtIPv6(emitter, r, no, payload);
}

// The network layer of a map whose status is OK, or undefined when it is neither IPv4 nor IPv6.
function network(emitter, r, m, o) {
  var net = m[o + MAP_NET];
  if (net === NET_IPV4) { return ipv4(emitter, r, m, o); }
  if (net === NET_IPV6) { return ipv6(emitter, r, m, o); }
  return undefined;
}

// The common layouts (src/structure.rs, map field SHAPE): untagged Ethernet or raw IP, IPv4
// (not a later fragment) or IPv6 without extension headers, a complete TCP header with usual
// options or a UDP header, all valid. Built in one go; undefined when a decoder was replaced in
// ip_protocols (or too deeply nested), and the caller takes the general path.
// `ab`/`base`: the packet's ArrayBuffer and the offset of r[0] in it, or ab null.
function decodeShape(emitter, r, m, o, ab, base) {
  // Every map byte is read before the first event: a listener may decode another packet, and
  // a computed map lives in a shared scratch buffer.
  var sh = m[o + MAP_SHAPE];
  var no = m[o + MAP_NET_OFF] | (m[o + MAP_NET_OFF + 1] << 8);
  var to = m[o + MAP_TRANSPORT_OFF] | (m[o + MAP_TRANSPORT_OFF + 1] << 8);
  var hl = m[o + MAP_TRANSPORT_HLEN] | (m[o + MAP_TRANSPORT_HLEN + 1] << 8);
  var seg = m[o + MAP_SEG_LEN] | (m[o + MAP_SEG_LEN + 1] << 8);
  var v6 = (sh & SHAPE_IPV6) !== 0;
  if (nesting.depth >= shared.MAX_DEPTH ||
        ((sh & SHAPE_ETHERNET) !== 0 && ethertype(r) !== (v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4)) ||
        !(v6 ? sameIPv6(r, m, o, no, seg, m[o + MAP_FLAGS]) : sameIPv4(r, m, o, no, to, seg, m[o + MAP_FLAGS]))) {
    return undefined;
  }
  var l4;
  if ((sh & SHAPE_TCP) !== 0) {
    if (protocols[6] !== TCP) { return undefined; }
    l4 = mappedTCP(emitter, r, to, seg, hl, true, ab, base);
  } else {
    if (protocols[17] !== UDP) { return undefined; }
    l4 = mappedUDP(emitter, r, to);
  }
  var ip = v6 ? builtIPv6(emitter, r, no, l4) : builtIPv4(emitter, r, no, l4);
  counts.mapped++;
  if ((sh & SHAPE_ETHERNET) !== 0) {
    return new DecodedEthernet(emitter, r, 0, ip);
  }
  return ip;
}

// Statuses whose network layer is complete and valid: OK, and a transport header that is
// truncated or malformed (the checked TCP/UDP decoders then say how).
function usable(status) {
  return status === STATUS_OK || status === STATUS_TRANSPORT_TRUNCATED || status === STATUS_TRANSPORT_MALFORMED;
}

// decode.packet's payload for `r` with its map at m[o..o+MAP_LEN], or undefined when the map does not
// describe a layout built here directly (untagged Ethernet, raw IP).
function decodeMapped(emitter, r, m, o) {
  if (!usable(m[o + MAP_STATUS])) { return undefined; }
  view.ab = found.ab;
  view.base = found.base;
  var link = m[o + MAP_LINK];
  var net = m[o + MAP_NET];
  var p;
  if (link === LINK_ETHERNET) {
    // VLAN tags go through the Ethernet decoder; the ethertype must still name the network layer.
    if (m[o + MAP_VLAN_TAGS] !== 0 || ethertype(r) !== (net === NET_IPV6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4)) { return undefined; }
    p = network(emitter, r, m, o);
    if (p === undefined) { return undefined; }
    counts.mapped++;
    return new DecodedEthernet(emitter, r, 0, p);
  }
  if (link === LINK_IP) {
    p = network(emitter, r, m, o);
    if (p !== undefined) { counts.mapped++; }
    return p;
  }
  return undefined;
}

// Other link layers (VLAN-tagged Ethernet, SLL, SLL2, NULL, LOOP) are decoded by their own
// decoders, which ask here for the network layer: while decode.packet decodes `r`, the map of `r`
// is `current`, and the network layer at the offset it names is built from it (once).
var current = { r: null, m: null, o: 0, ab: null, base: 0 };

function setCurrent(r, m, o) {
  if (usable(m[o + MAP_STATUS])) {
    current.r = r;
    current.m = m;
    current.o = o;
    current.ab = found.ab;
    current.base = found.base;
  }
}

function clearCurrent() {
  current.r = null;
  current.m = null;
}

// The network layer of kind `net` (NET_IPV4 or NET_IPV6: what the link header names) at `offset`
// of `r` from the current map, or undefined. Link decoders emit nothing before they ask, so the
// map (possibly the shared scratch one) is still this packet's.
function fromMap(emitter, r, offset, net) {
  var c = current;
  if (c.r !== r || c.m === null) { return undefined; }
  var m = c.m, o = c.o;
  if ((m[o + MAP_NET_OFF] | (m[o + MAP_NET_OFF + 1] << 8)) !== offset || m[o + MAP_NET] !== net) { return undefined; }
  c.r = null;
  c.m = null;
  view.ab = c.ab;
  view.base = c.base;
  var p = network(emitter, r, m, o);
  if (p !== undefined) { counts.mapped++; }
  return p;
}
exports.decodeShape = decodeShape;
exports.decodeMapped = decodeMapped;
exports.setCurrent = setCurrent;
exports.clearCurrent = clearCurrent;
exports.fromMap = fromMap;
exports.counts = counts;
