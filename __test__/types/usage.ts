// A TypeScript program written against `pcap` as a user would: it must compile with `strict`
// (__test__/types.test.js runs `tsc -p __test__/types`). It is type-checked only, never run.
import pcap = require('pcap');
import type { DecodedPacket, DecodeFunction, FlowRecord, LayerByName, PcapError, PcapSession, TCPSession, TCPDirection } from 'pcap';
import IPv4 = require('pcap/decode/ipv4');
import IPv6 = require('pcap/decode/ipv6');
import TCP = require('pcap/decode/tcp');
import Arp = require('pcap/decode/arp');
import DNS = require('pcap/decode/dns');
import SLLPacket = require('pcap/decode/sll_packet');
import RadioPacket = require('pcap/decode/ieee802.11/radio_packet');
import RadioFrame = require('pcap/decode/ieee802.11/radio_frame');
import protocols = require('pcap/decode/ip_protocols');
import DeepDNSCache = require('pcap/dns_cache');
import { IPv4Packet, decode as deepDecode } from 'pcap/decode';
import { TCPTracker as DeepTCPTracker } from 'pcap/tcp_tracker';
import { int8_to_hex } from 'pcap/util';

function isPcapError(e: unknown): e is PcapError {
    return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

pcap.warningHandler = (text) => console.warn(`libpcap: ${text}`);
console.log(pcap.lib_version);

for (const dev of pcap.findalldevs()) {
    const addrs = dev.addresses.map((a) => (a.netmask ? `${a.addr}/${a.netmask}` : a.addr));
    console.log(dev.name, dev.flags === 'PCAP_IF_LOOPBACK' ? '(loopback)' : '', dev.description ?? '', addrs.join(', '));
}

// ---------------------------------------------------------------------------
// Names and TCP streams

const names = new pcap.DNSCache({ maxEntries: 5000, ttl: 10 * 60 * 1000 });
const tracker = new pcap.TCPTracker({ reassemble: true, idleTimeout: 120_000, maxSessions: 10_000 });

function host(endpoint: string): string {
    return endpoint.replace(/^\[/, '').replace(/\]?:\d+$/, '');
}

tracker.on('session', (session) => {
    session.src_name = names.ptr(host(session.src));
    session.dst_name = names.ptr(host(session.dst));
    const received: Buffer[] = [];
    let sent = 0;
    let missing = 0;

    session.on('start', (s) => console.log(`${s.src_name} -> ${s.dst_name} connected in ${s.connect_time! - s.syn_time}s`));
    session.on('data send', (_s, data) => { sent += data.length; });
    session.on('data recv', (_s, data) => { received.push(data); });
    session.on('gap', (_s, direction: TCPDirection, bytes) => { if (direction === 'recv') missing += bytes; });
    session.on('retransmit', (s, direction, seqno) => console.log(`${s.src} retransmit ${direction} ${seqno}`));
    session.on('reset', (s, direction) => console.log(`${s.key()} reset by ${direction === 'send' ? s.src : s.dst}`));
    session.on('end', (s) => report(s, sent, Buffer.concat(received), missing));
    session.once('drop', (s, reason) => {
        if (reason !== 'close') console.log(`${s.src} dropped (${reason}) in state ${s.state}`);
    });
});
tracker.on('gap', (session, direction, bytes, reason, seq) => {
    const st = tracker.stats();
    if (reason === 'total') console.warn(`${session.src} ${direction}: ${bytes} bytes from ${seq >>> 0} given up; ${st.bufferedBytes} held, ${st.gapBytes.total} given up in all`);
});
tracker.on('drop', (session, reason) => {
    if (reason === 'limit') console.warn(`too many sessions: dropped ${session.src}-${session.dst}`);
});

declare module 'pcap' {
    interface TCPSession {
        /** Added by this program below (declaration merging works on the exported class). */
        key(): string;
    }
}
(pcap.TCPSession.prototype as TCPSession).key = function (this: TCPSession) {
    return `${this.src}-${this.dst}`;
};

function report(s: TCPSession, sent: number, body: Buffer, missing: number): void {
    const stats = s.session_stats();
    const rtts = Object.values(stats.send_times);
    const avg = rtts.length ? rtts.reduce((a, b) => a + b, 0) / rtts.length : 0;
    console.log(`${s.src_name} sent ${sent} (${stats.send_total} on the wire), got ${body.length}` +
        ` (${missing} missing), ${Object.keys(stats.send_retrans).length} retransmitted, rtt ${avg.toFixed(4)}s,` +
        ` ${s.close_time !== undefined ? (s.close_time - s.syn_time).toFixed(3) : '?'}s`);
}

// HTTP on the same (reassembled) streams: node_pcap 2.x's "http request" family of events.
const http = new pcap.HTTPTracker(tracker, { maxPending: 64 });
http.on('http request', (session, { request }) => {
    if (request) console.log(`${session.src_name} ${request.method} ${request.headers.Host ?? ''}${request.url}`);
});
http.on('http response body', (_session, exchange, data) => {
    if (exchange.response?.headers['Content-Type']?.startsWith('text/')) process.stdout.write(data);
});
http.on('http response complete', (_session, { request, response, total_time }) => {
    if (request && response) {
        console.log(`${request.method} ${request.url} -> ${response.status_code} ${response.status_message}` +
            ` ${response.body_len} bytes${response.body_lost ? ` (${response.body_lost} lost)` : ''}` +
            ` in ${total_time !== null ? (total_time * 1000).toFixed(1) : '?'} ms`);
    }
});
http.on('http error', (session, direction, err) => console.warn(`${session.src} ${direction}: ${err.code} ${err.message}`));
tracker.on('session', (session) => {
    session.on('http unanswered', (_s, exchange) => console.log(`no answer to ${exchange.request?.url}`));
});

// ---------------------------------------------------------------------------
// Decoding and narrowing

function transport(ip: IPv4 | IPv6): string {
    const l4 = ip.payload;
    if (l4 === undefined) return `proto ${ip instanceof IPv4 ? ip.protocol : ip.nextHeader}${ip._error ? ` (${ip._error})` : ''}`;
    if (Buffer.isBuffer(l4)) return `fragment of ${l4.length} bytes`;
    switch (l4.decoderName) {
        case 'tcp': {
            const { flags, options } = l4;
            const extra = [
                options.mss !== null ? `mss ${options.mss}` : '',
                options.sack ? `sack ${options.sack.map(([l, r]) => `${l}-${r}`).join(',')}` : '',
                options.tfo ? `tfo cookie ${options.tfo.toString('hex')}` : '',
                options.mptcp ? `mptcp x${options.mptcp.length}` : '',
                options.unknown ? `options ${options.unknown.map((o) => o.kind).join(',')}` : '',
            ].filter(Boolean).join(' ');
            return `TCP ${l4.sport} -> ${l4.dport}${flags.syn ? ' SYN' : ''}${flags.fin ? ' FIN' : ''} ` +
                `len ${l4.data ? l4.data.length : 0}/${l4.dataLength} ${extra}`;
        }
        case 'udp':
            if (l4.sport === 53 || l4.dport === 53) return dnsSummary(new DNS().decode(l4.data, 0));
            return `UDP ${l4.sport} -> ${l4.dport} ${l4.data.length} bytes`;
        case 'icmp':
            return l4.id !== undefined ? `${l4} id ${l4.id} seq ${l4.seq}` : String(l4);
        case 'icmpv6':
            return l4.targetAddress ? `${l4.type} for ${l4.targetAddress}` : `ICMPv6 ${l4.type}/${l4.code}`;
        case 'igmp':
            return `IGMPv${l4.version ?? '?'} ${l4.groupAddress} ${(l4.groupRecords ?? []).length} records`;
        case 'ipv4':
        case 'ipv6':
            return `tunnel ${l4.saddr} -> ${l4.daddr}: ${transport(l4)}`;
        case undefined:
            // IPv6 extension headers, ESP and NoNext have no decoderName
            if ('spi' in l4) return `IPsec spi ${l4.spi}`;
            if ('nextHeader' in l4) return `extension header, then ${l4.nextHeader}`;
            return 'no next header';
    }
}

function dnsSummary(dns: DNS): string {
    if (dns._error) return `bad DNS: ${dns._error}`;
    const parts: string[] = [`DNS ${dns.header.isResponse ? 'response' : 'query'} ${dns.id}`];
    for (const q of dns.question?.rrs ?? []) parts.push(`? ${q.name}`);
    for (const rr of dns.answer?.rrs ?? []) {
        switch (rr.type) {
            case 1:
            case 28:
                if (rr.rdata) parts.push(`${rr.name} ${rr.rdata} (${rr.rdata.addr.length} bytes)`);
                break;
            case 5:
                parts.push(`${rr.name} CNAME ${rr.rdata ?? '?'}`);
                break;
            case 15:
                if (rr.rdata) parts.push(`${rr.name} MX ${rr.rdata.preference} ${rr.rdata.exchange}`);
                break;
            case 16:
                parts.push(`${rr.name} TXT ${(rr.rdata ?? []).join('')}`);
                break;
            case 33:
                if (rr.rdata) parts.push(`${rr.name} SRV ${rr.rdata.target}:${rr.rdata.port}`);
                break;
            default:
                parts.push(`${rr.name} type ${rr.type} ttl ${rr.ttl}`);
        }
    }
    for (const rr of dns.additional?.rrs ?? []) {
        if (rr.type === 41 && rr.rdata) parts.push(`EDNS ${rr.rdata.udpPayloadSize}${rr.rdata.dnssecOk ? ' DO' : ''}`);
    }
    return parts.join('\n  ');
}

function describe(pkt: DecodedPacket): string {
    const when = new Date(pkt.pcap_header.tv_sec * 1000 + pkt.pcap_header.tv_usec / 1000).toISOString();
    if (pkt.link_type === 'LINKTYPE_ETHERNET') {
        const eth = pkt.payload;
        const tags = eth.vlans ? eth.vlans.map((v) => v.id).join('/') : eth.vlan ? String(eth.vlan.id) : '';
        if (pkt.payload.payload instanceof IPv4) {
            const ip = pkt.payload.payload;
            return `${when} ${eth.shost} ${ip.saddr} -> ${ip.daddr} ttl ${ip.ttl}${ip.flags.doNotFragment ? ' DF' : ''} ${tags} ${transport(ip)}`;
        }
        if (eth.payload instanceof IPv6) return `${when} ${eth.payload.saddr} -> ${eth.payload.daddr} ${transport(eth.payload)}`;
        if (eth.payload instanceof Arp) return `${when} ARP ${eth.payload.operation === 1 ? 'who-has' : 'reply'} ${eth.payload.target_pa ?? '?'}`;
        if (typeof eth.payload === 'string') return `${when} ${eth.payload}`;
        return `${when} ethertype 0x${eth.ethertype.toString(16)}${eth._error ? ` (${eth._error})` : ''}`;
    }
    if (pkt.link_type === 'LINKTYPE_RAW' || pkt.link_type === 'LINKTYPE_IPV4' || pkt.link_type === 'LINKTYPE_IPV6') {
        return `${when} ${transport(pkt.payload)}`;
    }
    if (pkt.payload instanceof SLLPacket) {
        const inner = pkt.payload.payload;
        return `${when} cooked ${pkt.payload.address} ${inner instanceof IPv4 || inner instanceof IPv6 ? transport(inner) : String(inner)}`;
    }
    if (pkt.payload instanceof RadioPacket) {
        const f = pkt.payload.fields;
        const frame = pkt.payload.ieee802_11Frame;
        const ssid = frame instanceof RadioFrame ? frame.probe?.tags.find((t) => t.type === 'ssid')?.ssid : undefined;
        return `${when} ${f.channel?.frequency ?? '?'} MHz ${f.antenna_signal ?? '?'} dBm ${ssid ?? ''}`;
    }
    if (pkt.payload === null) return `${when} ${pkt.link_type}: ${pkt._error}`;
    return `${when} ${pkt}`;
}

// IPv4 and IPv6 over any link, e.g. to count bytes per address pair.
function ipOf(pkt: DecodedPacket): IPv4 | IPv6 | undefined {
    let layer: unknown = pkt.payload;
    for (let depth = 0; depth < 4 && layer; depth++) {
        if (layer instanceof IPv4 || layer instanceof IPv6) return layer;
        layer = (layer as { payload?: unknown }).payload;
    }
    return undefined;
}

// The first layer of a kind, by node_pcap's decoderName.
function find<N extends keyof LayerByName>(pkt: DecodedPacket, name: N): LayerByName[N] | undefined {
    let layer: unknown = pkt.payload;
    for (let depth = 0; depth < 8 && layer; depth++) {
        if ((layer as { decoderName?: unknown }).decoderName === name) return layer as LayerByName[N];
        layer = (layer as { payload?: unknown }).payload;
    }
    return undefined;
}

// Each LayerByName key is its class's decoderName (a wrong key or class does not compile).
const decoderNames: { [N in keyof LayerByName]: LayerByName[N]['decoderName'] } = {
    'ethernet-packet': 'ethernet-packet', 'null-packet': 'null-packet', 'ssl-packet': 'ssl-packet',
    'sll2-packet': 'sll2-packet', 'ssl-addr': 'ssl-addr', vlan: 'vlan', llc: 'llc', arp: 'arp', ipv4: 'ipv4',
    'ipv4-addr': 'ipv4-addr', ipv6: 'ipv6', 'ipv6-addr': 'ipv6-addr', tcp: 'tcp', udp: 'udp', icmp: 'icmp',
    icmpv6: 'icmpv6', igmp: 'igmp', dns: 'dns',
};

// ---------------------------------------------------------------------------
// Live capture

function live(device: string | undefined, signal: AbortSignal): PcapSession | null {
    let session: PcapSession;
    try {
        session = pcap.createSession(device, {
            filter: 'tcp port 80 or tcp port 443 or udp port 53',
            buffer_timeout: 0,
            snap_length: 262144,
            app_buffer_size: 64 * 1024 * 1024,
            signal,
        });
    } catch (e) {
        if (!isPcapError(e)) throw e;
        switch (e.code) {
            case 'EPERM':
                console.error(`${e.message}\n(or: sudo setcap cap_net_raw,cap_net_admin=eip $(command -v node))`);
                return null;
            case 'ENODEV':
            case 'EFILTER':
                console.error(e.message);
                return null;
            default:
                throw e;
        }
    }
    const perPair = new Map<string, number>();
    session.on('packet', (raw) => {
        const pkt: DecodedPacket = pcap.decode.packet(raw); // decode.packet returns any, as node_pcap's
        tracker.track_packet(pkt);
        const ip = ipOf(pkt);
        if (ip) {
            const key = `${ip.saddr} ${ip.daddr}`;
            perPair.set(key, (perPair.get(key) ?? 0) + raw.buf.length);
        }
        console.log(describe(pkt));
    });
    session.on('error', (err) => {
        console.error(err.code === 'EREAD' ? `capture stopped: ${err.message}` : err);
        session.close();
    });
    const timer = setInterval(() => {
        if (!session.opened) return clearInterval(timer);
        const { ps_recv, ps_drop, ps_ifdrop, app_drop, outfile_written } = session.stats();
        const saved: number = outfile_written === undefined ? 0 : outfile_written;
        const lost: number = app_drop + (session.stats().outfile_dropped ?? 0);
        console.log(`${ps_recv} received, ${ps_drop + ps_ifdrop} dropped by the kernel, ${lost} by us, ${saved} saved; ` +
            `${tracker.expire()} idle sessions expired, ${Object.keys(tracker.sessions).length} open`);
    }, 5000);
    timer.unref();
    return session;
}

// ---------------------------------------------------------------------------
// Files: for-await, pause/resume, the writer

async function extractHttp(path: string, out: string, limit: number): Promise<number> {
    const file = pcap.createOfflineSession(path, { filter: 'tcp port 80', nanosecond: false });
    const writer = pcap.createWriter(out, { link_type: file.link_type });
    let written = 0;
    try {
        for await (const raw of file) {
            const pkt: DecodedPacket = pcap.decode.packet(raw);
            if (pkt.pcap_header.caplen < pkt.pcap_header.len) continue; // cut by the snap length
            tracker.track_packet(pkt);
            writer.write(raw);
            if (++written === limit) break; // closes the session
        }
    } catch (e) {
        if (isPcapError(e) && e.code === 'EREAD') console.warn(`${path} is truncated: ${e.message}`);
        else throw e;
    } finally {
        writer.close();
    }
    tracker.close(); // the end of the input: flush and drop what is still open
    console.log(`${writer.packets_written} packets to ${writer.path} (${writer.link_type})`);
    return written;
}

function slowConsumer(path: string, handle: (pkt: DecodedPacket) => Promise<void>): Promise<void> {
    return new Promise((resolve, reject) => {
        let file: PcapSession;
        try {
            file = pcap.createOfflineSession(path, 'ip6');
        } catch (e) {
            return reject(isPcapError(e) && (e.code === 'ENOENT' || e.code === 'EBADFILE') ? new Error(`cannot read ${path}: ${e.code}`) : e);
        }
        file.on('packet', (raw) => {
            file.pause();
            handle(pcap.decode.packet(raw)).then(() => file.resume(), reject);
        });
        file.once('error', reject);
        file.once('complete', () => { file.close(); resolve(); });
    });
}

function writeSynthetic(path: string): void {
    const frame = Buffer.from('ffffffffffff00112233445508060001080006040001001122334455c0a80001000000000000c0a80002', 'hex');
    const w = new pcap.PcapWriter(path, { link_type: 1 });
    w.write(frame); // stamped now
    const decodeFrame: DecodeFunction = pcap.decode; // the same function, with its precise result
    const decoded = decodeFrame(frame); // a bare Buffer is an Ethernet frame
    if (decoded.payload.payload instanceof Arp) console.log(String(decoded.payload.payload.sender_pa));
    w.write(new pcap.PacketWithHeader(frame, Buffer.alloc(16), 'LINKTYPE_ETHERNET'));
    w.flush();
    w.close();
    // the deep paths are the same classes
    const same: typeof IPv4 = IPv4Packet;
    const alsoDecode: typeof pcap.decode = deepDecode;
    const t: pcap.TCPTracker = new DeepTCPTracker({ segmentHistory: 32 });
    const c: pcap.DNSCache = new DeepDNSCache({ reverse: (ip, cb) => cb(null, [`host-${ip}`]) });
    const tcpCtor: protocols.ProtocolDecoder | undefined = protocols[6];
    console.log(same === IPv4, alsoDecode === pcap.decode.packet, t.options.reassemble, c.ptr('10.0.0.1'),
        tcpCtor === TCP, int8_to_hex[255]);
}

// Flows only: records of a file's connections, with TCP health.
function flowSummary(file: string): Promise<string[]> {
    const s = pcap.createOfflineSession(file, { flows: { idleTimeout: 30, hints: true }, packets: false });
    const lines: string[] = [];
    s.on('flow', (f: FlowRecord) => {
        const rtt: number | null = f.rtt;
        const ns: bigint = f.last_ns - f.first_ns;
        lines.push(`${f.src}:${f.sport} > ${f.dst}:${f.dport} ${f.reason} ${f.fwd.packets + f.rev.packets} ${rtt} ${ns} ${f.sni ?? ''}`);
    });
    return new Promise((resolve) => s.on('complete', () => {
        const st = s.flowStats();
        if (st) lines.push(`${st.evicted} evicted`);
        resolve(lines.concat(s.flows().map((f) => f.reason)));
    }));
}

async function main(): Promise<void> {
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const session = live(process.argv[2], controller.signal);
    const n = await extractHttp('trace.pcap', '/tmp/http.pcap', 1000);
    await slowConsumer('trace.pcapng', async (pkt) => {
        const ip = ipOf(pkt);
        if (ip instanceof IPv6 && ip.payload instanceof TCP) await new Promise((r) => setTimeout(r, 1));
        const udp = find(pkt, 'udp');
        if (udp && udp.dport === 53) console.log(dnsSummary(new DNS().decode(udp.data, 0)), Object.keys(decoderNames).length);
    });
    writeSynthetic('/tmp/synthetic.pcap');
    console.log((await flowSummary('trace.pcap')).join('\n'));
    console.log(n, session?.isPaused(), http.stats.requests, http.stats.responses);
}

main().catch((e: unknown) => {
    console.error(isPcapError(e) ? `[${e.code}] ${e.message}` : e);
    process.exitCode = 1;
});
