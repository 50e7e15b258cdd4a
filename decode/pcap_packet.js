'use strict';
var Buffer = require('buffer').Buffer;
var internal = require('./_internal');
require('./ethernet_packet');
// `new EthernetPacket(emitter).decode(buf, 0)`, built in one pass.
var decodeEthernet = internal.decodeEthernet;
var NullPacket = require('./null_packet');
var IPv4 = require('./ipv4');
var IPv6 = require('./ipv6');
var RadioPacket = require('./ieee802.11/radio_packet');
var RadioFrame = require('./ieee802.11/radio_frame');
var SLLPacket = require('./sll_packet');
var SLL2Packet = require('./sll2_packet');
var structure = require('../lib/structure');
var L = require('../lib/layout');
var mapped = require('./_mapped');
var decodeMapped = mapped.decodeMapped;
var decodeShape = mapped.decodeShape;
var emitting = structure.emitting;
var sources = structure.sources;
var found = structure.found;
// The record header's fields and the map's shape byte (lib/layout.js).
var TV_SEC = L.RECORD_TV_SEC;
var TV_USEC = L.RECORD_TV_USEC;
var CAPLEN = L.RECORD_CAPLEN;
var LEN = L.RECORD_LEN;
var PCAP_HEADER = L.PCAP_HEADER;
var MAP_SHAPE = L.MAP_SHAPE;
var SHAPE_SIMPLE = L.SHAPE_SIMPLE;
var nesting = internal.nesting;
var listenerError = internal.listenerError;

// Link types with a layer map (src/structure.rs); radiotap and 802.11 have none.
var MAPPED_LINKS = Object.create(null);
['LINKTYPE_ETHERNET', 'LINKTYPE_RAW', 'LINKTYPE_IPV4', 'LINKTYPE_IPV6', 'LINKTYPE_NULL', 'LINKTYPE_LOOP',
  'LINKTYPE_LINUX_SLL', 'LINKTYPE_LINUX_SLL2'].forEach(function (lt) { MAPPED_LINKS[lt] = true; });

function u32le(h, at) {
  return ((h[at + 3] << 24) >>> 0) + ((h[at + 2] << 16) | (h[at + 1] << 8) | h[at]);
}

// The PCAP_HEADER-byte per-packet header: tv_sec, tv_usec, caplen, len (u32 little-endian).
function PcapHeader(raw_header) {
  var h = raw_header;
  this.tv_sec = u32le(h, TV_SEC);
  this.tv_usec = u32le(h, TV_USEC);
  this.caplen = u32le(h, CAPLEN);
  this.len = u32le(h, LEN);
}

function syntheticHeader(length) {
  var h = Buffer.alloc(PCAP_HEADER);
  h.writeUInt32LE(length, CAPLEN);
  h.writeUInt32LE(length, LEN);
  return h;
}

function PcapPacket(emitter) {
  this.link_type = null;
  this.pcap_header = null;
  this.payload = null;
  this.emitter = emitter;
}

// packet_with_header: {buf, header, link_type}. A bare Buffer is taken as an
// Ethernet frame with a zero timestamp.
PcapPacket.prototype.decode = function (packet_with_header, options) {
  var pwh = packet_with_header;
  var buf, header;
  if (Buffer.isBuffer(pwh)) {
    this.link_type = 'LINKTYPE_ETHERNET';
    buf = pwh;
    header = syntheticHeader(buf.length);
  } else if (pwh !== null && typeof pwh === 'object' && Buffer.isBuffer(pwh.buf)) {
    this.link_type = pwh.link_type;
    buf = pwh.buf;
    header = pwh.header;
    if (!Buffer.isBuffer(header) || header.length < PCAP_HEADER) {
      header = syntheticHeader(buf.length);
    }
  } else {
    this._error = 'decode expects {buf, header, link_type} or a Buffer';
    return this;
  }
  var hdr = new PcapHeader(header);
  this.pcap_header = hdr;
  if (buf.length > hdr.caplen) {
    buf = buf.subarray(0, hdr.caplen);
  }

  var depth = nesting.depth;
  try {
    this.payload = decodeBody(this, buf, options);
  } catch (e) {
    mapped.clearCurrent();
    nesting.depth = depth;
    if (listenerError.pending && listenerError.error === e) {
      // A decode event's listener threw: its caller gets the exception, as from node_pcap.
      listenerError.pending = false;
      listenerError.error = undefined;
      throw e;
    }
    // Last resort: the decoders check their bounds, so this should not happen.
    this._error = 'decoder failure: ' + (e && e.message);
    internal.debug('PcapPacket.decode: ' + (e && e.stack));
  }
  return this;
};

// The link layer and what it carries. A packet its session is emitting, in one of the common
// layouts, is built straight from the layer map its capture thread wrote (decode/_mapped.js).
function decodeBody(self, buf, options) {
  var e = emitting;
  if (buf === e.buf) {
    var src = e.source;
    var o = e.at;
    var m = src.batch;
    if (o >= 0 && m[o + MAP_SHAPE] >= SHAPE_SIMPLE && src.state.link === self.link_type) {
      var p = decodeShape(self.emitter, buf, m, o, e.ab, e.data);
      if (p !== undefined) {
        sources.thread++;
        return p;
      }
    }
  }
  return decodeGeneral(self, buf, options);
}

// Everything else: the packet's map (its thread's, or one computed now), built from where it
// vouches for the layout; otherwise by the decoders' checked readers.
function decodeGeneral(self, buf, options) {
  var lt = self.link_type;
  var emitter = self.emitter;
  var haveMap = MAPPED_LINKS[lt] === true && structure.locate(buf, lt);
  if (haveMap) {
    var payload = (found.bytes[found.at + MAP_SHAPE] & SHAPE_SIMPLE) !== 0 ?
      decodeShape(emitter, buf, found.bytes, found.at, found.ab, found.base) : undefined;
    if (payload === undefined) { payload = decodeMapped(emitter, buf, found.bytes, found.at); }
    if (payload !== undefined) { return payload; }
    // The link decoders ask decode/_mapped.js for the network layer.
    mapped.setCurrent(buf, found.bytes, found.at);
  }
  var p = lt === 'LINKTYPE_ETHERNET' ? decodeEthernet(emitter, buf, 0) : decodeLink(self, buf, options);
  if (haveMap) { mapped.clearCurrent(); }
  return p;
}

function decodeLink(self, buf, options) {
  var emitter = self.emitter;
  switch (self.link_type) {
    case 'LINKTYPE_ETHERNET':
      return decodeEthernet(emitter, buf, 0);
    case 'LINKTYPE_NULL':
      return new NullPacket(emitter).decode(buf, 0, options);
    case 'LINKTYPE_LOOP':
      return new NullPacket(emitter).decodeLoop(buf, 0);
    case 'LINKTYPE_RAW':
      // DLT_RAW carries IPv4 or IPv6: the version nibble tells which.
      if (buf.length > 0 && (buf[0] >> 4) === 6) {
        return new IPv6(emitter).decode(buf, 0);
      }
      return new IPv4(emitter).decode(buf, 0, options);
    case 'LINKTYPE_IPV4':
      return new IPv4(emitter).decode(buf, 0);
    case 'LINKTYPE_IPV6':
      return new IPv6(emitter).decode(buf, 0);
    case 'LINKTYPE_IEEE802_11_RADIO':
      return new RadioPacket(emitter).decode(buf, 0, options);
    case 'LINKTYPE_IEEE802_11':
    case 'Unknown linktype 105':
      return new RadioFrame(emitter).decode(buf, 0);
    case 'LINKTYPE_LINUX_SLL':
      return new SLLPacket(emitter).decode(buf, 0, options);
    case 'LINKTYPE_LINUX_SLL2':
      return new SLL2Packet(emitter).decode(buf, 0);
    default:
      self._error = 'unsupported link type ' + self.link_type;
      internal.debug('node_pcap: PcapPacket.decode - Don\'t yet know how to decode link type ' + self.link_type);
      return null;
  }
}

PcapPacket.prototype.toString = function () {
  return this.link_type + ' ' + this.payload;
};

module.exports = PcapPacket;
