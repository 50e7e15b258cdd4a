/// <reference types="node" />
// Types of `require('pcap/decode/ipv4_addr')`.

/** An IPv4 address; `toString()` gives dotted decimal. */
declare class IPv4Addr {
    /** `new IPv4Addr()` then `.decode(raw, offset)` (node_pcap), or decoded at once. */
    constructor();
    constructor(raw_packet: Uint8Array, offset: number);
    /** The four bytes. */
    addr: number[];
    decode(raw_packet: Uint8Array, offset: number): this;
    readonly decoderName: 'ipv4-addr';
    readonly eventsOnDecode: false;
    toString(): string;
}

export = IPv4Addr;
