/// <reference types="node" />
// Types of `require('pcap/decode/ipv4')`.
import { EventEmitter } from 'events';
import IPv4Addr = require('./ipv4_addr');
import protocols = require('./ip_protocols');

/** An IPv4 header (RFC 791) and what it carries. */
declare class IPv4 {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    version: number;
    /** In bytes (IHL x 4). */
    headerLength: number;
    /** The whole TOS byte (DSCP and ECN). */
    diffserv: number;
    /** Total length. */
    length: number;
    identification: number;
    flags: IPv4.IPFlags;
    /** In bytes (the 13-bit field x 8). */
    fragmentOffset: number;
    ttl: number;
    protocol: number;
    headerChecksum: number;
    saddr: IPv4Addr;
    daddr: IPv4Addr;
    /** `"Unknown"` when no decoder is registered for `protocol` (then `payload` is undefined). */
    protocolName: 'Unknown' | undefined;
    /**
     * The decoded transport layer; the raw bytes (a Buffer) for a fragment other than the first
     * (`isFragment: true`); `undefined` for an unknown protocol or when decoding stopped.
     */
    payload: protocols.IPPayload | Buffer | undefined;
    /** `true` for every fragment of a fragmented datagram (absent otherwise). */
    isFragment?: true;
    /**
     * Why decoding stopped at this layer (truncated or malformed input). When it is set, the
     * fields this layer could not read are `undefined` whatever their declared type, and
     * `payload` is absent.
     */
    _error?: string;
    readonly decoderName: 'ipv4';
    readonly eventsOnDecode: true;
    /** Decodes at `offset` and emits `ipv4` on the emitter; returns `this`. */
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    /** e.g. `10.0.0.1 -> 10.0.0.2 flags [d] TCP 443->5000 seq ...` */
    toString(): string;
}

declare namespace IPv4 {
    /** IPv4 flags; `toString()` gives `[rdm]` with the set ones. */
    interface IPFlags {
        emitter: EventEmitter | null | undefined;
        reserved: boolean;
        doNotFragment: boolean;
        moreFragments: boolean;
        decode(raw_flags: number): this;
        toString(): string;
    }
}

export = IPv4;
