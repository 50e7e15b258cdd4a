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
 * `decode(packet, emitter?, options?)`: decodes a `packet` event's `{buf, header, link_type}`
 * (or a bare Buffer, taken as an Ethernet frame). Never throws: a layer that cannot be decoded
 * gets a string `_error`. With an emitter, each decoded layer is emitted (`ipv4`, `ipv6`,
 * `tcp`, `udp`, `icmp`, `icmpv6`, `igmp`, `arp`, `llc`, `radio-packet`, `radio-frame`), inner
 * layers first. `decode.packet` is the same function.
 */
export interface DecodeFunction {
    (packet: Buffer, emitter?: EventEmitter | null, options?: PcapPacket.DecodeOptions): PcapPacket.Decoded<'LINKTYPE_ETHERNET'>;
    (packet: PacketWithHeader, emitter?: EventEmitter | null, options?: PcapPacket.DecodeOptions): PcapPacket.DecodedPacket;
    /** The same function. */
    packet: DecodeFunction;
}

export declare const decode: DecodeFunction;
