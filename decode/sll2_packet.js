'use strict';
// Linux "cooked" capture header v2 (LINKTYPE_LINUX_SLL2, 276), tcpdump's default for "any".
// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
var SLLAddr = require('./sll_addr');
var ethertypes = require('./_ethertype');

function SLL2Packet(emitter) {
  this.emitter = emitter;
  this.packet_type = null;
  this.address_type = null;
  this.address_len = null;
  this.address = null;
  this.ethertype = null;
  this.interface_index = null;
  this.payload = null;
}

SLL2Packet.prototype.decoderName = 'sll2-packet';
SLL2Packet.prototype.eventsOnDecode = false;

SLL2Packet.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  if (!(r.length - offset >= 20)) {
    this._error = 'truncated SLL2 header: ' + Math.max(0, r.length - offset) + ' of 20 bytes captured';
    return this;
  }
  var type = (r[offset] << 8) | r[offset + 1];
  // bytes 2-3 reserved
  this.packet_type = r[offset + 10];
  this.address_type = (r[offset + 8] << 8) | r[offset + 9];
  this.address_len = r[offset + 11];
  this.address = new SLLAddr(r, offset + 12, this.address_len);
  this.ethertype = type < 1536 ? 0 : type;
  this.interface_index = r.readUInt32BE(offset + 4);
  if (type >= 1536) {
    this.payload = ethertypes.decodeEthertype('SLL2Packet', type, this.emitter, r, offset + 20);
  }
  return this;
};

SLL2Packet.prototype.toString = function () {
  var ret = ethertypes.packetTypeName(this.packet_type) + ' if ' + this.interface_index +
        ' addrtype ' + this.address_type + ' ' + this.address + ethertypes.ethertypeName(this.ethertype);
  return this.payload === null || this.payload === undefined ? ret : ret + ' ' + this.payload;
};

module.exports = SLL2Packet;
