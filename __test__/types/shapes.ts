// Runtime constructor name -> declared type, for the runtime-shape check in __test__/types.test.js
// (every own property a decoder object has at runtime must be declared, and every required
// declared field must be an own property).
import type * as P from 'pcap';
import DNS = require('pcap/decode/dns');
import IGMP = require('pcap/decode/igmp');
import RadioPacket = require('pcap/decode/ieee802.11/radio_packet');

export interface Shapes {
    PcapPacket: P.PcapPacket;
    PcapHeader: P.PcapHeader;
    EthernetPacket: P.EthernetPacket;
    EthernetAddr: P.EthernetAddr;
    Vlan: P.Vlan;
    IPv4: P.IPv4;
    IPFlags: P.IPFlags;
    IPv4Addr: P.IPv4Addr;
    IPv6: P.IPv6;
    IPv6Addr: P.IPv6Addr;
    Arp: P.Arp;
    TCP: P.TCP;
    TCPFlags: P.TCPFlags;
    TCPOptions: P.TCPOptions;
    UDP: P.UDP;
    ICMP: P.ICMP;
    ICMPv6: P.ICMPv6;
    IGMP: P.IGMP;
    NullPacket: P.NullPacket;
    SLLPacket: P.SLLPacket;
    SLL2Packet: P.SLL2Packet;
    SLLAddr: P.SLLAddr;
    LogicalLinkControl: P.LogicalLinkControl;
    HeaderExtension: P.HeaderExtension;
    FragmentHeader: P.FragmentHeader;
    ESP: P.ESP;
    AuthenticationHeader: P.AuthenticationHeader;
    NoNext: P.NoNext;
    RadioPacket: P.RadioPacket;
    RadioFrame: P.RadioFrame;
    RadioFrameFlags: P.RadioFrameFlags;
    RadioBeaconFrame: P.RadioBeaconFrame;
    RadioProbeFrame: P.RadioProbeFrame;
    RadioMangementFrameTag: P.RadioManagementFrameTag; // node_pcap's spelling of the runtime class name
    DNS: P.DNS;
    DnsFlags: P.DnsFlags;
    DNSRRSet: P.DNSRRSet;
    DNSRR: DNS.DNSRRBase & Pick<DNS.DNSRRAAAA, 'data'>;
    DnsMX: DNS.DnsMX;
    DnsSOA: DNS.DnsSOA;
    DnsSRV: DNS.DnsSRV;
    DnsOPT: DNS.DnsOPT;
    TCPSession: P.TCPSession;
    TCPTracker: P.TCPTracker;
    DNSCache: P.DNSCache;
    PacketWithHeader: P.PacketWithHeader;
    HTTPTracker: P.HTTPTracker;
    HTTPExchange: P.HTTPExchange;
    HTTPRequest: P.HTTPRequest;
    HTTPResponse: P.HTTPResponse;
    // plain objects, by the property that holds them
    'TCPOptions.unknown[]': P.TCP.UnknownOption;
    'IGMP.groupRecords[]': IGMP.GroupRecord;
    'DnsOPT.options[]': DNS.DnsOPTOption;
    'RadioPacket.fields': RadioPacket.RadiotapFields;
}
