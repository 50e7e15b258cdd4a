/// <reference types="node" />
// Types of `require('pcap/decode/ethernet_packet')`.
import { EventEmitter } from 'events';
import EthernetAddr = require('./ethernet_addr');
import Vlan = require('./vlan');
import IPv4 = require('./ipv4');
import IPv6 = require('./ipv6');
import Arp = require('./arp');

/** An Ethernet II frame, with 802.1Q/802.1ad (QinQ) tags. */
declare class EthernetPacket {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    dhost: EthernetAddr;
    shost: EthernetAddr;
    /** The (inner) ethertype; 0 for an 802.3 length field. */
    ethertype: number;
    /** The outer VLAN tag, or null. */
    vlan: Vlan | null;
    /**
     * IPv4 (0x0800), ARP (0x0806), IPv6 (0x86dd), node_pcap's placeholder string for LLDP
     * (0x88cc), or null for any other ethertype.
     */
    payload: EthernetPacket.Payload;
    /** Every tag, outer first; present only with two or more tags (QinQ). */
    vlans?: Vlan[];
    /**
     * Why decoding stopped (truncated header or tag). When it is set, the fields that could not
     * be read are `null` whatever their declared type.
     */
    _error?: string;
    readonly decoderName: 'ethernet-packet';
    readonly eventsOnDecode: false;
    decode(raw_packet: Buffer, offset: number, options?: unknown): this;
    /** e.g. `aa:.. -> bb:.. vlan 0 0 10 IPv4 10.0.0.1 -> ...` */
    toString(): string;
}

declare namespace EthernetPacket {
    /** What follows an ethertype (Ethernet, SLL, SLL2). */
    type Payload = IPv4 | IPv6 | Arp | 'need to implement LLDP' | null;
}

export = EthernetPacket;
