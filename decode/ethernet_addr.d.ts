/// <reference types="node" />
// Types of `require('pcap/decode/ethernet_addr')`.

/** A MAC address; `toString()` gives lowercase `aa:bb:cc:dd:ee:ff`. Decodes in the constructor. */
declare class EthernetAddr {
    constructor(raw_packet: Uint8Array, offset: number);
    /** The six bytes. */
    addr: number[];
    toString(): string;
}

export = EthernetAddr;
