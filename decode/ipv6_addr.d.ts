/// <reference types="node" />
// Types of `require('pcap/decode/ipv6_addr')`.

/** An IPv6 address; `toString()` gives eight uncompressed groups (`fe80:0000:...`), as node_pcap. */
declare class IPv6Addr {
    /** `new IPv6Addr()` then `.decode(raw, offset)` (node_pcap), or decoded at once. */
    constructor();
    constructor(raw_packet: Uint8Array, offset: number);
    /** The sixteen bytes. */
    addr: number[];
    decode(raw_packet: Uint8Array, offset: number): this;
    readonly decoderName: 'ipv6-addr';
    readonly eventsOnDecode: false;
    toString(): string;
}

export = IPv6Addr;
