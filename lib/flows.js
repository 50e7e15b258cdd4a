'use strict';

// Flow records: options checked here, records decoded from the batches the capture thread
// sends (their layout is declared once in Rust, src/flow/wire.rs, and read from the addon),
// and the two text forms the tools print (JSON lines, one terminal-safe line).

const errors = require('./errors');

// ---- options ----

// Seconds (a finite number >= 0) -> nanoseconds for the native side.
function seconds(name, v, min) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw errors.argError('flows.' + name + ' must be a number of seconds >= ' + min + ', got ' + errors.describe(v));
  }
  return v;
}

function count(name, v, min, max) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw errors.argError('flows.' + name + ' must be an integer from ' + min + ' to ' + max + ', got ' + errors.describe(v));
  }
  return v;
}

function flag(name, v) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw errors.argError('flows.' + name + ' must be true or false, got ' + errors.describe(v));
  return v;
}

const KNOWN = ['idleTimeout', 'activeTimeout', 'closeTimeout', 'maxFlows', 'biflow', 'hints', 'ipfix', 'ipfixRate',
  'observationDomain'];

// The `flows` option of a session: true, or an object (see lib/flows.d.ts). Returns the options
// for the native side, or null for no flows.
function flowOptions(v) {
  if (v === undefined || v === null || v === false) return null;
  if (v === true) v = {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw errors.argError('flows must be true or an object of flow options, got ' + errors.describe(v));
  }
  for (const k of Object.keys(v)) {
    if (!KNOWN.includes(k)) throw errors.argError('unknown flow option ' + JSON.stringify(k) + ' (known: ' + KNOWN.join(', ') + ')');
  }
  if (v.ipfix !== undefined && v.ipfix !== null && (typeof v.ipfix !== 'string' || !/^.+:\d{1,5}$/.test(v.ipfix))) {
    throw errors.argError('flows.ipfix must be "host:port", got ' + errors.describe(v.ipfix));
  }
  return {
    idleTimeout: seconds('idleTimeout', v.idleTimeout, 0.001),
    activeTimeout: seconds('activeTimeout', v.activeTimeout, 0.001),
    closeTimeout: seconds('closeTimeout', v.closeTimeout, 0),
    maxFlows: count('maxFlows', v.maxFlows, 1, 100000000),
    biflow: flag('biflow', v.biflow),
    hints: flag('hints', v.hints),
    ipfix: v.ipfix || undefined,
    ipfixRate: count('ipfixRate', v.ipfixRate, 0, 10000000),
    observationDomain: count('observationDomain', v.observationDomain, 0, 0xffffffff),
  };
}

// ---- records ----

// Builds the decoder of a batch of records from the layout the addon reports:
// { fields: [[name, offset, type]...], dir: [...], strings: [...], reasons: [...] }.
function makeDecoder(layout) {
  const at = {};
  for (const [name, off] of layout.fields) at[name] = off;
  const dirAt = {};
  for (const [name, off] of layout.dir) dirAt[name] = off;
  const reasons = layout.reasons;
  const stringNames = layout.strings;
  const STR = at.strings;

  function direction(b, base) {
    const seen = b[base + dirAt.icmp_seen] === 1;
    const mss = b.readUInt16LE(base + dirAt.mss);
    const wscale = b.readInt8(base + dirAt.wscale);
    return {
      packets: Number(b.readBigUInt64LE(base + dirAt.packets)),
      bytes: Number(b.readBigUInt64LE(base + dirAt.bytes)),
      tcp_flags: b[base + dirAt.tcp_flags],
      retrans_packets: b.readUInt32LE(base + dirAt.retrans_packets),
      retrans_bytes: Number(b.readBigUInt64LE(base + dirAt.retrans_bytes)),
      out_of_order: b.readUInt32LE(base + dirAt.out_of_order),
      zero_window: b.readUInt32LE(base + dirAt.zero_window),
      dup_acks: b.readUInt32LE(base + dirAt.dup_acks),
      mss: mss === 0 ? null : mss,
      wscale: wscale < 0 ? null : wscale,
      icmp_type: seen ? b[base + dirAt.icmp_type] : null,
      icmp_code: seen ? b[base + dirAt.icmp_code] : null,
    };
  }

  function ms(ns) {
    return Number(ns / 1000n) / 1000;
  }

  function rtt(b, off) {
    const ns = Number(b.readBigUInt64LE(off));
    return ns === 0 ? null : ns / 1e6;
  }

  return function decode(b) {
    const out = [];
    let off = 0;
    while (off + STR <= b.length) {
      const len = b.readUInt16LE(off + at.record_len);
      if (len < STR || off + len > b.length) break;
      const strings = {};
      let s = off + STR;
      for (const name of stringNames) {
        const n = b.readUInt16LE(s);
        strings[name] = n === 0 ? null : b.toString('utf8', s + 2, s + 2 + n);
        s += 2 + n;
      }
      const first = b.readBigUInt64LE(off + at.first);
      const last = b.readBigUInt64LE(off + at.last);
      out.push({
        id: Number(b.readBigUInt64LE(off + at.id)),
        reason: reasons[b[off + at.reason]] || 'unknown',
        proto: b[off + at.proto],
        ip_version: (b[off + at.flags] & 1) ? 6 : 4,
        src: strings.src,
        dst: strings.dst,
        sport: b.readUInt16LE(off + at.sport),
        dport: b.readUInt16LE(off + at.dport),
        vlan: b.readUInt16LE(off + at.vlan),
        inner_vlan: b.readUInt16LE(off + at.inner_vlan),
        first: ms(first),
        last: ms(last),
        first_ns: first,
        last_ns: last,
        fwd: direction(b, off + at.fwd),
        rev: direction(b, off + at.rev),
        rtt: rtt(b, off + at.rtt),
        rtt_client: rtt(b, off + at.rtt_client),
        rtt_server: rtt(b, off + at.rtt_server),
        sni: strings.sni,
        alpn: strings.alpn,
        dns: strings.dns,
        host: strings.host,
      });
      off += len;
    }
    return out;
  };
}

let decoder = null;

// Records of a batch the addon delivered.
function decodeFlows(buf) {
  if (decoder === null) decoder = makeDecoder(JSON.parse(require('./native').flowLayout()));
  return decoder(buf);
}

// ---- text ----

// Control characters (C0, DEL, C1) and the backslash of text that came from packets, escaped
// so that printing it cannot drive a terminal: ESC becomes \x1b.
const UNSAFE = /[\x00-\x1f\x7f-\x9f\\]/g; // eslint-disable-line no-control-regex
function escapeText(s) {
  if (s === null || s === undefined) return s;
  return String(s).replace(UNSAFE, (c) => c === '\\' ? '\\\\' : '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

// JSON.stringify escapes C0 controls; C1 controls pass as they are and some terminals act on
// them, so those become \u00XX too.
const C1 = /[\x7f-\x9f]/g;
const NS_FIELD = /"(first_ns|last_ns)":"(\d+)"/g;

// One JSON line (no newline): every field, times in ns as exact integers.
function toJSONLine(f) {
  const text = JSON.stringify(f, (k, v) => typeof v === 'bigint' ? v.toString() : v);
  return text.replace(NS_FIELD, '"$1":$2').replace(C1, (c) => '\\u00' + c.charCodeAt(0).toString(16));
}

const PROTOS = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMP6', 132: 'SCTP' };
const TCP_FLAGS = 'FSRPAUEC';

function flagsText(bits) {
  let s = '';
  for (let i = 0; i < 8; i++) if (bits & (1 << i)) s += TCP_FLAGS[i];
  return s || '.';
}

function endpoint(f, addr, port) {
  const a = f.ip_version === 6 ? '[' + addr + ']' : addr;
  return f.proto === 6 || f.proto === 17 || f.proto === 132 ? a + ':' + port : a;
}

// One line for a terminal: time, protocol, endpoints, end reason, duration, packets and bytes
// each way, and what is known of TCP health and the application.
function toText(f) {
  const d = new Date(f.first);
  const p = (n, w) => String(n).padStart(w, '0');
  const time = p(d.getHours(), 2) + ':' + p(d.getMinutes(), 2) + ':' + p(d.getSeconds(), 2) + '.' + p(d.getMilliseconds(), 3);
  const parts = [time, PROTOS[f.proto] || 'proto-' + f.proto,
    endpoint(f, f.src, f.sport), '>', endpoint(f, f.dst, f.dport), f.reason,
    ((f.last - f.first) / 1000).toFixed(3) + 's',
    f.fwd.packets + '/' + f.rev.packets + ' pkts', f.fwd.bytes + '/' + f.rev.bytes + ' bytes'];
  if (f.vlan) parts.push('vlan ' + f.vlan + (f.inner_vlan ? '.' + f.inner_vlan : ''));
  if (f.proto === 6) {
    parts.push('flags ' + flagsText(f.fwd.tcp_flags) + '/' + flagsText(f.rev.tcp_flags));
    if (f.rtt !== null) parts.push('rtt ' + f.rtt.toFixed(3) + 'ms');
    const r = f.fwd.retrans_packets + f.rev.retrans_packets;
    if (r) parts.push('retrans ' + f.fwd.retrans_packets + '/' + f.rev.retrans_packets);
  }
  if (f.fwd.icmp_type !== null) parts.push('icmp ' + f.fwd.icmp_type + '.' + f.fwd.icmp_code);
  for (const k of ['sni', 'alpn', 'dns', 'host']) if (f[k] !== null) parts.push(k + '=' + escapeText(f[k]));
  return parts.join(' ');
}

module.exports = { flowOptions, makeDecoder, decodeFlows, escapeText, toJSONLine, toText };
