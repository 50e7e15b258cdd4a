/// <reference types="node" />
// Types of `require('pcap/decode/dns')`. DNS is not decoded automatically: use
// `new DNS().decode(udp.data, 0)`.
import { EventEmitter } from 'events';
import IPv4Addr = require('./ipv4_addr');
import IPv6Addr = require('./ipv6_addr');

/** A DNS message (RFC 1035). */
declare class DNS {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    header: DNS.DnsFlags;
    /** `undefined` when the section claims more than 100 records (`_error` says so). */
    question: DNS.DNSRRSet | undefined;
    answer: DNS.DNSRRSet | undefined;
    authority: DNS.DNSRRSet | undefined;
    additional: DNS.DNSRRSet | undefined;
    /**
     * Why decoding stopped (truncated header, malformed name or record); the sections after the
     * error are empty sets.
     */
    _error: string | undefined;
    /** The buffer decoded (kept as node_pcap). */
    raw_packet: Buffer;
    /** The parse cursor after decoding. */
    offset: number;
    id: number;
    qdcount: number;
    ancount: number;
    nscount: number;
    arcount: number;
    readonly decoderName: 'dns';
    readonly eventsOnDecode: true;
    /** Decodes the message at `offset` (emits `dns` when an emitter was given); returns `this`. */
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    toString(): string;
}

declare namespace DNS {
    interface DnsFlags {
        isResponse: boolean;
        opcode: number;
        isAuthority: boolean;
        isTruncated: boolean;
        isRecursionDesired: boolean;
        /** node_pcap's spelling. */
        isRecursionAvailible: boolean;
        /** The Z, AD and CD bits. */
        z: number;
        responseCode: number;
        decode(raw_packet: Buffer, offset: number): this;
        toString(): string;
    }

    interface DNSRRSet {
        rrs: DNSRR[];
        /** The records joined with `", "`. */
        toString(): string;
    }

    /** MX data. */
    interface DnsMX {
        preference: number;
        exchange: string;
        toString(): string;
    }

    /** SOA data. */
    interface DnsSOA {
        mname: string;
        rname: string;
        serial: number;
        refresh: number;
        retry: number;
        expire: number;
        minimum: number;
        toString(): string;
    }

    /** SRV data (RFC 2782). */
    interface DnsSRV {
        priority: number;
        weight: number;
        port: number;
        target: string;
        toString(): string;
    }

    /** One EDNS option. */
    interface DnsOPTOption {
        code: number;
        data: Buffer;
    }

    /** OPT pseudo-record data (EDNS(0), RFC 6891). */
    interface DnsOPT {
        udpPayloadSize: number;
        extendedRcode: number;
        version: number;
        dnssecOk: boolean;
        options: DnsOPTOption[];
        toString(): string;
    }

    /** Every kind of decoded `rdata`. */
    type RData = IPv4Addr | IPv6Addr | string | string[] | DnsMX | DnsSOA | DnsSRV | DnsOPT;

    /** Fields common to every resource record (and question). */
    interface DNSRRBase {
        name: string;
        type: number;
        class: number;
        /** `null` for a question. */
        ttl: number | null;
        /** `null` for a question. */
        rdlength: number | null;
        rdata: RData | null;
        is_question: boolean;
        toString(): string;
    }

    /** A record whose `type` tells what `rdata` holds (`null` when malformed or, for A/NS/AAAA, not class IN). */
    interface DNSRRTyped<T extends number, D extends RData> extends DNSRRBase {
        type: T;
        rdata: D | null;
    }

    /** AAAA: `data` is the same address as `rdata`. */
    interface DNSRRAAAA extends DNSRRTyped<28, IPv6Addr> {
        data?: IPv6Addr;
    }

    /**
     * A question or resource record. Comparing `type` narrows `rdata`:
     * `if (rr.type === 15) rr.rdata` is a `DnsMX | null`.
     */
    type DNSRR =
        | DNSRRTyped<1, IPv4Addr>
        | DNSRRTyped<2, string>
        | DNSRRTyped<5, string>
        | DNSRRTyped<6, DnsSOA>
        | DNSRRTyped<12, string>
        | DNSRRTyped<15, DnsMX>
        | DNSRRTyped<16, string[]>
        | DNSRRAAAA
        | DNSRRTyped<33, DnsSRV>
        | DNSRRTyped<39, string>
        | DNSRRTyped<41, DnsOPT>
        | DNSRRTyped<number, never>;
}

export = DNS;
