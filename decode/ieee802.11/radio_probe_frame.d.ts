/// <reference types="node" />
// Types of `require('pcap/decode/ieee802.11/radio_probe_frame')`.
import RadioManagementFrameTag = require('./radio_management_frame_tag');

/** A probe request body: tags only. */
declare class RadioProbeFrame {
    constructor();
    tags: RadioManagementFrameTag[];
    decode(raw_packet: Buffer, offset: number): this;
}

export = RadioProbeFrame;
