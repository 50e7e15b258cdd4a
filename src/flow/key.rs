//! What identifies a flow, and the per-packet facts the meter needs, read from a packet and its
//! layer map (`crate::structure`): the structure pass has already found and validated the
//! layers, so this only reads fields at the offsets it gives.

use crate::structure::{self, flags, net, Structure};

pub const TCP: u8 = 6;
pub const UDP: u8 = 17;
pub const ICMP: u8 = 1;
pub const ICMPV6: u8 = 58;

/// The key of a flow: both endpoints, the protocol and the VLAN ids. IPv4 addresses take the
/// first 4 bytes of the 16 (the rest zero). A flow's key is stored as its initiator sees it
/// (`src` = initiator); a packet matches it in either orientation.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct FlowKey {
    pub src: [u8; 16],
    pub dst: [u8; 16],
    pub sport: u16,
    pub dport: u16,
    /// Outer VLAN id (802.1Q/802.1ad), 0 when untagged.
    pub vlan: u16,
    /// Inner VLAN id of a QinQ stack, 0 when none.
    pub inner_vlan: u16,
    pub proto: u8,
    pub v6: bool,
}

impl FlowKey {
    /// The same flow seen from the other end.
    #[inline]
    pub fn reversed(&self) -> FlowKey {
        FlowKey {
            src: self.dst,
            dst: self.src,
            sport: self.dport,
            dport: self.sport,
            ..*self
        }
    }

    /// A hash that both orientations share (see [`KeyHasher`]).
    #[inline]
    pub fn symmetric_hash(&self, h: &KeyHasher) -> u64 {
        h.hash(self)
    }

    /// Whether `other` is this key, or this key seen from the other end.
    #[inline]
    pub fn matches(&self, other: &FlowKey) -> bool {
        let same = self.proto == other.proto
            && self.vlan == other.vlan
            && self.inner_vlan == other.inner_vlan;
        same && ((self.sport == other.sport
            && self.dport == other.dport
            && self.src == other.src
            && self.dst == other.dst)
            || (self.sport == other.dport
                && self.dport == other.sport
                && self.src == other.dst
                && self.dst == other.src))
    }

    /// The source address as text (IPv4 dotted or IPv6).
    pub fn src_ip(&self) -> std::net::IpAddr {
        ip(&self.src, self.v6)
    }

    pub fn dst_ip(&self) -> std::net::IpAddr {
        ip(&self.dst, self.v6)
    }
}

fn ip(a: &[u8; 16], v6: bool) -> std::net::IpAddr {
    if v6 {
        std::net::IpAddr::from(*a)
    } else {
        std::net::IpAddr::from([a[0], a[1], a[2], a[3]])
    }
}

/// The flow table's hash of a key: each endpoint (address and port) is mixed with secret keys
/// by a folded 64x64->128-bit multiply (as ahash's fallback does) and the two are added, so both
/// orientations of a key hash alike; then the VLAN ids and protocol are mixed in. The keys are
/// drawn at random per meter (from ahash's random source), so crafted traffic cannot aim at
/// one bucket. About 20 instructions, where streaming 40 bytes through a general hasher took
/// ~80.
pub struct KeyHasher {
    k: [u64; 4],
}

#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

impl KeyHasher {
    pub fn new() -> KeyHasher {
        let r = ahash::RandomState::new();
        let mut k = [0u64; 4];
        for (i, v) in k.iter_mut().enumerate() {
            // Odd multipliers, never zero.
            *v = r.hash_one(i as u64) | 1;
        }
        KeyHasher { k }
    }

    #[inline]
    fn endpoint(&self, addr: &[u8; 16], port: u16) -> u64 {
        let mut lo = [0u8; 8];
        let mut hi = [0u8; 8];
        lo.copy_from_slice(&addr[..8]);
        hi.copy_from_slice(&addr[8..]);
        let lo = u64::from_le_bytes(lo);
        let hi = u64::from_le_bytes(hi) ^ u64::from(port) << 48;
        fold(lo ^ self.k[0], hi ^ self.k[1])
    }

    #[inline]
    pub fn hash(&self, k: &FlowKey) -> u64 {
        let ends = self
            .endpoint(&k.src, k.sport)
            .wrapping_add(self.endpoint(&k.dst, k.dport));
        let rest = u64::from(k.vlan) << 24 | u64::from(k.inner_vlan) << 8 | u64::from(k.proto);
        fold(ends ^ self.k[2], rest ^ self.k[3])
    }
}

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher::new()
    }
}

/// The TCP header fields the analysis uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpSeg {
    pub seq: u32,
    pub ack: u32,
    /// The 8 flag bits (CWR ECE URG ACK PSH RST SYN FIN).
    pub flags: u8,
    /// Window field as sent (unscaled).
    pub window: u16,
    /// Payload bytes from the IP length (what was sent, not what was captured).
    pub seglen: u32,
    /// MSS option, 0 when absent.
    pub mss: u16,
    /// Window scale option, -1 when absent.
    pub wscale: i8,
}

pub mod tcpflag {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const PSH: u8 = 0x08;
    pub const ACK: u8 = 0x10;
}

/// One packet as the meter sees it.
#[derive(Debug, Default)]
pub struct Parsed<'a> {
    pub key: FlowKey,
    /// IP length: IPv4 total length, or 40 + IPv6 payload length (from the capture when the
    /// header says 0, as with segmentation offload).
    pub bytes: u64,
    pub tcp: Option<TcpSeg>,
    /// ICMP/ICMPv6 type and code.
    pub icmp: Option<(u8, u8)>,
    /// Captured application payload (TCP/UDP), for the first-packet hints.
    pub payload: &'a [u8],
}

/// Why a packet makes no flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not IPv4/IPv6 (ARP, STP, a link type without IP, ...).
    NotIp,
    /// An IP packet whose IP header is cut or invalid.
    Malformed,
}

#[inline]
fn be16(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

/// Reads the flow facts of `data` (a packet whose wire length is `wire_len`) given its layer map
/// into `p` (which must start as `Parsed::default()`; filled in place: moving the ~100-byte
/// result out cost ~70 instructions per packet). Never panics.
#[inline]
pub fn parse<'a>(
    data: &'a [u8],
    wire_len: u32,
    s: &Structure,
    p: &mut Parsed<'a>,
) -> Result<(), Skip> {
    let n = s.net_off;
    match s.net {
        net::IPV4 | net::IPV6 => {}
        _ => return Err(Skip::NotIp),
    }
    if matches!(
        s.status,
        structure::status::NET_TRUNCATED
            | structure::status::NET_MALFORMED
            | structure::status::LINK_TRUNCATED
            | structure::status::LINK_MALFORMED
            | structure::status::TOO_LONG
    ) {
        return Err(Skip::Malformed);
    }
    let k = &mut p.key;
    // Bytes on the wire from the IP header on, for headers that say 0 (offload).
    let wire_ip = u64::from(wire_len).saturating_sub(n as u64);
    if s.net == net::IPV4 {
        let (Some(src), Some(dst)) = (data.get(n + 12..n + 16), data.get(n + 16..n + 20)) else {
            return Err(Skip::Malformed);
        };
        k.src[..4].copy_from_slice(src);
        k.dst[..4].copy_from_slice(dst);
        let total = u64::from(be16(data, n + 2).unwrap_or(0));
        p.bytes = if total == 0 { wire_ip } else { total };
    } else {
        let (Some(src), Some(dst)) = (data.get(n + 8..n + 24), data.get(n + 24..n + 40)) else {
            return Err(Skip::Malformed);
        };
        k.v6 = true;
        k.src.copy_from_slice(src);
        k.dst.copy_from_slice(dst);
        let plen = u64::from(be16(data, n + 4).unwrap_or(0));
        p.bytes = if plen == 0 {
            wire_ip.max(40)
        } else {
            40 + plen
        };
    }
    k.proto = s.proto;
    vlans(data, s, k);
    if s.flags & flags::FRAGMENT != 0 {
        // A later fragment: no transport header; counted in a flow without ports.
        return Ok(());
    }
    let t = s.transport_off;
    let have_transport = s.flags & flags::TRANSPORT != 0;
    match s.proto {
        TCP | UDP | 33 | 132 | 136 => {
            // Ports are the first 4 bytes of TCP, UDP, DCCP, SCTP and UDP-Lite.
            let (Some(sp), Some(dp)) = (be16(data, t), be16(data, t + 2)) else {
                return Ok(());
            };
            k.sport = sp;
            k.dport = dp;
            if !have_transport {
                return Ok(());
            }
            let hl = s.transport_hlen;
            let start = (t + hl).min(data.len());
            let seg_end = (t + s.seg_len).min(data.len()).max(start);
            p.payload = &data[start..seg_end];
            if s.proto == TCP {
                // An IP length beyond the frame (a damaged header) is cut to what the frame
                // holds, as Wireshark does for the segment length.
                let on_wire = (wire_len as usize).saturating_sub(t);
                let mut seg = TcpSeg::default();
                if tcp_seg(data, t, hl, s.seg_len.min(on_wire), &mut seg) {
                    p.tcp = Some(seg);
                }
            }
        }
        ICMP | ICMPV6 => {
            if let (Some(&ty), Some(&code)) = (data.get(t), data.get(t + 1)) {
                p.icmp = Some((ty, code));
                // Echo request and reply share their identifier: one flow per ping session.
                let echo = if s.proto == ICMP {
                    ty == 8 || ty == 0
                } else {
                    ty == 128 || ty == 129
                };
                if echo {
                    if let Some(id) = be16(data, t + 4) {
                        k.sport = id;
                        k.dport = id;
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn vlans(data: &[u8], s: &Structure, k: &mut FlowKey) {
    if s.link != structure::link::ETHERNET || s.vlan_tags == 0 {
        return;
    }
    // Tags follow the two MAC addresses, 4 bytes each: TPID then TCI (VLAN id = low 12 bits).
    if let Some(tci) = be16(data, 14) {
        k.vlan = tci & 0x0fff;
    }
    if s.vlan_tags >= 2 {
        if let Some(tci) = be16(data, 18) {
            k.inner_vlan = tci & 0x0fff;
        }
    }
}

#[inline]
fn tcp_seg(data: &[u8], t: usize, hl: usize, seg_len: usize, seg: &mut TcpSeg) -> bool {
    let Some(h) = data.get(t..t + 20) else {
        return false;
    };
    seg.seq = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
    seg.ack = u32::from_be_bytes([h[8], h[9], h[10], h[11]]);
    seg.flags = h[13];
    seg.window = u16::from_be_bytes([h[14], h[15]]);
    seg.seglen = u32::try_from(seg_len.saturating_sub(hl)).unwrap_or(u32::MAX);
    seg.wscale = -1;
    if seg.flags & tcpflag::SYN != 0 {
        let opts = data.get(t + 20..t + hl).unwrap_or(&[]);
        let mut i = 0;
        while i < opts.len() {
            match opts[i] {
                0 => break,
                1 => i += 1,
                kind => {
                    let Some(&len) = opts.get(i + 1) else { break };
                    let len = usize::from(len);
                    if len < 2 || i + len > opts.len() {
                        break;
                    }
                    match (kind, len) {
                        (2, 4) => seg.mss = u16::from_be_bytes([opts[i + 2], opts[i + 3]]),
                        (3, 3) => seg.wscale = opts[i + 2].min(14) as i8,
                        _ => {}
                    }
                    i += len;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::structure;

    pub(crate) fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0u8; 12];
        v.extend_from_slice(&ethertype.to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    fn ipv4(proto: u8, body: &[u8]) -> Vec<u8> {
        let total = (20 + body.len()) as u16;
        let mut h = vec![
            0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        h[2..4].copy_from_slice(&total.to_be_bytes());
        h.extend_from_slice(body);
        h
    }

    #[test]
    fn tcp_syn_options_and_ports() {
        let mut tcp = vec![0u8; 20];
        tcp[0..2].copy_from_slice(&40000u16.to_be_bytes());
        tcp[2..4].copy_from_slice(&443u16.to_be_bytes());
        tcp[4..8].copy_from_slice(&1000u32.to_be_bytes());
        tcp[12] = 7 << 4;
        tcp[13] = tcpflag::SYN;
        tcp[14..16].copy_from_slice(&64240u16.to_be_bytes());
        tcp.extend_from_slice(&[2, 4, 5, 0xb4, 1, 3, 3, 7]);
        let pkt = eth(0x0800, &ipv4(6, &tcp));
        let s = structure(1, &pkt);
        let mut p = Parsed::default();
        parse(&pkt, pkt.len() as u32, &s, &mut p).expect("ip");
        assert_eq!((p.key.sport, p.key.dport, p.key.proto), (40000, 443, 6));
        assert_eq!(p.bytes, 48);
        let t = p.tcp.expect("tcp");
        assert_eq!((t.seq, t.mss, t.wscale, t.seglen), (1000, 1460, 7, 0));
        assert_eq!(p.key.src_ip().to_string(), "10.0.0.1");
    }

    #[test]
    fn qinq_ids_and_non_ip() {
        let inner = ipv4(17, &[0, 53, 0, 53, 0, 8, 0, 0]);
        let mut pkt = vec![0u8; 12];
        pkt.extend_from_slice(&[0x88, 0xa8, 0x00, 100, 0x81, 0x00, 0x20, 200, 0x08, 0x00]);
        pkt.extend_from_slice(&inner);
        let s = structure(1, &pkt);
        let mut p = Parsed::default();
        parse(&pkt, pkt.len() as u32, &s, &mut p).expect("ip");
        assert_eq!((p.key.vlan, p.key.inner_vlan), (100, 200));
        let arp = eth(0x0806, &[0u8; 28]);
        let mut q = Parsed::default();
        assert_eq!(
            parse(&arp, 42, &structure(1, &arp), &mut q).err(),
            Some(Skip::NotIp)
        );
        let cut = &pkt[..30];
        assert_eq!(
            parse(cut, 60, &structure(1, cut), &mut q).err(),
            Some(Skip::Malformed)
        );
    }

    #[test]
    fn symmetric_hash_matches_both_orientations() {
        let s = KeyHasher::new();
        let k = FlowKey {
            src: [1; 16],
            dst: [2; 16],
            sport: 5,
            dport: 6,
            proto: 6,
            v6: true,
            ..Default::default()
        };
        assert_eq!(k.symmetric_hash(&s), k.reversed().symmetric_hash(&s));
        let mut other = k;
        other.vlan = 3;
        assert_ne!(k.symmetric_hash(&s), other.symmetric_hash(&s));
        assert!(k.matches(&k.reversed()) && k.matches(&k) && !k.matches(&other));
        let mut port = k;
        port.sport = 6;
        assert_ne!(k.symmetric_hash(&s), port.symmetric_hash(&s));
    }
}
