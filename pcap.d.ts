// Types of `require('pcap/pcap')` (node_pcap's main file): the same module as `require('pcap')`.
export * from './index';
