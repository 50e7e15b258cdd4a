/// <reference types="node" />
// Types of `require('pcap/decode/ipv6headers/authentication_header')` (new in this package).
import { EventEmitter } from 'events';
import protocols = require('../ip_protocols');

/** The IP Authentication Header (51, RFC 4302). */
declare class AuthenticationHeader {
    constructor(emitter?: EventEmitter | null);
    payload: protocols.IPPayload | undefined;
    nextHeader: number;
    /** In bytes ((length + 2) x 4). */
    headerLength: number;
    spi: number;
    sequence: number;
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

export = AuthenticationHeader;
