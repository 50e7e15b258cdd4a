/// <reference types="node" />
// Types of `require('pcap')`: node_pcap 3.1.0's pcap.d.ts (compat.md C-013, §2.12), completed.
import { EventEmitter } from 'events';

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

/** `stats()`: libpcap's counters, plus packets this package discarded beyond `app_buffer_size`. */
export interface CaptureStats {
  ps_recv: number;
  ps_drop: number;
  ps_ifdrop: number;
  /** Packets discarded because JavaScript fell behind by more than `app_buffer_size` bytes. */
  app_drop: number;
}

/** What a `packet` event carries. */
export interface PacketWithHeader {
  /** Exactly `caplen` bytes; stays valid after the handler returns. */
  buf: Buffer;
  /** 16 bytes, little-endian: tv_sec, tv_usec (nanoseconds with `nanosecond: true`), caplen, len. */
  header: Buffer;
  link_type: LinkType;
}

export interface CommonSessionOptions {
  /** A libpcap filter (tcpdump syntax); "" for none. */
  filter?: string;
  /** Also write every delivered packet to this pcap file. */
  outfile?: string;
  /** Bytes per batch handed to JavaScript (default 64 KiB). */
  batch_size?: number;
  /** Closes the session when aborted. */
  signal?: AbortSignal;
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
}

export interface Address {
  addr: string;
  netmask?: string;
  broadaddr?: string;
  dstaddr?: string;
}

export interface Device {
  name: string;
  description?: string;
  addresses: Address[];
  flags?: 'PCAP_IF_LOOPBACK';
}

/** Errors thrown or emitted by this package carry a code. */
export interface PcapError extends Error {
  code:
    | 'ENODEV' | 'EPERM' | 'EFILTER' | 'ENOENT' | 'EACCES' | 'EISDIR' | 'EBADFILE' | 'EIO'
    | 'EDUMP' | 'ECLOSED' | 'ENOTSUP' | 'ENETDOWN' | 'EINJECT' | 'EINVAL' | 'EREAD' | 'EPCAP'
    | 'ETHREAD';
}

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
  /** Stops the capture and removes every listener (as node_pcap). Idempotent. */
  close(): void;
  stats(): CaptureStats;
  inject(data: Buffer): void;
  /** Stops delivering packets (a file stops being read; a live capture keeps buffering). */
  pause(): this;
  resume(): this;
  isPaused(): boolean;
  /** Iterates the packets; a file is held back while the loop is slow; `break` closes the session. */
  [Symbol.asyncIterator](): AsyncIterableIterator<PacketWithHeader>;

  on(event: 'packet', listener: (packet: PacketWithHeader) => void): this;
  on(event: 'complete', listener: () => void): this;
  on(event: 'error', listener: (err: PcapError) => void): this;
  once(event: 'packet', listener: (packet: PacketWithHeader) => void): this;
  once(event: 'complete', listener: () => void): this;
  once(event: 'error', listener: (err: PcapError) => void): this;
}

export declare const Pcap: typeof PcapSession;

export declare class PcapWriter {
  readonly path: string;
  readonly link_type: LinkType;
  readonly packets_written: number;
  /** Writes a `packet` event's {buf, header}, or a Buffer stamped with the current time. */
  write(packet: PacketWithHeader | { buf: Buffer; header: Buffer } | Buffer): void;
  flush(): void;
  close(): void;
}

export declare function createSession(device: string, options?: LiveSessionOptions): PcapSession;
/** node_pcap 2.x's positional form, still used by http_trace and redis_trace. */
export declare function createSession(device: string, filter: string, buffer_size?: number, monitor?: boolean): PcapSession;
export declare function createOfflineSession(path: string, options?: OfflineSessionOptions | string): PcapSession;
export declare function createWriter(path: string, options?: { link_type?: LinkType | number }): PcapWriter;
export declare function findalldevs(): Device[];
export declare const lib_version: string;
export declare let warningHandler: (text: string) => void;

export declare const decode: any;
export declare const TCPTracker: any;
export declare const TCPSession: any;
export declare const DNSCache: any;
