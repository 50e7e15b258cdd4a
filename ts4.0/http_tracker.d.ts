// `require('pcap/http_tracker')` for TypeScript 3.1 to 4.0 (see index.d.ts): untyped.
export declare const HTTPTracker: any;
export declare const DEFAULTS: any;
