/// <reference types="node" />
// Types of `require('pcap/decode/ieee802.11/radio_utils')`.
import RadioManagementFrameTag = require('./radio_management_frame_tag');

/** Reads tags from `offset` while at least 6 bytes remain. */
export declare function parseTags(raw_packet: Buffer, offset: number): RadioManagementFrameTag[];
