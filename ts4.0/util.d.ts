// `require('pcap/util')` for TypeScript 3.1 to 4.0 (see index.d.ts).
export declare const int8_to_dec: ReadonlyArray<string>;
export declare const int8_to_hex: ReadonlyArray<string>;
export declare const int8_to_hex_nopad: ReadonlyArray<string>;
