//! `cargo +nightly fuzz run structure`: the structure pass on arbitrary bytes, under every link
//! type it maps (the first input byte picks one). It must never panic, and what it vouches for
//! must lie inside the packet: the decoders read those offsets without checking them again.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/structure.rs"]
mod structure;

use structure::{flags, net, shape, status, MAP_LEN};

const DLTS: [i32; 11] = [0, 1, 12, 14, 101, 108, 113, 127, 228, 229, 276];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, pkt)) = data.split_first() else {
        return;
    };
    let dlt = DLTS[usize::from(pick) % DLTS.len()];
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
