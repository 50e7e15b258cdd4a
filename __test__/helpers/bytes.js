'use strict';
// Older name for the layer builders of helpers/packets.js (the one packet builder).
const p = require('./packets');

module.exports = {
  hex: p.hex, u16: p.u16, u32: p.u32, ip4: p.ip4, eth: p.eth, ipv4: p.ipv4, ipv6: p.ipv6, tcp: p.tcp, udp: p.udp,
  header: p.header, pkt: p.pkt, dnsName: p.dnsName, V6_SRC: p.V6_SRC, V6_DST: p.V6_DST,
};
