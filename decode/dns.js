'use strict';
var shared = require('./_util');
var emitDNS = shared.emitterFor('dns');
var IPv4Addr = require('./ipv4_addr');
var IPv6Addr = require('./ipv6_addr');

var u16 = shared.u16, u32 = shared.u32;
// Names and TXT strings are packet bytes: their control characters are escaped when printed.
var printable = shared.printable;

function DnsFlags() {
  this.isResponse = undefined;            // QR
  this.opcode = undefined;                // 0 query, 1 inverse query, 2 status, ...
  this.isAuthority = undefined;           // AA
  this.isTruncated = undefined;           // TC
  this.isRecursionDesired = undefined;    // RD
  this.isRecursionAvailible = undefined;  // RA (node_pcap's spelling is the field name)
  this.z = undefined;                     // Z, AD and CD bits
  this.responseCode = undefined;          // RCODE
}

DnsFlags.prototype.decode = function (raw_packet, offset) {
  var b1 = raw_packet[offset];
  var b2 = raw_packet[offset + 1];
  this.isResponse = (b1 & 0x80) !== 0;
  this.opcode = (b1 & 0x78) >> 3;
  this.isAuthority = (b1 & 0x04) !== 0;
  this.isTruncated = (b1 & 0x02) !== 0;
  this.isRecursionDesired = (b1 & 0x01) !== 0;
  this.isRecursionAvailible = (b2 & 0x80) !== 0;
  this.z = (b2 & 0x70) >> 4;
  this.responseCode = b2 & 0x0f;
  return this;
};

DnsFlags.prototype.toString = function () {
  return '{ isResponse:' + this.isResponse +
        ' opcode:' + this.opcode +
        ' isAuthority:' + this.isAuthority +
        ' isTruncated:' + this.isTruncated +
        ' isRecursionDesired:' + this.isRecursionDesired +
        ' isRecursionAvailible:' + this.isRecursionAvailible +
        ' z:' + this.z +
        ' responseCode:' + this.responseCode +
        ' }';
};

function DNSRRSet(count) {
  this.rrs = new Array(count);
}

DNSRRSet.prototype.toString = function () {
  return this.rrs.join(', ');
};

function DNSRR(is_question) {
  this.name = '';
  this.type = null;
  this.class = null;
  this.ttl = null;
  this.rdlength = null;
  this.rdata = null;
  this.is_question = is_question;
}

DNSRR.prototype.toString = function () {
  var ret = printable(this.name) + ' ';
  if (this.is_question) {
    ret += qtype_to_string(this.type) + ' ' + qclass_to_string(this.class);
  } else {
    ret += type_to_string(this.type) + ' ' + class_to_string(this.class) + ' ' + this.ttl + ' ' + printable(this.rdata);
  }
  return ret;
};

// Decoded RDATA of the record types added in this package.
function DnsMX(preference, exchange) {
  this.preference = preference;
  this.exchange = exchange;
}
DnsMX.prototype.toString = function () { return this.preference + ' ' + printable(this.exchange); };

function DnsSOA() {
  this.mname = undefined;
  this.rname = undefined;
  this.serial = undefined;
  this.refresh = undefined;
  this.retry = undefined;
  this.expire = undefined;
  this.minimum = undefined;
}
DnsSOA.prototype.toString = function () {
  return printable(this.mname) + ' ' + printable(this.rname) + ' ' + this.serial + ' ' + this.refresh + ' ' + this.retry + ' ' +
        this.expire + ' ' + this.minimum;
};

function DnsSRV(priority, weight, port, target) {
  this.priority = priority;
  this.weight = weight;
  this.port = port;
  this.target = target;
}
DnsSRV.prototype.toString = function () {
  return this.priority + ' ' + this.weight + ' ' + this.port + ' ' + printable(this.target);
};

// EDNS(0) pseudo-record (RFC 6891): CLASS and TTL carry these fields.
function DnsOPT(rr) {
  this.udpPayloadSize = rr.class;
  this.extendedRcode = rr.ttl >>> 24;
  this.version = (rr.ttl >>> 16) & 0xff;
  this.dnssecOk = (rr.ttl & 0x8000) !== 0;
  this.options = [];
}
DnsOPT.prototype.toString = function () {
  var ret = 'udp ' + this.udpPayloadSize + ' version ' + this.version + (this.dnssecOk ? ' do' : '');
  for (var i = 0; i < this.options.length; i++) {
    ret += ' option ' + this.options[i].code + ' len ' + this.options[i].data.length;
  }
  return ret;
};

function DNS(emitter) {
  this.emitter = emitter;
  this.header = undefined;
  this.question = undefined;
  this.answer = undefined;
  this.authority = undefined;
  this.additional = undefined;
  this._error = undefined;
}

DNS.prototype.decoderName = 'dns';
DNS.prototype.eventsOnDecode = true;

// https://www.rfc-editor.org/rfc/rfc1035
DNS.prototype.decode = function (raw_packet, offset) {
  var r = raw_packet;
  this.raw_packet = r;
  this.offset = offset;
  this.id = u16(r, offset);
  if (r.length - offset >= 4) {
    this.header = new DnsFlags().decode(r, offset + 2);
  }
  this.qdcount = u16(r, offset + 4);
  this.ancount = u16(r, offset + 6);
  this.nscount = u16(r, offset + 8);
  this.arcount = u16(r, offset + 10);
  if (this.arcount === undefined) {
    this._error = 'truncated DNS header';
  } else {
    this.offset += 12;
    this.question = this.decode_RRs(this.qdcount, true);
    this.answer = this.decode_RRs(this.ancount, false);
    this.authority = this.decode_RRs(this.nscount, false);
    this.additional = this.decode_RRs(this.arcount, false);
  }
  if (this.emitter) { emitDNS(this.emitter, this); }
  return this;
};

DNS.prototype.decode_RRs = function (count, is_question) {
  if (this._error !== undefined) {
    return new DNSRRSet(0); // decoding stopped at an earlier section
  }
  if (count > 100) {
    this._error = 'Malformed DNS packet: too many RRs at offset ' + this.offset;
    return undefined;
  }
  var ret = new DNSRRSet(count);
  for (var i = 0; i < count; i++) {
    var rr = this.decode_RR(is_question);
    if (rr === null) {
      ret.rrs.length = i;
      break;
    }
    ret.rrs[i] = rr;
  }
  return ret;
};

// Reads a possibly compressed name at this.offset and moves this.offset past
// it. Returns null (with _error set) on a malformed name.
DNS.prototype.read_name = function () {
  var r = this.raw_packet;
  var pos = this.offset;
  var result = '';
  var jumped = false;
  var limit = pos; // every pointer must go further back than the previous one: no loops
  for (;;) {
    if (pos >= r.length) {
      this._error = 'Malformed DNS name: read beyond end of packet at offset ' + pos;
      return null;
    }
    var len = r[pos];
    if (len === 0) {
      pos++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= r.length) {
        this._error = 'Malformed DNS name: truncated compression pointer at offset ' + pos;
        return null;
      }
      var target = ((len & 0x3f) << 8) | r[pos + 1];
      if (target >= limit || target >= pos) {
        this._error = 'Malformed DNS name: compression pointer loop at offset ' + pos;
        return null;
      }
      if (!jumped) {
        this.offset = pos + 2;
        jumped = true;
      }
      pos = limit = target;
      continue;
    }
    if (len > 63) {
      this._error = 'invalid DNS RR: length is too large at offset ' + pos;
      return null;
    }
    if (pos + 1 + len > r.length) {
      this._error = 'Malformed DNS name: label runs beyond end of packet at offset ' + pos;
      return null;
    }
    if (result.length > 0) { result += '.'; }
    result += r.latin1Slice(pos + 1, pos + 1 + len);
    if (result.length > 1024) {
      this._error = 'Malformed DNS name: name too long at offset ' + pos;
      return null;
    }
    pos += 1 + len;
  }
  if (!jumped) {
    this.offset = pos;
  }
  return result;
};

DNS.prototype.decode_RR = function (is_question) {
  var r = this.raw_packet;
  if (this.offset >= r.length) {
    this._error = 'Malformed DNS RR. Offset is beyond packet len (decode_RR) :' + this.offset +
            ' packet_len:' + r.length;
    return null;
  }
  var rr = new DNSRR(is_question);
  var name = this.read_name();
  if (name === null) {
    return null;
  }
  rr.name = name;
  var o = this.offset;
  if (o + 4 > r.length) {
    this._error = 'Malformed DNS RR: truncated type/class at offset ' + o;
    return null;
  }
  rr.type = (r[o] << 8) | r[o + 1];
  rr.class = (r[o + 2] << 8) | r[o + 3];
  this.offset = o + 4;
  if (is_question) {
    return rr;
  }
  o += 4;
  if (o + 6 > r.length) {
    this._error = 'Malformed DNS RR: truncated ttl/rdlength at offset ' + o;
    return null;
  }
  rr.ttl = u32(r, o);
  rr.rdlength = (r[o + 4] << 8) | r[o + 5];
  o += 6;
  var end = o + rr.rdlength;
  if (end > r.length) {
    this._error = 'Malformed DNS RR: rdata runs beyond end of packet at offset ' + o;
    this.offset = r.length;
    return rr;
  }
  this.offset = o;
  this.decode_rdata(rr, o, end);
  this.offset = end;
  return rr;
};

DNS.prototype.decode_rdata = function (rr, o, end) {
  var r = this.raw_packet;
  var len = end - o;
  // Class IN. In mDNS the top bit of the class is the cache-flush flag (RFC 6762 section 10.2).
  var isIN = (rr.class & 0x7fff) === 1;
  switch (rr.type) {
    case 1: // A
      if (isIN && len >= 4) { rr.rdata = new IPv4Addr(r, o); }
      break;
    case 2: // NS
      if (isIN) { rr.rdata = this.read_name(); }
      break;
    case 5: // CNAME
    case 12: // PTR
    case 39: // DNAME
      rr.rdata = this.read_name();
      break;
    case 6: // SOA
      var soa = new DnsSOA();
      soa.mname = this.read_name();
      if (soa.mname === null) { break; }
      soa.rname = this.read_name();
      if (soa.rname === null) { break; }
      if (this.offset + 20 > end) {
        this._error = 'Malformed DNS SOA record at offset ' + o;
        break;
      }
      var p = this.offset;
      soa.serial = u32(r, p);
      soa.refresh = u32(r, p + 4);
      soa.retry = u32(r, p + 8);
      soa.expire = u32(r, p + 12);
      soa.minimum = u32(r, p + 16);
      rr.rdata = soa;
      break;
    case 15: // MX
      if (len < 3) { break; }
      this.offset = o + 2;
      var exchange = this.read_name();
      if (exchange !== null) { rr.rdata = new DnsMX(u16(r, o), exchange); }
      break;
    case 16: // TXT: one or more <character-string>s
      var strings = [];
      for (var t = o; t < end;) {
        var n = r[t];
        if (t + 1 + n > end) {
          this._error = 'Malformed DNS TXT record at offset ' + t;
          break;
        }
        strings.push(r.toString('utf8', t + 1, t + 1 + n));
        t += 1 + n;
      }
      rr.rdata = strings;
      break;
    case 28: // AAAA
      if (isIN && len === 16) {
        rr.rdata = new IPv6Addr(r, o);
        rr.data = rr.rdata; // node_pcap 3.1.0 stored (an empty) address here
      }
      break;
    case 33: // SRV (RFC 2782)
      if (len < 7) { break; }
      this.offset = o + 6;
      var target = this.read_name();
      if (target !== null) { rr.rdata = new DnsSRV(u16(r, o), u16(r, o + 2), u16(r, o + 4), target); }
      break;
    case 41: // OPT
      var opt = new DnsOPT(rr);
      for (var q = o; q + 4 <= end;) {
        var olen = u16(r, q + 2);
        if (q + 4 + olen > end) {
          this._error = 'Malformed DNS OPT record at offset ' + q;
          break;
        }
        opt.options.push({ code: u16(r, q), data: r.subarray(q + 4, q + 4 + olen) });
        q += 4 + olen;
      }
      rr.rdata = opt;
      break;
  }
};

DNS.prototype.toString = function () {
  var ret = ' DNS ' + this.header;
  if (this.qdcount > 0 && this.question && this.question.rrs.length > 0) {
    ret += '\n  question:' + this.question.rrs[0];
  }
  if (this.ancount > 0 && this.answer) {
    ret += '\n  answer:' + this.answer;
  }
  if (this.nscount > 0 && this.authority) {
    ret += '\n  authority:' + this.authority;
  }
  if (this.arcount > 0 && this.additional) {
    ret += '\n  additional:' + this.additional;
  }
  return ret;
};

var TYPE_NAMES = {
  1: 'A', 2: 'NS', 3: 'MD', 4: 'MF', 5: 'CNAME', 6: 'SOA', 7: 'MB', 8: 'MG', 9: 'MR', 10: 'NULL',
  11: 'WKS', 12: 'PTR', 13: 'HINFO', 14: 'MINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA',
  // added in this package
  33: 'SRV', 39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3',
  64: 'SVCB', 65: 'HTTPS', 256: 'URI', 257: 'CAA'
};
var QTYPE_NAMES = { 252: 'AXFR', 253: 'MAILB', 254: 'MAILA', 255: '*' };
var CLASS_NAMES = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS' };
var own = Object.prototype.hasOwnProperty;

function type_to_string(n) {
  return own.call(TYPE_NAMES, n) ? TYPE_NAMES[n] : 'Unknown (' + n + ')';
}
function qtype_to_string(n) {
  return own.call(QTYPE_NAMES, n) ? QTYPE_NAMES[n] : type_to_string(n);
}
function class_to_string(n) {
  return own.call(CLASS_NAMES, n) ? CLASS_NAMES[n] : 'Unknown (' + n + ')';
}
function qclass_to_string(n) {
  return n === 255 ? '*' : class_to_string(n);
}

module.exports = DNS;
