/// <reference types="node" />
// Types of `require('pcap/decode/pcap_packet')`.
import { EventEmitter } from 'events';
import type { LinkType, PacketWithHeader } from '../index';
import EthernetPacket = require('./ethernet_packet');
import NullPacket = require('./null_packet');
import IPv4 = require('./ipv4');
import IPv6 = require('./ipv6');
import RadioPacket = require('./ieee802.11/radio_packet');
import RadioFrame = require('./ieee802.11/radio_frame');
import SLLPacket = require('./sll_packet');
import SLL2Packet = require('./sll2_packet');

/** A decoded packet: the record header and the link layer. */
declare class PcapPacket {
    constructor(emitter?: EventEmitter | null);
    /** `null` only when `decode()` was given something that is not a packet (`_error` says so). */
    link_type: LinkType | null;
    pcap_header: PcapPacket.PcapHeader | null;
    /** The link-layer decoder; `null` for a link type this package does not decode. */
    payload: PcapPacket.LinkLayer | null;
    emitter: EventEmitter | null | undefined;
    /** Why there is no payload: unsupported link type, or bad input. */
    _error?: string;
    /**
     * Decodes `{buf, header, link_type}` (a bare Buffer is an Ethernet frame) into this object.
     * Compare `link_type` (or use `instanceof` on `payload`) to narrow the result.
     */
    decode(packet: Buffer, options?: PcapPacket.DecodeOptions): PcapPacket.Decoded<'LINKTYPE_ETHERNET'>;
    decode(packet: PacketWithHeader, options?: PcapPacket.DecodeOptions): PcapPacket.DecodedPacket;
    /** `` `${link_type} ${payload}` `` */
    toString(): string;
}

declare namespace PcapPacket {
    /** The 16-byte record header, decoded. */
    interface PcapHeader {
        tv_sec: number;
        /** Microseconds, or nanoseconds for a session opened with `nanosecond: true`. */
        tv_usec: number;
        caplen: number;
        len: number;
    }

    interface DecodeOptions {
        /** Radiotap: where decoding plans are cached (default `RadioPacket.globalCache`). */
        radiotapCache?: Record<string, unknown>;
        /** Radiotap: `false` keeps the 802.11 frame as a Buffer. */
        decodeLower?: boolean;
    }

    /** Every link-layer decoder. */
    type LinkLayer =
        | EthernetPacket
        | NullPacket
        | IPv4
        | IPv6
        | RadioPacket
        | RadioFrame
        | SLLPacket
        | SLL2Packet;

    /** Link type -> the class of `payload`. */
    interface LinkLayerByType {
        LINKTYPE_ETHERNET: EthernetPacket;
        LINKTYPE_NULL: NullPacket;
        LINKTYPE_LOOP: NullPacket;
        /** The IP version nibble picks the class. */
        LINKTYPE_RAW: IPv4 | IPv6;
        LINKTYPE_IPV4: IPv4;
        LINKTYPE_IPV6: IPv6;
        LINKTYPE_IEEE802_11_RADIO: RadioPacket;
        LINKTYPE_IEEE802_11: RadioFrame;
        'Unknown linktype 105': RadioFrame;
        LINKTYPE_LINUX_SLL: SLLPacket;
        LINKTYPE_LINUX_SLL2: SLL2Packet;
    }

    /** The link types this package decodes. */
    type DecodedLinkType = keyof LinkLayerByType;

    /** A decoded packet of one link type. */
    interface Decoded<L extends DecodedLinkType> extends PcapPacket {
        link_type: L;
        pcap_header: PcapHeader;
        payload: LinkLayerByType[L];
    }

    /** A packet of a link type this package does not decode: no payload, `_error` says why. */
    interface Undecoded extends PcapPacket {
        link_type: Exclude<LinkType, DecodedLinkType>;
        pcap_header: PcapHeader;
        payload: null;
        _error: string;
    }

    /**
     * What `decode()` returns, discriminated by `link_type`:
     * `if (pkt.link_type === 'LINKTYPE_ETHERNET') pkt.payload` is an `EthernetPacket`.
     */
    type DecodedPacket = { [L in DecodedLinkType]: Decoded<L> }[DecodedLinkType] | Undecoded;
}

export = PcapPacket;
