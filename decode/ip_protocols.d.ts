/// <reference types="node" />
// Types of `require('pcap/decode/ip_protocols')`: IP protocol number -> decoder class.
import { EventEmitter } from 'events';
import TCP = require('./tcp');
import UDP = require('./udp');
import ICMP = require('./icmp');
import ICMPv6 = require('./icmpv6');
import IGMP = require('./igmp');
import IPv4 = require('./ipv4');
import IPv6 = require('./ipv6');
import HeaderExtension = require('./ipv6headers/header_extension');
import FragmentHeader = require('./ipv6headers/fragment');
import ESP = require('./ipv6headers/esp');
import AuthenticationHeader = require('./ipv6headers/authentication_header');
import NoNext = require('./ipv6headers/no_next');

/**
 * A mutable 256-slot array (holes where no decoder is registered). Assigning `protocols[n] = Ctor`
 * registers a decoder for IP protocol `n`; its instances then appear as `payload` (the
 * `IPPayload` type below lists the built-in decoders only).
 */
declare const protocols: Array<protocols.ProtocolDecoder | undefined>;

declare namespace protocols {
    /** What a registered decoder must look like: `new Ctor(emitter).decode(raw, offset, len)`. */
    interface ProtocolDecoder {
        new (emitter?: EventEmitter | null): { decode(raw_packet: Buffer, offset: number, len?: number): unknown };
    }
    /** The layer above IPv4/IPv6 or an IPv6 extension header, as decoded by the built-in table. */
    type IPPayload =
        | TCP
        | UDP
        | ICMP
        | ICMPv6
        | IGMP
        | IPv4
        | IPv6
        | HeaderExtension
        | FragmentHeader
        | ESP
        | AuthenticationHeader
        | NoNext;
}

export = protocols;
