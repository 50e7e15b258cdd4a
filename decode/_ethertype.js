'use strict';
// Internal: the ethertype dispatch shared by Ethernet, SLL, SLL2 and LLC.
var shared = require('./_util');
var L = require('../lib/layout');
var Arp = require('./arp');
// `new IPv4(emitter).decode(raw, offset)` and `new IPv6(emitter).decode(raw, offset)`, built in one pass.
var decodeIPv4 = require('./ipv4')[shared.FAST].decode;
var decodeIPv6 = require('./ipv6')[shared.FAST].decode;
// The network layer from decode.packet's layer map, when it has one for this packet. This module
// may be loaded while decode/_mapped.js is (it builds Ethernet frames): `mapped.fromMap` is read
// at each call, not here.
var mapped = require('./_mapped');
var NET_IPV4 = L.NET_IPV4;
var NET_IPV6 = L.NET_IPV6;

// Returns the payload decoder (or node_pcap's LLDP placeholder string), or null.
function decodeEthertype(who, ethertype, emitter, raw_packet, offset) {
  var p;
  switch (ethertype) {
    case 0x0800:
      // From the layer map when decode.packet has one for this packet (decode/_mapped.js).
      if ((p = mapped.fromMap(emitter, raw_packet, offset, NET_IPV4)) !== undefined) {
        return p;
      }
      return decodeIPv4(emitter, raw_packet, offset);
    case 0x0806:
      return new Arp(emitter).decode(raw_packet, offset);
    case 0x86dd:
      if ((p = mapped.fromMap(emitter, raw_packet, offset, NET_IPV6)) !== undefined) {
        return p;
      }
      return decodeIPv6(emitter, raw_packet, offset);
    case 0x88cc:
      return 'need to implement LLDP';
    default:
      shared.debug('node_pcap: ' + who + '() - Don\'t know how to decode ethertype ' + ethertype);
      return null;
  }
}

function ethertypeName(ethertype) {
  switch (ethertype) {
    case 0x0800: return ' IPv4';
    case 0x0806: return ' ARP';
    case 0x86dd: return ' IPv6';
    case 0x88cc: return ' LLDP';
    default: return ' ethertype ' + ethertype;
  }
}

var PACKET_TYPES = ['recv_us', 'broadcast', 'multicast', 'remote_remote', 'sent_us'];

// SLL/SLL2 packet type names.
function packetTypeName(t) {
  return t >= 0 && t < PACKET_TYPES.length ? PACKET_TYPES[t] : '';
}

// Added to `exports`, never replacing it: through decode/_mapped.js, loading this module loads
// the link decoders, which keep a reference to it while it is still loading.
exports.packetTypeName = packetTypeName;
exports.decodeEthertype = decodeEthertype;
exports.ethertypeName = ethertypeName;
