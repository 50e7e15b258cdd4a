/// <reference types="node" />
// Types of `require('pcap/decode/sll_addr')`.

/** Link-layer address of a Linux cooked capture header (at most 8 bytes); `toString()` gives `aa:bb:...`. */
declare class SLLAddr {
    constructor(raw_packet: Uint8Array, offset: number, len: number);
    addr: number[];
    /** node_pcap's spelling. */
    readonly decoderName: 'ssl-addr';
    readonly eventsOnDecode: false;
    toString(): string;
}

export = SLLAddr;
