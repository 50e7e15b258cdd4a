'use strict';

// Makes the benchmark capture from real traffic on lo: HTTP/1.1 over IPv4 and IPv6 (keep-alive
// and short connections, 2 KB and 2-byte bodies), DNS-sized UDP datagrams and ICMP echo,
// captured by tcpdump. Usage: node bench/make-capture.js [out.pcap] [packets] [profile]
// Profiles (packet sizes):
//   small  (default; bench/data/mixed.pcap): 2 KB bodies on a third of the requests, 2-byte
//          bodies otherwise: ~300 bytes per packet on average.
//   large  (bench/data/large.pcap): bodies of 2.75-7.5 KB on three requests of four, 2 bytes
//          otherwise: ~850 bytes per packet, as the capture of issue 13 (865).
// Packets default to 1,200,000. Needs root (tcpdump on lo) and tcpdump.
const { spawn, spawnSync } = require('child_process');
const dgram = require('dgram');
const fs = require('fs');
const http = require('http');
const path = require('path');

const profile = process.argv[4] || 'small';
const PROFILES = {
  small: { file: 'mixed.pcap', bigEvery: 3, bigMin: 2048, bigMax: 2048 },
  large: { file: 'large.pcap', bigEvery: 4 / 3, bigMin: 2816, bigMax: 7680 },
};
const prof = PROFILES[profile];
if (!prof) {
  console.error('unknown profile ' + profile + ' (small, large)');
  process.exit(2);
}
const out = path.resolve(process.argv[2] || path.join(__dirname, 'data', prof.file));
const target = Number(process.argv[3] || 1200000);
const HTTP_PORT = 18080;
const UDP_PORT = 18053;
const MAX_SECONDS = 300;

fs.mkdirSync(path.dirname(out), { recursive: true });

function count() {
  const r = spawnSync('sh', ['-c', `tcpdump -r '${out}' 2>/dev/null | wc -l`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

async function main() {
  const filter = `(tcp port ${HTTP_PORT}) or (udp port ${UDP_PORT}) or icmp or icmp6`;
  const dump = spawn('tcpdump', ['-i', 'lo', '-s', '0', '-B', '65536', '-w', out, '-c', String(target), filter],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let dumpDone = false;
  dump.on('exit', () => { dumpDone = true; });
  await new Promise((r) => setTimeout(r, 500));

  const big = Buffer.alloc(prof.bigMax, 'x');
  const small = Buffer.from('ok');
  const servers = ['127.0.0.1', '::1'].map((host) => {
    const srv = http.createServer((req, res) => {
      // /big/N: N bytes (between the profile's bounds), /small: two.
      const n = req.url.startsWith('/big/') ? Math.min(prof.bigMax, Number(req.url.slice(5)) || 0) : -1;
      const body = n >= 0 ? big.subarray(0, n) : small;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
      res.end(body);
    });
    srv.listen(HTTP_PORT, host);
    return srv;
  });
  const udp4 = dgram.createSocket('udp4');
  const udp6 = dgram.createSocket('udp6');
  // A DNS query for www.tcpdump.org/A: header (id 0x0102, RD, one question), name, type, class.
  const query = Buffer.concat([
    Buffer.from([1, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    Buffer.from('\x03www\x07tcpdump\x03org\x00', 'latin1'),
    Buffer.from([0, 1, 0, 1]),
  ]);
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const shortLived = new http.Agent({ keepAlive: false, maxSockets: 8 });
  const ping = spawn('sh', ['-c', 'while true; do ping -q -c 200 -i 0.002 127.0.0.1 >/dev/null 2>&1; ping -6 -q -c 200 -i 0.002 ::1 >/dev/null 2>&1; done'],
    { stdio: 'ignore', detached: true });

  const started = Date.now();
  let i = 0;
  function request(host, agent) {
    return new Promise((resolve) => {
      // Every bigEvery-th request (on average) asks for a body of bigMin..bigMax bytes.
      const wantBig = Math.floor(i / prof.bigEvery) !== Math.floor((i - 1) / prof.bigEvery);
      const size = prof.bigMin + ((i * 7919) % (prof.bigMax - prof.bigMin + 1));
      const req = http.get({ host, port: HTTP_PORT, path: wantBig ? '/big/' + size : '/small', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', resolve);
    });
  }
  async function worker(k) {
    while (!dumpDone && Date.now() - started < MAX_SECONDS * 1000) {
      i++;
      const host = (i + k) % 2 === 0 ? '127.0.0.1' : '::1';
      await request(host, i % 4 === 0 ? shortLived : keepAlive);
      if (i % 5 === 0) {
        (i % 2 === 0 ? udp4 : udp6).send(query, UDP_PORT, i % 2 === 0 ? '127.0.0.1' : '::1');
      }
    }
  }
  await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(worker));
  try { process.kill(-ping.pid, 'SIGTERM'); } catch (e) { /* already gone */ }
  if (!dumpDone) {
    dump.kill('SIGINT');
    await new Promise((r) => dump.on('exit', r));
  }
  servers.forEach((s) => s.close());
  keepAlive.destroy();
  shortLived.destroy();
  udp4.close();
  udp6.close();
  const n = count();
  const bytes = fs.statSync(out).size;
  console.log(`${out}: ${n} packets, ${(bytes / 1e6).toFixed(0)} MB, ` +
    `${Math.round((bytes - 24) / n - 16)} bytes per packet on average, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main();
