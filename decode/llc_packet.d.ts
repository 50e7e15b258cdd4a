/// <reference types="node" />
// Types of `require('pcap/decode/llc_packet')`.
import { EventEmitter } from 'events';
import IPv4 = require('./ipv4');
import IPv6 = require('./ipv6');
import Arp = require('./arp');

/** IEEE 802.2 LLC with SNAP, as carried by 802.11 data frames. No toString (as node_pcap). */
declare class LogicalLinkControl {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    dsap: number;
    ssap: number;
    /** SNAP (or null SAP) frames only. */
    controlField: number | undefined;
    /** SNAP (or null SAP) frames only: three bytes. */
    orgCode: number[] | undefined;
    /** SNAP (or null SAP) frames only: the ethertype. */
    type: number | undefined;
    /** A message for other SAPs (`Unknown LLC types: ...`) or a truncated header. */
    _error: string | undefined;
    /** Present for IPv4, ARP and IPv6. */
    payload?: IPv4 | IPv6 | Arp;
    readonly decoderName: 'llc';
    readonly eventsOnDecode: true;
    /** Decodes at `offset` and emits `llc`; returns `this`. */
    decode(raw_packet: Buffer, offset: number): this;
}

export = LogicalLinkControl;
