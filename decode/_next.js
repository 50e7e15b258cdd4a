'use strict';
// Internal: decode the layer that follows an IP header (or an IPv6 extension header).
// `new Decoder(emitter).decode(raw, offset, len)`, with fast paths for TCP and UDP (leaf
// decoders: no nesting to count) when they have not been replaced in ip_protocols.
var shared = require('./_util');
var TCP = require('./tcp');
var UDP = require('./udp');
var decodeTCP = TCP[shared.FAST].decode;
var decodeUDP = UDP[shared.FAST].decode;
var nesting = shared.nesting;

function decodeNext(Decoder, emitter, raw_packet, offset, len) {
  if (Decoder === TCP) {
    return decodeTCP(emitter, raw_packet, offset, len);
  }
  if (Decoder === UDP) {
    return decodeUDP(emitter, raw_packet, offset);
  }
  nesting.depth++;
  var payload = new Decoder(emitter).decode(raw_packet, offset, len);
  nesting.depth--;
  return payload;
}

module.exports = decodeNext;
