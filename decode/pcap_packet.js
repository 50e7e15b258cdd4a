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
var mapped = require('./_mapped');
var decodeMapped = mapped.decodeMapped;
var found = structure.found;

// The 16-byte per-packet header: tv_sec, tv_usec, caplen, len (u32 little-endian).
function PcapHeader(raw_header) {
    var h = raw_header;
    this.tv_sec = ((h[3] << 24) >>> 0) + ((h[2] << 16) | (h[1] << 8) | h[0]);
    this.tv_usec = ((h[7] << 24) >>> 0) + ((h[6] << 16) | (h[5] << 8) | h[4]);
    this.caplen = ((h[11] << 24) >>> 0) + ((h[10] << 16) | (h[9] << 8) | h[8]);
    this.len = ((h[15] << 24) >>> 0) + ((h[14] << 16) | (h[13] << 8) | h[12]);
}

function syntheticHeader(length) {
    var h = Buffer.alloc(16);
    h.writeUInt32LE(length, 8);
    h.writeUInt32LE(length, 12);
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
        if (!Buffer.isBuffer(header) || header.length < 16) {
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

    try {
        var lt = this.link_type;
        var payload;
        // Built from the layer map of the native structure pass when it vouches for the layout
        // (decode/_mapped.js); otherwise by the decoders' checked readers.
        if ((lt === 'LINKTYPE_ETHERNET' || lt === 'LINKTYPE_RAW' || lt === 'LINKTYPE_IPV4' ||
            lt === 'LINKTYPE_IPV6') && structure.locate(pwh !== buf && pwh.buf === buf ? pwh : null, buf, lt)) {
            payload = decodeMapped(this.emitter, buf, found.bytes, found.at);
        }
        if (payload === undefined) {
            mapped.counts.checked++;
            // Ethernet first: the usual link type, decoded without going through the switch below.
            payload = lt === 'LINKTYPE_ETHERNET' ? decodeEthernet(this.emitter, buf, 0) :
                decodeLink(this, buf, options);
        }
        this.payload = payload;
    } catch (e) {
        // Last resort: the decoders check their bounds, so this should not happen.
        internal.nesting.depth = 0;
        this._error = 'decoder failure: ' + (e && e.message);
        internal.debug('PcapPacket.decode: ' + (e && e.stack));
    }
    return this;
};

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
