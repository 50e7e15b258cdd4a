/// <reference types="node" />
// Types of `require('pcap/decode/null_packet')`.
import { EventEmitter } from 'events';
import IPv4 = require('./ipv4');
import IPv6 = require('./ipv6');

/** BSD loopback encapsulation (LINKTYPE_NULL, LINKTYPE_LOOP). */
declare class NullPacket {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    /** Address family: 2 IPv4; 24, 28, 30 IPv6. */
    pftype: number;
    /** `undefined` for any other family (`_error` says which). */
    payload: IPv4 | IPv6 | undefined;
    _error: string | undefined;
    readonly decoderName: 'null-packet';
    readonly eventsOnDecode: false;
    /** LINKTYPE_NULL: the family in host byte order. */
    decode(raw_packet: Buffer, offset: number, options?: unknown): this;
    /** LINKTYPE_LOOP: the family in network byte order. */
    decodeLoop(raw_packet: Buffer, offset: number): this;
    toString(): string;
}

export = NullPacket;
