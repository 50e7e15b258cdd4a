'use strict';
// Test helpers: read capture files with the engine and decode them.
const path = require('path');
const tshark = require('./tshark');

const ROOT = path.resolve(__dirname, '..', '..');

// All packets of a capture file as node_pcap raw packets {buf, header, link_type}.
function readRaw(file) {
  const pcap = require(ROOT);
  return new Promise((resolve, reject) => {
    let session;
    try {
      session = pcap.createOfflineSession(file);
    } catch (e) {
      reject(e);
      return;
    }
    const out = [];
    session.on('packet', (raw) => {
      // copy: do not depend on buffer lifetime here
      out.push({ buf: Buffer.from(raw.buf), header: Buffer.from(raw.header), link_type: raw.link_type });
    });
    session.on('error', reject);
    session.on('complete', () => resolve(out));
  });
}

async function readDecoded(file) {
  const { decode } = require(path.join(ROOT, 'decode'));
  const raws = await readRaw(file);
  return raws.map((raw) => decode.packet(raw));
}

module.exports = {
  ROOT, readRaw, readDecoded,
  // The tshark references live in helpers/tshark.js (the one tshark runner); these names stay.
  tshark: tshark.fields, tsharkStreams: tshark.streams, compressV6: tshark.compressV6, filesWithTcp: tshark.filesWithTcp,
};
