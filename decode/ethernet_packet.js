'use strict';
var EthernetAddr = require('./ethernet_addr');
var Vlan = require('./vlan');
var ethertypes = require('./_ethertype');
var internal = require('./_internal');
var decodeIPv4 = internal.decodeIPv4;
var decodeIPv6 = internal.decodeIPv6;

var MAX_TAGS = 8;

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
  if (!(avail >= 14)) {
    if (avail >= 6) { this.dhost = new EthernetAddr(r, offset); }
    if (avail >= 12) { this.shost = new EthernetAddr(r, offset + 6); }
    this._error = 'truncated Ethernet header: ' + (avail > 0 ? avail : 0) + ' of 14 bytes captured';
    return this;
  }
  this.dhost = new EthernetAddr(r, offset);
  this.shost = new EthernetAddr(r, offset + 6);
  var type = (r[offset + 12] << 8) | r[offset + 13];
  offset += 14;
  this.ethertype = type;

  if (isTagType(type)) {
    // 802.1Q, or 802.1ad / legacy QinQ stacks: `vlan` is the outer tag,
    // `vlans` lists every tag (outer first) when there is more than one.
    var tags = 0;
    while (isTagType(type)) {
      if (offset + 4 > r.length) {
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
      type = (r[offset + 2] << 8) | r[offset + 3];
      offset += 4;
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

// Fast path of decode.packet (decodeEthernet below): the object of
// `new EthernetPacket(emitter).decode(r, offset)` for an untagged frame, built in one pass.
function DecodedEthernet(emitter, r, offset, ethertype, payload) {
  this.emitter = emitter;
  this.dhost = new EthernetAddr(r, offset);
  this.shost = new EthernetAddr(r, offset + 6);
  this.ethertype = ethertype;
  this.vlan = null;
  this.payload = payload;
}
DecodedEthernet.prototype = EthernetPacket.prototype;

function decodeEthernet(emitter, r, offset) {
  if (r.length - offset >= 14) {
    var type = (r[offset + 12] << 8) | r[offset + 13];
    if (type === 0x0800) {
      return new DecodedEthernet(emitter, r, offset, type, decodeIPv4(emitter, r, offset + 14));
    }
    if (type === 0x86dd) {
      return new DecodedEthernet(emitter, r, offset, type, decodeIPv6(emitter, r, offset + 14));
    }
  }
  return new EthernetPacket(emitter).decode(r, offset);
}
internal.decodeEthernet = decodeEthernet;
internal.DecodedEthernet = DecodedEthernet;

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

module.exports = EthernetPacket;
