'use strict';
// Test helper: compare one packet decoded by this package with tshark's fields
// for it (a row from ./tshark.js). Values are compared, not strings: IPv6
// addresses are normalised, hex and decimal numbers are parsed.
const Buffer = require('buffer').Buffer;
const DNS = require('../../decode/dns');

function Tally() {
  this.fields = 0;              // field values compared
  this.packets = 0;             // packets compared
  this.byField = {};            // field name -> values compared
  this.mismatches = [];         // 'label field: ours X, tshark Y'
}

Tally.prototype.check = function (label, field, ours, theirs) {
  this.fields++;
  this.byField[field] = (this.byField[field] || 0) + 1;
  if (ours !== theirs) {
    this.mismatches.push(label + ' ' + field + ': ours ' + ours + ', tshark ' + theirs);
  }
};

Tally.prototype.fail = function (label, what) {
  this.mismatches.push(label + ' ' + what);
};

// ---- value normalisation ----

function num(s) {
  if (s === undefined) { return undefined; }
  if (s === 'True') { return 1; }
  if (s === 'False') { return 0; }
  return /^0x/i.test(s) ? parseInt(s, 16) : Number(s);
}

function bool(b) {
  return b ? 1 : 0;
}

function hexBytes(arr) {
  return Buffer.from(arr).toString('hex');
}

// An IPv4Addr, IPv6Addr or EthernetAddr as a comparable string (undefined when missing).
function addr(a) {
  if (a === undefined || a === null) { return undefined; }
  return a.addr.length === 16 ? hexBytes(a.addr) : String(a);
}

// '2001:db8::1' or '::ffff:1.2.3.4' -> 32 hex digits
function v6(s) {
  if (s === undefined) { return undefined; }
  let tail;
  const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (m) {
    const q = m[2].split('.').map(Number);
    tail = hexBytes(q.slice(0, 2)) + ':' + hexBytes(q.slice(2));
    s = m[1] + tail;
  }
  const halves = s.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const groups = head.concat(new Array(8 - head.length - rest.length).fill('0'), rest);
  return groups.map(function (g) { return ('0000' + g).slice(-4); }).join('').toLowerCase();
}

function mac(s) {
  return s === undefined ? undefined : s.toLowerCase();
}

// tshark prints the root name as <Root> and escapes unprintable bytes.
function dnsName(s) {
  if (s === undefined || s === null) { return s; }
  return s === '<Root>' ? '' : s;
}

// ---- our layers ----

// Every decoder object of the packet, outermost first.
function layers(pkt) {
  const out = [];
  const seen = new Set();
  let node = pkt.payload;
  while (node !== null && typeof node === 'object' && !Buffer.isBuffer(node) && !seen.has(node)) {
    seen.add(node);
    out.push(node);
    if (node.ieee802_11Frame !== undefined) {
      node = node.ieee802_11Frame;
    } else if (node.llc !== undefined && node.llc !== null) {
      node = node.llc;
    } else {
      node = node.payload;
    }
  }
  return out;
}

function byClass(list, name) {
  return list.filter(function (l) { return l.constructor.name === name; });
}

// ---- per protocol ----

const TAG_TYPES = [0x8100, 0x88a8, 0x9100];

function compareEthernet(t, label, eth, row) {
  if (row['isl.src'].length > 0) {
    // Cisco ISL: tshark shows the 26-byte ISL header as isl.*, then the inner frame as eth.*.
    // We decode the ISL header as an 802.3 frame: same addresses, a length field.
    t.check(label, 'isl.dst', addr(eth.dhost), mac(row['isl.dst'][0]));
    t.check(label, 'isl.src', addr(eth.shost), mac(row['isl.src'][0]));
    t.check(label, 'eth.type', eth.ethertype, 0);
    return;
  }
  if (row['eth.dst'].length === 0) {
    if (eth._error === undefined) { t.fail(label, 'Ethernet: tshark has no eth layer'); }
    return;
  }
  t.check(label, 'eth.dst', addr(eth.dhost), mac(row['eth.dst'][0]));
  t.check(label, 'eth.src', addr(eth.shost), mac(row['eth.src'][0]));
  // node_pcap's ethertype is the one after the VLAN tags (0 for an 802.3 length).
  // tshark: 802.1Q and 0x9100 tags are vlan.* (vlan.etype, or vlan.len for 802.3 inside);
  // 802.1ad tags are ieee8021ad.* and hand the rest to the vlan dissector.
  const tags = eth.vlans || (eth.vlan ? [eth.vlan] : []);
  const ids = [];
  let vi = 0, ai = 0;
  let type = num(row['eth.type'][0]);
  while (TAG_TYPES.indexOf(type) >= 0) {
    if (type === 0x88a8 && ai < row['ieee8021ad.id'].length) {
      ids.push(num(row['ieee8021ad.id'][ai++]));
      // a C-tag follows (vlan.*), or the payload, whose type tshark shows in no field
      type = vi < row['vlan.id'].length ? 0x8100 : null;
    } else if (type !== 0x88a8 && vi < row['vlan.id'].length) {
      ids.push(num(row['vlan.id'][vi]));
      type = num(row['vlan.etype'][vi]);
      vi++;
    } else {
      break;
    }
  }
  t.check(label, 'vlan.count', tags.length, ids.length);
  for (let i = 0; i < tags.length && i < ids.length; i++) {
    t.check(label, 'vlan.id', tags[i].id, ids[i]);
  }
  if (eth._error === undefined && type !== null) { // undefined: vlan.len, an 802.3 frame inside
    t.check(label, 'eth.type', eth.ethertype, type === undefined || type < 1536 ? 0 : type);
  }
}

function compareSLL(t, label, sll, row) {
  if (row['sll.pkttype'].length === 0) {
    if (sll._error === undefined) { t.fail(label, 'SLL: tshark has no sll layer'); }
    return;
  }
  t.check(label, 'sll.pkttype', sll.packet_type, num(row['sll.pkttype'][0]));
  t.check(label, 'sll.hatype', sll.address_type, num(row['sll.hatype'][0]));
  t.check(label, 'sll.halen', sll.address_len, num(row['sll.halen'][0]));
  if (row['sll.src.eth'].length > 0) {
    t.check(label, 'sll.src.eth', addr(sll.address), mac(row['sll.src.eth'][0]));
  }
  const type = row['sll.etype'].length > 0 ? num(row['sll.etype'][0]) : 0;
  t.check(label, 'sll.etype', sll.ethertype, type < 1536 ? 0 : type);
  if (sll.interface_index !== undefined) {
    t.check(label, 'sll.ifindex', sll.interface_index, num(row['sll.ifindex'][0]));
  }
}

function compareNull(t, label, link, row) {
  t.check(label, 'null.family', link.pftype, num(row['null.family'][0]));
}

function compareIPv4(t, label, ip, row, k) {
  if (row['ip.src'].length <= k) {
    t.fail(label, 'IPv4 #' + k + ': tshark has no such ip layer');
    return;
  }
  t.check(label, 'ip.src', addr(ip.saddr), row['ip.src'][k]);
  t.check(label, 'ip.dst', addr(ip.daddr), row['ip.dst'][k]);
  t.check(label, 'ip.ttl', ip.ttl, num(row['ip.ttl'][k]));
  t.check(label, 'ip.id', ip.identification, num(row['ip.id'][k]));
  t.check(label, 'ip.flags.rb', ip.flags && bool(ip.flags.reserved), num(row['ip.flags.rb'][k]));
  t.check(label, 'ip.flags.df', ip.flags && bool(ip.flags.doNotFragment), num(row['ip.flags.df'][k]));
  t.check(label, 'ip.flags.mf', ip.flags && bool(ip.flags.moreFragments), num(row['ip.flags.mf'][k]));
  // tshark 4.x shows the offset field in 8-byte units; node_pcap's is in bytes.
  t.check(label, 'ip.frag_offset', ip.fragmentOffset, num(row['ip.frag_offset'][k]) * 8);
  if (ip.length !== 0) { // 0: TSO, where tshark shows the length of the rest of the frame
    t.check(label, 'ip.len', ip.length, num(row['ip.len'][k]));
  }
  t.check(label, 'ip.proto', ip.protocol, num(row['ip.proto'][k]));
  t.check(label, 'ip.hdr_len', ip.headerLength, num(row['ip.hdr_len'][k]));
}

function compareIPv6(t, label, ip, row, k) {
  if (row['ipv6.src'].length <= k) {
    t.fail(label, 'IPv6 #' + k + ': tshark has no such ipv6 layer');
    return;
  }
  t.check(label, 'ipv6.src', addr(ip.saddr), v6(row['ipv6.src'][k]));
  t.check(label, 'ipv6.dst', addr(ip.daddr), v6(row['ipv6.dst'][k]));
  t.check(label, 'ipv6.hlim', ip.hopLimit, num(row['ipv6.hlim'][k]));
  t.check(label, 'ipv6.nxt', ip.nextHeader, num(row['ipv6.nxt'][k]));
  t.check(label, 'ipv6.plen', ip.payloadLength, num(row['ipv6.plen'][k]));
}

function tcpFlags(f) {
  return (f.nonce ? 0x100 : 0) | (f.cwr ? 0x80 : 0) | (f.ece ? 0x40 : 0) | (f.urg ? 0x20 : 0) |
        (f.ack ? 0x10 : 0) | (f.psh ? 0x08 : 0) | (f.rst ? 0x04 : 0) | (f.syn ? 0x02 : 0) | (f.fin ? 0x01 : 0);
}

function last(list) {
  return list.length > 0 ? list[list.length - 1] : undefined;
}

function compareTCP(t, label, tcp, row) {
  if (row['tcp.srcport'].length === 0) {
    if (tcp._error === undefined) { t.fail(label, 'TCP: tshark has no tcp layer'); }
    return;
  }
  t.check(label, 'tcp.srcport', tcp.sport, num(row['tcp.srcport'][0]));
  t.check(label, 'tcp.dstport', tcp.dport, num(row['tcp.dstport'][0]));
  t.check(label, 'tcp.seq', tcp.seqno, num(row['tcp.seq'][0]));
  if (row['tcp.ack'].length > 0) { // tshark shows the ack number only with the ACK flag
    t.check(label, 'tcp.ack', tcp.ackno, num(row['tcp.ack'][0]));
  }
  t.check(label, 'tcp.flags', tcp.flags && tcpFlags(tcp.flags), num(row['tcp.flags'][0]) & 0x1ff);
  t.check(label, 'tcp.window_size_value', tcp.windowSize, num(row['tcp.window_size_value'][0]));
  t.check(label, 'tcp.hdr_len', tcp.headerLength, num(row['tcp.hdr_len'][0]));
  if (row['tcp.len'].length > 0) {
    t.check(label, 'tcp.len', tcp.dataLength, num(row['tcp.len'][0]));
  }
  if (row['tcp.srcport'].length > 1) {
    return; // a second TCP header further in (tunnel): the options below may be its
  }
  const o = tcp.options;
  t.check(label, 'tcp.options.mss_val', o.mss === null ? undefined : o.mss, num(last(row['tcp.options.mss_val'])));
  t.check(label, 'tcp.options.wscale.shift', o.window_scale === null ? undefined : o.window_scale,
    num(last(row['tcp.options.wscale.shift'])));
  t.check(label, 'tcp.options.sack_perm', o.sack_ok === true, row['tcp.options.sack_perm'].length > 0);
  const le = row['tcp.options.sack_le'], re = row['tcp.options.sack_re'];
  const sack = o.sack || [];
  if (le.length > 0 || sack.length > 0) {
    // tshark lists the blocks of every SACK option; node_pcap keeps the last option's.
    const n = num(last(row['tcp.options.sack.count'])) || 0;
    t.check(label, 'tcp.options.sack.count', sack.length, n);
    for (let i = 0; i < sack.length && i < n; i++) {
      const j = le.length - n + i;
      t.check(label, 'tcp.options.sack_le', sack[i][0], num(le[j]));
      t.check(label, 'tcp.options.sack_re', sack[i][1], num(re[j]));
    }
  }
  t.check(label, 'tcp.options.timestamp.tsval', o.timestamp === null ? undefined : o.timestamp,
    num(last(row['tcp.options.timestamp.tsval'])));
  t.check(label, 'tcp.options.timestamp.tsecr', o.echo === null ? undefined : o.echo,
    num(last(row['tcp.options.timestamp.tsecr'])));
}

function compareUDP(t, label, udp, row) {
  if (row['udp.srcport'].length === 0) {
    if (udp._error === undefined) { t.fail(label, 'UDP: tshark has no udp layer'); }
    return;
  }
  t.check(label, 'udp.srcport', udp.sport, num(row['udp.srcport'][0]));
  t.check(label, 'udp.dstport', udp.dport, num(row['udp.dstport'][0]));
  t.check(label, 'udp.length', udp.length, num(row['udp.length'][0]));
}

function compareICMP(t, label, icmp, row) {
  if (row['icmp.type'].length === 0) {
    if (icmp._error === undefined) { t.fail(label, 'ICMP: tshark has no icmp layer'); }
    return;
  }
  t.check(label, 'icmp.type', icmp.type, num(row['icmp.type'][0]));
  t.check(label, 'icmp.code', icmp.code, num(row['icmp.code'][0]));
  if (icmp.id !== undefined || [0, 8, 13, 14, 15, 16, 17, 18].indexOf(icmp.type) >= 0) {
    t.check(label, 'icmp.ident', icmp.id, num(row['icmp.ident'][0]));
    t.check(label, 'icmp.seq', icmp.seq, num(row['icmp.seq'][0]));
  }
}

function compareICMPv6(t, label, icmp, row) {
  if (row['icmpv6.type'].length === 0) {
    if (icmp._error === undefined) { t.fail(label, 'ICMPv6: tshark has no icmpv6 layer'); }
    return;
  }
  t.check(label, 'icmpv6.type', icmp.type, num(row['icmpv6.type'][0]));
  t.check(label, 'icmpv6.code', icmp.code, num(row['icmpv6.code'][0]));
  if (icmp.type === 128 || icmp.type === 129) {
    t.check(label, 'icmpv6.echo.identifier', icmp.id, num(row['icmpv6.echo.identifier'][0]));
    t.check(label, 'icmpv6.echo.sequence_number', icmp.seq, num(row['icmpv6.echo.sequence_number'][0]));
  }
  const target = row['icmpv6.nd.ns.target_address'][0] || row['icmpv6.nd.na.target_address'][0] ||
        row['icmpv6.nd.rd.target_address'][0];
  if (icmp.targetAddress !== undefined || target !== undefined) {
    t.check(label, 'icmpv6.nd.target_address', addr(icmp.targetAddress),
      v6(target));
  }
}

function compareIGMP(t, label, igmp, row) {
  if (row['igmp.type'].length === 0) {
    // type 0x13 is DVMRP (tshark: dvmrp.*), which node_pcap does not decode
    if (igmp.type !== 0x13) { t.fail(label, 'IGMP: tshark has no igmp layer'); }
    return;
  }
  t.check(label, 'igmp.type', igmp.type, num(row['igmp.type'][0]));
  t.check(label, 'igmp.version', igmp.version, num(row['igmp.version'][0]));
  if (row['igmp.maddr'].length > 0 && igmp.type !== 0x22) {
    t.check(label, 'igmp.maddr', addr(igmp.groupAddress), row['igmp.maddr'][0]);
  }
  if (igmp.groupRecords) {
    const addrs = igmp.groupRecords.map(function (g) { return String(g.multicastAddress); });
    t.check(label, 'igmp.maddr', addrs.join(), row['igmp.maddr'].join());
  }
}

// tshark shows a hardware address as a MAC only for Ethernet-like hardware types and a
// protocol address as IPv4 only for type 0x0800; otherwise as bytes. node_pcap reads any
// 6-byte / 4-byte pair as MAC / IPv4: the bytes are compared.
function arpAddr(row, macField, rawField) {
  const v = row[macField][0];
  if (v !== undefined && v.indexOf('.') > 0) { return hexBytes(v.split('.').map(Number)); }
  if (v !== undefined) { return v.replace(/:/g, ''); }
  if (row[rawField].length > 0) { return row[rawField][0].replace(/[:]/g, ''); }
  return undefined;
}

function arpOurs(a) {
  return a === undefined ? undefined : hexBytes(a.addr);
}

function compareArp(t, label, arp, row) {
  if (row['arp.opcode'].length === 0) {
    if (arp._error === undefined) { t.fail(label, 'ARP: tshark has no arp layer'); }
    return;
  }
  t.check(label, 'arp.opcode', arp.operation, num(row['arp.opcode'][0]));
  t.check(label, 'arp.hw.size', arp.hlen, num(row['arp.hw.size'][0]));
  t.check(label, 'arp.proto.size', arp.plen, num(row['arp.proto.size'][0]));
  if (arp.hlen === 6 && arp.plen === 4) { // node_pcap decodes the addresses of Ethernet/IPv4 ARP only
    t.check(label, 'arp.src.hw', arpOurs(arp.sender_ha), arpAddr(row, 'arp.src.hw_mac', 'arp.src.hw'));
    t.check(label, 'arp.src.proto', arpOurs(arp.sender_pa),
      arpAddr(row, 'arp.src.proto_ipv4', 'arp.src.proto'));
    t.check(label, 'arp.dst.hw', arpOurs(arp.target_ha), arpAddr(row, 'arp.dst.hw_mac', 'arp.dst.hw'));
    t.check(label, 'arp.dst.proto', arpOurs(arp.target_pa),
      arpAddr(row, 'arp.dst.proto_ipv4', 'arp.dst.proto'));
  }
}

// ---- DNS ----

function dnsFlags(h) {
  return (h.isResponse ? 0x8000 : 0) | (h.opcode << 11) | (h.isAuthority ? 0x400 : 0) |
        (h.isTruncated ? 0x200 : 0) | (h.isRecursionDesired ? 0x100 : 0) | (h.isRecursionAvailible ? 0x80 : 0) |
        (h.z << 4) | h.responseCode;
}

function records(dns) {
  let out = [];
  [dns.answer, dns.authority, dns.additional].forEach(function (set) {
    if (set) { out = out.concat(set.rrs); }
  });
  return out;
}

function listCheck(t, label, field, ours, theirs) {
  t.check(label, field, ours.join('\x1f'), theirs.join('\x1f'));
}

function compareDNS(t, label, dns, row) {
  t.check(label, 'dns.id', dns.id, num(row['dns.id'][0]));
  t.check(label, 'dns.flags', dnsFlags(dns.header), num(row['dns.flags'][0]));
  t.check(label, 'dns.count.queries', dns.qdcount, num(row['dns.count.queries'][0]));
  t.check(label, 'dns.count.answers', dns.ancount, num(row['dns.count.answers'][0]));
  t.check(label, 'dns.count.auth_rr', dns.nscount, num(row['dns.count.auth_rr'][0]));
  t.check(label, 'dns.count.add_rr', dns.arcount, num(row['dns.count.add_rr'][0]));
  if (row['dns.id'].length > 1) {
    return; // several DNS messages in one packet (DNS over TCP): only the first header is ours
  }
  const qs = dns.question ? dns.question.rrs : [];
  listCheck(t, label, 'dns.qry.name', qs.map(function (q) { return q.name; }), row['dns.qry.name'].map(dnsName));
  listCheck(t, label, 'dns.qry.type', qs.map(function (q) { return q.type; }), row['dns.qry.type'].map(num));
  const rrs = records(dns);
  // tshark 4.0 shows an SRV record's owner name as dns.srv.service/proto/name, not dns.resp.name
  const named = rrs.filter(function (r) { return r.type !== 33; });
  listCheck(t, label, 'dns.resp.name', named.map(function (r) { return r.name; }), row['dns.resp.name'].map(dnsName));
  listCheck(t, label, 'dns.resp.type', rrs.map(function (r) { return r.type; }), row['dns.resp.type'].map(num));
  function ofType(type) {
    return rrs.filter(function (r) { return r.type === type && r.rdata !== null && r.rdata !== undefined; });
  }
  listCheck(t, label, 'dns.a', ofType(1).map(function (r) { return String(r.rdata); }), row['dns.a']);
  listCheck(t, label, 'dns.aaaa', ofType(28).map(function (r) { return hexBytes(r.rdata.addr); }),
    row['dns.aaaa'].map(v6));
  listCheck(t, label, 'dns.ns', ofType(2).map(function (r) { return r.rdata; }), row['dns.ns'].map(dnsName));
  listCheck(t, label, 'dns.cname', ofType(5).map(function (r) { return r.rdata; }), row['dns.cname'].map(dnsName));
  listCheck(t, label, 'dns.ptr.domain_name', ofType(12).map(function (r) { return r.rdata; }),
    row['dns.ptr.domain_name'].map(dnsName));
  const mx = ofType(15);
  listCheck(t, label, 'dns.mx.preference', mx.map(function (r) { return r.rdata.preference; }),
    row['dns.mx.preference'].map(num));
  listCheck(t, label, 'dns.mx.mail_exchange', mx.map(function (r) { return r.rdata.exchange; }),
    row['dns.mx.mail_exchange'].map(dnsName));
  let txt = [];
  ofType(16).forEach(function (r) { txt = txt.concat(r.rdata); });
  // tshark 4.0 shows each non-ASCII byte of a TXT string as U+FFFD; we decode UTF-8.
  listCheck(t, label, 'dns.txt', txt.map(function (x) { return x.replace(/[\u0080-\uffff]/g, ''); }),
    row['dns.txt'].map(function (x) { return x.replace(/\ufffd/g, ''); }));
  const soa = ofType(6);
  listCheck(t, label, 'dns.soa.mname', soa.map(function (r) { return r.rdata.mname; }),
    row['dns.soa.mname'].map(dnsName));
  listCheck(t, label, 'dns.soa.rname', soa.map(function (r) { return r.rdata.rname; }),
    row['dns.soa.rname'].map(dnsName));
  [['serial', 'serial_number'], ['refresh', 'refresh_interval'], ['retry', 'retry_interval'],
    ['expire', 'expire_limit'], ['minimum', 'minimum_ttl']].forEach(function (p) {
    listCheck(t, label, 'dns.soa.' + p[1], soa.map(function (r) { return r.rdata[p[0]]; }),
      row['dns.soa.' + p[1]].map(num));
  });
  const srv = ofType(33);
  ['priority', 'weight', 'port'].forEach(function (p) {
    listCheck(t, label, 'dns.srv.' + p, srv.map(function (r) { return r.rdata[p]; }), row['dns.srv.' + p].map(num));
  });
  listCheck(t, label, 'dns.srv.target', srv.map(function (r) { return r.rdata.target; }),
    row['dns.srv.target'].map(dnsName));
}

// The DNS message carried by the packet's transport layer, decoded as node_pcap's
// UDP.toString() does (over TCP, after the 2-byte length prefix).
function dnsOf(transport) {
  if (transport === undefined || !transport.data) { return null; }
  if (transport.constructor.name === 'TCP') {
    if (transport.data.length < 14) { return null; }
    return new DNS().decode(transport.data.subarray(2), 0);
  }
  return new DNS().decode(transport.data, 0);
}

// ---- layers tshark found that we should have decoded too ----

// tshark protocol name -> our class (null: a header we decode without a layer of its own).
const DECODED = {
  eth: 'EthernetPacket', sll: null, null: 'NullPacket', ethertype: null, vlan: null, ieee8021ad: null,
  radiotap: 'RadioPacket', wlan_radio: null, wlan: 'RadioFrame', llc: 'LogicalLinkControl',
  ip: 'IPv4', ipv6: 'IPv6', 'ipv6.hopopts': null, 'ipv6.dstopts': null, 'ipv6.routing': null,
  'ipv6.fraghdr': null, ah: null,
  tcp: 'TCP', udp: 'UDP', icmp: 'ICMP', icmpv6: 'ICMPv6', igmp: 'IGMP', arp: 'Arp'
};
// Nothing of ours follows these (ICMP errors quote headers; tshark decodes them again).
const LAST = ['tcp', 'udp', 'icmp', 'icmpv6', 'igmp', 'arp'];

// Walks tshark's protocol stack (frame.protocols) up to the first protocol we do not
// decode, and checks that we have a layer for each one on the way.
function compareStack(t, label, ls, row) {
  const stack = (row['frame.protocols'][0] || '').split(':');
  const ours = ls.map(function (l) { return l.constructor.name; });
  let used = 0;
  for (let i = 1; i < stack.length; i++) { // stack[0] is "frame"
    const proto = stack[i];
    if (!Object.prototype.hasOwnProperty.call(DECODED, proto)) { break; }
    if (proto === 'llc' && stack[i - 1] !== 'wlan') { break; } // node_pcap decodes no 802.3 LLC
    if (proto === 'arp' && row['eth.type'].indexOf('0x8035') >= 0) { break; } // nor RARP
    const cls = DECODED[proto];
    if (cls !== null) {
      const at = ours.indexOf(cls, used);
      if (at < 0) {
        if (ls.every(function (l) { return l._error === undefined; })) {
          t.fail(label, 'tshark decodes ' + stack.slice(0, i + 1).join(':') + ', we have ' + ours.join(':'));
        }
        return;
      }
      used = at + 1;
    }
    if (LAST.indexOf(proto) >= 0) { break; }
  }
  t.check(label, 'frame.protocols', true, true);
}

// ---- one packet ----

function comparePacket(t, label, pkt, row) {
  const ls = layers(pkt);
  t.packets++;
  compareStack(t, label, ls, row);
  const link = ls[0];
  const linkName = link ? link.constructor.name : '';
  if (linkName === 'EthernetPacket') { compareEthernet(t, label, link, row); }
  if (linkName === 'SLLPacket' || linkName === 'SLL2Packet') { compareSLL(t, label, link, row); }
  if (linkName === 'NullPacket') { compareNull(t, label, link, row); }
  byClass(ls, 'IPv4').forEach(function (ip, k) { compareIPv4(t, label, ip, row, k); });
  byClass(ls, 'IPv6').forEach(function (ip, k) { compareIPv6(t, label, ip, row, k); });
  let transport;
  ls.forEach(function (l) {
    const name = l.constructor.name;
    if (transport !== undefined) { return; } // the first transport header only
    if (name === 'TCP') { transport = l; compareTCP(t, label, l, row); }
    if (name === 'UDP') { transport = l; compareUDP(t, label, l, row); }
    if (name === 'ICMP') { transport = l; compareICMP(t, label, l, row); }
    if (name === 'ICMPv6') { transport = l; compareICMPv6(t, label, l, row); }
    if (name === 'IGMP') { transport = l; compareIGMP(t, label, l, row); }
    if (name === 'Arp') { transport = l; compareArp(t, label, l, row); }
  });
  if (row['dns.id'].length > 0 && transport !== undefined) {
    const dns = dnsOf(transport);
    if (dns !== null) { compareDNS(t, label, dns, row); }
  }
}

module.exports = { Tally: Tally, comparePacket: comparePacket, layers: layers, v6: v6 };
