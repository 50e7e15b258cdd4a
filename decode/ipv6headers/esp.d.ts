/// <reference types="node" />
// Types of `require('pcap/decode/ipv6headers/esp')` (new in this package).
import { EventEmitter } from 'events';

/** Encapsulating Security Payload (50, RFC 4303): the rest is encrypted. */
declare class ESP {
    constructor(emitter?: EventEmitter | null);
    spi: number;
    sequence: number;
    /** The encrypted bytes after the sequence number; `null` when the header was truncated. */
    data: Buffer | null;
    _error?: string;
    /** A non-enumerable property, present when an emitter was given. */
    readonly emitter?: EventEmitter;
    /** Always undefined. */
    readonly decoderName?: never;
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    /** `spi N seq N len N` */
    toString(): string;
}

export = ESP;
