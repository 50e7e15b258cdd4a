//! `cargo +nightly fuzz run structure`: the structure pass on arbitrary bytes, under every link
//! type it maps (the first input byte picks one). It must never panic, and what it vouches for
//! must lie inside the packet: the decoders read those offsets without checking them again.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/structure.rs"]
mod structure;

use std::sync::OnceLock;
use structure::{flags, net, shape, status, MAP_LEN};

/// The generated JavaScript layout table (`lib/layout.js`, from `src/layout.rs`).
const LAYOUT_JS: &str = include_str!("../../lib/layout.js");

/// The link types to fuzz: the values of the table's `const DLT_<NAME> = <n>;` lines, in the
/// file's order. `fuzz/make-corpus.js` takes the same list from the same file, so a seed's pick
/// byte names the same link type on both sides.
fn dlts() -> &'static [i32] {
    static DLTS: OnceLock<Vec<i32>> = OnceLock::new();
    DLTS.get_or_init(|| {
        let list: Vec<i32> = LAYOUT_JS
            .lines()
            .filter_map(|line| line.strip_prefix("const DLT_"))
            .filter_map(|rest| rest.split_once(" = "))
            .filter_map(|(_, value)| value.trim_end_matches(';').parse().ok())
            .collect();
        assert!(!list.is_empty(), "no DLT_ constants in lib/layout.js");
        list
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, pkt)) = data.split_first() else {
        return;
    };
    let dlts = dlts();
    let dlt = dlts[usize::from(pick) % dlts.len()];
    let s = structure::structure(dlt, pkt);
    let len = pkt.len();
    if s.status == status::OK {
        match s.net {
            net::IPV4 => assert!(s.net_off + 20 <= len),
            net::IPV6 => assert!(s.net_off + 40 <= len),
            _ => {}
        }
    }
    if s.flags & flags::TRANSPORT != 0 {
        assert_eq!(s.status, status::OK);
        assert!(s.transport_hlen >= 8);
        assert!(s.transport_off + s.transport_hlen <= len);
        assert!(s.net_off < s.transport_off);
    }
    if s.flags & flags::USUAL_TCP_OPTIONS != 0 {
        assert_eq!(s.proto, 6);
        assert!(s.flags & flags::TRANSPORT != 0);
    }
    // A simple shape is built by the decoders without any further check: everything it implies
    // must hold.
    let sh = s.shape();
    if sh != 0 {
        assert_eq!(s.status, status::OK);
        assert!(s.flags & flags::TRANSPORT != 0);
        assert!(s.transport_off + s.transport_hlen <= len);
        assert!(s.net_off + if sh & shape::IPV6 != 0 { 40 } else { 20 } <= s.transport_off);
        assert_eq!(s.proto, if sh & shape::TCP != 0 { 6 } else { 17 });
        assert!(
            s.transport_hlen == 20
                || s.transport_hlen == 8
                || s.flags & flags::USUAL_TCP_OPTIONS != 0
        );
    }
    let mut map = [0u8; MAP_LEN];
    s.encode(len, &mut map);
    assert_eq!(map[0], structure::MAGIC);
    assert_eq!(
        map[7] == status::OK,
        s.status == status::OK && s.transport_off <= 0xffff
    );
});
