/// <reference types="node" />
// Types of `require('pcap/decode/tcp')`.
import { EventEmitter } from 'events';

/** A TCP segment (RFC 9293). */
declare class TCP {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    sport: number;
    dport: number;
    seqno: number;
    ackno: number;
    /** In bytes (data offset x 4). */
    headerLength: number;
    /** Always undefined (as node_pcap). */
    reserved: undefined;
    flags: TCP.TCPFlags;
    windowSize: number;
    checksum: number;
    urgentPointer: number;
    options: TCP.TCPOptions;
    /**
     * The payload: a view of the captured bytes (shorter than `dataLength` when the capture was
     * cut by the snap length), or `null` when the segment carries none.
     */
    data: Buffer | null;
    /** Payload length from the IP header: IP length minus the TCP header (can be <= 0). */
    dataLength: number;
    /**
     * Why decoding stopped (truncated header, bad option length). When it is set, the fields
     * that could not be read are `undefined` whatever their declared type.
     */
    _error?: string;
    readonly decoderName: 'tcp';
    readonly eventsOnDecode: true;
    /** Decodes at `offset`; `len` is the segment length from the IP layer. Emits `tcp`; returns `this`. */
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    /** e.g. `80->5000 seq 1 ack 2 flags [ap] win 512 csum 1234 [.] len 10` */
    toString(): string;
}

declare namespace TCP {
    /** `toString()` gives `[ceuaprsf]` with the set ones. */
    interface TCPFlags {
        emitter: EventEmitter | null | undefined;
        nonce: boolean;
        cwr: boolean;
        ece: boolean;
        urg: boolean;
        ack: boolean;
        psh: boolean;
        rst: boolean;
        syn: boolean;
        fin: boolean;
        decode(first_byte: number, second_byte: number): this;
        toString(): string;
    }

    /** An option kind this package does not decode, with its data bytes. */
    interface UnknownOption {
        kind: number;
        bytes: Buffer;
    }

    /** node_pcap's six fields (null when absent) plus `tfo`, `mptcp` and `unknown`, present only when seen. */
    interface TCPOptions {
        mss: number | null;
        /** The shift count. */
        window_scale: number | null;
        sack_ok: true | null;
        /** SACK blocks `[left, right]`. */
        sack: Array<[number, number]> | null;
        timestamp: number | null;
        echo: number | null;
        /** TCP Fast Open cookie (kind 34, or experimental 254 with magic 0xF989); empty for a cookie request. */
        tfo?: Buffer;
        /** MPTCP option bodies (kind 30), in order. */
        mptcp?: Buffer[];
        /** Any other option kind, in order. */
        unknown?: UnknownOption[];
        decode(raw_packet: Buffer, offset: number, len: number): this;
        /** e.g. `[mss:1460 scale:7(128) sack_ok]`, `[.]` when empty. */
        toString(): string;
    }
}

export = TCP;
