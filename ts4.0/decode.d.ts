// `require('pcap/decode')` for TypeScript 3.1 to 4.0 (see ../index.d.ts): untyped, as in node_pcap 3.1.0.
export declare const decode: any;
export declare const EthernetPacket: any;
export declare const IPv4Packet: any;
export declare const IPv6Packet: any;
export declare const ArpPacket: any;
export declare const PcapPacket: any;
