'use strict';
// IEEE 802.11 MAC frame header.
var shared = require('../_util');
var emitRadioFrame = shared.emitterFor('radio-frame');
var EthernetAddr = require('../ethernet_addr');
var LogicalLinkControl = require('../llc_packet');
var RadioBeaconFrame = require('./radio_beacon_frame');
var RadioProbeFrame = require('./radio_probe_frame');

function RadioFrameFlags(emitter) {
  this.emitter = emitter;
  this.raw = undefined;
  this.moreFragments = undefined;
  this.isRetry = undefined;
  this.moreData = undefined;
  this.encrypted = undefined;
  this.ordered = undefined;
}

RadioFrameFlags.prototype.decode = function (flags) {
  this.raw = flags;
  this.moreFragments = (flags & 0x04) !== 0;
  this.isRetry = (flags & 0x08) !== 0;
  this.moreData = (flags & 0x20) !== 0;
  this.encrypted = (flags & 0x40) !== 0;
  this.ordered = (flags & 0x80) !== 0;
  return this;
};

function RadioFrame(emitter) {
  this.emitter = emitter;
  this.frameControl = undefined;
  this.version = undefined;
  this.type = undefined;
  this.subType = undefined;
  this.flags = undefined;
  this.duration = undefined;
  this.bssid = undefined;
  this.shost = undefined;
  this.dhost = undefined;
  this.fragSeq = undefined;
  this.beacon = undefined;
  this.llc = undefined;
}

// node_pcap names addr1/addr2/addr3 bssid/shost/dhost whatever the DS bits
// say, and reads duration and sequence control big-endian; both are kept.
RadioFrame.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  var avail = r.length - offset;
  if (!(avail >= 2)) {
    this._error = 'Not enough of packet left to be a RadioFrame';
    return this;
  }
  var fc = this.frameControl = r[offset] | (r[offset + 1] << 8);
  this.version = fc & 0x03;
  this.type = (fc >> 2) & 0x03;
  this.subType = (fc >> 4) & 0x0f;
  this.flags = new RadioFrameFlags().decode(fc >> 8);
  this.duration = shared.u16(r, offset + 2);
  if (avail >= 10) { this.bssid = new EthernetAddr(r, offset + 4); }
  if (avail >= 16) { this.shost = new EthernetAddr(r, offset + 10); }
  if (avail >= 22) { this.dhost = new EthernetAddr(r, offset + 16); }
  this.fragSeq = shared.u16(r, offset + 22);

  if (this.type === 1) {
    // Control frames are shorter (ACK and CTS: 10 bytes, RTS: 16 bytes).
    if (avail < 10) { this._error = 'Not enough of packet left to be a RadioFrame'; }
  } else if (avail < 24) {
    this._error = 'Not enough of packet left to be a RadioFrame';
  } else if (this.type === 0) {
    if (this.subType === 4) {
      this.probe = new RadioProbeFrame().decode(r, offset + 24);
    } else if (this.subType === 8) {
      this.beacon = new RadioBeaconFrame().decode(r, offset + 24);
    }
  } else if (this.type === 2) {
    this._decodeData(r, offset, avail);
  }

  if (this.emitter) { emitRadioFrame(this.emitter, this); }
  return this;
};

RadioFrame.prototype._decodeData = function (r, offset, avail) {
  var hdr = 24;
  var fl = this.flags.raw;
  if ((fl & 0x03) === 0x03) { // ToDS and FromDS: a fourth address
    if (avail < 30) { this._error = 'truncated 802.11 data header'; return; }
    this.addr4 = new EthernetAddr(r, offset + 24);
    hdr = 30;
  }
  if (this.subType & 0x08) { // QoS data: QoS control, and HT control when ordered
    if (avail < hdr + 2) { this._error = 'truncated 802.11 QoS header'; return; }
    this.qosControl = r[offset + hdr] | (r[offset + hdr + 1] << 8);
    hdr += (fl & 0x80) ? 6 : 2;
  }
  // Subtypes with bit 2 set (null function, CF-ack/poll only) carry no data.
  if (!this.flags.encrypted && (this.subType & 0x04) === 0) {
    this.llc = new LogicalLinkControl(this.emitter).decode(r, offset + hdr);
  }
};

module.exports = RadioFrame;
