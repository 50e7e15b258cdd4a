'use strict';
// Capture a TCP exchange of known bytes on the loopback interface (127.0.0.1 or ::1).
const net = require('net');
const path = require('path');
const crypto = require('crypto');

const ROOT = path.resolve(__dirname, '..', '..');

function freePort(host) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, host, () => { const p = srv.address().port; srv.close(() => resolve(p)); });
  });
}

// Returns {raws, request, response, port}. The client sends `request`, the server
// answers with `response` once it has read all of it, then both close.
async function exchange(host, requestSize, responseSize) {
  const pcap = require(ROOT);
  const port = await freePort(host);
  const request = crypto.randomBytes(requestSize);
  const response = crypto.randomBytes(responseSize);
  const raws = [];
  const session = pcap.createSession('lo', { filter: 'tcp port ' + port, buffer_timeout: 0, snap_length: 262144 });
  session.on('packet', (raw) => {
    raws.push({ buf: Buffer.from(raw.buf.subarray(0, raw.header.readUInt32LE(8))), header: Buffer.from(raw.header), link_type: raw.link_type });
  });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('loopback exchange timed out')), 10000);
      const server = net.createServer((sock) => {
        let got = 0;
        sock.on('data', (d) => {
          got += d.length;
          if (got === request.length) { sock.end(response); }
        });
        sock.on('error', reject);
      });
      server.listen(port, host, () => {
        const client = net.connect(port, host, () => { client.write(request); });
        let got = 0;
        client.on('data', (d) => { got += d.length; });
        client.on('end', () => { client.end(); });
        client.on('close', () => {
          server.close();
          clearTimeout(timer);
          if (got !== response.length) { reject(new Error('short response')); return; }
          resolve();
        });
        client.on('error', reject);
      });
    });
    // let the last packets (final ACK) reach the capture
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    session.close();
  }
  return { raws, request, response, port };
}

module.exports = { exchange };
