/// <reference types="node" />
// Types of `require('pcap/decode/udp')`.
import { EventEmitter } from 'events';

/** A UDP datagram (RFC 768). Its payload is not decoded further: decode DNS from `data` yourself. */
declare class UDP {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    sport: number;
    dport: number;
    /** Header included. */
    length: number;
    checksum: number;
    /** The payload bytes, cut to what was captured (a view, no copy). */
    data: Buffer;
    /** Why decoding stopped (truncated header). */
    _error?: string;
    readonly decoderName: 'udp';
    readonly eventsOnDecode: true;
    /** Decodes at `offset` and emits `udp`; returns `this`. */
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    /** `UDP 53->5353 len 40`, followed by the DNS message when a port is 53. */
    toString(): string;
}

export = UDP;
