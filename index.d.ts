/// <reference types="node" />
// Types of `require('pcap')`: node_pcap 3.1.0's pcap.d.ts (compat.md C-013, §2.12), completed:
// sessions, the writer, every decoder, TCPTracker/TCPSession with typed events, and DNSCache.
// The decoder classes are declared next to their modules (decode/*.d.ts), so that
// `require('pcap/decode/tcp')` and the `TCP` type exported here are the same class.
import { EventEmitter } from 'events';
import type { FlowOptions, FlowRecord, FlowStats, FlowSessionOptions, FlowDirection, FlowEndReason } from './lib/flows';
export type { FlowOptions, FlowRecord, FlowStats, FlowSessionOptions, FlowDirection, FlowEndReason };

import PcapPacket = require('./decode/pcap_packet');
import EthernetPacket = require('./decode/ethernet_packet');
import EthernetAddr = require('./decode/ethernet_addr');
import Vlan = require('./decode/vlan');
import IPv4 = require('./decode/ipv4');
import IPv4Addr = require('./decode/ipv4_addr');
import IPv6 = require('./decode/ipv6');
import IPv6Addr = require('./decode/ipv6_addr');
import Arp = require('./decode/arp');
import TCP = require('./decode/tcp');
import UDP = require('./decode/udp');
import ICMP = require('./decode/icmp');
import ICMPv6 = require('./decode/icmpv6');
import IGMP = require('./decode/igmp');
import DNS = require('./decode/dns');
import NullPacket = require('./decode/null_packet');
import SLLPacket = require('./decode/sll_packet');
import SLL2Packet = require('./decode/sll2_packet');
import SLLAddr = require('./decode/sll_addr');
import LogicalLinkControl = require('./decode/llc_packet');
import HeaderExtension = require('./decode/ipv6headers/header_extension');
import FragmentHeader = require('./decode/ipv6headers/fragment');
import ESP = require('./decode/ipv6headers/esp');
import AuthenticationHeader = require('./decode/ipv6headers/authentication_header');
import NoNext = require('./decode/ipv6headers/no_next');
import RadioPacket = require('./decode/ieee802.11/radio_packet');
import RadioFrame = require('./decode/ieee802.11/radio_frame');
import RadioBeaconFrame = require('./decode/ieee802.11/radio_beacon_frame');
import RadioProbeFrame = require('./decode/ieee802.11/radio_probe_frame');
import RadioManagementFrameTag = require('./decode/ieee802.11/radio_management_frame_tag');
import protocols = require('./decode/ip_protocols');
import type { HTTPEvents } from './lib/http';
import WebSocketParser = require('./decode/websocket');

// ---------------------------------------------------------------------------
// Capture

/** node_pcap's five names, plus the real names this package gives instead of "Unknown linktype N". */
export type LinkType =
    | 'LINKTYPE_ETHERNET'
    | 'LINKTYPE_NULL'
    | 'LINKTYPE_RAW'
    | 'LINKTYPE_IEEE802_11_RADIO'
    | 'LINKTYPE_LINUX_SLL'
    | 'LINKTYPE_LINUX_SLL2'
    | 'LINKTYPE_IPV4'
    | 'LINKTYPE_IPV6'
    | 'LINKTYPE_LOOP'
    | 'LINKTYPE_PPP'
    | 'LINKTYPE_PPP_HDLC'
    | 'LINKTYPE_C_HDLC'
    | 'LINKTYPE_IEEE802_11'
    | 'LINKTYPE_PPI'
    | 'LINKTYPE_NFLOG'
    | `Unknown linktype ${number}`;

/**
 * libpcap's counters (node_pcap 3.1.0's type), plus packets this package discarded beyond
 * `app_buffer_size`. `stats()` always sets `app_drop`; it is optional here so that objects a
 * program builds with node_pcap's three fields still have this type.
 */
export interface CaptureStats {
    /** Live: packets received (libpcap); file: packets read. */
    ps_recv: number;
    ps_drop: number;
    ps_ifdrop: number;
    /** Packets discarded because JavaScript fell behind by more than `app_buffer_size` bytes. */
    app_drop?: number;
    /** With an `outfile` only: packets whose records reached the file. */
    outfile_written?: number;
    /** With an `outfile` only: packets not written because writing failed (see the `error` event). */
    outfile_dropped?: number;
}

/**
 * What an `AbortSignal` must offer to close a session (Node's and the DOM's both do); declared
 * here so that these types need no global `AbortSignal` (an @types/node older than 16 and a
 * `lib` without "dom" have none).
 */
export interface AbortSignalLike {
    readonly aborted: boolean;
    addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
    removeEventListener(type: 'abort', listener: () => void): void;
}

/** What a `packet` event carries (node_pcap's internal constructor, exported). */
export declare class PacketWithHeader {
    constructor(buf: Buffer, header: Buffer, link_type: LinkType);
    /** Exactly `caplen` bytes; stays valid after the handler returns. */
    buf: Buffer;
    /** 16 bytes, little-endian: tv_sec, tv_usec (nanoseconds with `nanosecond: true`), caplen, len. */
    header: Buffer;
    link_type: LinkType;
}

export interface CommonSessionOptions extends FlowSessionOptions {
    /** A libpcap filter (tcpdump syntax); "" for none. A bad filter throws `EFILTER`. */
    filter?: string;
    /** Also write every delivered packet to this pcap file (`EDUMP` if it cannot be created). */
    outfile?: string;
    /** Bytes per batch handed to JavaScript (default 64 KiB; 128 KiB for a file read on the JavaScript thread). */
    batch_size?: number;
    /** Closes the session when aborted (an `AbortController`'s signal). */
    signal?: AbortSignalLike;
}

export interface LiveSessionOptions extends CommonSessionOptions {
    /** Kernel buffer in bytes (default 10 MiB). */
    buffer_size?: number;
    /** Bytes kept of each packet (default 65535). */
    snap_length?: number;
    /** Most milliseconds a packet waits before delivery (default 1000); <= 0 for the lowest latency. */
    buffer_timeout?: number;
    /** Monitor (rfmon) mode for Wi-Fi (default false). */
    monitor?: boolean;
    /** Promiscuous mode (default true). */
    promiscuous?: boolean;
    /** Bytes of packets held while JavaScript is busy before they are discarded and counted in `app_drop` (default 256 MiB). */
    app_buffer_size?: number;
}

export interface OfflineSessionOptions extends CommonSessionOptions {
    /** Put nanoseconds instead of microseconds in the header's second field. */
    nanosecond?: boolean;
    /** `'nano'` is the same as `nanosecond: true`. */
    tstamp_precision?: 'micro' | 'nano';
}

export interface Address {
    addr: string;
    /**
     * As node_pcap 3.1.0 declared it; in the rare address libpcap reports without a netmask the
     * property is absent (in node_pcap as here).
     */
    netmask: string;
    broadaddr?: string;
    dstaddr?: string;
}

export interface Device {
    name: string;
    description?: string;
    addresses: Address[];
    /** `'PCAP_IF_LOOPBACK'` for a loopback device, else absent. */
    flags?: string;
}

/** The `code` of every error this package throws or emits (README, "Errors"). */
export type PcapErrorCode =
    /** Unknown interface, or no default device. */
    | 'ENODEV'
    /** No permission to capture (run as root, or `setcap cap_net_raw,cap_net_admin=eip` on node). */
    | 'EPERM'
    /** Filter syntax error. */
    | 'EFILTER'
    | 'ENOENT'
    | 'EACCES'
    | 'EISDIR'
    /** A path longer than the system allows. */
    | 'ENAMETOOLONG'
    /** The process (`ulimit -n`) or the system may open no more files: sessions, files, writers. */
    | 'EMFILE'
    | 'ENFILE'
    /** Not a pcap/pcapng file. */
    | 'EBADFILE'
    | 'EIO'
    /** Writing an `outfile` or a writer's file failed: the disk is full, a quota, the file size
     * limit, a reader of the pipe gone, a read-only file system. */
    | 'ENOSPC'
    | 'EDQUOT'
    | 'EFBIG'
    | 'EPIPE'
    | 'EROFS'
    /** The `outfile` or writer file cannot be created. */
    | 'EDUMP'
    /** `stats()` or `inject()` after `close()`. */
    | 'ECLOSED'
    /** `inject()` on a file session, monitor mode unsupported. */
    | 'ENOTSUP'
    | 'ENETDOWN'
    | 'EINJECT'
    | 'EINVAL'
    /** The `flows.ipfix` collector address cannot be resolved. */
    | 'EIPFIX'
    /** Emitted as `error`: a live interface disappeared, or a file is truncated. With no `error`
     * listener, a process warning (`PcapWarning`) is issued instead, once per session and code. */
    | 'EREAD'
    /** Any other libpcap error. */
    | 'EPCAP'
    | 'ETHREAD'
    /** Thrown by `require('pcap')` when the native addon is not built. */
    | 'ENOADDON';

/** Errors thrown or emitted by this package carry a code. */
export interface PcapError extends Error {
    code: PcapErrorCode;
}

/** Events of a capture session. */
export interface PcapSessionEvents {
    packet: [packet: PacketWithHeader];
    /** Files only: after the last packet (also after an `EREAD` error). */
    complete: [];
    /** A read error (`EREAD`) or an `outfile` write error (capture goes on after those). Without a
     * listener: a process warning, once per session and code. */
    error: [err: PcapError];
    /** With the `flows` option: a finished (or active-timeout) flow record. */
    flow: [flow: FlowRecord];
}

export declare class PcapSession extends EventEmitter {
    /** node_pcap's constructor; `createSession`/`createOfflineSession` call it. */
    constructor(
        is_live: boolean,
        device_name: string,
        filter?: string,
        buffer_size?: number,
        snap_length?: number | null,
        outfile?: string | null,
        is_monitor?: boolean,
        buffer_timeout?: number,
        promiscuous?: boolean,
        options?: LiveSessionOptions & OfflineSessionOptions,
    );
    readonly is_live: boolean;
    /** The device, or the file path. */
    readonly device_name: string;
    readonly filter: string;
    readonly buffer_size: number;
    readonly snap_length: number;
    /** "" when none. */
    readonly outfile: string;
    readonly is_monitor: boolean;
    readonly buffer_timeout: number;
    readonly promiscuous: boolean;
    readonly link_type: LinkType;
    /** false after `close()`, and once a capture stopped on an error. */
    opened: boolean;
    empty_reads: number;
    /** Always null (as node_pcap). */
    packets_read: null;
    /** Stops the capture and removes every listener (as node_pcap). Idempotent. */
    close(): void;
    /** Throws `ECLOSED` after `close()`. */
    stats(): Required<Omit<CaptureStats, 'outfile_written' | 'outfile_dropped'>> &
        Pick<CaptureStats, 'outfile_written' | 'outfile_dropped'>;
    /** Sends a raw frame on the device. Throws `ENOTSUP` on a file, `ECLOSED` after `close()`. */
    inject(data: Buffer): void;
    /** With the `flows` option: records of the flows active now; otherwise an empty array. */
    flows(): FlowRecord[];
    /** With the `flows` option: the meter's counters; otherwise null. */
    flowStats(): FlowStats | null;
    /** Stops delivering packets (a file stops being read; a live capture keeps buffering). */
    pause(): this;
    resume(): this;
    isPaused(): boolean;
    /**
     * Iterates the packets until the end of a file or `close()`; rejects with an `EREAD` error.
     * A file is held back while the loop is slow; `break` closes the session.
     */
    [Symbol.asyncIterator](): AsyncIterableIterator<PacketWithHeader>;
    // Listeners typed by PcapSessionEvents (an unknown event name or a wrong listener does not compile).
    on<E extends keyof PcapSessionEvents>(event: E, listener: (...args: PcapSessionEvents[E]) => void): this;
    once<E extends keyof PcapSessionEvents>(event: E, listener: (...args: PcapSessionEvents[E]) => void): this;
    addListener<E extends keyof PcapSessionEvents>(event: E, listener: (...args: PcapSessionEvents[E]) => void): this;
    prependListener<E extends keyof PcapSessionEvents>(event: E, listener: (...args: PcapSessionEvents[E]) => void): this;
    prependOnceListener<E extends keyof PcapSessionEvents>(event: E, listener: (...args: PcapSessionEvents[E]) => void): this;
    off<E extends keyof PcapSessionEvents>(event: E, listener: (...args: PcapSessionEvents[E]) => void): this;
    removeListener<E extends keyof PcapSessionEvents>(event: E, listener: (...args: PcapSessionEvents[E]) => void): this;
}

export declare const Pcap: typeof PcapSession;
export type Pcap = PcapSession;

export interface WriterOptions {
    /** A name (default `'LINKTYPE_ETHERNET'`) or a DLT number; an unknown name throws `EINVAL`. */
    link_type?: LinkType | number;
    /** Snapshot length the file announces (1 to 262144, the default); longer packets are cut to it. */
    snap_length?: number;
    /** Write a nanosecond-resolution file (for packets of a session opened with `nanosecond: true`). */
    nanosecond?: boolean;
    /** `'nano'` is the same as `nanosecond: true`. */
    tstamp_precision?: 'micro' | 'nano';
}

/** Writes packets to a pcap file. */
export declare class PcapWriter {
    /** Throws `EDUMP` when the file cannot be created. */
    constructor(path: string, options?: WriterOptions);
    readonly path: string;
    readonly link_type: LinkType;
    readonly snap_length: number;
    readonly nanosecond: boolean;
    readonly packets_written: number;
    /** Writes a `packet` event's {buf, header} (its timestamps kept), or a Buffer stamped with the current time. */
    write(packet: PacketWithHeader | { buf: Uint8Array; header: Uint8Array } | Uint8Array): void;
    flush(): void;
    close(): void;
}

/** Live capture; a falsy device means the default device (`ENODEV` if there is none). */
export declare function createSession(device?: string | null, options?: LiveSessionOptions): PcapSession;
/** node_pcap 2.x's positional form, still used by http_trace and redis_trace. */
export declare function createSession(device: string | null | undefined, filter: string, buffer_size?: number, monitor?: boolean): PcapSession;
/** A pcap or pcapng file (a FIFO works; `-` is standard input); a string second argument is the filter. */
export declare function createOfflineSession(path: string, options?: OfflineSessionOptions | string): PcapSession;
export declare function createWriter(path: string, options?: WriterOptions): PcapWriter;
/** Throws a TypeError when there is no device. */
export declare function findalldevs(): Device[];
export declare const lib_version: string;
/** Receives libpcap's warnings (writable, as in node_pcap; what it returns is ignored). */
export declare let warningHandler: (text: string) => any;

// ---------------------------------------------------------------------------
// Decoding

// `decode(raw)` and `decode.packet(raw)` return `any`, as node_pcap 3.1.0 declared them, so that its
// programs (`decode.packet(raw).payload.payload.saddr`) compile unchanged. New code states the type
// and narrows: `const pkt: DecodedPacket = decode.packet(raw)`, then `pkt.link_type`, then
// `instanceof` (the classes from `pcap/decode/...`) or `decoderName` (see LayerByName).
export { decode, DecodeFunction, LooseDecodeFunction, RawPacket } from './decode/index';
export type DecodeOptions = PcapPacket.DecodeOptions;
export type PcapHeader = PcapPacket.PcapHeader;
/**
 * What `decode()` returns, discriminated by `link_type`:
 * `if (pkt.link_type === 'LINKTYPE_ETHERNET') pkt.payload` is an `EthernetPacket`.
 */
export type DecodedPacket = PcapPacket.DecodedPacket;
/** A decoded packet of one link type: `Decoded<'LINKTYPE_LINUX_SLL'>['payload']` is an `SLLPacket`. */
export type Decoded<L extends DecodedLinkType> = PcapPacket.Decoded<L>;
export type DecodedLinkType = PcapPacket.DecodedLinkType;
/**
 * Every decoder class by its `decoderName` (node_pcap's spellings, `ssl-packet` included):
 * `layer.decoderName === 'tcp'` narrows a union of layers to `TCP`, and a helper of your own can
 * take a name: `function find<N extends keyof LayerByName>(pkt: DecodedPacket, name: N): LayerByName[N] | undefined`.
 * RadioPacket, RadioFrame and the IPv6 extension headers have no decoderName (as in node_pcap).
 */
export interface LayerByName {
    'ethernet-packet': EthernetPacket;
    'null-packet': NullPacket;
    'ssl-packet': SLLPacket;
    'sll2-packet': SLL2Packet;
    'ssl-addr': SLLAddr;
    vlan: Vlan;
    llc: LogicalLinkControl;
    arp: Arp;
    ipv4: IPv4;
    'ipv4-addr': IPv4Addr;
    ipv6: IPv6;
    'ipv6-addr': IPv6Addr;
    tcp: TCP;
    udp: UDP;
    icmp: ICMP;
    icmpv6: ICMPv6;
    igmp: IGMP;
    dns: DNS;
}
/** Every link-layer decoder (`PcapPacket['payload']` without null). */
export type LinkLayer = PcapPacket.LinkLayer;
/** What follows an ethertype: `IPv4 | IPv6 | Arp | 'need to implement LLDP' | null`. */
export type EthertypePayload = EthernetPacket.Payload;
/** What follows IPv4, IPv6 or an extension header (the built-in protocol table). */
export type IPPayload = protocols.IPPayload;
export type IPFlags = IPv4.IPFlags;
export type TCPFlags = TCP.TCPFlags;
export type TCPOptions = TCP.TCPOptions;
export type DnsFlags = DNS.DnsFlags;
export type DNSRRSet = DNS.DNSRRSet;
export type DNSRR = DNS.DNSRR;
export type RadiotapFields = RadioPacket.RadiotapFields;
export type RadioFrameFlags = RadioFrame.RadioFrameFlags;

/**
 * The decoder classes, as types. The values (for `instanceof` and `new`) come from their modules,
 * e.g. `import TCP = require('pcap/decode/tcp')`, or `require('pcap/decode').IPv4Packet`.
 */
export type {
    PcapPacket,
    EthernetPacket,
    EthernetAddr,
    Vlan,
    IPv4,
    IPv4Addr,
    IPv6,
    IPv6Addr,
    Arp,
    TCP,
    UDP,
    ICMP,
    ICMPv6,
    IGMP,
    DNS,
    NullPacket,
    SLLPacket,
    SLL2Packet,
    SLLAddr,
    LogicalLinkControl,
    HeaderExtension,
    FragmentHeader,
    ESP,
    AuthenticationHeader,
    NoNext,
    RadioPacket,
    RadioFrame,
    RadioBeaconFrame,
    RadioProbeFrame,
    RadioManagementFrameTag,
    WebSocketParser,
};

// ---------------------------------------------------------------------------
// TCP tracking

/**
 * What `track_packet` takes: a decoded packet (`decode.packet(raw)`; a `PcapPacket`). Declared by
 * the two fields the tracker reads, so that a program's own type for decoded packets (node_pcap
 * 3.1.0 left them `any`) is accepted too, and a raw `PacketWithHeader` is not.
 */
export interface DecodedPacketLike {
    pcap_header: unknown;
    payload: unknown;
}

/** Options of `new TCPTracker(options)`; none given = node_pcap's behaviour (nothing dropped). */
export interface TCPTrackerOptions {
    /** Deliver each direction's bytes once and in sequence order, with `gap` events (default false). */
    reassemble?: boolean;
    /** Ms of capture time without packets before a session is dropped (`drop`, "idle"); 0 = never (default). */
    idleTimeout?: number;
    /** Open sessions kept at most; the least recently active is dropped ("limit"); default 100000, 0 = no limit. */
    maxSessions?: number;
    /** Keys kept per send_/recv_ packets/acks/retrans map (default 128). */
    segmentHistory?: number;
    /** Reassembly: out-of-order bytes held per direction (default 1 MiB). */
    maxBufferedBytes?: number;
    /** Reassembly: out-of-order segments held per direction (default 256). */
    maxBufferedSegments?: number;
    /** Ms of capture time during which stray packets of an ended session are ignored (default 60000). */
    timeWait?: number;
    /** Ended-session records kept for `timeWait` (default 16384). */
    maxClosed?: number;
    /** Reassembly: out-of-order bytes held across all sessions (default 64 MiB; Infinity = no cap).
     * Over it, the direction holding data longest gives up its first hole (`gap`, reason "total"). */
    maxBufferedBytesTotal?: number;
    /** Reassembly: out-of-order segments held across all sessions (default 65536; Infinity = no cap). */
    maxBufferedSegmentsTotal?: number;
    /** Reassembly: packets of the peer acknowledging past a hole before the hole is given up
     * (`gap`, reason "acked") and the data held behind it delivered; the grace lets a segment the
     * capture shows a few packets late still fill it (default 8; 0 = never, wait for the end). */
    ackGrace?: number;
}

/** Why reassembly gave bytes up: cut by the snap length, acknowledged by the peer (the capture
 * lost them; they cannot come any more), over a per-direction limit, over a tracker-wide total,
 * or still missing when the session ended. */
export type TCPGapReason = 'snaplen' | 'acked' | 'limit' | 'total' | 'end';

/** `tracker.stats()`. */
export interface TCPTrackerStats {
    /** Open sessions. */
    sessions: number;
    /** Out-of-order bytes and segments held now, and at most so far. */
    bufferedBytes: number;
    bufferedSegments: number;
    peakBufferedBytes: number;
    peakBufferedSegments: number;
    /** `gap` events and their bytes, by reason. */
    gaps: Record<TCPGapReason, number>;
    gapBytes: Record<TCPGapReason, number>;
    /** Sessions dropped, by reason. */
    dropped: Record<TCPDropReason, number>;
}

export type TCPState = 'SYN_SENT' | 'SYN_RCVD' | 'ESTAB' | 'FIN_WAIT' | 'CLOSE_WAIT' | 'LAST_ACK' | 'CLOSING' | 'CLOSED';
/** `"send"`: from `src` (the first packet's sender); `"recv"`: from `dst`. */
export type TCPDirection = 'send' | 'recv';
export type TCPDropReason = 'idle' | 'limit' | 'close';

/** Events of a TCPSession, and the arguments of their listeners (the HTTP ones come from an HTTPTracker). */
export interface TCPSessionEvents extends HTTPEvents {
    /** The three-way handshake completed (never when the SYN was missed). */
    start: [session: TCPSession];
    /** Payload from `src`; arrival order, or stream order with `reassemble`. */
    'data send': [session: TCPSession, data: Buffer];
    /** Payload from `dst`. */
    'data recv': [session: TCPSession, data: Buffer];
    /** A segment ending at `seqno` (= seq + length, mod 2^32) was seen again. */
    retransmit: [session: TCPSession, direction: TCPDirection, seqno: number];
    /** A SYN without ACK on an existing session. */
    'syn retry': [session: TCPSession];
    /** An RST from `direction`; the session is CLOSED and removed. */
    reset: [session: TCPSession, direction: TCPDirection];
    /** The FIN handshake completed; the session is CLOSED and removed. */
    end: [session: TCPSession];
    /** Dropped by `idleTimeout`, `maxSessions` or `tracker.close()`; also emitted on the tracker. */
    drop: [session: TCPSession, reason: TCPDropReason];
    /** Reassembly only: `bytes` of `direction`, from sequence number `seq`, that will never be
     * delivered; also emitted on the tracker. */
    gap: [session: TCPSession, direction: TCPDirection, bytes: number, reason: TCPGapReason, seq: number];
}

/** Events of a TCPTracker. Session events are emitted on the session only (as node_pcap). */
export interface TCPTrackerEvents {
    /** A new session, after its first packet was tracked and before that packet's data is emitted. */
    session: [session: TCPSession];
    drop: [session: TCPSession, reason: TCPDropReason];
    /** Reassembly only: as the session's `gap`. */
    gap: [session: TCPSession, direction: TCPDirection, bytes: number, reason: TCPGapReason, seq: number];
}

/** `session.session_stats()`: times in seconds, keyed by sequence number. */
export interface TCPSessionStats {
    recv_times: Record<number, number>;
    send_times: Record<number, number>;
    send_retrans: Record<number, number>;
    recv_retrans: Record<number, number>;
    connect_duration: number;
    /** NaN until the session has ended. */
    total_time: number;
    send_overhead: number;
    send_payload: number;
    send_total: number;
    recv_overhead: number;
    recv_payload: number;
    recv_total: number;
}

/** One TCP connection, as tracked by a TCPTracker (node_pcap's fields, in node_pcap's order). */
export declare class TCPSession extends EventEmitter {
    constructor();
    /** `"a.b.c.d:port"` or `"[v6addr]:port"` of the first packet's sender. */
    src: string;
    src_name: string;
    dst: string;
    dst_name: string;
    state: TCPState;
    /** Capture time of the last packet, in seconds. */
    current_cap_time: number;
    syn_time: number;
    /** true when the session was joined mid-stream. */
    missed_syn: true | null;
    /** null until the handshake completes. */
    connect_time: number | null;
    send_isn: number;
    send_window_scale: number;
    /** End sequence number -> capture time (the most recent `segmentHistory` keys). */
    send_packets: Record<number, number>;
    send_acks: Record<number, number>;
    /** End sequence number -> retransmission count. */
    send_retrans: Record<number, number>;
    send_next_seq: number;
    send_acked_seq: null;
    send_bytes_ip: number;
    send_bytes_tcp: number;
    send_bytes_payload: number;
    /** null until the SYN/ACK is seen. */
    recv_isn: number | null;
    recv_window_scale: number | null;
    recv_packets: Record<number, number>;
    recv_acks: Record<number, number>;
    recv_retrans: Record<number, number>;
    recv_next_seq: null;
    recv_acked_seq: null;
    recv_bytes_ip: number;
    recv_bytes_tcp: number;
    recv_bytes_payload: number;
    /** Set when the session ends (`end`, `reset`, `drop`). */
    close_time?: number;
    /** Tracks one decoded packet of this session (node_pcap's entry point). */
    track(packet: PcapPacket): void;
    session_stats(): TCPSessionStats;
    SYN_SENT(packet: PcapPacket): void;
    SYN_RCVD(packet: PcapPacket): void;
    ESTAB(packet: PcapPacket): void;
    FIN_WAIT(packet: PcapPacket): void;
    CLOSE_WAIT(packet: PcapPacket): void;
    LAST_ACK(packet: PcapPacket): void;
    CLOSING(packet: PcapPacket): void;
    CLOSED(packet: PcapPacket): void;
    // Listeners typed by TCPSessionEvents (an unknown event name or a wrong listener does not compile).
    on<E extends keyof TCPSessionEvents>(event: E, listener: (...args: TCPSessionEvents[E]) => void): this;
    once<E extends keyof TCPSessionEvents>(event: E, listener: (...args: TCPSessionEvents[E]) => void): this;
    addListener<E extends keyof TCPSessionEvents>(event: E, listener: (...args: TCPSessionEvents[E]) => void): this;
    prependListener<E extends keyof TCPSessionEvents>(event: E, listener: (...args: TCPSessionEvents[E]) => void): this;
    prependOnceListener<E extends keyof TCPSessionEvents>(event: E, listener: (...args: TCPSessionEvents[E]) => void): this;
    off<E extends keyof TCPSessionEvents>(event: E, listener: (...args: TCPSessionEvents[E]) => void): this;
    removeListener<E extends keyof TCPSessionEvents>(event: E, listener: (...args: TCPSessionEvents[E]) => void): this;
}

export declare class TCPTracker extends EventEmitter {
    /** Throws a TypeError for a negative or non-numeric option. */
    constructor(options?: TCPTrackerOptions);
    /** Open sessions by `"ip:port-ip:port"` (the two endpoints in string order); ended ones are removed. */
    sessions: Record<string, TCPSession>;
    /** The options in effect. */
    readonly options: Required<TCPTrackerOptions>;
    /** Tracks a decoded packet; anything that is not TCP over IPv4/IPv6 is ignored. */
    track_packet(packet: DecodedPacketLike): void;
    /**
     * Drops sessions idle for longer than `idleTimeout` (for live captures, from a timer). `now`
     * is a capture time in seconds (default: last packet time plus wall time since). Returns the
     * number dropped.
     */
    expire(now?: number): number;
    /** End of input: flushes and drops every open session ("close"). The tracker stays usable. */
    close(): void;
    /** Sessions, held out-of-order data, gaps and drops. */
    stats(): TCPTrackerStats;
    // Listeners typed by TCPTrackerEvents (an unknown event name or a wrong listener does not compile).
    on<E extends keyof TCPTrackerEvents>(event: E, listener: (...args: TCPTrackerEvents[E]) => void): this;
    once<E extends keyof TCPTrackerEvents>(event: E, listener: (...args: TCPTrackerEvents[E]) => void): this;
    addListener<E extends keyof TCPTrackerEvents>(event: E, listener: (...args: TCPTrackerEvents[E]) => void): this;
    prependListener<E extends keyof TCPTrackerEvents>(event: E, listener: (...args: TCPTrackerEvents[E]) => void): this;
    prependOnceListener<E extends keyof TCPTrackerEvents>(event: E, listener: (...args: TCPTrackerEvents[E]) => void): this;
    off<E extends keyof TCPTrackerEvents>(event: E, listener: (...args: TCPTrackerEvents[E]) => void): this;
    removeListener<E extends keyof TCPTrackerEvents>(event: E, listener: (...args: TCPTrackerEvents[E]) => void): this;
}

// ---------------------------------------------------------------------------
// HTTP (lib/http.js)

export {
    HTTPTracker,
    HTTPTrackerOptions,
    HTTPTrackerStats,
    HTTPEvents,
    HTTPExchange,
    HTTPRequest,
    HTTPResponse,
    HTTPMessageBase,
    HTTPParseError,
} from './lib/http';

// ---------------------------------------------------------------------------
// DNSCache

export interface DNSCacheOptions {
    /** Names kept at most, oldest out first (default 10000); also the most lookups outstanding. */
    maxEntries?: number;
    /** Ms a name is kept (default 0 = forever); an expired name is looked up again. */
    ttl?: number;
    /** The reverse lookup (default `dns.reverse`). */
    reverse?: (ip: string, callback: (err: NodeJS.ErrnoException | null, hostnames: string[]) => void) => void;
}

/** Reverse DNS names for addresses, looked up in the background. */
export declare class DNSCache {
    /** Throws a TypeError for a bad option. */
    constructor(options?: DNSCacheOptions);
    /** ip -> name (the ip itself when the lookup failed). */
    cache: Record<string, string>;
    /** ips being looked up. */
    requests: Record<string, true>;
    /** The cached name, or `ip` at once while a lookup runs in the background. */
    ptr(ip: string): string;
    /** Stores a lookup result (`domains[0]`, or `ip` on error). */
    on_ptr(err: unknown, ip: string, domains: string[] | null | undefined): void;
}
