/// <reference types="node" />
// Types of `require('pcap/decode/ipv6headers/fragment')` (new in this package).
import { EventEmitter } from 'events';
import protocols = require('../ip_protocols');

/** The IPv6 Fragment header (44). Only the first fragment is decoded further. */
declare class FragmentHeader {
    constructor(emitter?: EventEmitter | null);
    /** The next layer for the first fragment; the raw bytes (a Buffer) for later ones. */
    payload: protocols.IPPayload | Buffer | undefined;
    nextHeader: number;
    /** Always 8. */
    headerLength: number;
    /** In bytes. */
    fragmentOffset: number;
    moreFragments: boolean;
    identification: number;
    /** Present (true) on fragments other than the first. */
    isFragment?: true;
    /** `"Unknown"` when no decoder is registered for `nextHeader`. */
    protocolName?: 'Unknown';
    _error?: string;
    /** A non-enumerable property, present when an emitter was given. */
    readonly emitter?: EventEmitter;
    /** Always undefined. */
    readonly decoderName?: never;
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    toString(): string;
}

export = FragmentHeader;
