/// <reference types="node" />
// Types of `require('pcap/decode/arp')`.
import { EventEmitter } from 'events';
import EthernetAddr = require('./ethernet_addr');
import IPv4Addr = require('./ipv4_addr');

/** An ARP message (RFC 826). */
declare class Arp {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    htype: number;
    ptype: number;
    hlen: number;
    plen: number;
    /** 1 request, 2 reply. */
    operation: number;
    /** Set only for Ethernet/IPv4 ARP (hlen 6, plen 4). */
    sender_ha: EthernetAddr | undefined;
    /** Set only for Ethernet/IPv4 ARP (hlen 6, plen 4). */
    sender_pa: IPv4Addr | undefined;
    /** Set only for Ethernet/IPv4 ARP (hlen 6, plen 4). */
    target_ha: EthernetAddr | undefined;
    /** Set only for Ethernet/IPv4 ARP (hlen 6, plen 4). */
    target_pa: IPv4Addr | undefined;
    /** Why decoding stopped (truncated header or addresses). */
    _error?: string;
    readonly decoderName: 'arp';
    readonly eventsOnDecode: true;
    /** Decodes at `offset` and emits `arp`; returns `this`. */
    decode(raw_packet: Buffer, offset: number): this;
    /** `request sender aa:bb:.. 10.0.0.1 target ...`, `reply ...` or `unknown`. */
    toString(): string;
}

export = Arp;
