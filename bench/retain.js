'use strict';

// What keeping packets costs (issue 16 item 2): a program that keeps `raw.buf` of every Nth
// packet of a capture file, against one that keeps a copy (`Buffer.from(raw.buf)`) and one that
// keeps nothing. Each in a fresh process; prints the time, the peak RSS, and at the end the RSS,
// process.memoryUsage().arrayBuffers and .external, and the bytes the program kept.
//
// Usage: node bench/retain.js [file] [every] [runs]   (defaults: bench/data/large.pcap, 100, 1)
// With PCAP_READER set (libpcap, thread, inline) the sessions read that way.
const { spawnSync } = require('child_process');
const path = require('path');

if (process.argv[2] === '--child') {
  const [, , , how, file, every] = process.argv;
  const pcap = require(path.resolve(__dirname, '..'));
  const n = Number(every);
  const kept = [];
  let i = 0;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const session = pcap.createOfflineSession(file, {});
  session.on('packet', (raw) => {
    if (i++ % n !== 0 || how === 'none') return;
    const b = how === 'copy' ? Buffer.from(raw.buf) : raw.buf;
    kept.push(b);
    bytes += b.length;
  });
  session.on('complete', () => {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const mb = (x) => Math.round(x / 1e5) / 10;
    const m = process.memoryUsage();
    console.log(JSON.stringify({
      how, packets: i, kept: kept.length, keptMB: mb(bytes), ms: Math.round(ms),
      peakRssMB: mb(process.resourceUsage().maxRSS * 1024), rssMB: mb(m.rss),
      arrayBuffersMB: mb(m.arrayBuffers), externalMB: mb(m.external),
    }));
    session.close();
  });
} else {
  const file = path.resolve(process.argv[2] || path.join(__dirname, 'data', 'large.pcap'));
  const every = process.argv[3] || '100';
  const runs = Number(process.argv[4] || 1);
  const rows = [];
  for (let r = 0; r < runs; r++) {
    for (const how of ['none', 'view', 'copy']) {
      const c = spawnSync(process.execPath, [__filename, '--child', how, file, every], { encoding: 'utf8' });
      const line = c.stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) throw new Error(how + ' failed: ' + c.stderr);
      console.log(line);
      rows.push(JSON.parse(line));
    }
  }
  console.log(`\n${path.basename(file)}, keeping raw.buf of every ${every}th packet (PCAP_READER=${process.env.PCAP_READER || 'default'})`);
  console.log('| program keeps | packets kept | bytes kept | time | peak RSS | RSS at end | arrayBuffers | external |');
  console.log('|---|---|---|---|---|---|---|---|');
  const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  for (const how of ['none', 'view', 'copy']) {
    const rs = rows.filter((x) => x.how === how);
    const label = { none: 'nothing', view: 'raw.buf (the view)', copy: 'Buffer.from(raw.buf)' }[how];
    console.log(`| ${label} | ${rs[0].kept} | ${rs[0].keptMB} MB | ${med(rs.map((x) => x.ms))} ms | ${med(rs.map((x) => x.peakRssMB))} MB | ` +
      `${med(rs.map((x) => x.rssMB))} MB | ${med(rs.map((x) => x.arrayBuffersMB))} MB | ${med(rs.map((x) => x.externalMB))} MB |`);
  }
}
