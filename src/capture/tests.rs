//! The capture thread end to end on the fixture captures: batches, layer maps, filters, errors,
//! stop.

use super::*;
use crate::queue::{Finish, Take};
use crate::structure::{self, MAP_LEN};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

struct ChannelWaker(mpsc::Sender<()>);
impl Waker for ChannelWaker {
    fn wake(&self) -> bool {
        self.0.send(()).is_ok()
    }
    fn alive(&self) -> bool {
        true
    }
}

fn fixture(name: &str) -> String {
    format!("{}/__test__/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn start_offline(cfg: &OfflineConfig) -> (Arc<Core>, mpsc::Receiver<()>) {
    let (tx, rx) = mpsc::channel();
    let core = open_offline(cfg)
        .expect("open")
        .start(ChannelWaker(tx))
        .expect("start");
    (core, rx)
}

fn read_all(core: &Core, rx: &mpsc::Receiver<()>) -> (u64, Finish) {
    let (packets, _, how) = read_all_maps(core, rx);
    (packets, how)
}

/// Reads every record; returns (packets, packets with a layer map, how it ended). Every map
/// found must be the one `structure()` gives for the record's data.
fn read_all_maps(core: &Core, rx: &mpsc::Receiver<()>) -> (u64, u64, Finish) {
    use crate::queue::{record, RECORD_HEADER};
    let mut packets = 0u64;
    let mut mapped = 0u64;
    loop {
        match core.queue.take(false) {
            Take::Batch(b) => {
                let mut off = 0usize;
                while off < b.data.len() {
                    let d = &b.data;
                    let at = off + record::CAPLEN;
                    let caplen = u32::from_le_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]]);
                    let caplen = caplen as usize;
                    let map = &d[off + record::MAP..off + record::MAP + MAP_LEN];
                    let data = &d[off + record::DATA..off + record::DATA + caplen];
                    if map[structure::offset::MAGIC] == structure::MAGIC {
                        let mut want = [0u8; MAP_LEN];
                        structure::structure(core.link_type, data).encode(caplen, &mut want);
                        assert_eq!(map, &want[..]);
                        mapped += 1;
                    } else {
                        assert!(map.iter().all(|&b| b == 0));
                    }
                    off += RECORD_HEADER + caplen;
                    packets += 1;
                }
                assert_eq!(off, b.data.len());
            }
            Take::Empty => {
                let _ = rx.recv_timeout(Duration::from_secs(5));
            }
            Take::Finished(f) => return (packets, mapped, f),
        }
    }
}

/// Options to read `name` (a fixture) in batches of `batch_bytes`, no filter.
fn file_config(name: &str, batch_bytes: usize) -> OfflineConfig {
    OfflineConfig {
        path: fixture(name),
        filter: String::new(),
        outfile: None,
        batch_bytes,
        nanosecond: false,
    }
}

#[test]
fn layer_maps_are_written_once_enabled() {
    let cfg = file_config("http-loopback.pcap", 16 * 1024);
    let (core, rx) = start_offline(&cfg);
    core.enable_structure();
    let (n, mapped, how) = read_all_maps(&core, &rx);
    assert_eq!(how, Finish::Eof);
    assert_eq!(n, 4000);
    // The thread fills at most the queue (256 KiB) before it sees the flag.
    assert!(mapped > 3000, "records with maps: {mapped}");
}

#[test]
fn reads_a_whole_file_in_batches() {
    let cfg = file_config("http-loopback.pcap", 16 * 1024);
    let prepared = open_offline(&cfg).expect("open fixture");
    assert_eq!(link_type_name(prepared.link_type), "LINKTYPE_ETHERNET");
    let (tx, rx) = mpsc::channel();
    let core = prepared.start(ChannelWaker(tx)).expect("start");
    let (n, how) = read_all(&core, &rx);
    assert_eq!(how, Finish::Eof);
    assert_eq!(n, 4000);
}

#[test]
fn filter_applies_and_bad_filter_is_a_clear_error() {
    let mut cfg = file_config("http-loopback.pcap", 64 * 1024);
    cfg.filter = "ip6".into();
    let (core, rx) = start_offline(&cfg);
    let (n, _) = read_all(&core, &rx);
    assert!(n > 0 && n < 4000, "ip6 packets: {n}");
    cfg.filter = "tcp port".into();
    let err = open_offline(&cfg).err().expect("must fail");
    assert_eq!(err.code, "EFILTER");
    assert!(err.message.contains("tcp port"));
}

#[test]
fn missing_and_non_capture_files_are_clear_errors() {
    let mut cfg = file_config("does-not-exist.pcap", 1024);
    assert_eq!(open_offline(&cfg).err().map(|e| e.code), Some("ENOENT"));
    cfg.path = fixture("README.md");
    assert_eq!(open_offline(&cfg).err().map(|e| e.code), Some("EBADFILE"));
    cfg.path = fixture("captures");
    assert_eq!(open_offline(&cfg).err().map(|e| e.code), Some("EISDIR"));
}

#[test]
fn stop_ends_a_file_read_early() {
    let cfg = file_config("http-loopback.pcap", 1024);
    let (tx, rx) = mpsc::channel();
    let core = open_offline(&cfg)
        .expect("open")
        .start(ChannelWaker(tx))
        .expect("start");
    core.stop();
    let mut how = None;
    for _ in 0..10_000 {
        match core.queue.take(false) {
            Take::Finished(f) => {
                how = Some(f);
                break;
            }
            Take::Empty => {
                let _ = rx.recv_timeout(Duration::from_millis(100));
            }
            Take::Batch(_) => {}
        }
    }
    assert_eq!(how, Some(Finish::Stopped));
}
