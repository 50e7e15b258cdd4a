'use strict';
var shared = require('./_util');
var emitARP = shared.emitterFor('arp');
var EthernetAddr = require('./ethernet_addr');
var IPv4Addr = require('./ipv4_addr');

function Arp(emitter) {
  this.emitter = emitter;
  this.htype = undefined;
  this.ptype = undefined;
  this.hlen = undefined;
  this.plen = undefined;
  this.operation = undefined;
  this.sender_ha = undefined;
  this.sender_pa = undefined;
  this.target_ha = undefined;
  this.target_pa = undefined;
}

Arp.prototype.decoderName = 'arp';
Arp.prototype.eventsOnDecode = true;

// https://www.rfc-editor.org/rfc/rfc826
Arp.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  this.htype = shared.u16(r, offset);
  this.ptype = shared.u16(r, offset + 2);
  this.hlen = shared.u8(r, offset + 4);
  this.plen = shared.u8(r, offset + 5);
  this.operation = shared.u16(r, offset + 6);
  if (this.operation === undefined) {
    this._error = 'truncated ARP header';
  } else if (this.hlen === 6 && this.plen === 4) { // Ethernet + IPv4
    if (r.length - offset >= 28) {
      this.sender_ha = new EthernetAddr(r, offset + 8);
      this.sender_pa = new IPv4Addr(r, offset + 14);
      this.target_ha = new EthernetAddr(r, offset + 18);
      this.target_pa = new IPv4Addr(r, offset + 24);
    } else {
      this._error = 'truncated ARP addresses';
    }
  }
  if (this.emitter) { emitARP(this.emitter, this); }
  return this;
};

Arp.prototype.toString = function () {
  var ret = this.operation === 1 ? 'request' : (this.operation === 2 ? 'reply' : 'unknown');
  if (this.sender_ha && this.sender_pa) {
    ret += ' sender ' + this.sender_ha + ' ' + this.sender_pa + ' target ' + this.target_ha + ' ' + this.target_pa;
  }
  return ret;
};

module.exports = Arp;
