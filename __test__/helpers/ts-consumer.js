'use strict';
// A TypeScript consumer project in a temporary directory, laid out as npm installs it: the package
// (this one, the files `npm pack` would ship, or node_pcap 3.1.0 from bench/original) in
// node_modules/pcap, and @types/node where npm puts it:
// - nodeTypes 'absent': the consumer has no @types/node of its own; the package's own dependency is
//   hoisted to node_modules/@types/node;
// - 'present': the consumer's own @types/node (20.17.6, the `types-node-consumer` devDependency) is
//   in node_modules/@types/node and the package's own is nested under node_modules/pcap;
// - 'old': as 'present', with @types/node 10.17.60 (node_pcap 3.1.0's dependency) as the consumer's.
// Then `tsc` runs once over the given sources with the given options.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..', '..');
const original = path.join(root, 'bench', 'original', 'node_modules', 'pcap-original');
const TSC = {
  '5.6': path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  '7': path.join(root, 'node_modules', 'typescript7', 'bin', 'tsc'),
};
const NODE_TYPES = {
  ours: path.join(root, 'node_modules', '@types', 'node'),
  original: path.join(root, 'bench', 'original', 'node_modules', '@types', 'node'),
  consumer: path.join(root, 'node_modules', 'types-node-consumer'),
};

let packed = null;
/** The files `npm pack` puts in this package's tarball (paths relative to the package). */
function packedFiles() {
  if (packed) return packed;
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error('npm pack --dry-run failed: ' + r.stderr);
  packed = JSON.parse(r.stdout)[0].files.map((f) => f.path);
  return packed;
}

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

function link(target, at) {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at, 'dir');
}

/**
 * Makes a consumer directory. `pkg`: 'ours' or 'original'; `sources`: absolute paths of the
 * programs, copied into src/ (their module resolution starts there, as a consumer's does).
 */
function makeConsumer({ pkg, nodeTypes, sources }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pcap-types-${pkg}-`));
  const nm = path.join(dir, 'node_modules');
  const pcapDir = path.join(nm, 'pcap');
  if (pkg === 'ours') {
    for (const f of packedFiles()) copy(path.join(root, f), path.join(pcapDir, f));
  } else {
    fs.cpSync(original, pcapDir, { recursive: true, filter: (src) => !/[\\/](node_modules|build)$/.test(src) });
  }
  const own = NODE_TYPES[pkg];
  if (nodeTypes === 'absent') {
    link(own, path.join(nm, '@types', 'node'));
  } else {
    link(nodeTypes === 'old' ? NODE_TYPES.original : NODE_TYPES.consumer, path.join(nm, '@types', 'node'));
    link(own, path.join(pcapDir, 'node_modules', '@types', 'node'));
  }
  // @types/node 20+ imports undici-types: npm installs it beside @types/node.
  const undici = path.join(root, 'node_modules', 'undici-types');
  if (fs.existsSync(undici)) link(undici, path.join(nm, 'undici-types'));
  const files = sources.map((s) => {
    const to = path.join(dir, 'src', path.basename(s));
    copy(s, to);
    return path.relative(dir, to);
  });
  return { dir, files };
}

/**
 * Runs tsc over the consumer's sources (a tsconfig.json written with `compilerOptions`); resolves
 * to {status, errors: [{file, line, code, text}], out}.
 */
function compile(consumer, compiler, compilerOptions) {
  const config = {
    compilerOptions: { noEmit: true, skipLibCheck: false, esModuleInterop: true, target: 'es2019', lib: ['es2019'], ...compilerOptions },
    files: consumer.files,
  };
  const project = path.join(consumer.dir, 'tsconfig.json');
  fs.writeFileSync(project, JSON.stringify(config, null, 2));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSC[compiler], '-p', project, '--pretty', 'false'], { cwd: consumer.dir });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (status) => {
      const errors = [];
      for (const line of out.split('\n')) {
        const m = /^(.*?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line) || /^()()error (TS\d+): (.*)$/.exec(line);
        if (m) errors.push({ file: m[1].replace(consumer.dir + path.sep, ''), line: Number(m[2]) || 0, code: m[3], text: m[4] });
      }
      if (status !== 0 && errors.length === 0) reject(new Error(`tsc ${compiler} failed without diagnostics:\n${out}`));
      else resolve({ status, errors, out });
    });
  });
}

function remove(consumer) {
  fs.rmSync(consumer.dir, { recursive: true, force: true });
}

module.exports = { makeConsumer, compile, remove, packedFiles, TSC, root, original };
