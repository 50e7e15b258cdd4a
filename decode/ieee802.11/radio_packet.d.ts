/// <reference types="node" />
// Types of `require('pcap/decode/ieee802.11/radio_packet')`.
import { EventEmitter } from 'events';
import RadioFrame = require('./radio_frame');

/** A radiotap header (LINKTYPE_IEEE802_11_RADIO) and the 802.11 frame after it. */
declare class RadioPacket {
    constructor(emitter?: EventEmitter | null);
    emitter: EventEmitter | null | undefined;
    headerRevision: number;
    headerPad: number;
    headerLength: number;
    /** The present bitmap: a number, or a bigint of all bitmaps when there are several. */
    presentFields: number | bigint;
    /** The decoded radiotap fields (absent when the bitmaps themselves are malformed). */
    fields: RadioPacket.RadiotapFields;
    _decoderCache: Record<string, unknown>;
    /** The frame; a Buffer with `decodeLower: false`; null when the header is truncated. */
    ieee802_11Frame: RadioFrame | Buffer | null;
    /** Why field decoding stopped (unknown bit, header too short); the frame is still decoded. */
    _error?: string;
    /** Radiotap has no `payload` (see `ieee802_11Frame`): always undefined, so that `pkt.payload?.payload` type-checks on any link. */
    readonly payload?: undefined;
    /** No decoderName (as node_pcap): always undefined. */
    readonly decoderName?: never;
    /** Decodes at `offset` and emits `radio-packet`; returns `this`. */
    decode(raw_packet: Buffer, offset: number, options?: RadioPacket.Options): this;
    /** The default cache of decoding plans, keyed by the bitmap words. */
    static globalCache: Record<string, unknown>;
}

declare namespace RadioPacket {
    interface Options {
        /** Where decoding plans are cached (default `RadioPacket.globalCache`). */
        radiotapCache?: Record<string, unknown>;
        /** `false`: keep the 802.11 frame as a Buffer. */
        decodeLower?: boolean;
    }

    interface VendorNamespace {
        oui: number;
        subNamespace: number;
        skipLength: number;
        data: Buffer | null;
    }

    /** Radiotap fields by radiotap.org name; only the present ones are set. */
    interface RadiotapFields {
        tsft?: bigint;
        flags?: number;
        /** In 500 kbps. */
        rate?: number;
        channel?: { frequency: number; flags: number };
        fhss?: { 'hop set': number; 'hop pattern': number; hop_set: number; hop_pattern: number };
        /** dBm. */
        antenna_signal?: number;
        /** dBm. */
        antenna_noise?: number;
        lock_quality?: number;
        tx_attenuation?: number;
        db_tx_attenuation?: number;
        dbm_tx_power?: number;
        antenna?: number;
        db_antenna_signal?: number;
        db_antenna_noise?: number;
        rx_flags?: number;
        tx_flags?: number;
        rts_retries?: number;
        data_retries?: number;
        xchannel?: { flags: number; freq: number; channel: number; maxpower: number };
        mcs?: { known: number; flags: number; mcs: number };
        a_mpdu_status?: {
            'reference number': number;
            reference_number: number;
            flags: number;
            'delimiter CRC value': number;
            delimiter_crc_value: number;
            reserved: number;
        };
        vht?: {
            known: number;
            flags: number;
            bandwidth: number;
            mcs_nss: Buffer;
            coding: number;
            group_id: number;
            partial_aid: number;
        };
        timestamp?: { timestamp: bigint; accuracy: number; 'unit/position': number; unit_position: number; flags: number };
        he?: { data1: number; data2: number; data3: number; data4: number; data5: number; data6: number };
        he_mu?: { flags1: number; flags2: number; RU_channel1: Buffer; RU_channel2: Buffer };
        he_mu_other_user?: { per_user_1: number; per_user_2: number; per_user_position: number; per_user_known: number };
        '0_length_psdu'?: number;
        l_sig?: { data1: number; data2: number };
        /** The TLV area (bit 28), undecoded. */
        tlv?: Buffer;
        /** Fields of the later radiotap namespaces (bit 29). */
        namespaces?: RadiotapFields[];
        /** Vendor namespaces (bit 30). */
        vendorNamespaces?: VendorNamespace[];
    }
}

export = RadioPacket;
