// A redis_trace-like tool written against node_pcap 3.1.0's pcap.d.ts: Redis commands and reply
// times from the TCP tracker's data events. Type-checked only (__test__/types-legacy.test.js).
import * as pcap from 'pcap';

type Handler = (...args: any[]) => void;

// The decoded packet as this program sees it (3.1.0's `decode` was `any`).
interface Segment { sport: number; dport: number; data: Buffer | null }
interface Decoded {
    pcap_header: { tv_sec: number; tv_usec: number; caplen: number; len: number };
    payload: { payload: { payload: Segment } };
}

interface RedisConn {
    started: number[];
    commands: string[];
}

const port = parseInt(process.argv[3] || '6379', 10);
const tracker = new pcap.TCPTracker();
const conns: { [key: string]: RedisConn } = {};
let requests = 0;

// RESP: "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n" -> "GET key"
function parseCommand(data: Buffer): string | null {
    const lines = data.toString('utf8').split('\r\n');
    if (lines[0].charAt(0) !== '*') return lines[0] || null; // inline command
    const argc = parseInt(lines[0].slice(1), 10);
    const args: string[] = [];
    for (let i = 2; args.length < argc && i < lines.length; i += 2) args.push(lines[i]);
    return args.join(' ');
}

function replyKind(data: Buffer): string {
    switch (String.fromCharCode(data[0])) {
        case '+': return 'status';
        case '-': return 'error';
        case ':': return 'integer';
        case '$': return 'bulk';
        case '*': return 'multi-bulk';
        default: return 'continuation';
    }
}

const onSession: Handler = (session: any) => {
    const key = session.src + '-' + session.dst;
    conns[key] = { started: [], commands: [] };

    session.on('data send', (s: any, data: Buffer) => {
        const cmd = parseCommand(data);
        if (cmd === null) return;
        requests += 1;
        conns[key].commands.push(cmd);
        conns[key].started.push(s.current_cap_time);
    });
    session.on('data recv', (s: any, data: Buffer) => {
        const kind = replyKind(data);
        if (kind === 'continuation') return;
        const cmd = conns[key].commands.shift();
        const t0 = conns[key].started.shift();
        if (cmd !== undefined && t0 !== undefined) {
            console.log(`${s.src} ${cmd} -> ${kind} in ${((s.current_cap_time - t0) * 1000).toFixed(3)} ms`);
        }
    });
    session.on('end', () => { delete conns[key]; });
};
tracker.on('session', onSession);

const pcapSession = pcap.createSession(process.argv[2] || 'lo', { filter: 'tcp port ' + port });
pcapSession.on('packet', (raw: pcap.PacketWithHeader) => {
    const packet: Decoded = pcap.decode.packet(raw);
    const tcp = packet.payload.payload.payload;
    // only segments to or from the server; everything else is someone else's traffic
    if (tcp.sport !== port && tcp.dport !== port) return;
    tracker.track_packet(packet);
});

setInterval(() => {
    const { ps_recv, ps_drop } = pcapSession.stats();
    console.log(`${requests} commands, ${Object.keys(conns).length} connections, ${ps_recv} packets, ${ps_drop} dropped`);
}, 10000);
