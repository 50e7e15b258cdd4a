//! The structure pass against hand-built packets and etherparse.

use super::*;

fn eth(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0u8; 12];
    v.extend_from_slice(&ethertype.to_be_bytes());
    v.extend_from_slice(payload);
    v
}

fn ipv4_header(proto: u8, total: u16, frag: u16) -> Vec<u8> {
    let mut h = vec![
        0x45, 0, 0, 0, 0, 1, 0, 0, 64, proto, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1,
    ];
    h[2..4].copy_from_slice(&total.to_be_bytes());
    h[6..8].copy_from_slice(&frag.to_be_bytes());
    h
}

fn tcp_header(options: &[u8]) -> Vec<u8> {
    let hl = 20 + options.len();
    let mut h = vec![0u8; 20];
    h[0..2].copy_from_slice(&1234u16.to_be_bytes());
    h[2..4].copy_from_slice(&80u16.to_be_bytes());
    h[12] = ((hl / 4) as u8) << 4;
    h[13] = 0x18;
    h.extend_from_slice(options);
    h
}

fn tcp4(options: &[u8], data: &[u8]) -> Vec<u8> {
    let tcp = tcp_header(options);
    let total = 20 + tcp.len() + data.len();
    let mut p = ipv4_header(6, total as u16, 0x4000);
    p.extend_from_slice(&tcp);
    p.extend_from_slice(data);
    eth(0x0800, &p)
}

#[test]
fn ethernet_ipv4_tcp() {
    let ts = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2];
    let p = tcp4(&ts, b"hello");
    let s = structure(1, &p);
    assert_eq!(s.status, status::OK);
    assert_eq!(
        (s.link, s.net, s.net_off, s.proto),
        (link::ETHERNET, net::IPV4, 14, 6)
    );
    assert_eq!((s.transport_off, s.transport_hlen, s.seg_len), (34, 32, 37));
    assert_eq!(
        s.flags,
        flags::TRANSPORT | flags::USUAL_TCP_OPTIONS,
        "flags {:#x}",
        s.flags
    );
    let mut m = [0u8; MAP_LEN];
    s.encode(p.len(), &mut m);
    assert_eq!(&m[..4], &[MAGIC, link::ETHERNET, 0, net::IPV4]);
    assert_eq!(u16::from_le_bytes([m[8], m[9]]), 34);
    assert_eq!(
        u32::from_le_bytes([m[16], m[17], m[18], m[19]]) as usize,
        p.len()
    );
    assert_eq!(&m[20..24], &[0, 0, 0, 0]);
}

#[test]
fn shapes() {
    let ts = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2];
    let p = tcp4(&ts, b"x");
    assert_eq!(
        structure(1, &p).shape(),
        shape::SIMPLE | shape::ETHERNET | shape::TCP
    );
    assert_eq!(structure(12, &p[14..]).shape(), shape::SIMPLE | shape::TCP);
    // SACK blocks, a later fragment, a VLAN tag, a truncated header: not simple.
    assert_eq!(
        structure(1, &tcp4(&[1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2], b"")).shape(),
        0
    );
    let mut frag = p.clone();
    frag[20..22].copy_from_slice(&0x0010u16.to_be_bytes());
    assert_eq!(structure(1, &frag).shape(), 0);
    let mut tagged = p[..12].to_vec();
    tagged.extend_from_slice(&[0x81, 0, 0, 1]);
    tagged.extend_from_slice(&p[12..]);
    assert_eq!(structure(1, &tagged).shape(), 0);
    assert_eq!(structure(1, &p[..40]).shape(), 0);
    let mut m = [0u8; MAP_LEN];
    structure(1, &p).encode(p.len(), &mut m);
    assert_eq!(m[15], shape::SIMPLE | shape::ETHERNET | shape::TCP);
}

#[test]
fn usual_options_agree_with_etherparse() {
    use etherparse::{TcpOptionElement, TcpOptionsIterator};
    // Every option string of up to 4 bytes over an alphabet of interesting bytes, and a few
    // longer real ones.
    let alphabet = [0u8, 1, 2, 3, 4, 5, 8, 10, 12, 0xff];
    let mut cases: Vec<Vec<u8>> = vec![
        vec![
            2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
        ],
        vec![1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2],
        vec![1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2],
        vec![8, 10, 0, 0, 0, 1, 0, 0, 0],
    ];
    for a in alphabet {
        for b in alphabet {
            for c in alphabet {
                for d in alphabet {
                    cases.push(vec![a, b, c, d]);
                }
            }
            cases.push(vec![a, b]);
        }
    }
    for opts in &cases {
        let theirs = TcpOptionsIterator::from_slice(opts).all(|o| {
            matches!(
                o,
                Ok(TcpOptionElement::Noop
                    | TcpOptionElement::MaximumSegmentSize(_)
                    | TcpOptionElement::WindowScale(_)
                    | TcpOptionElement::SelectiveAcknowledgementPermitted
                    | TcpOptionElement::Timestamp(_, _))
            )
        });
        assert_eq!(usual_tcp_options(opts), theirs, "options {opts:?}");
    }
}

#[test]
fn unusual_tcp_options_are_flagged() {
    // SACK block: valid, but not one of the usual options.
    let sack = [1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2];
    let s = structure(1, &tcp4(&sack, b""));
    assert_eq!(s.status, status::OK);
    assert_eq!(s.flags & flags::USUAL_TCP_OPTIONS, 0);
    // Unknown kind 254 with a length byte.
    let s = structure(1, &tcp4(&[254, 4, 0, 0], b""));
    assert_eq!(s.flags & flags::USUAL_TCP_OPTIONS, 0);
    // MSS with a wrong length.
    let s = structure(1, &tcp4(&[2, 3, 0, 0], b""));
    assert_eq!(s.flags & flags::USUAL_TCP_OPTIONS, 0);
}

#[test]
fn truncation_is_reported_at_the_layer_that_stops() {
    let p = tcp4(&[], b"data");
    assert_eq!(structure(1, &p[..10]).status, status::LINK_TRUNCATED);
    assert_eq!(structure(1, &p[..20]).status, status::NET_TRUNCATED);
    assert_eq!(structure(1, &p[..40]).status, status::TRANSPORT_TRUNCATED);
    assert_eq!(structure(1, &p[..54]).status, status::OK);
}

#[test]
fn ipv4_lengths_and_fragments() {
    // Total length below the header length.
    let mut p = tcp4(&[], b"");
    p[16..18].copy_from_slice(&10u16.to_be_bytes());
    assert_eq!(structure(1, &p).status, status::NET_MALFORMED);
    // Total length 0 (offloaded segment): the rest of the capture.
    let mut p = tcp4(&[], b"abcd");
    p[16..18].copy_from_slice(&0u16.to_be_bytes());
    let s = structure(1, &p);
    assert_eq!((s.status, s.seg_len), (status::OK, 24));
    assert_ne!(s.flags & flags::LENGTH_FROM_CAPTURE, 0);
    // First fragment: the transport header is there and mapped.
    let mut p = tcp4(&[], b"abcd");
    p[20..22].copy_from_slice(&0x2000u16.to_be_bytes());
    let s = structure(1, &p);
    assert_eq!(s.status, status::OK);
    assert_eq!(
        s.flags & (flags::TRANSPORT | flags::MORE_FRAGMENTS),
        flags::TRANSPORT | flags::MORE_FRAGMENTS
    );
    // Later fragment: no transport header.
    p[20..22].copy_from_slice(&0x0010u16.to_be_bytes());
    let s = structure(1, &p);
    assert_eq!(
        s.flags & (flags::TRANSPORT | flags::FRAGMENT),
        flags::FRAGMENT
    );
}

#[test]
fn vlan_stacks() {
    let inner = tcp4(&[], b"x");
    let mut p = inner[..12].to_vec();
    p.extend_from_slice(&[0x88, 0xa8, 0, 10, 0x81, 0x00, 0, 20]);
    p.extend_from_slice(&inner[12..]);
    let s = structure(1, &p);
    assert_eq!(
        (s.status, s.vlan_tags, s.net_off, s.transport_off),
        (status::OK, 2, 22, 42)
    );
    // Nine tags: too many.
    let mut p = inner[..12].to_vec();
    for _ in 0..9 {
        p.extend_from_slice(&[0x81, 0x00, 0, 1]);
    }
    p.extend_from_slice(&inner[12..]);
    assert_eq!(structure(1, &p).status, status::LINK_MALFORMED);
}

#[test]
fn ipv6_with_extension_headers() {
    let mut ip6 = vec![0x60, 0, 0, 0, 0, 0, 0, 64];
    ip6.extend_from_slice(&[0u8; 32]);
    // Hop-by-hop (8 bytes) then a fragment header (first fragment) then UDP.
    let mut p = ip6.clone();
    p[6] = 0;
    p.extend_from_slice(&[44, 0, 1, 4, 0, 0, 0, 0]);
    p.extend_from_slice(&[17, 0, 0, 1, 0, 0, 0, 7]);
    p.extend_from_slice(&[0, 53, 0, 53, 0, 12, 0, 0, 1, 2, 3, 4]);
    let plen = (p.len() - 40) as u16;
    p[4..6].copy_from_slice(&plen.to_be_bytes());
    let s = structure(229, &p);
    assert_eq!(s.status, status::OK);
    assert_eq!(
        (s.net, s.proto, s.transport_off, s.seg_len),
        (net::IPV6, 17, 56, 12)
    );
    assert_ne!(s.flags & flags::IPV6_EXTS, 0);
    assert_ne!(s.flags & flags::MORE_FRAGMENTS, 0);
    // Cut inside the fragment header.
    assert_eq!(structure(229, &p[..52]).status, status::EXT_TRUNCATED);
    // Plain IPv6 + TCP over raw IP.
    let mut p = ip6.clone();
    p[6] = 6;
    p.extend_from_slice(&tcp_header(&[]));
    p[4..6].copy_from_slice(&20u16.to_be_bytes());
    let s = structure(12, &p);
    assert_eq!(
        (s.status, s.link, s.transport_off, s.transport_hlen),
        (status::OK, link::IP, 40, 20)
    );
}

#[test]
fn other_link_types() {
    let inner = tcp4(&[], b"");
    let ip = &inner[14..];
    let mut null = vec![2, 0, 0, 0];
    null.extend_from_slice(ip);
    assert_eq!(structure(0, &null).transport_off, 24);
    let mut lp = vec![0, 0, 0, 2];
    lp.extend_from_slice(ip);
    assert_eq!(structure(108, &lp).net, net::IPV4);
    lp[3] = 99;
    assert_eq!(structure(108, &lp).status, status::LINK_MALFORMED);
    let mut sll = vec![0u8; 14];
    sll.extend_from_slice(&[0x08, 0x00]);
    sll.extend_from_slice(ip);
    assert_eq!(structure(113, &sll).transport_off, 36);
    let mut sll2 = vec![0x08, 0x00];
    sll2.extend_from_slice(&[0u8; 18]);
    sll2.extend_from_slice(ip);
    assert_eq!(structure(276, &sll2).transport_off, 40);
    assert_eq!(structure(127, &inner).status, status::UNSUPPORTED);
    let arp = eth(0x0806, &[0, 1, 8, 0, 6, 4, 0, 1]);
    assert_eq!(structure(1, &arp).status, status::NET_TRUNCATED);
}

#[test]
fn every_cut_of_every_shape_is_safe() {
    let shapes = [
        tcp4(&[1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2], b"payload"),
        tcp4(&[], b""),
    ];
    for p in &shapes {
        for dlt in [0, 1, 12, 108, 113, 228, 229, 276, 127] {
            for cut in 0..=p.len() {
                let s = structure(dlt, &p[..cut]);
                if s.flags & flags::TRANSPORT != 0 {
                    assert!(s.transport_off + s.transport_hlen <= cut);
                }
            }
        }
    }
}

#[test]
fn encode_places_every_field_at_its_offset() {
    let s = Structure {
        link: link::SLL2,
        vlan_tags: 3,
        net: net::IPV6,
        net_off: 0x0102,
        proto: 17,
        status: status::TRANSPORT_MALFORMED,
        transport_off: 0x0304,
        transport_hlen: 0x0506,
        seg_len: 0x0708,
        flags: flags::IPV6_EXTS | flags::LENGTH_FROM_CAPTURE,
    };
    let mut m = [0u8; MAP_LEN];
    s.encode(0x0a0b_0c0d, &mut m);
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([m[at], m[at + 1]]));
    assert_eq!(m[offset::MAGIC], MAGIC);
    assert_eq!(m[offset::LINK], s.link);
    assert_eq!(m[offset::VLAN_TAGS], s.vlan_tags);
    assert_eq!(m[offset::NET], s.net);
    assert_eq!(u16_at(offset::NET_OFF), s.net_off);
    assert_eq!(m[offset::PROTO], s.proto);
    assert_eq!(m[offset::STATUS], s.status);
    assert_eq!(u16_at(offset::TRANSPORT_OFF), s.transport_off);
    assert_eq!(u16_at(offset::TRANSPORT_HLEN), s.transport_hlen);
    assert_eq!(u16_at(offset::SEG_LEN), s.seg_len);
    assert_eq!(m[offset::FLAGS], s.flags);
    assert_eq!(m[offset::SHAPE], 0);
    let at = offset::CAPLEN;
    assert_eq!(
        u32::from_le_bytes([m[at], m[at + 1], m[at + 2], m[at + 3]]),
        0x0a0b_0c0d
    );
    assert_eq!(&m[at + 4..], &[0, 0, 0, 0]);
}
