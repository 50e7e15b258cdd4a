'use strict';

// The addon, loaded through the loader that `napi build --platform` generates (binding.js). It
// tries a local build first (pcap.<platform>.node beside it: what `npm install` in a checkout
// builds), then the prebuilt package @node-pcap/pcap-<platform> (an optional dependency). When
// neither loads, the error names the platform and the first real cause, and what to run.
let binding;
try {
  binding = require('../binding.js');
} catch (e) {
  throw loadError(e);
}

module.exports = binding;

// linux-x64-gnu, linux-arm64-musl, darwin-arm64, win32-x64-msvc: napi-rs's platform names.
function platformOf() {
  const { platform, arch } = process;
  if (platform === 'win32') return { key: platform + '-' + arch + '-msvc', libc: '' };
  if (platform !== 'linux') return { key: platform + '-' + arch, libc: '' };
  let glibc;
  try {
    glibc = process.report.getReport().header.glibcVersionRuntime || null;
  } catch (e) {
    glibc = null;
  }
  return glibc ? { key: platform + '-' + arch + '-gnu', libc: 'glibc ' + glibc } : { key: platform + '-' + arch + '-musl', libc: 'musl' };
}

// The loader's failed attempts, in the order it made them (it chains them newest first through
// `cause`), without the "Cannot find module" of candidates that are simply not there.
function attempts(err) {
  const all = [];
  for (let e = err.cause; e && all.length < 20; e = e.cause) all.unshift(String(e.message || e).split('\n')[0]);
  if (all.length === 0) all.push(String(err.message || err).split('\n')[0]);
  return all.filter((m) => !/^Cannot find module /.test(m) && !/^Cannot find native binding/.test(m));
}

function loadError(e) {
  const pkg = require('../package.json');
  const { key, libc } = platformOf();
  const where = key + (libc ? ' (' + libc + ')' : '');
  const prebuilt = (pkg.napi && pkg.napi.packageName || '@node-pcap/pcap') + '-' + key;
  const published = new Set((pkg.napi && pkg.napi.targets || []).map(napiName));
  const repo = pkg.repository && pkg.repository.url ? pkg.repository.url.replace(/^git\+/, '') : 'the repository';
  const real = attempts(e);
  const fromSource = [
    'To build it from source (needs Rust and the libpcap headers): git clone ' + repo + ' pcap-src && cd pcap-src && npm install;',
    'then in your project: npm install /path/to/pcap-src  (or run node with NAPI_RS_NATIVE_LIBRARY_PATH=/path/to/pcap-src/pcap.' + key + '.node).',
  ];
  let cause;
  let fix;
  if (real.length > 0) {
    cause = real[0];
    if (/libpcap\.so|libpcap\.[A-Z0-9.]*dylib/.test(cause)) {
      fix = ['The addon was built against the system libpcap, which is missing: install it (Debian/Ubuntu: apt-get install libpcap0.8;',
        'Fedora: dnf install libpcap; Alpine: apk add libpcap), or delete the local build pcap.' + key + '.node so the prebuilt package loads.'];
    } else if (process.platform === 'win32') {
      fix = ['Capturing on Windows needs Npcap (https://npcap.com) installed, with its WinPcap-compatible mode, for wpcap.dll.'];
    } else if (/GLIBC_[0-9.]+'? not found|version `GLIBC/.test(cause)) {
      fix = ['The prebuilt addon needs glibc 2.17 or newer.'].concat(fromSource);
    } else {
      fix = ['Reinstall the prebuilt package: rm -rf node_modules/' + prebuilt + ' && npm install ' + prebuilt + '@' + pkg.version + '.']
        .concat(fromSource);
    }
  } else if (published.has(key)) {
    cause = 'the prebuilt package ' + prebuilt + ' is not installed (npm skips optional dependencies with --omit=optional, ' +
      'and when package-lock.json was written on another platform)';
    fix = ['Install it: npm install ' + prebuilt + '@' + pkg.version];
  } else {
    cause = 'no prebuilt addon is published for ' + key + ' (there are: ' + [...published].join(', ') + ')';
    fix = fromSource;
  }
  const err = new Error('pcap: cannot load the native addon on ' + where + ': ' + cause + '.\n  ' + fix.join('\n  '));
  err.code = 'ENOADDON';
  err.cause = e;
  return err;
}

function napiName(triple) {
  const [arch, , os, abi] = triple.split('-');
  const a = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }[arch] || arch;
  if (os === 'darwin') return 'darwin-' + a;
  if (os === 'windows') return 'win32-' + a + '-' + abi;
  return 'linux-' + a + '-' + abi;
}
