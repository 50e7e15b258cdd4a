/// <reference types="node" />
// Types of `require('pcap/decode/vlan')`.

/** One 802.1Q / 802.1ad tag; `toString()` gives `priority canonical_format id`. */
declare class Vlan {
    constructor();
    priority: number;
    /** The DEI/CFI bit, 0 or 1. */
    canonical_format: number;
    id: number;
    decode(raw_packet: Uint8Array, offset: number): this;
    readonly decoderName: 'vlan';
    readonly eventsOnDecode: false;
    toString(): string;
}

export = Vlan;
