// An http_trace-like tool written against node_pcap 3.1.0's pcap.d.ts: request lines and status
// codes from the TCP tracker's data events, names from a DNSCache, timings from session_stats().
// 3.1.0 typed the tracker as `any`, so this program declares the parts it uses itself.
// Type-checked only (__test__/types-legacy.test.js), never run.
import pcap = require('pcap');
import { EventEmitter } from 'events';

interface SessionStats {
    connect_duration: number;
    total_time: number;
    send_payload: number;
    recv_payload: number;
    send_retrans: { [seq: string]: number };
}

interface TrackedSession extends EventEmitter {
    src: string;
    dst: string;
    src_name: string;
    dst_name: string;
    state: string;
    missed_syn: boolean | null;
    current_cap_time: number;
    session_stats(): SessionStats;
}

interface Pending {
    method: string;
    url: string;
    started: number;
}

const iface = process.argv[2] || '';
const port = Number(process.argv[3] || 80);
const dns: { ptr(ip: string): string } = new pcap.DNSCache();
const tracker = new pcap.TCPTracker();
const pending = new Map<TrackedSession, Pending[]>();

function host(endpoint: string): string {
    return endpoint.split(':')[0];
}

function requestLine(data: Buffer): Pending | null {
    const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/.exec(data.toString('latin1', 0, Math.min(data.length, 2048)));
    return m ? { method: m[1], url: m[2], started: 0 } : null;
}

tracker.on('session', (session: TrackedSession) => {
    session.src_name = dns.ptr(host(session.src));
    session.dst_name = dns.ptr(host(session.dst));
    pending.set(session, []);

    session.on('start', (s: TrackedSession) => {
        console.log(`${s.src_name} connected to ${s.dst_name} in ${(s.session_stats().connect_duration * 1000).toFixed(1)} ms`);
    });
    session.on('data send', (s: TrackedSession, data: Buffer) => {
        const req = requestLine(data);
        if (req) {
            req.started = s.current_cap_time;
            (pending.get(s) || []).push(req);
        }
    });
    session.on('data recv', (s: TrackedSession, data: Buffer) => {
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(data.toString('latin1', 0, 16));
        const req = m ? (pending.get(s) || []).shift() : undefined;
        if (m && req) {
            const ms = (s.current_cap_time - req.started) * 1000;
            console.log(`${s.src_name} ${req.method} ${req.url} -> ${m[1]} ${ms.toFixed(1)} ms`);
        }
    });
    session.on('retransmit', (s: TrackedSession, direction: string, seqno: number) => {
        console.log(`${s.src} retransmit ${direction} ${seqno}`);
    });
    session.on('end', (s: TrackedSession) => {
        const stats = s.session_stats();
        const retrans = Object.keys(stats.send_retrans).length;
        console.log(`${s.src_name} -> ${s.dst_name}: ${stats.send_payload}/${stats.recv_payload} bytes, ` +
            `${retrans} retransmitted, ${stats.total_time.toFixed(3)} s`);
        pending.delete(s);
    });
    session.on('reset', (s: TrackedSession) => {
        console.log(`${s.src_name} reset in state ${s.state}`);
        pending.delete(s);
    });
});

const session = pcap.createSession(iface, {
    filter: `tcp port ${port}`,
    buffer_timeout: 0,
    snap_length: 65535,
});
console.log(`Listening on ${iface || 'the default device'} (${session.link_type}), ${pcap.lib_version}`);

session.on('packet', (raw: pcap.PacketWithHeader) => {
    tracker.track_packet(pcap.decode.packet(raw));
});
session.on('error', (err: Error) => {
    console.error(err.message);
    session.close();
});
