/// <reference types="node" />
// Types of `require('pcap')` for TypeScript 3.1 to 4.0, which package.json `typesVersions` sends
// here: those compilers cannot parse ../index.d.ts (template literal types, labeled tuple elements).
// This is node_pcap 3.1.0's level of typing, which such programs were written against: the capture
// API typed (with this package's additions), the decoders, trackers and caches `any`, deep paths
// (`pcap/decode/...`) untyped. TypeScript 4.1 and newer read ../index.d.ts.
import { EventEmitter } from 'events';

export declare const decode: any;
export declare const TCPTracker: any;
export declare const TCPSession: any;
export declare const DNSCache: any;
export declare const HTTPTracker: any;

/** `LINKTYPE_<...>` names; an unknown link type is reported as `"Unknown linktype N"`. */
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
    | 'LINKTYPE_NFLOG';

export interface CaptureStats {
    ps_recv: number;
    ps_drop: number;
    ps_ifdrop: number;
    /** Packets discarded because JavaScript fell behind by more than `app_buffer_size` bytes (always set by `stats()`). */
    app_drop?: number;
    /** With an `outfile` only: packets whose records reached the file. */
    outfile_written?: number;
    /** With an `outfile` only: packets not written because writing failed. */
    outfile_dropped?: number;
}

/** What `stats()` returns: every counter of node_pcap plus `app_drop`, and the outfile counters when there is an outfile. */
export interface SessionStats extends CaptureStats {
    app_drop: number;
}

/** What an `AbortSignal` must offer to close a session. */
export interface AbortSignalLike {
    readonly aborted: boolean;
    addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
    removeEventListener(type: 'abort', listener: () => void): void;
}

export interface CommonSessionOptions {
    filter?: string;
    outfile?: string;
    batch_size?: number;
    signal?: AbortSignalLike;
}

export interface LiveSessionOptions extends CommonSessionOptions {
    buffer_size?: number;
    snap_length?: number;
    buffer_timeout?: number;
    monitor?: boolean;
    promiscuous?: boolean;
    app_buffer_size?: number;
}

export interface OfflineSessionOptions extends CommonSessionOptions {
    nanosecond?: boolean;
    tstamp_precision?: 'micro' | 'nano';
}

export interface Address {
    addr: string;
    netmask: string;
    broadaddr?: string;
    dstaddr?: string;
}

export interface Device {
    name: string;
    description?: string;
    addresses: Address[];
    flags?: string;
}

/** Errors thrown or emitted by this package carry a code (`ENODEV`, `EPERM`, `EFILTER`, ...; README, "Errors"). */
export interface PcapError extends Error {
    code: string;
}

export declare class PacketWithHeader {
    constructor(buf: Buffer, header: Buffer, link_type: LinkType);
    buf: Buffer;
    header: Buffer;
    link_type: LinkType;
}

/** Emits `packet` (a PacketWithHeader), `complete` (files) and `error`. */
export declare class PcapSession extends EventEmitter {
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
    readonly device_name: string;
    readonly filter: string;
    readonly buffer_size: number;
    readonly snap_length: number;
    readonly outfile: string;
    readonly is_monitor: boolean;
    readonly buffer_timeout: number;
    readonly promiscuous: boolean;
    readonly link_type: LinkType;
    opened: boolean;
    empty_reads: number;
    packets_read: null;
    close(): void;
    stats(): SessionStats;
    inject(data: Buffer): void;
    pause(): this;
    resume(): this;
    isPaused(): boolean;
    [Symbol.asyncIterator](): AsyncIterableIterator<PacketWithHeader>;
}

export declare const Pcap: typeof PcapSession;
export type Pcap = PcapSession;

export interface WriterOptions {
    link_type?: LinkType | number;
    snap_length?: number;
    nanosecond?: boolean;
    tstamp_precision?: 'micro' | 'nano';
}

export declare class PcapWriter {
    constructor(path: string, options?: WriterOptions);
    readonly path: string;
    readonly link_type: LinkType;
    readonly snap_length: number;
    readonly nanosecond: boolean;
    readonly packets_written: number;
    write(packet: PacketWithHeader | { buf: Uint8Array; header: Uint8Array } | Uint8Array): void;
    flush(): void;
    close(): void;
}

export declare function createSession(device?: string | null, options?: LiveSessionOptions): PcapSession;
export declare function createSession(device: string | null | undefined, filter: string, buffer_size?: number, monitor?: boolean): PcapSession;
export declare function createOfflineSession(path: string, options?: OfflineSessionOptions | string): PcapSession;
export declare function createWriter(path: string, options?: WriterOptions): PcapWriter;
export declare function findalldevs(): Device[];
export declare const lib_version: string;
export declare let warningHandler: (text: string) => any;
