/// <reference types="node" />
// Types of `require('pcap/decode/ipv6headers/header_extension')`.
import { EventEmitter } from 'events';
import protocols = require('../ip_protocols');

/**
 * A generic IPv6 extension header (hop-by-hop 0, routing 43, destination options 60, mobility
 * 135, HIP 139, shim6 140). Its options are not decoded.
 */
declare class HeaderExtension {
    constructor(emitter?: EventEmitter | null);
    /** What follows this header; `undefined` when `nextHeader` has no decoder or decoding stopped. */
    payload: protocols.IPPayload | undefined;
    nextHeader: number;
    /** In bytes ((length + 1) x 8). */
    headerLength: number;
    /** `"Unknown"` when no decoder is registered for `nextHeader`. */
    protocolName?: 'Unknown';
    /** Why decoding stopped (truncated header, too many nested headers). */
    _error?: string;
    /** A non-enumerable property, present when an emitter was given. */
    readonly emitter?: EventEmitter;
    /** No decoderName (as node_pcap): always undefined. `never`, not `undefined`, so that `payload.decoderName` narrows a union with `strictNullChecks` off too. */
    readonly decoderName?: never;
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    toString(): string;
}

export = HeaderExtension;
