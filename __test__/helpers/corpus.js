'use strict';
// Test helper: read every packet of a capture file with the package's own engine.
const fs = require('fs');
const path = require('path');

const CAPTURES = require('path').resolve(__dirname, '../fixtures/captures');
const HTTP_LOOPBACK = require('path').resolve(__dirname, '../fixtures/http-loopback.pcap');

function openOffline(file) {
  let pcap;
  try {
    pcap = require('../..');
  } catch (e) {
    pcap = null; // root module not complete yet: use the session class directly
  }
  if (pcap && typeof pcap.createOfflineSession === 'function') {
    return pcap.createOfflineSession(file);
  }
  const PcapSession = require('../../lib/session').PcapSession;
  return new PcapSession(false, file, '', 0, null, null, false, 0, false, {});
}

// Resolves to [{buf, header, link_type}] (copies), or to {error} when the file cannot be opened.
function readCapture(file) {
  return new Promise(function (resolve) {
    let session;
    try {
      session = openOffline(file);
    } catch (e) {
      resolve({ error: e });
      return;
    }
    const packets = [];
    session.on('packet', function (p) {
      packets.push({ buf: Buffer.from(p.buf), header: Buffer.from(p.header), link_type: p.link_type });
    });
    session.on('complete', function () {
      resolve(packets);
    });
  });
}

function captureFiles() {
  return fs.readdirSync(CAPTURES).sort().map(function (f) { return path.join(CAPTURES, f); });
}

module.exports = { readCapture: readCapture, captureFiles: captureFiles, HTTP_LOOPBACK: HTTP_LOOPBACK };
