'use strict';
// Linux "cooked" capture header v1 (LINKTYPE_LINUX_SLL, 113), used by the "any" device.
// https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
var SLLAddr = require('./sll_addr');
var ethertypes = require('./_ethertype');

function SLLPacket(emitter) {
  this.emitter = emitter;
  this.packet_type = null;
  this.address_type = null;
  this.address_len = null;
  this.address = null;
  this.ethertype = null;
  this.payload = null;
}

SLLPacket.prototype.decoderName = 'ssl-packet';
SLLPacket.prototype.eventsOnDecode = false;

SLLPacket.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  if (!(r.length - offset >= 16)) {
    this._error = 'truncated SLL header: ' + Math.max(0, r.length - offset) + ' of 16 bytes captured';
    return this;
  }
  this.packet_type = (r[offset] << 8) | r[offset + 1];
  this.address_type = (r[offset + 2] << 8) | r[offset + 3];
  this.address_len = (r[offset + 4] << 8) | r[offset + 5];
  this.address = new SLLAddr(r, offset + 6, this.address_len); // 8 bytes reserved
  var type = (r[offset + 14] << 8) | r[offset + 15];
  this.ethertype = type;
  if (type < 1536) {
    this.ethertype = 0;
  } else {
    this.payload = ethertypes.decodeEthertype('SLLPacket', type, this.emitter, r, offset + 16);
  }
  return this;
};

SLLPacket.prototype.toString = function () {
  var ret = ethertypes.packetTypeName(this.packet_type) + ' addrtype ' + this.address_type + ' ' + this.address +
        ethertypes.ethertypeName(this.ethertype);
  return this.payload === null || this.payload === undefined ? ret : ret + ' ' + this.payload;
};

module.exports = SLLPacket;
