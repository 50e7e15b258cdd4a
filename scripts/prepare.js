'use strict';

// `prepare` hook: `npm install` / `npm ci` in a checkout (npm runs `prepare` for the root project
// only, never when another project installs the published package, which has no install script
// and gets the prebuilt addon instead) builds the native addon from source with cargo, against
// the system libpcap, as pcap.<platform>.node beside binding.js. It calls cargo itself (not
// @napi-rs/cli) so that it can say in one line what is missing; `npm run build` uses the cli and
// also regenerates binding.js/binding.d.ts. `npm run pack` makes the self-contained prebuilt.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

function fail(line) {
  process.stderr.write('pcap: ' + line + '\n');
  process.exit(1);
}

function triple() {
  const { platform, arch } = process;
  if (platform !== 'linux') return platform + '-' + arch;
  const report = process.report && process.report.getReport ? process.report.getReport() : null;
  const glibc = report && report.header && report.header.glibcVersionRuntime;
  return platform + '-' + arch + (glibc ? '-gnu' : '-musl');
}

const target = path.join(root, 'pcap.' + triple() + '.node');

if (process.env.PCAP_SKIP_BUILD === '1' && fs.existsSync(target)) process.exit(0);

const cargo = process.env.CARGO || 'cargo';
const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  fail('building the native addon needs Rust: install it with rustup (https://rustup.rs), then run npm install again (cargo was not found)');
}

const headers = ['/usr/include/pcap.h', '/usr/include/pcap/pcap.h', '/usr/local/include/pcap.h',
  '/opt/homebrew/opt/libpcap/include/pcap.h'];
const pkg = spawnSync('pkg-config', ['--exists', 'libpcap']);
if (!headers.some((h) => fs.existsSync(h)) && pkg.status !== 0) {
  fail('the libpcap headers are missing: install them (Debian/Ubuntu: apt-get install libpcap-dev; Fedora: dnf install libpcap-devel; Alpine: apk add libpcap-dev), then run npm install again');
}

// In a git checkout keep target/ for incremental builds; installed as a dependency, build in a
// temporary folder and leave only the addon behind.
const checkout = fs.existsSync(path.join(root, '.git'));
const targetDir = process.env.CARGO_TARGET_DIR ||
  (checkout ? path.join(root, 'target') : fs.mkdtempSync(path.join(require('os').tmpdir(), 'pcap-build-')));
const build = spawnSync(cargo, ['build', '--release', '--locked', '--lib'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, CARGO_TARGET_DIR: targetDir },
});
if (build.status !== 0) fail('cargo build failed (see the messages above)');

const lib = path.join(targetDir, 'release',
  process.platform === 'darwin' ? 'libnode_pcap.dylib' : 'libnode_pcap.so');
if (!fs.existsSync(lib)) fail('cargo build produced no ' + lib);
fs.copyFileSync(lib, target);
if (!checkout && !process.env.CARGO_TARGET_DIR) fs.rmSync(targetDir, { recursive: true, force: true });

// In a git checkout (development), also install node_pcap 3.1.0 for the differential tests and
// the benchmarks, in bench/original. Not a devDependency: npm would run its node-gyp build
// (which needs the libpcap headers, python3, make and g++) before this script could say what is
// missing. Its JavaScript is all the tests need; bench/original.js builds the rest on demand.
function installedOriginal(dir) {
  try {
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
    const want = lock.packages['node_modules/pcap-original'].version;
    const have = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'pcap-original', 'package.json'), 'utf8'));
    return have.version === want;
  } catch (e) {
    return false;
  }
}

if (checkout && process.env.PCAP_SKIP_ORIGINAL !== '1' && !installedOriginal(path.join(root, 'bench', 'original'))) {
  const dir = path.join(root, 'bench', 'original');
  // npm's own CLI when npm runs this hook (pnpm/yarn have no `ci` that reads package-lock.json).
  const npmCli = process.env.npm_execpath;
  const [cmd, pre] = npmCli && /npm-cli\.[cm]?js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  process.stderr.write('pcap: installing node_pcap 3.1.0 into bench/original for the comparison tests\n');
  const r = spawnSync(cmd, [...pre, 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir, stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) {
    process.stderr.write('pcap: warning: node_pcap 3.1.0 (for the comparison tests) did not install in ' + dir +
      '; run `npm ci --ignore-scripts` there\n');
  }
}
