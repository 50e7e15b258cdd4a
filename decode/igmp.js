'use strict';
var shared = require('./_util');
var emitIGMP = shared.emitterFor('igmp');
var IPv4Addr = require('./ipv4_addr');

function IGMP(emitter) {
  this.emitter = emitter;
  this.type = undefined;
  this.version = undefined;
  this.maxResponseTime = undefined;
  this.checksum = undefined;
  this.groupAddress = undefined;
}

IGMP.prototype.decoderName = 'igmp';
IGMP.prototype.eventsOnDecode = true;

function readSources(r, o, n) {
  var sources = new Array(n);
  for (var i = 0; i < n; i++) {
    sources[i] = new IPv4Addr(r, o + 4 * i);
  }
  return sources;
}

// IGMPv1 (RFC 1112), v2 (RFC 2236), v3 (RFC 3376). `len` is the IGMP message
// length from the IP header; it tells a v3 query from a v1/v2 one.
IGMP.prototype.decode = function (raw_packet, offset, len) {
  var r = raw_packet;
  var avail = r.length - offset;
  if (typeof len !== 'number' || len > avail) { len = avail; }
  this.type = shared.u8(r, offset);
  this.maxResponseTime = shared.u8(r, offset + 1);
  this.checksum = shared.u16(r, offset + 2);
  if (!(avail >= 8)) {
    this._error = 'truncated IGMP message';
    if (this.emitter) { emitIGMP(this.emitter, this); }
    return this;
  }
  this.groupAddress = new IPv4Addr(r, offset + 4);
  switch (this.type) {
    case 0x11: // Membership Query: the version follows from length and max response time
      if (len >= 12) {
        this.version = 3;
        this._decodeV3Query(r, offset, len);
      } else {
        this.version = this.maxResponseTime === 0 ? 1 : 2;
      }
      break;
    case 0x12:
      this.version = 1;
      break;
    case 0x16:
    case 0x17:
      this.version = 2;
      break;
    case 0x22:
      this.version = 3;
      this._decodeV3Report(r, offset, len);
      break;
  }
  if (this.emitter) { emitIGMP(this.emitter, this); }
  return this;
};

IGMP.prototype._decodeV3Query = function (r, offset, len) {
  var b8 = r[offset + 8];
  this.sFlag = (b8 & 0x08) !== 0;
  this.qrv = b8 & 0x07;
  this.qqic = r[offset + 9];
  var n = (r[offset + 10] << 8) | r[offset + 11];
  this.numberOfSources = n;
  if (12 + 4 * n > len) {
    this._error = 'truncated IGMPv3 query: ' + n + ' sources';
    n = Math.max(0, Math.floor((len - 12) / 4));
  }
  this.sources = readSources(r, offset + 12, n);
};

IGMP.prototype._decodeV3Report = function (r, offset, len) {
  var count = (r[offset + 6] << 8) | r[offset + 7];
  var records = [];
  var o = offset + 8, end = offset + len;
  for (var i = 0; i < count; i++) {
    if (o + 8 > end) { this._error = 'truncated IGMPv3 group record ' + i; break; }
    var auxLen = r[o + 1] * 4;
    var n = (r[o + 2] << 8) | r[o + 3];
    var size = 8 + 4 * n + auxLen;
    if (o + size > end) { this._error = 'truncated IGMPv3 group record ' + i; break; }
    records.push({
      recordType: r[o],
      auxDataLength: auxLen,
      numberOfSources: n,
      multicastAddress: new IPv4Addr(r, o + 4),
      sources: readSources(r, o + 8, n)
    });
    o += size;
  }
  this.numberOfGroupRecords = count;
  this.groupRecords = records;
};

IGMP.prototype.toString = function () {
  switch (this.type) {
    case 0x11:
      return 'Membership Query';
    case 0x12:
    case 0x16:
    case 0x22:
      return 'Membership Report';
    case 0x17:
      return 'Leave Group';
    default:
      return 'type ' + this.type;
  }
};

module.exports = IGMP;
