'use strict';
// One flows-only run for bench/flows.js: meters FILE (IPFIX to HOST:PORT when given) and prints
// {records, packets, ipfix, jsCpuMs} as JSON. jsCpuMs is the JavaScript thread's own CPU time
// (/proc/self/task/<pid>/stat), which shows how little of the work is done there.
const fs = require('fs');
const path = require('path');
const pcap = require(path.join(__dirname, '..'));

function threadCpuMs(tid) {
  const f = fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in clock ticks of 10 ms
}

const [file, collector] = process.argv.slice(2);
const flows = collector ? { ipfix: collector, ipfixRate: 0 } : true;
const s = pcap.createOfflineSession(file, { flows, packets: false });
s.on('complete', () => {
  const st = s.flowStats();
  s.close();
  process.stdout.write(JSON.stringify({
    records: st.records, packets: st.packets, ipfix: st.ipfix_messages, jsCpuMs: threadCpuMs(process.pid),
  }) + '\n');
});
