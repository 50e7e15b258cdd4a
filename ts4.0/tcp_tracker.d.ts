// `require('pcap/tcp_tracker')` for TypeScript 3.1 to 4.0 (see index.d.ts): untyped, as in node_pcap 3.1.0.
export declare const TCPTracker: any;
export declare const TCPSession: any;
