/// <reference types="node" />
// Types of `require('pcap/decode/icmpv6')` (new in this package).
import { EventEmitter } from 'events';
import IPv6Addr = require('./ipv6_addr');

/** An ICMPv6 message header (RFC 4443, RFC 4861). */
declare class ICMPv6 {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    type: number;
    code: number;
    checksum: number;
    /** Echo request/reply (type 128/129) only. */
    id?: number;
    /** Echo request/reply (type 128/129) only. */
    seq?: number;
    /** Neighbour solicitation/advertisement and redirect (types 135-137) only. */
    targetAddress?: IPv6Addr;
    /** Why decoding stopped (truncated message). */
    _error?: string;
    readonly decoderName: 'icmpv6';
    readonly eventsOnDecode: true;
    /** Decodes at `offset` and emits `icmpv6`; returns `this`. */
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    /** e.g. `Echo Request code 0 id 1 seq 2`, `Neighbor Solicitation code 0 target fe80:...`. */
    toString(): string;
}

export = ICMPv6;
