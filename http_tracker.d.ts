// Types of `require('pcap/http_tracker')`: the exports of lib/http.js (HTTPTracker and its defaults),
// the same class as `require('pcap').HTTPTracker`.
export * from './lib/http';
