'use strict';
// The TypeScript declarations (index.d.ts, decode/**/*.d.ts, tcp_tracker.d.ts, dns_cache.d.ts, ...)
// match the runtime: decoding the capture fixtures and the synthetic packets, every own property
// of every decoder object is declared, every required declared field exists, values have a
// declared kind, and `decoderName` literals match the prototypes.
// The compile tests are in types-compat.test.js: __test__/types/usage.ts (new code) and the
// node_pcap 3.1.0 programs in __test__/types/legacy/ compile in every configuration, and
// __test__/types/wrong.ts fails with exactly the errors marked in it (so the declarations are not
// `any` and the tests can fail).
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const fs = require('fs');

const dir = path.join(__dirname, 'types');

// ---------------------------------------------------------------------------
// Runtime shapes

function declaredShapes() {
  const ts = require('typescript');
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  const file = path.join(dir, 'shapes.ts');
  const program = ts.createProgram([file], parsed.options);
  const diags = ts.getPreEmitDiagnostics(program);
  assert.equal(diags.length, 0, diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  const checker = program.getTypeChecker();
  const moduleSym = checker.getSymbolAtLocation(program.getSourceFile(file));
  const shapesSym = checker.getExportsOfModule(moduleSym).find((s) => s.name === 'Shapes');
  const shapesType = checker.getDeclaredTypeOfSymbol(shapesSym);

  // The kinds of runtime value a declared type admits.
  function kinds(type, out) {
    const F = ts.TypeFlags;
    if (type.isUnion()) { for (const t of type.types) kinds(t, out); return out; }
    const f = type.flags;
    if (f & (F.Any | F.Unknown)) out.add('*');
    else if (f & F.NumberLike) out.add('number');
    else if (f & F.StringLike) out.add('string');
    else if (f & F.BooleanLike) out.add('boolean');
    else if (f & F.BigIntLike) out.add('bigint');
    else if (f & F.Null) out.add('null');
    else if (f & (F.Undefined | F.Void)) out.add('undefined');
    else if (f & F.Never) { /* nothing */ } else if (f & F.Object) {
      const sym = type.getSymbol() || type.aliasSymbol;
      const name = sym ? sym.name : '';
      if (checker.isArrayType(type) || checker.isTupleType(type)) out.add('Array');
      else if (name === 'Buffer' || name === 'Uint8Array') out.add('Buffer');
      else if (name === '__type' || name === '__object' || name === 'Record') out.add('Object');
      else {
        out.add('class:' + name);
        // an interface (not a class) also describes plain objects
        if (sym && (sym.flags & ts.SymbolFlags.Interface) && !(sym.flags & ts.SymbolFlags.Class)) out.add('Object');
      }
    } else out.add('?' + f);
    return out;
  }

  const shapes = {};
  for (const prop of checker.getPropertiesOfType(shapesType)) {
    const t = checker.getTypeOfSymbol(prop);
    const fields = {};
    for (const p of checker.getPropertiesOfType(t)) {
      const decl = p.valueDeclaration || (p.declarations && p.declarations[0]);
      const isMethod = (p.flags & ts.SymbolFlags.Method) !== 0;
      const pt = checker.getTypeOfSymbol(p);
      const k = kinds(pt, new Set());
      if (p.flags & ts.SymbolFlags.Optional) k.add('undefined');
      fields[p.name] = {
        method: isMethod,
        optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
        kinds: k,
        literal: pt.isStringLiteral() ? pt.value : (pt.flags & ts.TypeFlags.Undefined ? undefined : null),
        fromNode: decl ? /@types[\\/]node/.test(decl.getSourceFile().fileName) : false,
      };
    }
    shapes[prop.name] = fields;
  }
  return shapes;
}

// Declared interface names that stand for runtime constructor names.
const CLASS_ALIASES = {
  DNSRR: ['DNSRRTyped', 'DNSRRAAAA'],
};
const PROTOTYPE_FIELDS = new Set(['decoderName', 'eventsOnDecode']);

function runtimeKind(v) {
  if (v === null) return 'null';
  if (Buffer.isBuffer(v)) return 'Buffer';
  if (Array.isArray(v)) return 'Array';
  if (typeof v === 'object') return 'class:' + (v.constructor ? v.constructor.name : 'Object');
  return typeof v;
}

function admits(kindsSet, v) {
  if (kindsSet.has('*')) return true;
  const k = runtimeKind(v);
  if (kindsSet.has(k)) return true;
  if (k.startsWith('class:')) {
    const name = k.slice(6);
    if (name === 'Object' && kindsSet.has('Object')) return true;
    for (const alias of CLASS_ALIASES[name] || []) if (kindsSet.has('class:' + alias)) return true;
  }
  return false;
}

test('the declarations match the decoded objects (fixtures and synthetic packets)', async () => {
  const shapes = declaredShapes();
  const pcap = require('..');
  const DNS = require('../decode/dns');
  const problems = new Set();
  const seenTypes = new Set();

  function check(obj, shapeName) {
    const shape = shapes[shapeName];
    if (!shape) { problems.add(`no declared type for ${shapeName}`); return; }
    seenTypes.add(shapeName);
    const broken = typeof obj._error === 'string' && obj._error !== '';
    for (const name of Object.getOwnPropertyNames(obj)) {
      const d = Object.getOwnPropertyDescriptor(obj, name);
      if (!d.enumerable && name.startsWith('_')) continue; // internal state
      if (name === '_events' || name === '_eventsCount' || name === '_maxListeners') continue;
      const decl = shape[name];
      if (!decl || decl.method) { problems.add(`${shapeName}.${name} exists at runtime but is not declared`); continue; }
      if (!broken && !admits(decl.kinds, obj[name])) {
        problems.add(`${shapeName}.${name} is ${runtimeKind(obj[name])}, declared ${[...decl.kinds].join('|')}`);
      }
    }
    for (const [name, decl] of Object.entries(shape)) {
      if (decl.method || decl.fromNode) continue;
      if (PROTOTYPE_FIELDS.has(name)) {
        if (obj[name] !== decl.literal && !(decl.kinds.has('boolean') && typeof obj[name] === 'boolean')) {
          problems.add(`${shapeName}.${name} is ${JSON.stringify(obj[name])} at runtime, declared ${JSON.stringify(decl.literal)}`);
        }
        continue;
      }
      if (!decl.optional && !Object.prototype.hasOwnProperty.call(obj, name) && !(name in Object.getPrototypeOf(obj))) {
        problems.add(`${shapeName}.${name} is declared but missing at runtime`);
      }
    }
  }

  const visited = new Set();
  function walk(v, via) {
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v) || visited.has(v)) return;
    visited.add(v);
    if (Array.isArray(v)) { for (const x of v) walk(x, via + '[]'); return; }
    const ctor = v.constructor ? v.constructor.name : 'Object';
    if (ctor === 'EventEmitter') return;
    const shapeName = ctor === 'Object' ? via : ctor;
    if (ctor === 'Object' && !shapes[via]) {
      if (!/\.fields\./.test(via) && !/\.(channel|mcs|vht|he|he_mu|he_mu_other_user|l_sig|fhss|xchannel|a_mpdu_status|timestamp)$/.test(via) &&
        !/_decoderCache/.test(via) && !/\.namespaces/.test(via)) {
        problems.add(`plain object at ${via} has no declared shape`);
      }
    } else {
      check(v, shapeName);
    }
    for (const name of Object.getOwnPropertyNames(v)) {
      if (name === 'emitter' || name === 'raw_packet' || name === '_decoderCache' || name === '_events') continue;
      walk(v[name], `${ctor === 'Object' ? via : ctor}.${name}`);
    }
    if (ctor === 'UDP' && (v.sport === 53 || v.dport === 53 || v.sport === 5353 || v.dport === 5353)) {
      walk(new DNS().decode(v.data, 0), 'DNS');
    }
  }

  function onPacket(raw) {
    const pkt = pcap.decode.packet(raw);
    visited.clear();
    walk(pkt, 'PcapPacket');
    return pkt;
  }

  // Hand-built packets: DNS records, ICMPv6, IGMPv3, QinQ, SLL2, TCP options, extension headers...
  for (const p of require('./helpers/synthetic').packets()) {
    onPacket({ buf: p.buf, header: undefined, link_type: p.link_type });
  }

  // The capture fixtures, through the tracker as well.
  const fixtures = path.resolve(__dirname, 'fixtures');
  const files = [path.join(fixtures, 'http-loopback.pcap')];
  const capDir = path.join(fixtures, 'captures');
  if (fs.existsSync(capDir)) for (const f of fs.readdirSync(capDir).sort()) files.push(path.join(capDir, f));
  const existing = files.filter((f) => fs.existsSync(f));
  assert.ok(existing.length > 0, 'no capture fixtures found');
  const cache = new pcap.DNSCache({ reverse: (ip, cb) => cb(null, ['name-of-' + ip]) });
  for (const file of existing) {
    let session;
    try { session = pcap.createOfflineSession(file); } catch (e) { continue; } // bad files: other tests
    const tracker = new pcap.TCPTracker({ reassemble: true });
    const http = new pcap.HTTPTracker(tracker);
    http.on('http response complete', (s, ex) => {
      check(ex, 'HTTPExchange');
      if (ex.request) check(ex.request, 'HTTPRequest');
      check(ex.response, 'HTTPResponse');
    });
    const sessions = [];
    tracker.on('session', (s) => { sessions.push(s); s.src_name = cache.ptr(s.src.replace(/:\d+$/, '')); });
    await new Promise((resolve) => {
      session.on('packet', (raw) => {
        check(raw, 'PacketWithHeader');
        tracker.track_packet(onPacket(raw));
      });
      session.on('error', () => {});
      session.on('complete', () => { session.close(); resolve(); });
    });
    tracker.close();
    check(tracker, 'TCPTracker');
    check(http, 'HTTPTracker');
    for (const s of sessions) check(s, 'TCPSession');
  }
  check(cache, 'DNSCache');

  for (const name of ['TCP', 'TCPOptions', 'IPv6', 'ICMPv6', 'DNS', 'DNSRR', 'DnsMX', 'DnsSOA', 'DnsSRV',
    'DnsOPT', 'EthernetPacket', 'Vlan', 'IGMP', 'SLL2Packet', 'FragmentHeader', 'RadioPacket', 'TCPSession',
    'HTTPExchange', 'HTTPRequest', 'HTTPResponse']) {
    assert.ok(seenTypes.has(name), `no ${name} decoded: the check did not cover it`);
  }
  assert.deepEqual([...problems].sort(), []);
});
