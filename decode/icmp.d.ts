/// <reference types="node" />
// Types of `require('pcap/decode/icmp')`.
import { EventEmitter } from 'events';

/** An ICMP (IPv4) message header. */
declare class ICMP {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    type: number;
    code: number;
    checksum: number;
    /** Echo request/reply (type 8/0) only. */
    id?: number;
    /** Echo request/reply (type 8/0) only. */
    seq?: number;
    /** Why decoding stopped (truncated message). */
    _error?: string;
    readonly decoderName: 'icmp';
    readonly eventsOnDecode: true;
    /** Decodes at `offset` and emits `icmp`; returns `this`. */
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    /** e.g. `Echo Request`, `Destination Port Unreachable`, `type 13 code 0`. */
    toString(): string;
}

export = ICMP;
