// Types of `require('pcap/pcap')` for TypeScript 3.1 to 4.0 (see index.d.ts here).
export * from './index';
