/// <reference types="node" />
// Types of `require('pcap/decode/ieee802.11/radio_beacon_frame')`.
import RadioManagementFrameTag = require('./radio_management_frame_tag');

/** A beacon body: the tags after the 12 fixed bytes. */
declare class RadioBeaconFrame {
    constructor();
    tags: RadioManagementFrameTag[];
    decode(raw_packet: Buffer, offset: number): this;
}

export = RadioBeaconFrame;
