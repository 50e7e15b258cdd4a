// Deliberate mistakes: each line marked `// expect TSnnnn` must fail with that code, and nothing
// else may fail (__test__/types.test.js compiles this file on its own with tsconfig.wrong.json).
// If the declarations degrade to `any`, these stop failing and the test fails.
import pcap = require('pcap');
import type { DecodedPacket, DecodeFunction, LayerByName } from 'pcap';
import { TCP as TCPType } from 'pcap';
import IPv4 = require('pcap/decode/ipv4');
import DNS = require('pcap/decode/dns');

const session = pcap.createSession('eth0', { filter: 'tcp' });
session.on('pakcet', () => {}); // expect TS2345
session.on('packet', (raw: Buffer) => console.log(raw)); // expect TS2345
session.on('error', (err) => { if (err.code === 'ENOPE') console.log(err); }); // expect TS2367
pcap.createOfflineSession('x.pcap', { buffer_size: 1 }); // expect TS2353

const tracker = new pcap.TCPTracker({ reassemble: 'yes' }); // expect TS2322
tracker.on('session', (s: string) => console.log(s)); // expect TS2345
tracker.on('end', () => {}); // expect TS2345
tracker.on('session', (s) => {
    s.on('data send', (_s, data) => { const n: number = data; console.log(n); }); // expect TS2322
    s.on('gap', (_s, dir) => { if (dir === 'both') console.log(dir); }); // expect TS2367
    const state: 'OPEN' = s.state; // expect TS2322
    console.log(state);
});

declare const pkt: DecodedPacket;
console.log(pkt.payload.payload); // expect TS18047
if (pkt.link_type === 'LINKTYPE_ETHERNET') {
    const ip = pkt.payload.payload;
    if (ip instanceof IPv4) {
        const tcp = ip.payload;
        console.log(tcp.sport); // expect TS18048 TS2339
        if (tcp !== undefined && !Buffer.isBuffer(tcp) && tcp.decoderName === 'tcp') {
            const port: string = tcp.dport; // expect TS2322
            const data: Buffer = tcp.data; // expect TS2322
            console.log(port, data, tcp.options.tfo.length); // expect TS18048
        }
    }
    const m: IPv4 = pkt.payload.payload; // expect TS2322
    console.log(m);
}

new TCPType(); // expect TS1362
const dns = new DNS().decode(Buffer.alloc(12), 0);
for (const rr of dns.answer!.rrs) {
    if (rr.type === 15) console.log(rr.rdata.exchange); // expect TS18047
}
const cache = new pcap.DNSCache({ ttl: '1h' }); // expect TS2322
cache.ptr(127001); // expect TS2345
pcap.createWriter('/tmp/x.pcap', { link_type: 'ETHERNET' }); // expect TS2322
const http = new pcap.HTTPTracker(tracker);
http.on('http reqest', () => {}); // expect TS2345
http.on('http response', (_s, ex) => console.log(ex.response.status_code)); // expect TS18047

// The precise types, once stated: decode.packet returns any (node_pcap 3.1.0's type), not its callers.
session.on('packet', (raw) => {
    const typed: DecodedPacket = pcap.decode.packet(raw);
    console.log(typed.payload.payload); // expect TS18047
    const precise: DecodeFunction = pcap.decode;
    console.log(precise(raw.buf).payload.payload.ttl); // expect TS2531 TS2339
    const tcp: LayerByName['tcp'] = typed.payload; // expect TS2322
    console.log(tcp);
    const decodedOnly: Parameters<typeof tracker.track_packet>[0] = raw; // expect TS2739
    tracker.track_packet(decodedOnly);
});
