/// <reference types="node" />
// Types of `require('pcap/decode/igmp')`.
import { EventEmitter } from 'events';
import IPv4Addr = require('./ipv4_addr');

/** An IGMP message (v1 RFC 1112, v2 RFC 2236, v3 RFC 3376). */
declare class IGMP {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    type: number;
    /** 1, 2 or 3 for the known message types, `undefined` otherwise. */
    version: 1 | 2 | 3 | undefined;
    /** The raw byte. */
    maxResponseTime: number;
    checksum: number;
    groupAddress: IPv4Addr;
    /** v3 Membership Query only. */
    sFlag?: boolean;
    /** v3 Membership Query only. */
    qrv?: number;
    /** v3 Membership Query only. */
    qqic?: number;
    /** v3 Membership Query only. */
    numberOfSources?: number;
    /** v3 Membership Query only. */
    sources?: IPv4Addr[];
    /** v3 Membership Report only. */
    numberOfGroupRecords?: number;
    /** v3 Membership Report only. */
    groupRecords?: IGMP.GroupRecord[];
    /** Why decoding stopped (truncated message or record). */
    _error?: string;
    readonly decoderName: 'igmp';
    readonly eventsOnDecode: true;
    /** Decodes at `offset`; `len` (from the IP header) tells a v3 query from a v1/v2 one. Emits `igmp`. */
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    /** `Membership Query`, `Membership Report`, `Leave Group` or `type N`. */
    toString(): string;
}

declare namespace IGMP {
    /** One group record of an IGMPv3 report. */
    interface GroupRecord {
        recordType: number;
        /** In bytes. */
        auxDataLength: number;
        numberOfSources: number;
        multicastAddress: IPv4Addr;
        sources: IPv4Addr[];
    }
}

export = IGMP;
