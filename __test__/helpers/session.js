'use strict';

const pcap = require('../..');

// Reads a whole capture file through the package: {packets, error, link_type}.
function readAll(file, options) {
  return new Promise((resolve) => {
    const s = pcap.createOfflineSession(file, options);
    const packets = [];
    let error = null;
    s.on('packet', (raw) => packets.push(raw));
    s.on('error', (e) => { error = e; });
    s.on('complete', () => {
      const link_type = s.link_type;
      s.close();
      resolve({ packets, error, link_type });
    });
  });
}

// Resolves when `cond()` is true, or rejects after `ms`.
function waitFor(cond, ms, what) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    (function poll() {
      if (cond()) return resolve();
      if (Date.now() > deadline) {
        const text = typeof what === 'function' ? what() : what;
        return reject(new Error('timed out waiting for ' + (text || 'condition')));
      }
      setTimeout(poll, 5);
    })();
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { readAll, waitFor, sleep };
