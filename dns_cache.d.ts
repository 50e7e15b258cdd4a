// Types of `require('pcap/dns_cache')`: the module is the DNSCache class (as node_pcap).
import { DNSCache } from './index';
export = DNSCache;
