'use strict';

// The addon, loaded through the loader that `napi build` generates (binding.js).
let binding;
try {
  binding = require('../binding.js');
} catch (e) {
  const err = new Error(
    'pcap: the native addon is not built (' + e.message.split('\n')[0] + '). ' +
    'Run `npm install` (or `npm run build`) in the package folder; it needs Rust (cargo) and libpcap-dev.'
  );
  err.code = 'ENOADDON';
  err.cause = e;
  throw err;
}

module.exports = binding;
