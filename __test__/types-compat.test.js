'use strict';
// Drop-in types (issue 12): TypeScript programs written against node_pcap 3.1.0's pcap.d.ts
// (__test__/types/legacy/) compile unchanged against this package's declarations, in consumer
// projects laid out as npm installs them (__test__/helpers/ts-consumer.js): tsc 5.6 and 7.0, strict
// on and off, with and without an @types/node of the consumer's own. The same programs compile
// against node_pcap 3.1.0's own declarations (bench/original), which shows they are 3.1.0
// programs. New code with the precise types (usage.ts, esm.mts) compiles in the same
// configurations, and TypeScript 4.0 gets the declarations package.json `typesVersions` gives it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { makeConsumer, compile, remove, packedFiles, TSC, root, original } = require('./helpers/ts-consumer');

TSC['4.0'] = path.join(root, 'node_modules', 'typescript4.0', 'bin', 'tsc');

const dir = path.join(__dirname, 'types');
const list = (d, re) => fs.readdirSync(d).filter((f) => re.test(f)).sort().map((f) => path.join(d, f));
/** 3.1.0 programs that compile with `strict` on and off. */
const LEGACY = list(path.join(dir, 'legacy'), /\.m?ts$/);
/** 3.1.0 programs that 3.1.0's declarations accept only with `strict` off (unannotated listeners). */
const NONSTRICT = list(path.join(dir, 'legacy', 'nonstrict'), /\.ts$/);
/** The README's example (section "Types"), kept compiling. */
function readmeExample() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n### Types\n'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'README: no ts example in "### Types"');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-readme-')), 'readme_types.ts');
  fs.writeFileSync(file, m[1]);
  return file;
}
/** New code on the precise types. */
const MODERN = [path.join(dir, 'usage.ts'), path.join(dir, 'esm.mts'), readmeExample()];
const PARALLEL = Math.max(1, Math.min(4, os.availableParallelism ? os.availableParallelism() : os.cpus().length));

function configName(c) {
  return `${c.pkg === 'ours' ? 'pcap' : 'node_pcap 3.1.0'}, tsc ${c.compiler}, ${c.strict ? 'strict' : 'not strict'}, ` +
    `${{ present: "consumer's own @types/node 20", absent: 'no @types/node of its own', old: "consumer's own @types/node 10" }[c.nodeTypes]}` +
    `${c.module === 'nodenext' ? ', module nodenext' : ''}`;
}

const CONFIGS = [];
for (const compiler of ['5.6', '7']) {
  for (const strict of [true, false]) {
    for (const nodeTypes of ['present', 'absent']) CONFIGS.push({ pkg: 'ours', compiler, strict, nodeTypes, modern: true });
  }
}
CONFIGS.push(
  // Node's own resolution for ES modules and CommonJS.
  { pkg: 'ours', compiler: '5.6', strict: true, nodeTypes: 'absent', module: 'nodenext', modern: true },
  { pkg: 'ours', compiler: '7', strict: false, nodeTypes: 'present', module: 'nodenext', modern: true },
  // A 3.1.0-era project that kept its @types/node 10 (no global AbortSignal, no AbortController).
  { pkg: 'ours', compiler: '5.6', strict: true, nodeTypes: 'old' },
  // TypeScript < 4.1 cannot parse index.d.ts: typesVersions gives it ts4.0/ (3.1.0's level of typing).
  { pkg: 'ours', compiler: '4.0', strict: true, nodeTypes: 'old', tsOnly: true },
  { pkg: 'ours', compiler: '4.0', strict: false, nodeTypes: 'old', tsOnly: true },
  // The fixtures are node_pcap 3.1.0 programs. (tsc 7 with 3.1.0's own @types/node 10 fails inside
  // @types/node, TS2430 in globals.d.ts, whatever the program: those runs use the consumer's.)
  { pkg: 'original', compiler: '5.6', strict: true, nodeTypes: 'absent' },
  { pkg: 'original', compiler: '5.6', strict: false, nodeTypes: 'absent' },
  { pkg: 'original', compiler: '7', strict: true, nodeTypes: 'present' },
  { pkg: 'original', compiler: '7', strict: false, nodeTypes: 'present' },
);

test('3.1.0-era programs and new code compile in every configuration', { concurrency: PARALLEL }, async (t) => {
  assert.ok(fs.existsSync(path.join(original, 'pcap.d.ts')), 'node_pcap 3.1.0 is not installed in bench/original (npm install)');
  assert.ok(LEGACY.length >= 6 && NONSTRICT.length >= 1, 'the legacy fixtures are missing');
  await Promise.all(CONFIGS.map((c) => t.test(configName(c), async () => {
    let sources = c.strict ? LEGACY : LEGACY.concat(NONSTRICT);
    if (c.modern) sources = sources.concat(MODERN);
    if (c.tsOnly) sources = sources.filter((f) => f.endsWith('.ts')); // no .mts before TypeScript 4.5
    const options = { strict: c.strict, module: c.module || 'commonjs' };
    if (c.module === 'nodenext') Object.assign(options, { target: 'es2022', lib: ['es2022'] });
    const consumer = makeConsumer({ pkg: c.pkg, nodeTypes: c.nodeTypes, sources });
    try {
      const r = await compile(consumer, c.compiler, options);
      assert.deepEqual(r.errors.map((e) => `${e.file}(${e.line}): ${e.code} ${e.text}`), [], r.out);
      assert.equal(r.status, 0, r.out);
    } finally {
      remove(consumer);
    }
  })));
  fs.rmSync(path.dirname(MODERN[2]), { recursive: true, force: true });
});

test('wrong.ts fails with exactly the marked error codes (tsc 5.6 and 7)', async (t) => {
  const file = path.join(dir, 'wrong.ts');
  const expected = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    const m = /\/\/ expect ((?:TS\d+ ?)+)$/.exec(line);
    if (m) for (const code of m[1].trim().split(/\s+/)) expected.push(`${i + 1} ${code}`);
  });
  assert.ok(expected.length >= 18, 'wrong.ts lost its markers');
  await Promise.all(['5.6', '7'].map((compiler) => t.test(`tsc ${compiler}`, async () => {
    const consumer = makeConsumer({ pkg: 'ours', nodeTypes: 'absent', sources: [file] });
    try {
      const r = await compile(consumer, compiler, { strict: true, module: 'commonjs' });
      assert.notEqual(r.status, 0, 'wrong.ts compiled');
      const outside = r.errors.filter((e) => e.file !== 'src/wrong.ts');
      assert.deepEqual(outside, [], 'errors outside wrong.ts:\n' + r.out);
      assert.deepEqual(r.errors.map((e) => `${e.line} ${e.code}`).sort(), expected.sort(), r.out);
    } finally {
      remove(consumer);
    }
  })));
});

test('every public module ships a .d.ts beside it, and @types/node comes with the package', () => {
  const files = new Set(packedFiles());
  const missing = [...files].filter((f) => f.endsWith('.js') && /^(?:[^/]+|decode\/.+)\.js$/.test(f) &&
    !/(?:^|\/)_[^/]*\.js$/.test(f) && !files.has(f.replace(/\.js$/, '.d.ts')));
  assert.deepEqual(missing, []);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  // index.d.ts references @types/node: a consumer without its own must get one (else TS2688).
  assert.ok(pkg.dependencies && pkg.dependencies['@types/node'], 'no @types/node in dependencies');
  for (const f of Object.values(pkg.typesVersions || {}).flatMap((m) => Object.values(m).flat())) {
    if (!f.includes('*')) assert.ok(files.has(f), `typesVersions target ${f} is not packed`);
  }
});
