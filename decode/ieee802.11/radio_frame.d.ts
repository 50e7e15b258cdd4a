/// <reference types="node" />
// Types of `require('pcap/decode/ieee802.11/radio_frame')`.
import { EventEmitter } from 'events';
import EthernetAddr = require('../ethernet_addr');
import LogicalLinkControl = require('../llc_packet');
import RadioBeaconFrame = require('./radio_beacon_frame');
import RadioProbeFrame = require('./radio_probe_frame');

/**
 * An IEEE 802.11 MAC frame. As node_pcap: addr1/addr2/addr3 are named bssid/shost/dhost whatever
 * the DS bits say, and `duration`/`fragSeq` are read big-endian.
 */
declare class RadioFrame {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    /** Little-endian. */
    frameControl: number;
    version: number;
    /** 0 management, 1 control, 2 data. */
    type: number;
    subType: number;
    flags: RadioFrame.RadioFrameFlags;
    duration: number;
    /** addr1. */
    bssid: EthernetAddr;
    /** addr2; absent from short control frames (ACK, CTS). */
    shost: EthernetAddr | undefined;
    /** addr3; absent from control frames. */
    dhost: EthernetAddr | undefined;
    /** Absent from control frames. */
    fragSeq: number | undefined;
    /** Management subtype 8. */
    beacon: RadioBeaconFrame | undefined;
    /** Data frames with a body, when not encrypted. */
    llc: LogicalLinkControl | undefined;
    /** Management subtype 4. */
    probe?: RadioProbeFrame;
    /** Data frames with both ToDS and FromDS. */
    addr4?: EthernetAddr;
    /** QoS data frames. */
    qosControl?: number;
    /** Why decoding stopped (frame too short). */
    _error?: string;
    /** 802.11 frames have no `payload` (see `llc`): always undefined, so that `pkt.payload?.payload` type-checks on any link. */
    readonly payload?: undefined;
    /** No decoderName (as node_pcap): always undefined. */
    readonly decoderName?: never;
    /** Decodes at `offset` and emits `radio-frame`; returns `this`. */
    decode(raw_packet: Buffer, offset: number): this;
}

declare namespace RadioFrame {
    interface RadioFrameFlags {
        emitter: EventEmitter | null | undefined;
        /** The flags byte. */
        raw: number;
        moreFragments: boolean;
        isRetry: boolean;
        moreData: boolean;
        encrypted: boolean;
        ordered: boolean;
        decode(flags: number): this;
    }
}

export = RadioFrame;
