// An ES module written against node_pcap 3.1.0's pcap.d.ts (Node's CommonJS interop: the default
// import is module.exports, named imports are its properties). Type-checked only.
import pcap from 'pcap';
import { createSession, decode, findalldevs } from 'pcap';
import type { PacketWithHeader, PcapSession } from 'pcap';

const device = process.argv[2] || findalldevs()[0].name;
const session: PcapSession = createSession(device, { filter: 'tcp or udp' });
const ports = new Map<number, number>();

session.on('packet', (raw: PacketWithHeader) => {
    const packet = decode.packet(raw);
    const l4 = packet.payload.payload.payload;
    if (l4 && typeof l4.dport === 'number') ports.set(l4.dport, (ports.get(l4.dport) || 0) + 1);
});

setTimeout(() => {
    session.close();
    const top = [...ports.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    console.log(pcap.lib_version, top);
}, 10_000);
