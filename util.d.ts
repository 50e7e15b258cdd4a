// Types of `require('pcap/util')`: byte -> string lookup tables (256 entries each).
/** `"0"` ... `"255"`. */
export declare const int8_to_dec: readonly string[];
/** Two lowercase hex digits, `"00"` ... `"ff"`. */
export declare const int8_to_hex: readonly string[];
/** Lowercase hex without padding, `"0"` ... `"ff"`. */
export declare const int8_to_hex_nopad: readonly string[];
