//! The structure pass: which layers a packet has, where each starts, and where the packet stops
//! being valid. etherparse reads the headers (Ethernet II, 802.1Q/802.1ad tags, IPv4, IPv6 and
//! its extension headers, TCP with its options, UDP); our own code covers what it does not:
//! the link types it has no slicer for (SLL2, NULL, LOOP, raw IP), the first fragment of a
//! fragmented IPv4 packet (etherparse's packet slicers leave its transport header alone), and
//! IPv4's total length 0 of segmentation-offloaded captures.
//!
//! The result is a fixed 24-byte map ([`Structure::encode`]). The capture thread writes one
//! beside each packet record when JavaScript asks for it (`lib/session.js`), and
//! `structureInto()` fills one for any other buffer. The JavaScript decoders build their objects
//! from it (`decode/_mapped.js`) and fall back to their own checked readers for whatever the map
//! does not vouch for.
//!
//! Map layout (little-endian):
//! ```text
//!  0 magic (MAGIC)      1 link kind         2 VLAN tags         3 network kind
//!  4 network offset u16                     6 IP protocol       7 status
//!  8 transport offset u16                  10 transport header length u16
//! 12 segment length u16 (IP payload length seen from the transport header)
//! 14 flags             15 shape            16 caplen u32       20 zero (4 bytes)
//! ```
//! The offsets are [`offset`]; JavaScript reads them, the kinds, statuses, flags and shapes by
//! name from `lib/layout.js`, generated from these constants (`crate::layout`). A session's
//! maps reach `decode.packet` only for the very packet view the session is emitting
//! (`lib/structure.js`), so nothing else can pass for a map.

use etherparse::{
    ArpPacketSlice, Ethernet2HeaderSlice, IpAuthHeaderSlice, Ipv4HeaderSlice,
    Ipv6FragmentHeaderSlice, Ipv6HeaderSlice, Ipv6RawExtHeaderSlice, SingleVlanHeaderSlice,
    TcpHeaderSlice, UdpHeaderSlice,
};

/// Bytes of one map.
pub const MAP_LEN: usize = 24;
/// First byte of a computed map (a zero byte there means "not computed").
pub const MAGIC: u8 = 0xa5;
/// Most 802.1Q/802.1ad tags followed (as the JavaScript Ethernet decoder).
pub const MAX_VLAN_TAGS: u8 = 8;
/// Most IPv6 extension headers followed.
pub const MAX_EXTENSIONS: usize = 32;

/// Where each field lies in a map (the table above).
pub mod offset {
    pub const MAGIC: usize = 0;
    pub const LINK: usize = 1;
    pub const VLAN_TAGS: usize = 2;
    pub const NET: usize = 3;
    /// u16
    pub const NET_OFF: usize = 4;
    pub const PROTO: usize = 6;
    pub const STATUS: usize = 7;
    /// u16
    pub const TRANSPORT_OFF: usize = 8;
    /// u16
    pub const TRANSPORT_HLEN: usize = 10;
    /// u16
    pub const SEG_LEN: usize = 12;
    pub const FLAGS: usize = 14;
    pub const SHAPE: usize = 15;
    /// u32
    pub const CAPLEN: usize = 16;
}

// `Structure::encode` writes the map as three little-endian u64 words: bytes 0-7 (magic to
// status), 8-15 (transport offset to shape) and 16-23 (caplen).
const _: () = assert!(
    MAP_LEN == 24
        && offset::STATUS < 8
        && offset::NET_OFF + 2 <= 8
        && offset::TRANSPORT_OFF >= 8
        && offset::SEG_LEN + 2 <= 16
        && offset::FLAGS < 16
        && offset::SHAPE < 16
        && offset::CAPLEN == 16
);

/// Link layer kinds (map byte 1).
pub mod link {
    pub const NONE: u8 = 0;
    pub const ETHERNET: u8 = 1;
    pub const SLL: u8 = 2;
    pub const SLL2: u8 = 3;
    pub const NULL: u8 = 4;
    pub const LOOP: u8 = 5;
    /// No link header: raw IPv4/IPv6 (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6).
    pub const IP: u8 = 6;
    /// A link type this pass does not map (802.11, radiotap, PPP, ...).
    pub const OTHER: u8 = 7;
}

/// Network layer kinds (map byte 3).
pub mod net {
    pub const NONE: u8 = 0;
    pub const IPV4: u8 = 1;
    pub const IPV6: u8 = 2;
    pub const ARP: u8 = 3;
    /// Another ethertype or protocol family: nothing to map.
    pub const OTHER: u8 = 4;
}

/// Where the pass stopped (map byte 7). `OK` means every mapped layer is complete and valid.
pub mod status {
    pub const OK: u8 = 0;
    pub const LINK_TRUNCATED: u8 = 1;
    pub const LINK_MALFORMED: u8 = 2;
    pub const NET_TRUNCATED: u8 = 3;
    pub const NET_MALFORMED: u8 = 4;
    pub const EXT_TRUNCATED: u8 = 5;
    pub const TRANSPORT_TRUNCATED: u8 = 6;
    pub const TRANSPORT_MALFORMED: u8 = 7;
    /// A link type the pass does not map.
    pub const UNSUPPORTED: u8 = 8;
    /// An offset beyond 65,535 bytes (does not fit the map).
    pub const TOO_LONG: u8 = 9;
}

/// Map byte 14.
pub mod flags {
    /// A TCP or UDP header was validated at the transport offset.
    pub const TRANSPORT: u8 = 1;
    /// A non-first fragment: no transport header here.
    pub const FRAGMENT: u8 = 2;
    /// IPv4 more-fragments bit (or IPv6 fragment header M flag) on a first fragment.
    pub const MORE_FRAGMENTS: u8 = 4;
    /// IPv6 extension headers lie between the IPv6 header and the transport offset.
    pub const IPV6_EXTS: u8 = 8;
    /// The IP length field was 0 (segmentation offload): the segment is the rest of the capture.
    pub const LENGTH_FROM_CAPTURE: u8 = 16;
    /// TCP options are only NOP, end, MSS, window scale, SACK permitted and timestamps, each
    /// with its proper length.
    pub const USUAL_TCP_OPTIONS: u8 = 32;
}

/// Map byte 15: the common layouts, which the decoders build in one go. `SIMPLE` is set when
/// the packet is one of them; the other bits say which.
pub mod shape {
    pub const SIMPLE: u8 = 0x80;
    /// TCP (else UDP).
    pub const TCP: u8 = 1;
    /// IPv6 without extension headers (else IPv4, not a later fragment).
    pub const IPV6: u8 = 2;
    /// Under an untagged Ethernet header (else raw IP).
    pub const ETHERNET: u8 = 4;
}

/// The layers of one packet.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Structure {
    pub link: u8,
    pub vlan_tags: u8,
    pub net: u8,
    pub net_off: usize,
    /// IP protocol of the layer at `transport_off` (after IPv6 extension headers).
    pub proto: u8,
    pub status: u8,
    pub transport_off: usize,
    pub transport_hlen: usize,
    /// Declared bytes from `transport_off` to the end of the IP payload (may exceed what was
    /// captured; with `LENGTH_FROM_CAPTURE`, what was captured).
    pub seg_len: usize,
    pub flags: u8,
}

impl Structure {
    /// The shape byte: untagged Ethernet or raw IP, then IPv4 (first fragment or whole) or IPv6
    /// without extension headers, then a complete TCP header whose options are all usual ones,
    /// or a UDP header; every layer valid, the segment length within 16 bits. 0 otherwise.
    #[inline]
    pub fn shape(&self) -> u8 {
        let link = match (self.link, self.vlan_tags) {
            (link::ETHERNET, 0) => shape::ETHERNET,
            (link::IP, _) => 0,
            _ => return 0,
        };
        let net = match self.net {
            net::IPV4 if self.flags & flags::FRAGMENT == 0 => 0,
            net::IPV6 if self.flags & flags::IPV6_EXTS == 0 => shape::IPV6,
            _ => return 0,
        };
        let transport = match self.proto {
            6 if self.transport_hlen == 20 || self.flags & flags::USUAL_TCP_OPTIONS != 0 => {
                shape::TCP
            }
            17 => 0,
            _ => return 0,
        };
        if self.status != status::OK || self.flags & flags::TRANSPORT == 0 || self.seg_len > 0xffff
        {
            return 0;
        }
        shape::SIMPLE | link | net | transport
    }

    /// Writes the 24-byte map.
    #[inline]
    pub fn encode(&self, caplen: usize, out: &mut [u8; MAP_LEN]) {
        // Offsets beyond 16 bits do not fit: the map then vouches for nothing.
        let fits = (self.net_off | self.transport_off | self.transport_hlen) <= 0xffff;
        let status = if fits { self.status } else { status::TOO_LONG };
        let shape = if fits { self.shape() } else { 0 };
        let u16_of = |v: usize| v.min(0xffff) as u64;
        // A segment length from the capture can exceed 16 bits; the shape is 0 then and
        // JavaScript recomputes it.
        // Bit position of a field in its word.
        let at = |offset: usize| 8 * (offset % 8);
        let w0 = u64::from(MAGIC) << at(offset::MAGIC)
            | u64::from(self.link) << at(offset::LINK)
            | u64::from(self.vlan_tags) << at(offset::VLAN_TAGS)
            | u64::from(self.net) << at(offset::NET)
            | u16_of(self.net_off) << at(offset::NET_OFF)
            | u64::from(self.proto) << at(offset::PROTO)
            | u64::from(status) << at(offset::STATUS);
        let w1 = u16_of(self.transport_off) << at(offset::TRANSPORT_OFF)
            | u16_of(self.transport_hlen) << at(offset::TRANSPORT_HLEN)
            | u16_of(self.seg_len) << at(offset::SEG_LEN)
            | u64::from(self.flags) << at(offset::FLAGS)
            | u64::from(shape) << at(offset::SHAPE);
        let w2 = u64::from(u32::try_from(caplen).unwrap_or(u32::MAX));
        out[0..8].copy_from_slice(&w0.to_le_bytes());
        out[8..16].copy_from_slice(&w1.to_le_bytes());
        out[16..24].copy_from_slice(&w2.to_le_bytes());
    }
}

/// DLT values (as libpcap reports them): those the pass maps, and the others sessions name
/// (`crate::capture::devices`).
pub mod dlt {
    pub const NULL: i32 = 0;
    pub const ETHERNET: i32 = 1;
    pub const PPP: i32 = 9;
    /// DLT_RAW on Linux.
    pub const RAW: i32 = 12;
    /// DLT_RAW on OpenBSD.
    pub const RAW_OPENBSD: i32 = 14;
    pub const PPP_HDLC: i32 = 50;
    /// LINKTYPE_RAW as files say it (libpcap maps it to DLT_RAW).
    pub const RAW_FILE: i32 = 101;
    pub const C_HDLC: i32 = 104;
    pub const IEEE802_11: i32 = 105;
    pub const LOOP: i32 = 108;
    pub const LINUX_SLL: i32 = 113;
    pub const IEEE802_11_RADIO: i32 = 127;
    pub const PPI: i32 = 192;
    pub const IPV4: i32 = 228;
    pub const IPV6: i32 = 229;
    pub const NFLOG: i32 = 239;
    pub const LINUX_SLL2: i32 = 276;
}

/// Finds the layers of `data`, a packet of link type `dlt`. Never panics, whatever the bytes.
pub fn structure(dlt: i32, data: &[u8]) -> Structure {
    let mut s = Structure::default();
    match dlt {
        dlt::ETHERNET => ethernet(&mut s, data),
        dlt::LINUX_SLL => {
            s.link = link::SLL;
            // etherparse's SLL slicer rejects packet and hardware types the decoders accept,
            // so the 16-byte header is read here.
            match data.get(14..16) {
                Some(t) => ether_type(&mut s, data, u16::from_be_bytes([t[0], t[1]]), 16),
                None => s.status = status::LINK_TRUNCATED,
            }
        }
        dlt::LINUX_SLL2 => {
            s.link = link::SLL2;
            if data.len() < 20 {
                s.status = status::LINK_TRUNCATED;
            } else {
                ether_type(&mut s, data, u16::from_be_bytes([data[0], data[1]]), 20);
            }
        }
        dlt::NULL | dlt::LOOP => {
            let loop_ = dlt == dlt::LOOP;
            s.link = if loop_ { link::LOOP } else { link::NULL };
            match data.get(0..4) {
                None => s.status = status::LINK_TRUNCATED,
                Some(h) => {
                    let family = if loop_ {
                        u32::from_be_bytes([h[0], h[1], h[2], h[3]])
                    } else if h[0] == 0 && h[1] == 0 {
                        // Host byte order of the capturing machine: big-endian writers.
                        u32::from(h[3])
                    } else {
                        u32::from(h[0])
                    };
                    match family {
                        2 => ipv4(&mut s, data, 4),
                        24 | 28 | 30 => ipv6(&mut s, data, 4),
                        _ => {
                            s.net = net::OTHER;
                            s.status = status::LINK_MALFORMED;
                        }
                    }
                }
            }
        }
        dlt::RAW | dlt::RAW_OPENBSD | dlt::RAW_FILE => {
            s.link = link::IP;
            if data.first().map(|b| b >> 4) == Some(6) {
                ipv6(&mut s, data, 0);
            } else {
                ipv4(&mut s, data, 0);
            }
        }
        dlt::IPV4 => {
            s.link = link::IP;
            ipv4(&mut s, data, 0);
        }
        dlt::IPV6 => {
            s.link = link::IP;
            ipv6(&mut s, data, 0);
        }
        _ => {
            s.link = link::OTHER;
            s.status = status::UNSUPPORTED;
        }
    }
    s
}

#[inline]
fn is_tag(t: u16) -> bool {
    t == 0x8100 || t == 0x88a8 || t == 0x9100
}

#[inline]
fn ethernet(s: &mut Structure, data: &[u8]) {
    s.link = link::ETHERNET;
    let Ok(eth) = Ethernet2HeaderSlice::from_slice(data) else {
        s.status = status::LINK_TRUNCATED;
        return;
    };
    let mut t = eth.ether_type().0;
    let mut off = eth.slice().len();
    while is_tag(t) {
        if s.vlan_tags == MAX_VLAN_TAGS {
            s.status = status::LINK_MALFORMED;
            return;
        }
        let Ok(tag) = SingleVlanHeaderSlice::from_slice(&data[off..]) else {
            s.status = status::LINK_TRUNCATED;
            return;
        };
        s.vlan_tags += 1;
        t = tag.ether_type().0;
        off += tag.slice().len();
    }
    ether_type(s, data, t, off);
}

/// The network layer named by an ethertype at `off`. Values below 1536 are 802.3 lengths.
#[inline]
fn ether_type(s: &mut Structure, data: &[u8], t: u16, off: usize) {
    match t {
        0..=1535 => s.net = net::NONE,
        0x0800 => ipv4(s, data, off),
        0x86dd => ipv6(s, data, off),
        0x0806 => {
            s.net = net::ARP;
            s.net_off = off;
            // 8 fixed bytes, then addresses of the lengths the packet gives.
            if ArpPacketSlice::from_slice(data.get(off..).unwrap_or(&[])).is_err() {
                s.status = status::NET_TRUNCATED;
            }
        }
        _ => {
            s.net = net::OTHER;
            s.net_off = off;
        }
    }
}

#[inline]
fn ipv4(s: &mut Structure, data: &[u8], off: usize) {
    s.net = net::IPV4;
    s.net_off = off;
    let rest = data.get(off..).unwrap_or(&[]);
    let ip = match Ipv4HeaderSlice::from_slice(rest) {
        Ok(ip) => ip,
        Err(etherparse::err::ipv4::HeaderSliceError::Len(_)) => {
            s.status = status::NET_TRUNCATED;
            return;
        }
        Err(etherparse::err::ipv4::HeaderSliceError::Content(_)) => {
            s.status = status::NET_MALFORMED;
            return;
        }
    };
    let hl = ip.slice().len();
    let total = usize::from(ip.total_len());
    s.proto = ip.protocol().0;
    if total != 0 && total < hl {
        s.status = status::NET_MALFORMED;
        return;
    }
    if ip.fragments_offset().value() != 0 {
        s.flags |= flags::FRAGMENT;
        return;
    }
    // etherparse's slicers stop at any fragment; the first one has the transport header.
    if ip.more_fragments() {
        s.flags |= flags::MORE_FRAGMENTS;
    }
    let seg_len = if total == 0 {
        s.flags |= flags::LENGTH_FROM_CAPTURE;
        rest.len() - hl
    } else {
        total - hl
    };
    transport(s, data, s.proto, off + hl, seg_len);
}

#[inline]
fn ipv6(s: &mut Structure, data: &[u8], off: usize) {
    s.net = net::IPV6;
    s.net_off = off;
    let rest = data.get(off..).unwrap_or(&[]);
    let ip = match Ipv6HeaderSlice::from_slice(rest) {
        Ok(ip) => ip,
        Err(etherparse::err::ipv6::HeaderSliceError::Len(_)) => {
            s.status = status::NET_TRUNCATED;
            return;
        }
        Err(etherparse::err::ipv6::HeaderSliceError::Content(_)) => {
            s.status = status::NET_MALFORMED;
            return;
        }
    };
    let mut next = ip.next_header().0;
    let declared = usize::from(ip.payload_length());
    let mut seg_len = if declared == 0 && next != 59 {
        s.flags |= flags::LENGTH_FROM_CAPTURE;
        rest.len() - 40
    } else {
        declared
    };
    let mut t = off + 40;
    for _ in 0..MAX_EXTENSIONS {
        let ext = data.get(t..).unwrap_or(&[]);
        let used = match next {
            // Hop-by-hop, routing, destination options, mobility, HIP, shim6.
            0 | 43 | 60 | 135 | 139 | 140 => match Ipv6RawExtHeaderSlice::from_slice(ext) {
                Ok(h) => {
                    next = h.next_header().0;
                    h.slice().len()
                }
                Err(_) => {
                    s.proto = next;
                    s.transport_off = t;
                    s.status = status::EXT_TRUNCATED;
                    return;
                }
            },
            44 => match Ipv6FragmentHeaderSlice::from_slice(ext) {
                Ok(h) => {
                    next = h.next_header().0;
                    if h.fragment_offset().value() != 0 {
                        s.flags |= flags::FRAGMENT | flags::IPV6_EXTS;
                        s.proto = next;
                        s.transport_off = t + 8;
                        return;
                    }
                    if h.more_fragments() {
                        s.flags |= flags::MORE_FRAGMENTS;
                    }
                    h.slice().len()
                }
                Err(_) => {
                    s.proto = next;
                    s.transport_off = t;
                    s.status = status::EXT_TRUNCATED;
                    return;
                }
            },
            51 => match IpAuthHeaderSlice::from_slice(ext) {
                Ok(h) => {
                    next = h.next_header().0;
                    h.slice().len()
                }
                Err(_) => {
                    s.proto = next;
                    s.transport_off = t;
                    s.status = status::EXT_TRUNCATED;
                    return;
                }
            },
            _ => break,
        };
        s.flags |= flags::IPV6_EXTS;
        t += used;
        seg_len = seg_len.saturating_sub(used);
    }
    transport(s, data, next, t, seg_len);
}

/// Whether TCP options are only NOP, end, MSS, window scale, SACK permitted and timestamps, each
/// with its proper length (the kinds the decoders build without further checks). etherparse's
/// option iterator reads the same; this walk only classifies, in a tenth of the instructions.
fn usual_tcp_options(options: &[u8]) -> bool {
    // NOP NOP timestamps: most segments of a connection.
    if options.is_empty() || (options.len() == 12 && options[..4] == [1, 1, 8, 10]) {
        return true;
    }
    let mut i = 0;
    while i < options.len() {
        let kind = options[i];
        match kind {
            0 => return true,
            1 => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let want = match kind {
            2 => 4,
            3 => 3,
            4 => 2,
            8 => 10,
            _ => return false,
        };
        match options.get(i + 1) {
            Some(&len) if usize::from(len) == want && i + want <= options.len() => i += want,
            _ => return false,
        }
    }
    true
}

#[inline]
fn transport(s: &mut Structure, data: &[u8], proto: u8, off: usize, seg_len: usize) {
    s.proto = proto;
    s.transport_off = off;
    s.seg_len = seg_len;
    let rest = data.get(off..).unwrap_or(&[]);
    match proto {
        6 => match TcpHeaderSlice::from_slice(rest) {
            Ok(tcp) => {
                s.transport_hlen = tcp.slice().len();
                s.flags |= flags::TRANSPORT;
                if usual_tcp_options(tcp.options()) {
                    s.flags |= flags::USUAL_TCP_OPTIONS;
                }
            }
            Err(etherparse::err::tcp::HeaderSliceError::Len(_)) => {
                s.status = status::TRANSPORT_TRUNCATED
            }
            Err(etherparse::err::tcp::HeaderSliceError::Content(_)) => {
                s.status = status::TRANSPORT_MALFORMED
            }
        },
        17 => match UdpHeaderSlice::from_slice(rest) {
            Ok(udp) => {
                s.transport_hlen = udp.slice().len();
                s.flags |= flags::TRANSPORT;
            }
            Err(_) => s.status = status::TRANSPORT_TRUNCATED,
        },
        // ICMP, ICMPv6, IGMP and the rest: the protocol and offset are mapped, their decoders
        // check their own message formats.
        _ => {}
    }
}

#[cfg(test)]
mod tests;
