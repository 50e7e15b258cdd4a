//! Meter tests on hand-built packets.

use super::hints::tests::{client_hello, dns};
use super::key::tcpflag::{ACK, FIN, PSH, RST, SYN};
use super::*;
use crate::structure::structure;

const MS: u64 = 1_000_000;

/// Builds Ethernet frames of one conversation between `a` (client) and `b` (server).
struct Conv {
    a: [u8; 4],
    b: [u8; 4],
    pa: u16,
    pb: u16,
    vlan: Option<u16>,
}

impl Conv {
    fn new(pa: u16, pb: u16) -> Conv {
        Conv {
            a: [10, 0, 0, 1],
            b: [10, 0, 0, 2],
            pa,
            pb,
            vlan: None,
        }
    }

    fn frame(&self, from_a: bool, proto: u8, l4: &[u8]) -> Vec<u8> {
        let (s, d) = if from_a {
            (self.a, self.b)
        } else {
            (self.b, self.a)
        };
        let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0];
        ip[2..4].copy_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
        ip.extend_from_slice(&s);
        ip.extend_from_slice(&d);
        ip.extend_from_slice(l4);
        let mut f = vec![0u8; 12];
        if let Some(v) = self.vlan {
            f.extend_from_slice(&[0x81, 0x00]);
            f.extend_from_slice(&v.to_be_bytes());
        }
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(&ip);
        f
    }

    fn tcp(&self, from_a: bool, seq: u32, ack: u32, flags: u8, data: &[u8]) -> Vec<u8> {
        let (sp, dp) = if from_a {
            (self.pa, self.pb)
        } else {
            (self.pb, self.pa)
        };
        let mut t = vec![0u8; 20];
        t[0..2].copy_from_slice(&sp.to_be_bytes());
        t[2..4].copy_from_slice(&dp.to_be_bytes());
        t[4..8].copy_from_slice(&seq.to_be_bytes());
        t[8..12].copy_from_slice(&ack.to_be_bytes());
        t[12] = 5 << 4;
        t[13] = flags;
        t[14..16].copy_from_slice(&1000u16.to_be_bytes());
        if flags & SYN != 0 {
            t[12] = 7 << 4;
            t.extend_from_slice(&[2, 4, 5, 0xb4, 1, 3, 3, 7]);
        }
        t.extend_from_slice(data);
        self.frame(from_a, 6, &t)
    }

    fn udp(&self, from_a: bool, data: &[u8]) -> Vec<u8> {
        let (sp, dp) = if from_a {
            (self.pa, self.pb)
        } else {
            (self.pb, self.pa)
        };
        let mut u = Vec::new();
        u.extend_from_slice(&sp.to_be_bytes());
        u.extend_from_slice(&dp.to_be_bytes());
        u.extend_from_slice(&((8 + data.len()) as u16).to_be_bytes());
        u.extend_from_slice(&[0, 0]);
        u.extend_from_slice(data);
        self.frame(from_a, 17, &u)
    }
}

fn feed(m: &mut Meter, ts: u64, pkt: &[u8], out: &mut Vec<FlowRecord>) {
    m.packet(ts, pkt.len() as u32, pkt, &structure(1, pkt), out);
}

#[test]
fn tcp_connection_with_handshake_hints_and_fin() {
    let mut m = Meter::new(Config::default());
    let c = Conv::new(40000, 443);
    let hello = client_hello(b"example.org", &[b"h2"]);
    let n = hello.len() as u32;
    let mut out = Vec::new();
    // The server's SYN+ACK is the first packet seen: the client is still the initiator.
    feed(&mut m, MS, &c.tcp(true, 100, 0, SYN, &[]), &mut out);
    feed(
        &mut m,
        3 * MS,
        &c.tcp(false, 900, 101, SYN | ACK, &[]),
        &mut out,
    );
    feed(&mut m, 7 * MS, &c.tcp(true, 101, 901, ACK, &[]), &mut out);
    feed(
        &mut m,
        8 * MS,
        &c.tcp(true, 101, 901, ACK | PSH, &hello),
        &mut out,
    );
    feed(
        &mut m,
        9 * MS,
        &c.tcp(false, 901, 101 + n, ACK, &[]),
        &mut out,
    );
    // The ClientHello again, much later: a retransmission (spurious: it was acknowledged).
    feed(
        &mut m,
        900 * MS,
        &c.tcp(true, 101, 901, ACK | PSH, &hello),
        &mut out,
    );
    feed(
        &mut m,
        901 * MS,
        &c.tcp(true, 101 + n, 901, FIN | ACK, &[]),
        &mut out,
    );
    feed(
        &mut m,
        902 * MS,
        &c.tcp(false, 901, 102 + n, FIN | ACK, &[]),
        &mut out,
    );
    assert!(out.is_empty());
    assert_eq!(m.active(), 1);
    // The last ACK arrives during the linger and joins the flow.
    feed(
        &mut m,
        903 * MS,
        &c.tcp(true, 102 + n, 902, ACK, &[]),
        &mut out,
    );
    m.advance(902 * MS + m.config().close_ns, &mut out);
    assert_eq!(out.len(), 1);
    let r = &out[0];
    assert_eq!(r.end, EndReason::Fin);
    assert_eq!((r.key.sport, r.key.dport), (40000, 443));
    assert_eq!((r.fwd.packets, r.rev.packets), (6, 3));
    assert_eq!(
        (r.rtt_ns, r.rtt_server_ns, r.rtt_client_ns),
        (6 * MS, 2 * MS, 4 * MS)
    );
    assert_eq!(
        (r.fwd.retrans_packets, r.fwd.retrans_bytes),
        (1, u64::from(n))
    );
    assert_eq!((r.fwd.mss, r.fwd.wscale, r.rev.mss), (1460, 7, 1460));
    assert_eq!(r.fwd.tcp_flags, SYN | ACK | PSH | FIN);
    let h = r.hints.as_deref().expect("hints");
    assert_eq!(
        (h.sni.as_deref(), h.alpn.as_deref()),
        (Some("example.org"), Some("h2"))
    );
    assert_eq!(r.first_ns, MS);
    assert_eq!(r.last_ns, 903 * MS);
    // IP bytes: 40 + 8 option bytes per SYN, 40 per bare segment.
    assert_eq!(r.rev.bytes, 48 + 40 + 40);
    assert_eq!(m.active(), 0);
}

#[test]
fn synack_first_makes_the_receiver_the_initiator() {
    let mut m = Meter::new(Config::default());
    let c = Conv::new(40001, 80);
    let mut out = Vec::new();
    feed(
        &mut m,
        MS,
        &c.tcp(false, 900, 101, SYN | ACK, &[]),
        &mut out,
    );
    feed(&mut m, 2 * MS, &c.tcp(true, 101, 901, ACK, &[]), &mut out);
    m.finish(&mut out);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].key.sport, out[0].key.dport), (40001, 80));
    assert_eq!((out[0].fwd.packets, out[0].rev.packets), (1, 1));
    assert_eq!(out[0].end, EndReason::EndOfCapture);
}

#[test]
fn rst_port_reuse_idle_and_active_timeouts() {
    let cfg = Config {
        idle_ns: 10 * SECOND,
        active_ns: 60 * SECOND,
        ..Config::default()
    };
    let mut m = Meter::new(cfg);
    let c = Conv::new(1234, 80);
    let mut out = Vec::new();
    feed(&mut m, MS, &c.tcp(true, 100, 0, SYN, &[]), &mut out);
    feed(
        &mut m,
        2 * MS,
        &c.tcp(false, 0, 101, RST | ACK, &[]),
        &mut out,
    );
    // A new SYN (new ISN) on the same ports: a new connection, the old one ends now.
    feed(&mut m, 3 * MS, &c.tcp(true, 5000, 0, SYN, &[]), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].end, EndReason::Rst);
    // The same SYN again is a retransmission of the new one, not a third connection.
    feed(&mut m, SECOND, &c.tcp(true, 5000, 0, SYN, &[]), &mut out);
    assert_eq!(m.active(), 1);
    // A UDP flow kept busy for 130 s: two active-timeout records, then idle.
    let u = Conv::new(5000, 5001);
    for s in 0..130u64 {
        feed(
            &mut m,
            2 * SECOND + s * SECOND,
            &u.udp(s % 2 == 0, b"x"),
            &mut out,
        );
    }
    let active: Vec<_> = out.iter().filter(|r| r.end == EndReason::Active).collect();
    assert_eq!(active.len(), 2);
    assert!(active.iter().all(|r| r.key.proto == 17));
    assert_eq!(active[0].fwd.packets + active[0].rev.packets, 60);
    // The TCP flow went idle long ago.
    assert!(out
        .iter()
        .any(|r| r.key.proto == 6 && r.end == EndReason::Idle));
    m.advance(1000 * SECOND, &mut out);
    let udp_total: u64 = out
        .iter()
        .filter(|r| r.key.proto == 17)
        .map(|r| r.fwd.packets + r.rev.packets)
        .sum();
    assert_eq!(udp_total, 130);
    assert_eq!(m.active(), 0);
}

#[test]
fn max_flows_evicts_least_recently_active() {
    let cfg = Config {
        max_flows: 100,
        ..Config::default()
    };
    let mut m = Meter::new(cfg);
    let mut out = Vec::new();
    for p in 0..1000u16 {
        let c = Conv::new(10000 + p, 80);
        feed(
            &mut m,
            MS + u64::from(p),
            &c.tcp(true, 1, 0, SYN, &[]),
            &mut out,
        );
    }
    assert_eq!(m.active(), 100);
    assert_eq!(m.stats.evicted, 900);
    assert_eq!(out.len(), 900);
    assert!(out.iter().all(|r| r.end == EndReason::Evicted));
    // The oldest went first.
    assert_eq!(out[0].key.sport, 10000);
    let snap = m.snapshot();
    assert_eq!(snap.len(), 100);
    assert_eq!(snap[0].key.sport, 10900);
    assert!(snap.iter().all(|r| r.end == EndReason::Snapshot));
}

#[test]
fn dns_vlan_icmp_and_non_ip() {
    let mut m = Meter::new(Config::default());
    let mut out = Vec::new();
    let mut c = Conv::new(33333, 53);
    c.vlan = Some(42);
    feed(&mut m, MS, &c.udp(true, &dns("evil\x1b.example")), &mut out);
    feed(
        &mut m,
        2 * MS,
        &c.udp(false, &dns("evil\x1b.example")),
        &mut out,
    );
    c.vlan = Some(43);
    feed(
        &mut m,
        3 * MS,
        &c.udp(true, &dns("other.example")),
        &mut out,
    );
    // ICMP echo request and reply: one flow.
    let i = Conv::new(0, 0);
    let echo = |ty: u8| vec![ty, 0, 0, 0, 0x12, 0x34, 0, 1];
    feed(&mut m, 4 * MS, &i.frame(true, 1, &echo(8)), &mut out);
    feed(&mut m, 5 * MS, &i.frame(false, 1, &echo(0)), &mut out);
    let arp = {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x06]);
        f.extend_from_slice(&[0u8; 28]);
        f
    };
    feed(&mut m, 6 * MS, &arp, &mut out);
    m.finish(&mut out);
    assert_eq!(out.len(), 3);
    assert_eq!(m.stats.non_ip, 1);
    let d = &out[0];
    assert_eq!((d.key.vlan, d.fwd.packets, d.rev.packets), (42, 1, 1));
    assert_eq!(
        d.hints.as_deref().and_then(|h| h.dns.as_deref()),
        Some("evil\u{1b}.example")
    );
    assert_eq!(out[1].key.vlan, 43);
    let icmp = &out[2];
    assert_eq!((icmp.fwd.icmp, icmp.rev.icmp), (Some((8, 0)), Some((0, 0))));
    assert_eq!(icmp.key.sport, 0x1234);
}

#[test]
fn bytes_per_flow_is_small() {
    let n = Meter::bytes_per_flow();
    assert!(n <= 400, "{n} bytes per flow");
}
