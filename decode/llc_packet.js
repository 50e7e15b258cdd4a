'use strict';
// IEEE 802.2 Logical Link Control with SNAP, as carried in 802.11 data frames.
var shared = require('./_util');
var emitLLC = shared.emitterFor('llc');
var ethertypes = require('./_ethertype');

function LogicalLinkControl(emitter) {
  this.emitter = emitter;
  this.dsap = undefined;
  this.ssap = undefined;
  this.controlField = undefined;
  this.orgCode = undefined;
  this.type = undefined;
  this._error = undefined;
}

LogicalLinkControl.prototype.decoderName = 'llc';
LogicalLinkControl.prototype.eventsOnDecode = true;

LogicalLinkControl.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  this.dsap = shared.u8(r, offset);
  this.ssap = shared.u8(r, offset + 1);
  // 0xaa/0xaa is SNAP, 0x00/0x00 the null SAP
  if ((this.dsap === 0xaa && this.ssap === 0xaa) || (this.dsap === 0 && this.ssap === 0)) {
    if (r.length - offset >= 8) {
      this.controlField = r[offset + 2];
      this.orgCode = [r[offset + 3], r[offset + 4], r[offset + 5]];
      this.type = (r[offset + 6] << 8) | r[offset + 7];
      var t = this.type;
      if (t === 0x0800 || t === 0x0806 || t === 0x86dd) {
        this.payload = ethertypes.decodeEthertype('LogicalLinkControl', t, this.emitter, r, offset + 8);
      }
    } else {
      this._error = 'truncated LLC/SNAP header';
    }
  } else if (this.ssap === undefined) {
    this._error = 'truncated LLC header';
  } else {
    this._error = 'Unknown LLC types: DSAP: ' + this.dsap + ', SSAP: ' + this.ssap;
  }
  if (this.emitter) { emitLLC(this.emitter, this); }
  return this;
};

module.exports = LogicalLinkControl;
