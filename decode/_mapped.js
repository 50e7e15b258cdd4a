'use strict';
// Internal: decode.packet's objects built from a layer map (lib/structure.js, src/structure.rs).
// The map says where each layer starts, how long its header is and that it is complete and
// valid; these builders read the fields at those offsets without checking bounds again. Whatever
// the map does not vouch for (a truncated or malformed layer, IPv6 extension headers, fragments,
// unusual TCP options, link types other than Ethernet and raw IP, decoders replaced in
// ip_protocols) goes to the decoders' own checked readers, from the layer concerned on.
var internal = require('./_internal');
require('./ethernet_packet');
var protocols = require('./ip_protocols');
var TCP = require('./tcp');
var UDP = require('./udp');
var decodeNext = require('./_next');
var S = require('../lib/structure');

var DecodedEthernet = internal.DecodedEthernet;
var DecodedIPv4 = internal.DecodedIPv4;
var DecodedIPv6 = internal.DecodedIPv6;
var decodeIPv4 = internal.decodeIPv4;
var decodeIPv6 = internal.decodeIPv6;
var mappedTCP = internal.mappedTCP;
var mappedUDP = internal.mappedUDP;
var nesting = internal.nesting;

// Statistics for tests and debugging: packets built from a map, packets that were not.
var counts = { mapped: 0, checked: 0 };

function u16(m, o) {
    return m[o] | (m[o + 1] << 8);
}

function transport(Decoder, emitter, r, m, o, to, seg, fl) {
    if ((fl & S.F_TRANSPORT) !== 0) {
        if (Decoder === TCP) {
            return mappedTCP(emitter, r, to, seg, u16(m, o + 10), (fl & S.F_USUAL_TCP_OPTIONS) !== 0);
        }
        if (Decoder === UDP) {
            return mappedUDP(emitter, r, to);
        }
    }
    // ICMP, IGMP, ICMPv6, a decoder registered by the user, ...: they check their own formats.
    return decodeNext(Decoder, emitter, r, to, seg);
}

function ipv4(emitter, r, m, o) {
    var no = u16(m, o + 4);
    var fl = m[o + 14];
    var proto = m[o + 6];
    var Decoder = protocols[proto];
    if ((fl & S.F_FRAGMENT) !== 0 || Decoder === undefined || nesting.depth >= internal.MAX_DEPTH) {
        return decodeIPv4(emitter, r, no);
    }
    var to = u16(m, o + 8);
    var seg = (fl & S.F_LENGTH_FROM_CAPTURE) !== 0 ? r.length - to : u16(m, o + 12);
    var payload = transport(Decoder, emitter, r, m, o, to, seg, fl);
    var b6 = r[no + 6];
    var ip = new DecodedIPv4(emitter, r, no, to - no, (r[no + 2] << 8) | r[no + 3], b6, proto, payload);
    if ((b6 & 0x20) !== 0) { ip.isFragment = true; }
    if (emitter) { emitter.emit('ipv4', ip); }
    return ip;
}

function ipv6(emitter, r, m, o) {
    var no = u16(m, o + 4);
    var fl = m[o + 14];
    var nextHeader = m[o + 6];
    var Decoder = protocols[nextHeader];
    if ((fl & S.F_IPV6_EXTS) !== 0 || Decoder === undefined || nesting.depth >= internal.MAX_DEPTH) {
        return decodeIPv6(emitter, r, no);
    }
    var to = u16(m, o + 8);
    var seg = (fl & S.F_LENGTH_FROM_CAPTURE) !== 0 ? r.length - to : u16(m, o + 12);
    var payload = transport(Decoder, emitter, r, m, o, to, seg, fl);
    var ip = new DecodedIPv6(emitter, r, no, (r[no + 4] << 8) | r[no + 5], nextHeader, payload);
    if (emitter) { emitter.emit('ipv6', ip); }
    return ip;
}

// The network layer of a map whose status is OK, or undefined when it is neither IPv4 nor IPv6.
function network(emitter, r, m, o) {
    var net = m[o + 3];
    if (net === S.NET_IPV4) { return ipv4(emitter, r, m, o); }
    if (net === S.NET_IPV6) { return ipv6(emitter, r, m, o); }
    return undefined;
}

// decode.packet's payload for `r` with its map at m[o..o+24], or undefined when the map does not
// describe a layout built here (the caller then decodes with the checked readers).
function decodeMapped(emitter, r, m, o) {
    if (m[o + 7] !== 0) { return undefined; } // stopped somewhere: the checked readers say where
    var link = m[o + 1];
    var p;
    if (link === S.LINK_ETHERNET) {
        if (m[o + 2] !== 0) { return undefined; } // VLAN tags
        p = network(emitter, r, m, o);
        if (p === undefined) { return undefined; }
        counts.mapped++;
        return new DecodedEthernet(emitter, r, 0, (r[12] << 8) | r[13], p);
    }
    if (link === S.LINK_IP) {
        p = network(emitter, r, m, o);
        if (p !== undefined) { counts.mapped++; }
        return p;
    }
    return undefined;
}

module.exports = { decodeMapped: decodeMapped, counts: counts };
