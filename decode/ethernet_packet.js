'use strict';
// Ethernet II / 802.3 with 802.1Q and 802.1ad tags: node_pcap's EthernetPacket class and
// decode.packet's fast routines.
var EthernetAddr = require('./ethernet_addr');
var Vlan = require('./vlan');
var shared = require('./_util');

// Exported before requiring the ethertype dispatch, which reaches decode/_mapped.js, which
// builds Ethernet frames from this module's fast routines.
module.exports = EthernetPacket;
shared.exportFast(EthernetPacket, { decode: decodeEthernet, Decoded: DecodedEthernet });
var ethertypes = require('./_ethertype');
var decodeIPv4 = require('./ipv4')[shared.FAST].decode;
var decodeIPv6 = require('./ipv6')[shared.FAST].decode;

// Field offsets in the Ethernet header, and in each VLAN tag after it.
var DHOST = 0;
var SHOST = 6;
var ETHERTYPE = 12;
var HEADER = 14;
var TAG_ETHERTYPE = 2; // a tag is TCI (2 bytes) then the next ethertype
var TAG = 4;
var MAX_TAGS = 8;
var ETHERTYPE_IPV4 = 0x0800;
var ETHERTYPE_IPV6 = 0x86dd;

function EthernetPacket(emitter) {
  this.emitter = emitter;
  this.dhost = null;
  this.shost = null;
  this.ethertype = null;
  this.vlan = null;
  this.payload = null;
}

EthernetPacket.prototype.decoderName = 'ethernet-packet';
EthernetPacket.prototype.eventsOnDecode = false;

function isTagType(t) {
  return t === 0x8100 || t === 0x88a8 || t === 0x9100;
}

EthernetPacket.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  var avail = r.length - offset;
  if (!(avail >= HEADER)) {
    if (avail >= SHOST) { this.dhost = new EthernetAddr(r, offset + DHOST); }
    if (avail >= ETHERTYPE) { this.shost = new EthernetAddr(r, offset + SHOST); }
    this._error = 'truncated Ethernet header: ' + (avail > 0 ? avail : 0) + ' of ' + HEADER + ' bytes captured';
    return this;
  }
  var type = readHeader(this, r, offset);
  offset += HEADER;

  if (isTagType(type)) {
    // 802.1Q, or 802.1ad / legacy QinQ stacks: `vlan` is the outer tag,
    // `vlans` lists every tag (outer first) when there is more than one.
    var tags = 0;
    while (isTagType(type)) {
      if (offset + TAG > r.length) {
        this._error = 'truncated VLAN tag';
        return this;
      }
      if (tags === MAX_TAGS) {
        this._error = 'too many VLAN tags';
        return this;
      }
      var tag = new Vlan().decode(r, offset);
      if (tags === 0) {
        this.vlan = tag;
      } else if (tags === 1) {
        this.vlans = [this.vlan, tag];
      } else {
        this.vlans.push(tag);
      }
      tags++;
      type = (r[offset + TAG_ETHERTYPE] << 8) | r[offset + TAG_ETHERTYPE + 1];
      offset += TAG;
      this.ethertype = type;
    }
  }

  if (type < 1536) {
    // 802.3 length field, no ethertype
    this.ethertype = 0;
  } else {
    this.payload = ethertypes.decodeEthertype('EthernetFrame', type, this.emitter, r, offset);
  }
  return this;
};

// The two addresses and the ethertype, in the order of EthernetPacket's own properties (the
// caller has set `emitter`); the 14 bytes at `o` must be there. Returns the ethertype.
function readHeader(e, r, o) {
  e.dhost = new EthernetAddr(r, o + DHOST);
  e.shost = new EthernetAddr(r, o + SHOST);
  var type = (r[o + ETHERTYPE] << 8) | r[o + ETHERTYPE + 1];
  e.ethertype = type;
  return type;
}

// decode.packet's fast path (decodeEthernet below, decode/_mapped.js): the object of
// `new EthernetPacket(emitter).decode(r, offset)` for an untagged frame whose ethertype the
// caller has read, built in one pass.
function DecodedEthernet(emitter, r, offset, payload) {
  this.emitter = emitter;
  readHeader(this, r, offset);
  this.vlan = null;
  this.payload = payload;
}
DecodedEthernet.prototype = EthernetPacket.prototype;

function decodeEthernet(emitter, r, offset) {
  if (r.length - offset >= HEADER) {
    var type = (r[offset + ETHERTYPE] << 8) | r[offset + ETHERTYPE + 1];
    if (type === ETHERTYPE_IPV4) {
      return new DecodedEthernet(emitter, r, offset, decodeIPv4(emitter, r, offset + HEADER));
    }
    if (type === ETHERTYPE_IPV6) {
      return new DecodedEthernet(emitter, r, offset, decodeIPv6(emitter, r, offset + HEADER));
    }
  }
  return new EthernetPacket(emitter).decode(r, offset);
}

EthernetPacket.prototype.toString = function () {
  var ret = this.shost + ' -> ' + this.dhost;
  if (this.vlans) {
    for (var i = 0; i < this.vlans.length; i++) { ret += ' vlan ' + this.vlans[i]; }
  } else if (this.vlan) {
    ret += ' vlan ' + this.vlan;
  }
  ret += ethertypes.ethertypeName(this.ethertype);
  return this.payload === null || this.payload === undefined ? ret : ret + ' ' + this.payload;
};
