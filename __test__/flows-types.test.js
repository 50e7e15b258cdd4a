'use strict';
// lib/flows.d.ts against the runtime: code using it compiles strictly, wrong uses fail, and the
// records and counters the package produces have exactly the declared fields.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const ts = require('typescript');
const pcap = require('..');

const DTS = path.join(__dirname, '..', 'lib', 'flows.d.ts');
const HTTP = path.join(__dirname, 'fixtures', 'http-loopback.pcap');

// Compiles `source` (importing the declarations as './flows') with --strict; returns the
// diagnostics' codes and the program.
function compile(source) {
  const file = path.join(path.dirname(DTS), '__flows_check.ts');
  const options = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  host.readFile = (f) => (f === file ? source : read(f));
  host.fileExists = (f) => f === file || exists(f);
  host.getSourceFile = ((orig) => (f, lang) => (f === file ? ts.createSourceFile(f, source, lang) : orig(f, lang)))(host.getSourceFile.bind(host));
  const program = ts.createProgram([file], options, host);
  return { codes: ts.getPreEmitDiagnostics(program).map((d) => d.code), program, file };
}

function declaredKeys(program, file, name) {
  const checker = program.getTypeChecker();
  const mod = checker.getSymbolAtLocation(program.getSourceFile(DTS));
  const sym = checker.getExportsOfModule(mod).find((s) => s.name === name);
  return checker.getDeclaredTypeOfSymbol(sym).getProperties().map((p) => p.name).sort();
}

const USE = `
import type { FlowOptions, FlowRecord, FlowStats, FlowSession, FlowSessionOptions, FlowEndReason } from './flows';
const o: FlowOptions = { idleTimeout: 30, maxFlows: 1000, ipfix: '127.0.0.1:2055', biflow: false };
const so: FlowSessionOptions = { flows: o, packets: false };
declare const s: FlowSession;
s.on('flow', (f: FlowRecord) => {
  const r: FlowEndReason = f.reason;
  const ns: bigint = f.first_ns;
  const total: number = f.fwd.packets + f.rev.packets;
  const rtt: number | null = f.rtt;
  const sni: string | null = f.sni;
  void [r, ns, total, rtt, sni, so];
});
const st: FlowStats = s.flowStats();
const active: FlowRecord[] = s.flows();
void [st.evicted, active.length];
`;

test('lib/flows.d.ts: usage compiles with --strict, wrong uses fail', () => {
  assert.deepEqual(compile(USE).codes, []);
  for (const wrong of [
    "import type { FlowOptions } from './flows'; const o: FlowOptions = { idleTimeout: '30' };",
    "import type { FlowRecord } from './flows'; declare const f: FlowRecord; const n: number = f.first_ns;",
    "import type { FlowEndReason } from './flows'; const r: FlowEndReason = 'closed';",
    "import type { FlowRecord } from './flows'; declare const f: FlowRecord; const s: string = f.sni;",
  ]) {
    assert.ok(compile(wrong).codes.length > 0, wrong);
  }
});

test('records and counters have exactly the declared fields', async () => {
  const { program, file } = compile(USE);
  const flows = [];
  let stats = null;
  await new Promise((resolve) => {
    const s = pcap.createOfflineSession(HTTP, { flows: true, packets: false });
    s.on('flow', (f) => flows.push(f));
    s.on('complete', () => { stats = s.flowStats(); s.close(); resolve(); });
  });
  assert.ok(flows.length > 0);
  assert.deepEqual(Object.keys(flows[0]).sort(), declaredKeys(program, file, 'FlowRecord'));
  assert.deepEqual(Object.keys(flows[0].fwd).sort(), declaredKeys(program, file, 'FlowDirection'));
  assert.deepEqual(Object.keys(stats).sort(), declaredKeys(program, file, 'FlowStats'));
});
