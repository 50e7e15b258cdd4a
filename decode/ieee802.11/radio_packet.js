'use strict';
// Radiotap header (LINKTYPE_IEEE802_11_RADIO, 127). https://www.radiotap.org
var shared = require('../_util');
var emitRadioPacket = shared.emitterFor('radio-packet');
var RadioFrame = require('./radio_frame');
var radiotap_fields = require('./radiotap_fields.json');

function RadioPacket(emitter) {
  this.emitter = emitter;
  this.headerRevision = undefined;
  this.headerPad = undefined;
  this.headerLength = undefined;
  this.presentFields = undefined;
  this.fields = undefined;
  this._decoderCache = {};
}

// Field decoding plans keyed by the present-bitmap words (see buildPlan).
RadioPacket.globalCache = {};

var MAX_WORDS = 16;

RadioPacket.prototype.decode = function (raw_packet, offset, options) {
  var r = raw_packet;
  var start = offset;
  var avail = r.length - offset;
  if (!(avail >= 8)) {
    this.headerRevision = shared.u8(r, offset);
    this.headerPad = shared.u8(r, offset + 1);
    this.headerLength = shared.u16le(r, offset + 2);
    this.ieee802_11Frame = null;
    this._error = 'truncated radiotap header';
    return this;
  }
  this.headerRevision = r[offset];
  if (this.headerRevision !== 0) {
    shared.debug('Unknown radiotap version: ' + this.headerRevision);
  }
  this.headerPad = r[offset + 1];
  var hlen = this.headerLength = r[offset + 2] | (r[offset + 3] << 8);
  var limit = hlen < avail ? hlen : avail;

  // Present bitmaps: one 32-bit word, more while bit 31 is set.
  var words = [];
  var o = offset + 4;
  var error = null;
  for (;;) {
    if (o + 4 > start + limit) { error = 'radiotap present bitmaps run past the header'; break; }
    var w = shared.u32le(r, o);
    words.push(w);
    o += 4;
    if (w < 0x80000000) { break; }
    if (words.length === MAX_WORDS) { error = 'too many radiotap present bitmaps'; break; }
  }
  this.presentFields = presentValue(words);

  if (error === null) {
    var cache = (options && options.radiotapCache) || RadioPacket.globalCache;
    var key = words.join(',');
    var plan = Object.prototype.hasOwnProperty.call(cache, key) ? cache[key] : undefined;
    if (plan === undefined || plan === null || !Array.isArray(plan.steps)) {
      plan = cache[key] = buildPlan(words);
    }
    var fields = {};
    error = runPlan(plan, r, start, o, start + limit, fields);
    this.fields = fields;
    if (error === null && hlen > avail) { error = 'truncated radiotap header'; }
  }

  var frameStart = start + hlen;
  if (options && options.decodeLower === false) {
    this.ieee802_11Frame = r.subarray(frameStart < r.length ? frameStart : r.length);
  } else if (hlen <= avail && hlen >= o - start) {
    this.ieee802_11Frame = new RadioFrame(this.emitter).decode(r, frameStart);
  } else {
    this.ieee802_11Frame = null;
  }
  if (error !== null) { this._error = error; }

  if (this.emitter) { emitRadioPacket(this.emitter, this); }
  return this;
};

// node_pcap's presentFields: a number for one bitmap, else a BigInt of all
// bitmaps with their extension bits cleared.
function presentValue(words) {
  if (words.length === 1) { return words[0]; }
  var v = BigInt(0);
  for (var i = 0; i < words.length; i++) {
    var w = i < words.length - 1 ? words[i] & 0x7fffffff : words[i];
    v |= BigInt(w >>> 0) << BigInt(32 * i);
  }
  return v;
}

var SIZES = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8 };
var ALIASES = {
  'hop set': 'hop_set',
  'hop pattern': 'hop_pattern',
  'reference number': 'reference_number',
  'delimiter CRC value': 'delimiter_crc_value',
  'unit/position': 'unit_position'
};

// Precomputed layout of one radiotap field.
function fieldDef(bit) {
  var spec = radiotap_fields[bit];
  var members = [];
  var size = 0;
  for (var i = 0; i < spec.structure.length; i++) {
    var kind = spec.structure[i][0];
    var n = typeof kind === 'number' ? kind : SIZES[kind];
    members.push({ kind: kind, name: spec.structure[i][1], alias: ALIASES[spec.structure[i][1]], at: size });
    size += n;
  }
  return { id: spec.id, align: spec.align, size: size, single: members.length === 1, members: members };
}

var DEFS = {};
Object.keys(radiotap_fields).forEach(function (bit) { DEFS[bit] = fieldDef(bit); });

// Turns the bitmap words into a list of steps. Handles radiotap namespace
// restarts (bit 29), vendor namespaces (bit 30, skipped by skip_length), and
// the TLV bit (28). Unknown bits stop the plan with an error.
function buildPlan(words) {
  var steps = [];
  var error = null;
  var vendor = false;   // current namespace is a vendor one
  var enterVendor = false;
  var base = 0;         // bit number of bit 0 of this word in the radiotap namespace
  var ns = 0;           // index of the radiotap namespace (0 = `fields` itself)
  outer:
  for (var w = 0; w < words.length; w++) {
    var word = words[w];
    if (vendor) {
      if (enterVendor) { steps.push({ step: 'vendorData' }); enterVendor = false; }
    } else {
      for (var bit = 0; bit < 29; bit++) {
        if ((word & (1 << bit)) === 0) { continue; }
        var idx = base + bit;
        if (idx === 28) {
          steps.push({ step: 'tlv' });
          break outer;
        }
        var def = DEFS[idx];
        if (def === undefined) {
          error = 'unknown radiotap field bit ' + idx;
          break outer;
        }
        steps.push({ step: 'field', def: def, ns: ns });
      }
    }
    var rt = (word & 0x20000000) !== 0, vn = (word & 0x40000000) !== 0;
    if (rt && vn) { error = 'radiotap bitmap with both namespace bits set'; break; }
    if (vn) {
      steps.push({ step: 'vendor' });
      vendor = true;
      enterVendor = true;
    } else if (rt) {
      vendor = false;
      base = 0;
      ns++;
    } else {
      base += 32;
    }
  }
  return { steps: steps, error: error };
}

function readMember(m, r, o) {
  switch (m.kind) {
    case 'u8': return r[o];
    case 's8': return r.readInt8(o);
    case 'u16': return r.readUInt16LE(o);
    case 's16': return r.readInt16LE(o);
    case 'u32': return r.readUInt32LE(o);
    case 's32': return r.readInt32LE(o);
    case 'u64': return r.readBigUInt64LE(o);
    default: return r.subarray(o, o + m.kind);
  }
}

function namespaceObject(fields, ns) {
  if (ns === 0) { return fields; }
  if (!fields.namespaces) { fields.namespaces = []; }
  while (fields.namespaces.length < ns) { fields.namespaces.push({}); }
  return fields.namespaces[ns - 1];
}

// Reads the fields into `fields`; alignment is relative to the header start.
// Returns an error string or null.
function runPlan(plan, r, start, o, end, fields) {
  var steps = plan.steps;
  var skip = 0;
  for (var i = 0; i < steps.length; i++) {
    var s = steps[i];
    if (s.step === 'field') {
      var def = s.def;
      var pad = (o - start) % def.align;
      if (pad) { o += def.align - pad; }
      if (o + def.size > end) { return 'Radiotap header length too short'; }
      var target = namespaceObject(fields, s.ns);
      if (def.single) {
        target[def.id] = readMember(def.members[0], r, o);
      } else {
        var obj = {};
        for (var k = 0; k < def.members.length; k++) {
          var m = def.members[k];
          obj[m.name] = readMember(m, r, o + m.at);
          if (m.alias) { obj[m.alias] = obj[m.name]; }
        }
        target[def.id] = obj;
      }
      o += def.size;
    } else if (s.step === 'vendor') {
      if ((o - start) & 1) { o++; }
      if (o + 6 > end) { return 'Radiotap header length too short'; }
      skip = r.readUInt16LE(o + 4);
      if (!fields.vendorNamespaces) { fields.vendorNamespaces = []; }
      fields.vendorNamespaces.push({
        oui: (r[o] << 16) | (r[o + 1] << 8) | r[o + 2],
        subNamespace: r[o + 3],
        skipLength: skip,
        data: null
      });
      o += 6;
    } else if (s.step === 'vendorData') {
      if (o + skip > end) { return 'Radiotap vendor namespace runs past the header'; }
      fields.vendorNamespaces[fields.vendorNamespaces.length - 1].data = r.subarray(o, o + skip);
      o += skip;
    } else if (s.step === 'tlv') {
      var p = (o - start) & 3;
      if (p) { o += 4 - p; }
      fields.tlv = r.subarray(o < end ? o : end, end);
      o = end;
    }
  }
  return plan.error;
}

module.exports = RadioPacket;
