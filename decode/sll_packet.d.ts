/// <reference types="node" />
// Types of `require('pcap/decode/sll_packet')`.
import { EventEmitter } from 'events';
import SLLAddr = require('./sll_addr');
import EthernetPacket = require('./ethernet_packet');

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, the `any` device). */
declare class SLLPacket {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    /** 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us. */
    packet_type: number;
    address_type: number;
    address_len: number;
    address: SLLAddr;
    /** 0 when the protocol field is not an ethertype. */
    ethertype: number;
    payload: EthernetPacket.Payload;
    /** Why decoding stopped (truncated header). */
    _error?: string;
    /** node_pcap's spelling. */
    readonly decoderName: 'ssl-packet';
    readonly eventsOnDecode: false;
    decode(raw_packet: Buffer, offset: number, options?: unknown): this;
    toString(): string;
}

export = SLLPacket;
