/// <reference types="node" />
// Types of `require('pcap/decode/ipv6')`.
import { EventEmitter } from 'events';
import IPv6Addr = require('./ipv6_addr');
import protocols = require('./ip_protocols');

/** An IPv6 header (RFC 8200) and what follows it (extension headers, then the transport layer). */
declare class IPv6 {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    version: number;
    trafficClass: number;
    flowLabel: number;
    payloadLength: number;
    nextHeader: number;
    hopLimit: number;
    saddr: IPv6Addr;
    daddr: IPv6Addr;
    /** The next header or transport layer; `undefined` when `nextHeader` has no decoder or decoding stopped. */
    payload: protocols.IPPayload | undefined;
    /** `"Unknown"` when no decoder is registered for `nextHeader`. */
    protocolName?: 'Unknown';
    /**
     * Why decoding stopped at this layer (truncated or malformed input). When it is set, the
     * fields this layer could not read are `undefined` whatever their declared type.
     */
    _error?: string;
    readonly decoderName: 'ipv6';
    readonly eventsOnDecode: true;
    /** Decodes at `offset` and emits `ipv6` on the emitter; returns `this`. */
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    toString(): string;
}

export = IPv6;
