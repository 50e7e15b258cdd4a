// A small tcpdump written against node_pcap 3.1.0's pcap.d.ts: live or from a file, one line per
// packet from `decode.packet(raw).payload.payload...`, capture statistics, a packet injected on
// request. Type-checked only (__test__/types-legacy.test.js), never run.
import * as pcap from 'pcap';
import { PcapSession, LinkType, CaptureStats, OfflineSessionOptions } from 'pcap';

interface Addr { addr: number[]; toString(): string }
interface IpLayer { saddr: Addr; daddr: Addr; protocol: number; ttl: number; payload: any }

const totals: CaptureStats = { ps_recv: 0, ps_drop: 0, ps_ifdrop: 0 };
const names = new pcap.DNSCache();
let count = 0;

function linkName(link: LinkType): string {
    switch (link) {
        case 'LINKTYPE_ETHERNET': return 'Ethernet';
        case 'LINKTYPE_NULL': return 'BSD loopback';
        case 'LINKTYPE_RAW': return 'raw IP';
        case 'LINKTYPE_LINUX_SLL': return 'Linux cooked';
        case 'LINKTYPE_IEEE802_11_RADIO': return '802.11 + radiotap';
        default: return String(link);
    }
}

function flagString(flags: any): string {
    return (flags.syn ? 'S' : '') + (flags.fin ? 'F' : '') + (flags.rst ? 'R' : '') + (flags.psh ? 'P' : '') + (flags.ack ? '.' : '');
}

function summarize(ip: IpLayer): string {
    const src = names.ptr(ip.saddr.toString());
    const dst = ip.daddr.addr.join('.');
    switch (ip.protocol) {
        case 6: {
            const tcp = ip.payload;
            const len = tcp.data ? tcp.data.length : 0;
            return `${src}.${tcp.sport} > ${dst}.${tcp.dport}: Flags [${flagString(tcp.flags)}], seq ${tcp.seqno}, ack ${tcp.ackno}, win ${tcp.windowSize}, length ${len}`;
        }
        case 17:
            return `${src}.${ip.payload.sport} > ${dst}.${ip.payload.dport}: UDP, length ${ip.payload.length - 8}`;
        case 1:
            return `${src} > ${dst}: ICMP type ${ip.payload.type} code ${ip.payload.code}, ttl ${ip.ttl}`;
        default:
            return `${src} > ${dst}: ip-proto-${ip.protocol}`;
    }
}

function onPacket(raw_packet: pcap.PacketWithHeader): void {
    count += 1;
    const packet = pcap.decode.packet(raw_packet);
    const ts = packet.pcap_header.tv_sec + packet.pcap_header.tv_usec / 1e6;
    if (raw_packet.link_type === 'LINKTYPE_ETHERNET' && packet.payload.ethertype === 0x0800) {
        console.log(ts.toFixed(6) + ' ' + summarize(packet.payload.payload));
    } else if (raw_packet.link_type === 'LINKTYPE_ETHERNET' && packet.payload.ethertype === 0x86dd) {
        const ip6 = packet.payload.payload;
        console.log(`${ts.toFixed(6)} IP6 ${ip6.saddr} > ${ip6.daddr}: next header ${ip6.nextHeader}, hop limit ${ip6.hopLimit}`);
    } else {
        console.log(ts.toFixed(6) + ' ' + packet.toString());
    }
}

function open(source: string, filter: string): PcapSession {
    if (/\.pcap$/.test(source)) {
        const options: OfflineSessionOptions = { filter };
        return pcap.createOfflineSession(source, options);
    }
    return pcap.createSession(source, { filter, buffer_size: 16 * 1024 * 1024, snap_length: 1514, monitor: false });
}

const session = open(process.argv[2] || '', process.argv.slice(3).join(' '));
console.error(`reading ${linkName(session.link_type)} with ${pcap.lib_version}`);
session.on('packet', onPacket);
session.on('complete', () => {
    console.error(`${count} packets`);
    session.close();
});

if (process.env.INJECT) {
    // a gratuitous ARP, as a test frame
    session.inject(Buffer.from('ffffffffffff0011223344550806000108000604000100112233445' + '5c0a80001000000000000c0a80001', 'hex'));
}

const timer = setInterval(() => {
    const s = session.stats();
    totals.ps_recv = s.ps_recv;
    totals.ps_drop = s.ps_drop;
    totals.ps_ifdrop = s.ps_ifdrop;
    console.error(JSON.stringify(totals));
}, 1000);
timer.unref();

for (const dev of pcap.findalldevs()) {
    const addresses = (dev.addresses || []).map((a) => a.addr + (a.broadaddr ? ' brd ' + a.broadaddr : ''));
    console.error(`${dev.name}${dev.flags ? ' [' + dev.flags + ']' : ''}: ${addresses.join(', ')}`);
}
