// `require('pcap/decode/index')` for TypeScript 3.1 to 4.0: as `pcap/decode`.
export * from '../decode';
