// Types of the flow meter: the `flows` session option, `flow` events, `session.flows()` and
// `session.flowStats()`. index.d.ts refers to this file (see the flows section of the README).

/** The `flows` option of `createSession`/`createOfflineSession`: `true` for the defaults. */
export interface FlowOptions {
    /** Seconds without a packet after which a flow ends (`reason: 'idle'`). Default 15. */
    idleTimeout?: number;
    /** Seconds after which a long flow's record is emitted and a new one begins
     * (`reason: 'active'`). Default 1800. */
    activeTimeout?: number;
    /** Seconds a TCP connection closed by FIN both ways or RST still takes late packets before
     * its record leaves. Default 5. */
    closeTimeout?: number;
    /** Most flows held at once; the least recently active one is evicted for a new one
     * (`reason: 'evicted'`, counted in `flowStats().evicted`). Default 100,000. */
    maxFlows?: number;
    /** One record per connection with both directions (RFC 5103). `false`: one record per
     * direction. Default true. */
    biflow?: boolean;
    /** Read TLS SNI/ALPN, DNS query names and HTTP Host from first payloads. Default true. */
    hints?: boolean;
    /** Export records over IPFIX (RFC 7011, UDP) to this collector, `"host:port"`. */
    ipfix?: string;
    /** IPFIX messages per second at most (0: unpaced). Default 5,000 (about 85,000 flows/s). */
    ipfixRate?: number;
    /** IPFIX observation domain id. Default 1. */
    observationDomain?: number;
}

/** Why a record was emitted. `snapshot`: an active flow from `session.flows()`. */
export type FlowEndReason = 'idle' | 'active' | 'fin' | 'rst' | 'evicted' | 'end' | 'reused' | 'snapshot';

/** What one direction of a flow sent. */
export interface FlowDirection {
    packets: number;
    /** IP bytes (header and payload). */
    bytes: number;
    /** TCP flags seen (bits FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128). */
    tcp_flags: number;
    /** Segments Wireshark marks tcp.analysis.retransmission (plain, fast, spurious). */
    retrans_packets: number;
    retrans_bytes: number;
    out_of_order: number;
    zero_window: number;
    dup_acks: number;
    /** MSS option of this direction's SYN. */
    mss: number | null;
    /** Window scale option of this direction's SYN. */
    wscale: number | null;
    /** Type and code of this direction's first ICMP/ICMPv6 message. */
    icmp_type: number | null;
    icmp_code: number | null;
}

/** A flow record. `fwd` is what the initiator (`src`) sent, `rev` what the responder sent. */
export interface FlowRecord {
    /** Flow number within the session (records of one flow split by the active timeout share it). */
    id: number;
    reason: FlowEndReason;
    /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...). */
    proto: number;
    ip_version: 4 | 6;
    src: string;
    dst: string;
    sport: number;
    dport: number;
    /** Outer VLAN id, 0 when untagged. */
    vlan: number;
    /** Inner VLAN id of a QinQ stack, 0 when none. */
    inner_vlan: number;
    /** First and last packet, milliseconds since the epoch (Date's unit, microsecond precise). */
    first: number;
    last: number;
    /** The same in nanoseconds, exact. */
    first_ns: bigint;
    last_ns: bigint;
    fwd: FlowDirection;
    rev: FlowDirection;
    /** TCP handshake round trip in ms (SYN to the first ACK: tshark's tcp.analysis.initial_rtt). */
    rtt: number | null;
    /** Its part between the capture point and the client (SYN+ACK to ACK), ms. */
    rtt_client: number | null;
    /** Its part between the capture point and the server (SYN to SYN+ACK), ms. */
    rtt_server: number | null;
    /** TLS server name and ALPN protocols (comma-separated) of a ClientHello. */
    sni: string | null;
    alpn: string | null;
    /** DNS query name. */
    dns: string | null;
    /** HTTP Host header. */
    host: string | null;
}

/** Counters of a session's flow meter. */
export interface FlowStats {
    packets: number;
    /** Packets that were not IPv4/IPv6. */
    non_ip: number;
    /** IP packets whose IP header was cut or invalid. */
    malformed: number;
    flows: number;
    /** Flows held now. */
    active: number;
    evicted: number;
    records: number;
    /** IPFIX messages and records sent, and messages the socket refused. */
    ipfix_messages: number;
    ipfix_records: number;
    ipfix_errors: number;
    /** Bytes one flow takes in the table. */
    bytes_per_flow: number;
}

/** Session options that concern flows (beside node_pcap's). */
export interface FlowSessionOptions {
    flows?: boolean | FlowOptions;
    /** `false`: no `packet` events at all (flows only); the file is read in place. Default true. */
    packets?: boolean;
}

/** What a session with flows adds. */
export interface FlowSession {
    on(event: 'flow', listener: (flow: FlowRecord) => void): this;
    /** Records of the flows active now (`reason: 'snapshot'`, or 'fin'/'rst' for closed ones). */
    flows(): FlowRecord[];
    flowStats(): FlowStats;
}

/** Helpers of `require('pcap/lib/flows')`. */
export function toJSONLine(flow: FlowRecord): string;
export function toText(flow: FlowRecord): string;
export function escapeText(s: string | null | undefined): string | null | undefined;
