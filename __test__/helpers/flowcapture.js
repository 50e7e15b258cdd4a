'use strict';
// Test helper: writes a capture for the flow meter tests, packet by packet with the package's
// own createWriter: IPv4 and IPv6, TCP (handshakes, a TLS ClientHello, an HTTP request, a
// lost segment with duplicate ACKs and a fast retransmission, a timeout retransmission, an
// out-of-order segment, a zero window, FIN and RST endings, a reused port), UDP (DNS), ICMP and
// ICMPv6 echo, a VLAN and a QinQ stack, and a batch of short UDP flows. Reference values come
// from tshark and nfdump at test time, not from here.
const b = require('./bytes');

const MSS_WS = Buffer.from([2, 4, 5, 0xb4, 1, 3, 3, 7]);

function clientHello(sni, alpn) {
  const name = Buffer.from(sni);
  const sn = Buffer.concat([Buffer.from([0]), b.u16(name.length), name]);
  const snExt = Buffer.concat([b.u16(0), b.u16(sn.length + 2), b.u16(sn.length), sn]);
  const protos = Buffer.concat(alpn.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])));
  const alpnExt = Buffer.concat([b.u16(16), b.u16(protos.length + 2), b.u16(protos.length), protos]);
  const ext = Buffer.concat([snExt, alpnExt]);
  const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), b.hex('00021301'),
    Buffer.from([1, 0]), b.u16(ext.length), ext]);
  const hs = Buffer.concat([Buffer.from([1, 0]), b.u16(body.length), body]);
  return Buffer.concat([Buffer.from([22, 3, 1]), b.u16(hs.length), hs]);
}

function dnsQuery(id, name, response) {
  const h = Buffer.concat([b.u16(id), b.u16(response ? 0x8180 : 0x0100), b.u16(1), b.u16(response ? 1 : 0), b.u16(0), b.u16(0)]);
  const q = Buffer.concat([b.dnsName(name), b.u16(1), b.u16(1)]);
  const a = response ? b.hex('c00c000100010000003c00045db8d822') : Buffer.alloc(0);
  return Buffer.concat([h, q, a]);
}

function v6(last) {
  const a = Buffer.from(b.V6_SRC);
  a[15] = last;
  return a;
}

// Writes the capture; returns the number of packets.
function writeFlowCapture(pcap, path) {
  const w = pcap.createWriter(path, { link_type: 'LINKTYPE_ETHERNET' });
  let us = 1700000000 * 1e6;
  let n = 0;
  function put(frame, dtUs) {
    us += dtUs;
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(us / 1e6), 0);
    h.writeUInt32LE(us % 1e6, 4);
    h.writeUInt32LE(frame.length, 8);
    h.writeUInt32LE(frame.length, 12);
    w.write({ buf: frame, header: h });
    n++;
  }
  function vlanTags(tags) {
    return Buffer.concat((tags || []).map((t, i) => Buffer.concat([b.u16(i === 0 && tags.length > 1 ? 0x88a8 : 0x8100), b.u16(t)])));
  }
  // IP packet in Ethernet, either direction.
  function ip(c, fromClient, proto, l4) {
    const [src, dst] = fromClient ? [c.client, c.server] : [c.server, c.client];
    const tags = vlanTags(c.vlans);
    if (c.v6) return b.eth(0x86dd, b.ipv6(proto, l4, { src: v6(src), dst: v6(dst) }), { tags });
    return b.eth(0x0800, b.ipv4(proto, l4, { src: '10.0.' + c.net + '.' + src, dst: '10.0.' + c.net + '.' + dst }), { tags });
  }
  // A TCP connection: seq numbers kept per side.
  function tcpConn(c) {
    const side = { true: { seq: c.isn, port: c.cport }, false: { seq: c.sisn, port: c.sport } };
    return {
      send(fromClient, flags, data, dt, o) {
        o = o || {};
        const me = side[fromClient];
        const peer = side[!fromClient];
        data = data || Buffer.alloc(0);
        const seq = o.seq !== undefined ? o.seq : me.seq;
        const seg = b.tcp({
          sport: me.port, dport: peer.port, seq, ack: flags.includes('A') ? (o.ack !== undefined ? o.ack : peer.seq) : 0, flags,
          options: flags.includes('S') ? MSS_WS : undefined,
        }, data);
        seg.writeUInt16BE(o.win !== undefined ? o.win : 1000, 14); // (bytes.tcp takes 0 as its default)
        put(ip(c, fromClient, 6, seg), dt);
        if (o.seq === undefined) me.seq = (me.seq + data.length + (flags.includes('S') || flags.includes('F') ? 1 : 0)) >>> 0;
      },
      side,
    };
  }

  // 1. IPv4 TLS: handshake, ClientHello, response in three segments, FIN both ways.
  let t = tcpConn({ net: 1, client: 1, server: 2, cport: 40001, sport: 443, isn: 1000, sisn: 50000 });
  t.send(true, 'S', null, 1000);
  t.send(false, 'SA', null, 2000);
  t.send(true, 'A', null, 3000);
  t.send(true, 'PA', clientHello('example.org', ['h2', 'http/1.1']), 100);
  t.send(false, 'A', null, 2000);
  for (let i = 0; i < 3; i++) t.send(false, 'PA', Buffer.alloc(1000, i), 100);
  t.send(true, 'A', null, 1000);
  t.send(true, 'FA', null, 1000);
  t.send(false, 'FA', null, 1000);
  t.send(true, 'A', null, 1000);

  // 2. IPv4 with losses: a segment lost, three duplicate ACKs, the fast retransmission; a
  // timeout retransmission; an out-of-order segment; a zero window; then RST.
  t = tcpConn({ net: 1, client: 3, server: 2, cport: 40002, sport: 8080, isn: 7000, sisn: 90000 });
  t.send(true, 'S', null, 5000);
  t.send(false, 'SA', null, 4000);
  t.send(true, 'A', null, 4000);
  const s = t.side.false;
  const base = s.seq;
  t.send(false, 'A', Buffer.alloc(500, 1), 1000); // base..base+500
  s.seq = (base + 1000) >>> 0; // base+500..+1000 is lost
  t.send(false, 'A', Buffer.alloc(500, 2), 100, { seq: base + 1000 });
  t.send(false, 'A', Buffer.alloc(500, 3), 100, { seq: base + 1500 });
  t.send(false, 'A', Buffer.alloc(500, 4), 100, { seq: base + 2000 });
  s.seq = (base + 2500) >>> 0;
  for (let i = 0; i < 3; i++) t.send(true, 'A', null, 200, { ack: base + 500 });
  t.send(false, 'A', Buffer.alloc(500, 5), 1000, { seq: base + 500 }); // fast retransmission
  t.send(true, 'A', null, 3000);
  t.send(false, 'PA', Buffer.alloc(300, 6), 1000);
  t.send(false, 'PA', Buffer.alloc(300, 6), 400000, { seq: base + 2500 }); // timeout retransmission
  t.send(true, 'A', null, 2000);
  // Out of order: the later segment first, the earlier one 1 ms after.
  const o = s.seq;
  t.send(false, 'A', Buffer.alloc(200, 7), 1000, { seq: o + 200 });
  t.send(false, 'A', Buffer.alloc(200, 8), 1000, { seq: o });
  s.seq = (o + 400) >>> 0;
  t.send(true, 'A', null, 1000, { win: 0 }); // zero window
  t.send(true, 'A', null, 50000, { win: 1000 });
  t.send(true, 'RA', null, 1000);

  // 3. A new connection on the same ports after the RST (new ISN): a second flow.
  t = tcpConn({ net: 1, client: 3, server: 2, cport: 40002, sport: 8080, isn: 123456, sisn: 777 });
  t.send(true, 'S', null, 2000);
  t.send(false, 'SA', null, 1500);
  t.send(true, 'A', null, 1500);
  t.send(true, 'RA', null, 1000);

  // 4. IPv6 HTTP with a Host header that carries an escape sequence.
  t = tcpConn({ v6: true, client: 1, server: 2, cport: 50001, sport: 80, isn: 300, sisn: 400 });
  t.send(true, 'S', null, 1000);
  t.send(false, 'SA', null, 700);
  t.send(true, 'A', null, 800);
  t.send(true, 'PA', Buffer.from('GET / HTTP/1.1\r\nHost: www.example.com\x1b[2J\r\n\r\n'), 100);
  t.send(false, 'PA', Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 900);
  t.send(true, 'FA', null, 500);
  t.send(false, 'FA', null, 500);
  t.send(true, 'A', null, 500);

  // 5. TCP on VLAN 100, then UDP on QinQ 200/300 (addresses of their own: tshark's
  // conversations ignore VLAN ids).
  t = tcpConn({ net: 100, vlans: [100], client: 1, server: 2, cport: 40100, sport: 22, isn: 1, sisn: 2 });
  t.send(true, 'S', null, 1000);
  t.send(false, 'SA', null, 1000);
  t.send(true, 'A', null, 1000);
  t.send(true, 'PA', Buffer.from('SSH-2.0-test\r\n'), 1000);
  t.send(false, 'PA', Buffer.from('SSH-2.0-peer\r\n'), 1000);
  t.send(true, 'RA', null, 1000);
  const qinq = { net: 200, vlans: [200, 300], client: 1, server: 2 };
  put(ip(qinq, true, 17, b.udp(5000, 6000, Buffer.from('hello'))), 1000);
  put(ip(qinq, false, 17, b.udp(6000, 5000, Buffer.from('world!'))), 1000);

  // 6. DNS over UDP, IPv4 and IPv6.
  const dns4 = { net: 2, client: 1, server: 53 };
  put(ip(dns4, true, 17, b.udp(33333, 53, dnsQuery(1, 'flows.example'))), 1000);
  put(ip(dns4, false, 17, b.udp(53, 33333, dnsQuery(1, 'flows.example', true))), 3000);
  const dns6 = { v6: true, client: 1, server: 53 };
  put(ip(dns6, true, 17, b.udp(33334, 53, dnsQuery(2, 'six.example'))), 1000);
  put(ip(dns6, false, 17, b.udp(53, 33334, dnsQuery(2, 'six.example', true))), 3000);

  // 7. ICMP echo, IPv4 (three pings) and IPv6 (one).
  const ping = { net: 3, client: 1, server: 2 };
  for (let i = 0; i < 3; i++) {
    put(ip(ping, true, 1, Buffer.concat([b.hex('0800f7ff'), b.u16(77), b.u16(i), Buffer.alloc(8)])), 1000);
    put(ip(ping, false, 1, Buffer.concat([b.hex('0000ffff'), b.u16(77), b.u16(i), Buffer.alloc(8)])), 500);
  }
  const ping6 = { v6: true, client: 1, server: 9 };
  put(ip(ping6, true, 58, Buffer.concat([b.hex('80000000'), b.u16(5), b.u16(1)])), 1000);
  put(ip(ping6, false, 58, Buffer.concat([b.hex('81000000'), b.u16(5), b.u16(1)])), 500);

  // 8. An unanswered SYN, sent three times.
  t = tcpConn({ net: 4, client: 1, server: 2, cport: 45000, sport: 25, isn: 99, sisn: 0 });
  for (let i = 0; i < 3; i++) t.send(true, 'S', null, 1000000, { seq: 99 });

  // 9. Forty short UDP flows, one or two packets each.
  for (let i = 0; i < 40; i++) {
    const u = { net: 5, client: 1 + (i % 7), server: 100 + (i % 5) };
    put(ip(u, true, 17, b.udp(20000 + i, 7000 + (i % 3), Buffer.alloc(10 + i))), 300);
    if (i % 2) put(ip(u, false, 17, b.udp(7000 + (i % 3), 20000 + i, Buffer.alloc(5))), 300);
  }
  w.close();
  return n;
}

module.exports = { writeFlowCapture, clientHello, dnsQuery };
