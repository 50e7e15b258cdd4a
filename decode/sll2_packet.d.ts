/// <reference types="node" />
// Types of `require('pcap/decode/sll2_packet')` (new in this package).
import { EventEmitter } from 'events';
import SLLAddr = require('./sll_addr');
import EthernetPacket = require('./ethernet_packet');

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2): SLL's fields plus `interface_index`. */
declare class SLL2Packet {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    packet_type: number;
    address_type: number;
    address_len: number;
    address: SLLAddr;
    /** 0 when the protocol field is not an ethertype. */
    ethertype: number;
    interface_index: number;
    payload: EthernetPacket.Payload;
    /** Why decoding stopped (truncated header). */
    _error?: string;
    readonly decoderName: 'sll2-packet';
    readonly eventsOnDecode: false;
    decode(raw_packet: Buffer, offset: number): this;
    toString(): string;
}

export = SLL2Packet;
