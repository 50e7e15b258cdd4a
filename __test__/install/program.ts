// A program written for node_pcap 3.1.0 and its pcap.d.ts (decode, TCPTracker and DNSCache typed
// `any` there), as such programs were written: scripts/install-test.sh compiles it with tsc
// against the installed tarball, unchanged. It is type-checked only, never run.
import pcap = require('pcap');
import { PcapSession, PacketWithHeader, LiveSessionOptions, CaptureStats, Device } from 'pcap';

const options: LiveSessionOptions = { filter: 'tcp port 80', buffer_size: 10 * 1024 * 1024, buffer_timeout: 0, snap_length: 65535 };
const session: PcapSession = pcap.createSession('eth0', options);
const tracker = new pcap.TCPTracker();
const cache = new pcap.DNSCache();

pcap.warningHandler = (text: string) => console.warn('libpcap says: ' + text);
console.log(pcap.lib_version);

session.on('packet', (raw: PacketWithHeader) => {
  const packet = pcap.decode.packet(raw);
  const ip = packet.payload.payload;
  if (ip && ip.payload && ip.payload.dport === 80) {
    console.log(ip.saddr + ':' + ip.payload.sport + ' -> ' + ip.daddr + ':' + ip.payload.dport, cache.ptr(ip.daddr.toString()));
  }
  tracker.track_packet(packet);
});

tracker.on('session', (s: any) => {
  s.on('end', (ended: any) => console.log('session ended', ended.src, ended.dst, ended.session_stats()));
});

setInterval(() => {
  const stats: CaptureStats = session.stats();
  console.log('received', stats.ps_recv, 'dropped', stats.ps_drop, 'by the interface', stats.ps_ifdrop);
}, 5000);

const devices: Device[] = pcap.findalldevs();
for (const dev of devices) {
  console.log(dev.name, (dev.addresses || []).map((a) => a.addr + '/' + a.netmask).join(' '));
}

const offline = pcap.createOfflineSession('trace.pcap', { filter: 'udp port 53' });
offline.on('packet', (raw: PacketWithHeader) => {
  const decoded = pcap.decode(raw);
  console.log(raw.link_type, raw.header.length, decoded.link_type, offline.link_type);
});
offline.on('complete', () => offline.close());
session.inject(Buffer.alloc(60));
