//! Flow records as they cross to JavaScript: a fixed little-endian part then the strings, one
//! record after another in a batch. The layout is declared here once: [`LAYOUT`] (exported to
//! JavaScript) names each field with its offset and type, and [`encode`] writes the same
//! offsets.

use super::{DirCounters, FlowRecord};

/// A field: (name, offset, type). Types: `u8`, `i8`, `u16`, `u32`, `u64` (a Number; exact below
/// 2^53), `ns` (u64 nanoseconds: a BigInt and a millisecond Number), `reason` (u8 index into
/// [`REASONS`]). Fields of a direction are relative to `fwd`/`rev`'s offset.
pub type Field = (&'static str, usize, &'static str);

pub const RECORD_LEN: usize = 0; // u16: bytes of this record, strings and padding included
pub const REASON: usize = 2;
pub const FLAGS: usize = 3; // bit 0: IPv6
pub const PROTO: usize = 4;
pub const SPORT: usize = 6;
pub const DPORT: usize = 8;
pub const VLAN: usize = 10;
pub const INNER_VLAN: usize = 12;
pub const ID: usize = 16;
pub const FIRST: usize = 24;
pub const LAST: usize = 32;
pub const RTT: usize = 40;
pub const RTT_CLIENT: usize = 48;
pub const RTT_SERVER: usize = 56;
pub const FWD: usize = 64;
pub const REV: usize = 112;
/// Bytes of one direction's counters.
pub const DIR_LEN: usize = 48;
/// Where the strings start: each a u16 length then its UTF-8 bytes, in [`STRINGS`] order.
pub const STRINGS_AT: usize = 160;

pub const DIR: &[Field] = &[
    ("packets", 0, "u64"),
    ("bytes", 8, "u64"),
    ("retrans_bytes", 16, "u64"),
    ("retrans_packets", 24, "u32"),
    ("out_of_order", 28, "u32"),
    ("zero_window", 32, "u32"),
    ("dup_acks", 36, "u32"),
    ("mss", 40, "u16"),
    ("tcp_flags", 42, "u8"),
    ("wscale", 43, "i8"),
    ("icmp_type", 44, "u8"),
    ("icmp_code", 45, "u8"),
    // bit 0: an ICMP message was seen
    ("icmp_seen", 46, "u8"),
];

pub const LAYOUT: &[Field] = &[
    ("record_len", RECORD_LEN, "u16"),
    ("reason", REASON, "reason"),
    ("flags", FLAGS, "u8"),
    ("proto", PROTO, "u8"),
    ("sport", SPORT, "u16"),
    ("dport", DPORT, "u16"),
    ("vlan", VLAN, "u16"),
    ("inner_vlan", INNER_VLAN, "u16"),
    ("id", ID, "u64"),
    ("first", FIRST, "ns"),
    ("last", LAST, "ns"),
    ("rtt", RTT, "u64"),
    ("rtt_client", RTT_CLIENT, "u64"),
    ("rtt_server", RTT_SERVER, "u64"),
    ("fwd", FWD, "dir"),
    ("rev", REV, "dir"),
    ("strings", STRINGS_AT, "strings"),
];

/// The strings after the fixed part, in order.
pub const STRINGS: &[&str] = &["src", "dst", "sni", "alpn", "dns", "host"];

/// End reasons by their `EndReason` value (index 0 unused).
pub const REASONS: &[&str] = &[
    "", "idle", "active", "fin", "rst", "evicted", "end", "reused", "snapshot",
];

fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put64(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn dir(b: &mut [u8], at: usize, c: &DirCounters) {
    put64(b, at, c.packets);
    put64(b, at + 8, c.bytes);
    put64(b, at + 16, c.retrans_bytes);
    put32(b, at + 24, c.retrans_packets);
    put32(b, at + 28, c.out_of_order);
    put32(b, at + 32, c.zero_window);
    put32(b, at + 36, c.dup_acks);
    put16(b, at + 40, c.mss);
    b[at + 42] = c.tcp_flags;
    b[at + 43] = c.wscale as u8;
    if let Some((t, code)) = c.icmp {
        b[at + 44] = t;
        b[at + 45] = code;
        b[at + 46] = 1;
    }
}

/// Appends `r` to `out`.
pub fn encode(r: &FlowRecord, out: &mut Vec<u8>) {
    use std::io::Write;
    let start = out.len();
    out.resize(start + STRINGS_AT, 0);
    {
        let b = &mut out[start..];
        b[REASON] = r.end as u8;
        b[FLAGS] = u8::from(r.key.v6);
        b[PROTO] = r.key.proto;
        put16(b, SPORT, r.key.sport);
        put16(b, DPORT, r.key.dport);
        put16(b, VLAN, r.key.vlan);
        put16(b, INNER_VLAN, r.key.inner_vlan);
        put64(b, ID, r.id);
        put64(b, FIRST, r.first_ns);
        put64(b, LAST, r.last_ns);
        put64(b, RTT, r.rtt_ns);
        put64(b, RTT_CLIENT, r.rtt_client_ns);
        put64(b, RTT_SERVER, r.rtt_server_ns);
        dir(b, FWD, &r.fwd);
        dir(b, REV, &r.rev);
    }
    // Addresses as text (RFC 5952 for IPv6), then the hints.
    for (addr, ip) in [(&r.key.src, r.key.src_ip()), (&r.key.dst, r.key.dst_ip())] {
        let at = out.len();
        out.extend_from_slice(&[0, 0]);
        if r.key.v6 {
            let _ = write!(out, "{ip}");
        } else {
            // Dotted quad by hand: fmt's machinery costs ~1,000 instructions per address.
            for (i, &b) in addr[..4].iter().enumerate() {
                if i > 0 {
                    out.push(b'.');
                }
                if b >= 100 {
                    out.push(b'0' + b / 100);
                }
                if b >= 10 {
                    out.push(b'0' + (b / 10) % 10);
                }
                out.push(b'0' + b % 10);
            }
        }
        let n = (out.len() - at - 2) as u16;
        out[at..at + 2].copy_from_slice(&n.to_le_bytes());
    }
    let h = r.hints.as_deref();
    for s in [
        h.and_then(|h| h.sni.as_deref()),
        h.and_then(|h| h.alpn.as_deref()),
        h.and_then(|h| h.dns.as_deref()),
        h.and_then(|h| h.host.as_deref()),
    ] {
        let s = s.unwrap_or("").as_bytes();
        let s = &s[..s.len().min(u16::MAX as usize)];
        out.extend_from_slice(&(s.len() as u16).to_le_bytes());
        out.extend_from_slice(s);
    }
    // Records start 8-byte aligned.
    let len = (out.len() - start).next_multiple_of(8);
    out.resize(start + len, 0);
    put16(&mut out[start..], RECORD_LEN, len as u16);
}

#[cfg(test)]
mod tests {
    use super::super::hints::Hints;
    use super::super::{EndReason, FlowKey};
    use super::*;

    #[test]
    fn layout_and_encoding_agree() {
        let mut key = FlowKey {
            src: [0; 16],
            dst: [0; 16],
            sport: 1,
            dport: 2,
            vlan: 3,
            inner_vlan: 4,
            proto: 6,
            v6: true,
        };
        key.src[15] = 1;
        let r = FlowRecord {
            id: 9,
            key,
            first_ns: 1_700_000_000_123_456_789,
            last_ns: 1_700_000_001_000_000_000,
            end: EndReason::Rst,
            fwd: DirCounters {
                packets: 5,
                wscale: -1,
                icmp: Some((128, 0)),
                ..DirCounters::default()
            },
            rev: DirCounters::default(),
            rtt_ns: 7,
            rtt_client_ns: 3,
            rtt_server_ns: 4,
            hints: Some(Box::new(Hints {
                sni: Some("a\u{1b}b".into()),
                ..Hints::default()
            })),
        };
        let mut out = Vec::new();
        encode(&r, &mut out);
        encode(&r, &mut out);
        let len = usize::from(u16::from_le_bytes([out[0], out[1]]));
        assert_eq!(out.len(), 2 * len);
        assert_eq!(len % 8, 0);
        assert_eq!(REASONS[usize::from(out[REASON])], "rst");
        assert_eq!(out[FWD + 43] as i8, -1);
        assert_eq!((out[FWD + 44], out[FWD + 46]), (128, 1));
        let s = &out[STRINGS_AT..];
        assert_eq!(&s[2..5], b"::1");
        let mut v4 = r.clone();
        v4.key.v6 = false;
        v4.key.src[..4].copy_from_slice(&[192, 0, 2, 10]);
        v4.key.dst[..4].copy_from_slice(&[0, 100, 9, 255]);
        let mut o = Vec::new();
        encode(&v4, &mut o);
        let s = &o[STRINGS_AT..];
        assert_eq!(&s[..12], b"\x0a\x00192.0.2.10");
        assert_eq!(&s[12..25], b"\x0b\x000.100.9.255");
        // Every field lies inside the fixed part, direction fields inside a direction.
        for &(_, at, _) in LAYOUT {
            assert!(at <= STRINGS_AT);
        }
        for &(_, at, _) in DIR {
            assert!(at < DIR_LEN);
        }
        assert_eq!(REV + DIR_LEN, STRINGS_AT);
    }
}
