/// <reference types="node" />
// Types of `require('pcap/decode/ipv6headers/no_next')`.

/** IPv6 "No Next Header" (59): nothing follows. */
declare class NoNext {
    constructor();
    /** A message when bytes remain after the header chain. */
    _error: string | undefined;
    /** Always undefined. */
    readonly decoderName?: never;
    decode(raw_packet: Buffer, offset: number, len?: number): this;
    /** Always `""`. */
    toString(): string;
}

export = NoNext;
