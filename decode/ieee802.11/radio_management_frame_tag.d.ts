/// <reference types="node" />
// Types of `require('pcap/decode/ieee802.11/radio_management_frame_tag')`.

/** One information element of a management frame body. */
declare class RadioManagementFrameTag {
    constructor();
    /** `ssid`, `rates`, `channel`, `TIM`, `ERP`, `RSN`, `extended_rates`, `vendor_specific` or `unknown`. */
    type: RadioManagementFrameTag.TagType;
    typeId: number;
    length: number;
    value: Buffer;
    /** Tag 0 only, as UTF-8. */
    ssid?: string;
    /** Tag 3 only. */
    channel?: number;
    decode(raw_packet: Buffer, offset: number): this;
}

declare namespace RadioManagementFrameTag {
    type TagType =
        | 'ssid' | 'rates' | 'channel' | 'TIM' | 'ERP' | 'RSN' | 'extended_rates' | 'vendor_specific' | 'unknown';
}

export = RadioManagementFrameTag;
