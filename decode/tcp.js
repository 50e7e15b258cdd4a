'use strict';
var internal = require('./_internal');
var emitTCP = internal.emitterFor('tcp');
var PacketBuffer = require('../lib/structure').PacketBuffer;

function TCPFlags(emitter) {
  this.emitter = emitter;
  this.nonce = undefined;
  this.cwr = undefined;
  this.ece = undefined;
  this.urg = undefined;
  this.ack = undefined;
  this.psh = undefined;
  this.rst = undefined;
  this.syn = undefined;
  this.fin = undefined;
}

TCPFlags.prototype.decode = function (first_byte, second_byte) {
  this.nonce = (first_byte & 1) !== 0;
  this.cwr = (second_byte & 0x80) !== 0;
  this.ece = (second_byte & 0x40) !== 0;
  this.urg = (second_byte & 0x20) !== 0;
  this.ack = (second_byte & 0x10) !== 0;
  this.psh = (second_byte & 0x08) !== 0;
  this.rst = (second_byte & 0x04) !== 0;
  this.syn = (second_byte & 0x02) !== 0;
  this.fin = (second_byte & 0x01) !== 0;
  return this;
};

TCPFlags.prototype.toString = function () {
  return '[' + (this.cwr ? 'c' : '') + (this.ece ? 'e' : '') + (this.urg ? 'u' : '') + (this.ack ? 'a' : '') +
        (this.psh ? 'p' : '') + (this.rst ? 'r' : '') + (this.syn ? 's' : '') + (this.fin ? 'f' : '') + ']';
};

// Options of one segment. node_pcap's six fields always exist; `tfo`, `mptcp`
// and `unknown` are added only when such options are present.
function TCPOptions() {
  this.mss = null;
  this.window_scale = null;
  this.sack_ok = null;
  this.sack = null;
  this.timestamp = null;
  this.echo = null;
}

TCPOptions.prototype.decode = function (raw_packet, offset, len) {
  decodeOptions(this, raw_packet, offset, len);
  return this;
};

function addUnknown(opts, kind, bytes) {
  if (!opts.unknown) { opts.unknown = []; }
  opts.unknown.push({ kind: kind, bytes: bytes });
}

// Walks the option list; returns an error string, or null when it was well formed.
// https://www.iana.org/assignments/tcp-parameters/tcp-parameters.xhtml
function decodeOptions(opts, raw, offset, len) {
  var end = offset + len;
  var error = null;
  if (end > raw.length) {
    end = raw.length;
    error = 'truncated TCP options';
  }
  var o = offset;
  while (o < end) {
    var kind = raw[o];
    if (kind === 0) { break; }          // end of option list
    if (kind === 1) { o++; continue; }  // no-operation
    if (o + 1 >= end) { return error || 'truncated TCP option ' + kind; }
    var l = raw[o + 1];
    if (l < 2 || o + l > end) { return error || 'invalid length ' + l + ' for TCP option ' + kind; }
    var d = o + 2;
    if (kind === 2 && l === 4) {
      opts.mss = (raw[d] << 8) | raw[d + 1];
    } else if (kind === 3 && l === 3) {
      opts.window_scale = raw[d];
    } else if (kind === 4 && l === 2) {
      opts.sack_ok = true;
    } else if (kind === 5 && l >= 10 && (l - 2) % 8 === 0) {
      var sack = [];
      for (var s = d; s < o + l; s += 8) {
        sack.push([internal.u32(raw, s), internal.u32(raw, s + 4)]);
      }
      opts.sack = sack;
    } else if (kind === 8 && l === 10) {
      opts.timestamp = internal.u32(raw, d);
      opts.echo = internal.u32(raw, d + 4);
    } else if (kind === 34) {
      opts.tfo = raw.subarray(d, o + l);
    } else if (kind === 254 && l >= 4 && raw[d] === 0xf9 && raw[d + 1] === 0x89) {
      opts.tfo = raw.subarray(d + 2, o + l); // experimental TFO (RFC 7413 section 4.1.3)
    } else if (kind === 30) {
      if (!opts.mptcp) { opts.mptcp = []; }
      opts.mptcp.push(raw.subarray(d, o + l));
    } else {
      addUnknown(opts, kind, raw.subarray(d, o + l));
    }
    o += l;
  }
  return error;
}

TCPOptions.prototype.toString = function () {
  var ret = '';
  if (this.mss !== null) {
    ret += 'mss:' + this.mss + ' ';
  }
  if (this.window_scale !== null) {
    ret += 'scale:' + this.window_scale + '(' + Math.pow(2, this.window_scale) + ') ';
  }
  if (this.sack_ok !== null) {
    ret += 'sack_ok ';
  }
  if (this.sack !== null) {
    ret += 'sack:' + this.sack.join(',') + ' ';
  }
  if (ret.length === 0) {
    ret = '. ';
  }
  return '[' + ret.slice(0, -1) + ']';
};

function TCP(emitter) {
  this.emitter = emitter;
  this.sport = undefined;
  this.dport = undefined;
  this.seqno = undefined;
  this.ackno = undefined;
  this.headerLength = undefined;
  this.reserved = undefined;
  this.flags = undefined;
  this.windowSize = undefined;
  this.checksum = undefined;
  this.urgentPointer = undefined;
  this.options = undefined;
  this.data = undefined;
  this.dataLength = undefined;
}

TCP.prototype.decoderName = 'tcp';
TCP.prototype.eventsOnDecode = true;

// https://www.rfc-editor.org/rfc/rfc9293
// `len` is the segment length given by the IP layer (header included).
TCP.prototype.decode = function (raw_packet, offset, len) {
  var avail = raw_packet.length - offset;
  if (typeof len !== 'number') { len = avail; }
  if (!(avail >= 20)) {
    return this._decodeShort(raw_packet, offset, len, avail);
  }
  var r = raw_packet;
  this.sport = (r[offset] << 8) | r[offset + 1];
  this.dport = (r[offset + 2] << 8) | r[offset + 3];
  this.seqno = ((r[offset + 4] << 24) >>> 0) + ((r[offset + 5] << 16) | (r[offset + 6] << 8) | r[offset + 7]);
  this.ackno = ((r[offset + 8] << 24) >>> 0) + ((r[offset + 9] << 16) | (r[offset + 10] << 8) | r[offset + 11]);
  var b12 = r[offset + 12];
  var hl = (b12 & 0xf0) >> 2;
  this.headerLength = hl;
  this.flags = new TCPFlags().decode(b12, r[offset + 13]);
  this.windowSize = (r[offset + 14] << 8) | r[offset + 15];
  this.checksum = (r[offset + 16] << 8) | r[offset + 17];
  this.urgentPointer = (r[offset + 18] << 8) | r[offset + 19];
  this.options = new TCPOptions();
  var dataOffset = offset + 20;
  if (hl > 20) {
    var err = decodeOptions(this.options, r, dataOffset, hl - 20);
    dataOffset = offset + hl;
    if (err !== null) { this._error = err; }
  } else if (hl < 20) {
    this._error = 'invalid TCP header length ' + hl;
  }
  this.dataLength = len - hl;
  if (this.dataLength > 0) {
    // A view of the captured bytes (may be shorter than dataLength when the capture was cut).
    this.data = r.subarray(dataOffset, dataOffset + this.dataLength);
  } else {
    this.data = null;
  }
  if (this.emitter) { emitTCP(this.emitter, this); }
  return this;
};

// Fast path of decode.packet (via decodeTCP below): the same objects, built in one pass.
// The Decoded* constructors share the prototypes of the public classes and create the same
// own properties in the same order as `new X()` followed by `decode()`.
function DecodedFlags(b12, b13) {
  this.emitter = undefined;
  this.nonce = (b12 & 1) !== 0;
  this.cwr = (b13 & 0x80) !== 0;
  this.ece = (b13 & 0x40) !== 0;
  this.urg = (b13 & 0x20) !== 0;
  this.ack = (b13 & 0x10) !== 0;
  this.psh = (b13 & 0x08) !== 0;
  this.rst = (b13 & 0x04) !== 0;
  this.syn = (b13 & 0x02) !== 0;
  this.fin = (b13 & 0x01) !== 0;
}
DecodedFlags.prototype = TCPFlags.prototype;

function DecodedOptions(mss, window_scale, sack_ok, timestamp, echo) {
  this.mss = mss;
  this.window_scale = window_scale;
  this.sack_ok = sack_ok;
  this.sack = null;
  this.timestamp = timestamp;
  this.echo = echo;
}
DecodedOptions.prototype = TCPOptions.prototype;

var NO_OPTIONS = null;

// The usual options (NOP, end, MSS, window scale, SACK permitted, timestamps) between o and end
// (end <= raw.length). Returns null for anything else (SACK blocks, other kinds, bad lengths):
// the caller then takes the general path.
function fastOptions(r, o, end) {
  var mss = null, ws = null, sackOk = null, ts = null, echo = null;
  while (o < end) {
    var kind = r[o];
    if (kind === 1) { o++; continue; }
    if (kind === 0) { break; }
    if (o + 1 >= end) { return NO_OPTIONS; }
    var l = r[o + 1];
    if (o + l > end) { return NO_OPTIONS; }
    if (kind === 8 && l === 10) {
      ts = ((r[o + 2] << 24) >>> 0) + ((r[o + 3] << 16) | (r[o + 4] << 8) | r[o + 5]);
      echo = ((r[o + 6] << 24) >>> 0) + ((r[o + 7] << 16) | (r[o + 8] << 8) | r[o + 9]);
    } else if (kind === 2 && l === 4) {
      mss = (r[o + 2] << 8) | r[o + 3];
    } else if (kind === 3 && l === 3) {
      ws = r[o + 2];
    } else if (kind === 4 && l === 2) {
      sackOk = true;
    } else {
      return NO_OPTIONS;
    }
    o += l;
  }
  return new DecodedOptions(mss, ws, sackOk, ts, echo);
}

// `data`/`dataLength`: the payload view (or null) and len - hl, made by the caller.
function DecodedTCP(emitter, r, offset, hl, options, data, dataLength) {
  this.emitter = emitter;
  this.sport = (r[offset] << 8) | r[offset + 1];
  this.dport = (r[offset + 2] << 8) | r[offset + 3];
  this.seqno = ((r[offset + 4] << 24) >>> 0) + ((r[offset + 5] << 16) | (r[offset + 6] << 8) | r[offset + 7]);
  this.ackno = ((r[offset + 8] << 24) >>> 0) + ((r[offset + 9] << 16) | (r[offset + 10] << 8) | r[offset + 11]);
  this.headerLength = hl;
  this.reserved = undefined;
  this.flags = new DecodedFlags(r[offset + 12], r[offset + 13]);
  this.windowSize = (r[offset + 14] << 8) | r[offset + 15];
  this.checksum = (r[offset + 16] << 8) | r[offset + 17];
  this.urgentPointer = (r[offset + 18] << 8) | r[offset + 19];
  this.options = options;
  this.data = data;
  this.dataLength = dataLength;
}
DecodedTCP.prototype = TCP.prototype;

// `new TCP(emitter).decode(r, offset, len)` for decode.packet.
function decodeTCP(emitter, r, offset, len) {
  var avail = r.length - offset;
  if (avail >= 20 && typeof len === 'number') {
    var hl = (r[offset + 12] & 0xf0) >> 2;
    var options = null;
    if (hl === 20) {
      options = new DecodedOptions(null, null, null, null, null);
    } else if (hl === 32 && avail >= 32 && r[offset + 20] === 1 && r[offset + 21] === 1 &&
            r[offset + 22] === 8 && r[offset + 23] === 10) {
      // NOP, NOP, timestamps: the options of most segments of a connection.
      options = new DecodedOptions(null, null, null,
        ((r[offset + 24] << 24) >>> 0) + ((r[offset + 25] << 16) | (r[offset + 26] << 8) | r[offset + 27]),
        ((r[offset + 28] << 24) >>> 0) + ((r[offset + 29] << 16) | (r[offset + 30] << 8) | r[offset + 31]));
    } else if (hl > 20 && hl <= avail) {
      options = fastOptions(r, offset + 20, offset + hl);
    }
    if (options !== null) {
      var n = len - hl;
      var start = offset + hl;
      var tcp = new DecodedTCP(emitter, r, offset, hl, options, n > 0 ? r.subarray(start, start + n) : null, n);
      if (emitter) { emitTCP(emitter, tcp); }
      return tcp;
    }
  }
  return new TCP(emitter).decode(r, offset, len);
}
internal.decodeTCP = decodeTCP;

// `new TCP(emitter).decode(r, offset, len)` for a header of hl bytes the structure pass vouched
// for (complete, data offset >= 5); `usual` when its options are all usual ones. The data offset
// and the options are read again: a handler may have changed the bytes since they were mapped.
// `ab`/`base`: where r's bytes lie in their ArrayBuffer when known (a session's batch), for the
// data view; otherwise ab is null and subarray makes it.
function mappedTCP(emitter, r, offset, len, hl, usual, ab, base) {
  var options;
  if (((r[offset + 12] & 0xf0) >> 2) !== hl) {
    options = null;
  } else if (hl === 20) {
    options = new DecodedOptions(null, null, null, null, null);
  } else if (!usual) {
    options = null;
  } else if (hl === 32 && r[offset + 20] === 1 && r[offset + 21] === 1 && r[offset + 22] === 8 && r[offset + 23] === 10) {
    // NOP, NOP, timestamps: the options of most segments.
    options = new DecodedOptions(null, null, null,
      ((r[offset + 24] << 24) >>> 0) + ((r[offset + 25] << 16) | (r[offset + 26] << 8) | r[offset + 27]),
      ((r[offset + 28] << 24) >>> 0) + ((r[offset + 29] << 16) | (r[offset + 30] << 8) | r[offset + 31]));
  } else {
    // Checked again: null when the bytes changed since they were mapped.
    options = fastOptions(r, offset + 20, offset + hl);
  }
  if (options === null) {
    return new TCP(emitter).decode(r, offset, len);
  }
  var n = len - hl;
  var data = null;
  if (n > 0) {
    var start = offset + hl;
    var avail = r.length - start;
    data = ab !== null ? new PacketBuffer(ab, base + start, n < avail ? n : avail) : r.subarray(start, start + n);
  }
  var tcp = new DecodedTCP(emitter, r, offset, hl, options, data, n);
  if (emitter) { emitTCP(emitter, tcp); }
  return tcp;
}
internal.mappedTCP = mappedTCP;

TCP.prototype._decodeShort = function (raw_packet, offset, len, avail) {
  var u16 = internal.u16, u32 = internal.u32;
  this.sport = u16(raw_packet, offset);
  this.dport = u16(raw_packet, offset + 2);
  this.seqno = u32(raw_packet, offset + 4);
  this.ackno = u32(raw_packet, offset + 8);
  if (avail > 12) {
    this.headerLength = (raw_packet[offset + 12] & 0xf0) >> 2;
  }
  if (avail > 13) {
    this.flags = new TCPFlags().decode(raw_packet[offset + 12], raw_packet[offset + 13]);
  }
  this.windowSize = u16(raw_packet, offset + 14);
  this.checksum = u16(raw_packet, offset + 16);
  this.urgentPointer = u16(raw_packet, offset + 18);
  this.options = new TCPOptions();
  this.data = null;
  this.dataLength = this.headerLength !== undefined ? len - this.headerLength : 0;
  this._error = 'truncated TCP header: ' + (avail > 0 ? avail : 0) + ' of 20 bytes captured';
  if (this.emitter) { emitTCP(this.emitter, this); }
  return this;
};

TCP.prototype.toString = function () {
  // node_pcap tests `this.urgent_pointer` here, so the urgent pointer is never printed.
  return this.sport + '->' + this.dport + ' seq ' + this.seqno + ' ack ' + this.ackno +
        ' flags ' + (this.flags || '[]') + ' win ' + this.windowSize + ' csum ' + this.checksum +
        ' ' + (this.options || '[.]') + ' len ' + this.dataLength;
};

module.exports = TCP;
