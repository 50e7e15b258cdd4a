'use strict';
// TCP (https://www.rfc-editor.org/rfc/rfc9293): node_pcap's TCP class and decode.packet's fast
// routines. The fixed header's fields are read in one place, `readHeader`, at the offsets below.
var shared = require('./_util');
var emitTCP = shared.emitterFor('tcp');
var PacketBuffer = require('../lib/structure').PacketBuffer;

// Field offsets in the TCP header.
var SPORT = 0;
var DPORT = 2;
var SEQ = 4;
var ACK = 8;
var DATA_OFFSET = 12; // high nibble: header length in 32-bit words; low bit: NS (nonce)
var FLAGS = 13;
var WINDOW = 14;
var CHECKSUM = 16;
var URGENT = 18;
var HEADER = 20;      // the fixed header; options follow up to the header length
// The options of most segments of a connection: NOP, NOP, timestamps (kind 8, length 10).
var TS_ONLY_HEADER = 32;

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

// first_byte: the data offset byte (its low bit is NS, `nonce`); second_byte: the flags byte.
TCPFlags.prototype.decode = function (first_byte, second_byte) {
  return readFlags(this, first_byte, second_byte);
};

function readFlags(f, b12, b13) {
  f.nonce = (b12 & 1) !== 0;
  f.cwr = (b13 & 0x80) !== 0;
  f.ece = (b13 & 0x40) !== 0;
  f.urg = (b13 & 0x20) !== 0;
  f.ack = (b13 & 0x10) !== 0;
  f.psh = (b13 & 0x08) !== 0;
  f.rst = (b13 & 0x04) !== 0;
  f.syn = (b13 & 0x02) !== 0;
  f.fin = (b13 & 0x01) !== 0;
  return f;
}

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
        sack.push([shared.u32(raw, s), shared.u32(raw, s + 4)]);
      }
      opts.sack = sack;
    } else if (kind === 8 && l === 10) {
      opts.timestamp = shared.u32(raw, d);
      opts.echo = shared.u32(raw, d + 4);
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

// `len` is the segment length given by the IP layer (header included).
TCP.prototype.decode = function (raw_packet, offset, len) {
  var avail = raw_packet.length - offset;
  if (typeof len !== 'number') { len = avail; }
  if (!(avail >= HEADER)) {
    return this._decodeShort(raw_packet, offset, len, avail);
  }
  var r = raw_packet;
  var hl = readHeader(this, r, offset);
  this.options = new TCPOptions();
  var dataOffset = offset + HEADER;
  if (hl > HEADER) {
    var err = decodeOptions(this.options, r, dataOffset, hl - HEADER);
    dataOffset = offset + hl;
    if (err !== null) { this._error = err; }
  } else if (hl < HEADER) {
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

// The fixed header's fields, from sport to urgentPointer in the order of TCP's own properties
// (the caller has set `emitter`; `reserved` stays undefined as in node_pcap). The 20 bytes at
// `o` must be there. Returns the header length.
function readHeader(t, r, o) {
  t.sport = (r[o + SPORT] << 8) | r[o + SPORT + 1];
  t.dport = (r[o + DPORT] << 8) | r[o + DPORT + 1];
  t.seqno = ((r[o + SEQ] << 24) >>> 0) + ((r[o + SEQ + 1] << 16) | (r[o + SEQ + 2] << 8) | r[o + SEQ + 3]);
  t.ackno = ((r[o + ACK] << 24) >>> 0) + ((r[o + ACK + 1] << 16) | (r[o + ACK + 2] << 8) | r[o + ACK + 3]);
  var hl = (r[o + DATA_OFFSET] & 0xf0) >> 2;
  t.headerLength = hl;
  t.reserved = undefined;
  t.flags = new DecodedFlags(r[o + DATA_OFFSET], r[o + FLAGS]);
  t.windowSize = (r[o + WINDOW] << 8) | r[o + WINDOW + 1];
  t.checksum = (r[o + CHECKSUM] << 8) | r[o + CHECKSUM + 1];
  t.urgentPointer = (r[o + URGENT] << 8) | r[o + URGENT + 1];
  return hl;
}

// decode.packet's fast path (decodeTCP, mappedTCP below) builds the same objects in one pass.
// The Decoded* constructors share the prototypes of the public classes and create the same
// own properties in the same order as `new X()` followed by `decode()`.
function DecodedFlags(b12, b13) {
  this.emitter = undefined;
  readFlags(this, b12, b13);
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
function DecodedTCP(emitter, r, offset, options, data, dataLength) {
  this.emitter = emitter;
  readHeader(this, r, offset);
  this.options = options;
  this.data = data;
  this.dataLength = dataLength;
}
DecodedTCP.prototype = TCP.prototype;

// The options of a header of hl bytes (20 <= hl <= what was captured) when they are all usual
// ones, else null (the caller then takes the checked path).
function usualOptions(r, offset, hl) {
  if (hl === HEADER) {
    return new DecodedOptions(null, null, null, null, null);
  }
  var o = offset + HEADER;
  if (hl === TS_ONLY_HEADER && r[o] === 1 && r[o + 1] === 1 && r[o + 2] === 8 && r[o + 3] === 10) {
    return new DecodedOptions(null, null, null,
      ((r[o + 4] << 24) >>> 0) + ((r[o + 5] << 16) | (r[o + 6] << 8) | r[o + 7]),
      ((r[o + 8] << 24) >>> 0) + ((r[o + 9] << 16) | (r[o + 10] << 8) | r[o + 11]));
  }
  return fastOptions(r, o, offset + hl);
}

// `new TCP(emitter).decode(r, offset, len)` for decode.packet.
function decodeTCP(emitter, r, offset, len) {
  var avail = r.length - offset;
  if (avail >= HEADER && typeof len === 'number') {
    var hl = (r[offset + DATA_OFFSET] & 0xf0) >> 2;
    var options = hl >= HEADER && hl <= avail ? usualOptions(r, offset, hl) : null;
    if (options !== null) {
      var n = len - hl;
      var start = offset + hl;
      var tcp = new DecodedTCP(emitter, r, offset, options, n > 0 ? r.subarray(start, start + n) : null, n);
      if (emitter) { emitTCP(emitter, tcp); }
      return tcp;
    }
  }
  return new TCP(emitter).decode(r, offset, len);
}

// `new TCP(emitter).decode(r, offset, len)` for a header of hl bytes the structure pass vouched
// for (complete, data offset >= 5); `usual` when its options are all usual ones. The data offset
// and the options are read again: a handler may have changed the bytes since they were mapped.
// `ab`/`base`: where r's bytes lie in their ArrayBuffer when known (a session's batch), for the
// data view; otherwise ab is null and subarray makes it.
function mappedTCP(emitter, r, offset, len, hl, usual, ab, base) {
  var options = ((r[offset + DATA_OFFSET] & 0xf0) >> 2) !== hl || (!usual && hl !== HEADER) ? null :
    usualOptions(r, offset, hl);
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
  var tcp = new DecodedTCP(emitter, r, offset, options, data, n);
  if (emitter) { emitTCP(emitter, tcp); }
  return tcp;
}

shared.exportFast(TCP, { decode: decodeTCP, mapped: mappedTCP });

// Fewer than 20 bytes captured: the fields that are there (the others stay undefined), and why
// it stopped.
TCP.prototype._decodeShort = function (raw_packet, offset, len, avail) {
  var u16 = shared.u16, u32 = shared.u32;
  this.sport = u16(raw_packet, offset + SPORT);
  this.dport = u16(raw_packet, offset + DPORT);
  this.seqno = u32(raw_packet, offset + SEQ);
  this.ackno = u32(raw_packet, offset + ACK);
  if (avail > DATA_OFFSET) {
    this.headerLength = (raw_packet[offset + DATA_OFFSET] & 0xf0) >> 2;
  }
  if (avail > FLAGS) {
    this.flags = new DecodedFlags(raw_packet[offset + DATA_OFFSET], raw_packet[offset + FLAGS]);
  }
  this.windowSize = u16(raw_packet, offset + WINDOW);
  this.checksum = u16(raw_packet, offset + CHECKSUM);
  this.urgentPointer = u16(raw_packet, offset + URGENT);
  this.options = new TCPOptions();
  this.data = null;
  this.dataLength = this.headerLength !== undefined ? len - this.headerLength : 0;
  this._error = 'truncated TCP header: ' + (avail > 0 ? avail : 0) + ' of ' + HEADER + ' bytes captured';
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
