// An ES module using `pcap` with the precise types: the default and named imports of the main
// module, and deep paths with `.js` (Node's ESM resolution needs the extension where the package
// has no `exports` map). Type-checked only (__test__/types-compat.test.js), never run.
import pcap, { createOfflineSession, decode, type DecodedPacket, type Decoded, type PacketWithHeader } from 'pcap';
import IPv4 from 'pcap/decode/ipv4.js';
import IPv6 from 'pcap/decode/ipv6.js';
import TCP from 'pcap/decode/tcp.js';
import { EthernetPacket, decode as deepDecode } from 'pcap/decode/index.js';
import { TCPTracker } from 'pcap/tcp_tracker.js';
import DNSCache from 'pcap/dns_cache.js';
import { HTTPTracker } from 'pcap/http_tracker.js';
import { int8_to_hex } from 'pcap/util.js';

const tracker = new TCPTracker({ reassemble: true });
const http = new HTTPTracker(tracker);
const names = new DNSCache({ maxEntries: 100 });
const ports = new Map<number, number>();

function ethernet(pkt: DecodedPacket): Decoded<'LINKTYPE_ETHERNET'> | null {
    return pkt.link_type === 'LINKTYPE_ETHERNET' ? pkt : null;
}

function onPacket(raw: PacketWithHeader): void {
    const pkt: DecodedPacket = decode.packet(raw);
    tracker.track_packet(pkt);
    const eth = ethernet(pkt);
    if (!eth || !(eth.payload instanceof EthernetPacket)) return;
    const ip = eth.payload.payload;
    if (ip instanceof IPv4 || ip instanceof IPv6) {
        const l4 = ip.payload;
        if (l4 instanceof TCP) ports.set(l4.dport, (ports.get(l4.dport) ?? 0) + 1);
        console.log(names.ptr(String(ip.saddr)), int8_to_hex[ip.version]);
    }
}

const file = createOfflineSession(process.argv[2] ?? 'trace.pcap', { filter: 'tcp' });
file.on('packet', onPacket);
file.on('complete', () => {
    tracker.close();
    console.log(pcap.lib_version, http.stats.requests, [...ports], deepDecode === decode);
});
