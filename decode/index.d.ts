/// <reference types="node" />
// Types of `require('pcap/decode')`.
import { EventEmitter } from 'events';
import type { PacketWithHeader } from '../index';
import PcapPacket = require('./pcap_packet');

export import EthernetPacket = require('./ethernet_packet');
export import IPv4Packet = require('./ipv4');
export import IPv6Packet = require('./ipv6');
export import ArpPacket = require('./arp');
export { PcapPacket };

/**
 * `decode(packet, emitter?, options?)` with its precise result: `const d: DecodeFunction =
 * pcap.decode;` then `d(raw)` is a `DecodedPacket` (narrow it by `link_type`, then by `instanceof`
 * or `decoderName`). Same function as `decode` below, typed for new code.
 */
export interface DecodeFunction {
    (packet: Buffer, emitter?: EventEmitter | null, options?: PcapPacket.DecodeOptions): PcapPacket.Decoded<'LINKTYPE_ETHERNET'>;
    (packet: PacketWithHeader, emitter?: EventEmitter | null, options?: PcapPacket.DecodeOptions): PcapPacket.DecodedPacket;
    /** The same function. */
    packet: DecodeFunction;
}

/** What `decode` accepts: a `packet` event's `{buf, header, link_type}`, or a bare Ethernet frame. */
export type RawPacket = { buf: Buffer; header: Buffer; link_type: string } | Buffer;

/**
 * The type of `decode` and `decode.packet`. node_pcap 3.1.0 declared `decode` as `any`, and its
 * programs read `decode.packet(raw).payload.payload.saddr` without a check, so the result is
 * `any` here too. For the checked tree, give it its type:
 * `const pkt: DecodedPacket = pcap.decode.packet(raw)`, or use a `DecodeFunction`.
 */
export interface LooseDecodeFunction {
    /**
     * Decodes a `packet` event's `{buf, header, link_type}` (or a bare Buffer, taken as an Ethernet
     * frame) into node_pcap's object tree: a `DecodedPacket` at run time. Never throws on any input:
     * a layer that cannot be decoded gets a string `_error`. With an emitter, each decoded layer is
     * emitted (`ipv4`, `ipv6`, `tcp`, `udp`, `icmp`, `icmpv6`, `igmp`, `arp`, `llc`, `radio-packet`,
     * `radio-frame`), inner layers first; an exception thrown by such a listener is thrown to the
     * caller, as node_pcap did.
     */
    (packet: RawPacket, emitter?: EventEmitter | null, options?: PcapPacket.DecodeOptions): any;
    /** The same function. */
    packet: LooseDecodeFunction;
}

export declare const decode: LooseDecodeFunction;
