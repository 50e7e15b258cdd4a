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
    use crate::batch::{walk, BATCH_HEADER, RECORD_HEADER};
    let mut packets = 0u64;
    let mut mapped = 0u64;
    loop {
        match core.queue.take(false) {
            Take::Batch(b) => {
                let end = b.records_end();
                let d = &b.data;
                let mut n = 0usize;
                let mut last = BATCH_HEADER;
                for (off, caplen) in walk(&d[BATCH_HEADER..end]) {
                    let start = BATCH_HEADER + off + RECORD_HEADER;
                    let data = &d[start..start + caplen];
                    if let Some(table) = b.maps() {
                        let map = &d[table + n * MAP_LEN..table + (n + 1) * MAP_LEN];
                        assert_eq!(map[structure::offset::MAGIC], structure::MAGIC);
                        let mut want = [0u8; MAP_LEN];
                        structure::structure(core.link_type, data).encode(caplen, &mut want);
                        assert_eq!(map, &want[..]);
                        mapped += 1;
                    }
                    n += 1;
                    last = start + caplen;
                }
                assert_eq!(last, end);
                assert_eq!(n as u32, b.packets);
                let table = b.maps().map_or(0, |_| n * MAP_LEN);
                assert_eq!(d.len(), end + table);
                packets += n as u64;
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
        batch_bytes: Some(batch_bytes),
        nanosecond: false,
        flows: None,
        packets: true,
        reader: ReaderMode::Thread,
    }
}

/// Flow batches and packet batches of a session read to its end: (flow records, packets).
fn read_flows(core: &Core, rx: &mpsc::Receiver<()>) -> (u32, u64, Finish) {
    let (mut flows, mut packets) = (0u32, 0u64);
    loop {
        match core.queue.take(false) {
            Take::Batch(b) if b.flows => flows += b.packets,
            Take::Batch(b) => packets += u64::from(b.packets),
            Take::Empty => {
                let _ = rx.recv_timeout(Duration::from_secs(5));
            }
            Take::Finished(f) => return (flows, packets, f),
        }
    }
}

#[test]
fn flows_only_and_flows_with_packets_give_the_same_flows() {
    let mut cfg = file_config("http-loopback.pcap", 16 * 1024);
    cfg.flows = Some(crate::flow::pipeline::FlowOptions::default());
    cfg.packets = false;
    let prepared = open_offline(&cfg).expect("open");
    assert!(
        prepared.flow_file.is_some(),
        "a classic pcap file is read in blocks"
    );
    let (tx, rx) = mpsc::channel();
    let core = prepared.start(ChannelWaker(tx)).expect("start");
    let (flows, packets, how) = read_flows(&core, &rx);
    assert_eq!((packets, how), (0, Finish::Eof));
    assert_eq!(core.queue.counters.packets.load(Ordering::Relaxed), 4000);
    cfg.packets = true;
    let (core, rx) = start_offline(&cfg);
    let (flows2, packets2, _) = read_flows(&core, &rx);
    assert_eq!((flows, packets2), (flows2, 4000));
    assert!(flows >= 10, "{flows} flows");
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

/// Records as (pcap header, data).
type Records = Vec<(Vec<u8>, Vec<u8>)>;

/// Every record of a session's batches, and how it ended.
fn records_of(core: &Core, rx: &mpsc::Receiver<()>) -> (Records, Finish) {
    use crate::batch::{walk, BATCH_HEADER, RECORD_HEADER};
    let mut out = Vec::new();
    loop {
        match core.queue.take(false) {
            Take::Batch(b) => {
                let d = &b.data;
                for (off, caplen) in walk(&d[BATCH_HEADER..b.records_end()]) {
                    let at = BATCH_HEADER + off;
                    out.push((
                        d[at..at + RECORD_HEADER].to_vec(),
                        d[at + RECORD_HEADER..at + RECORD_HEADER + caplen].to_vec(),
                    ));
                }
            }
            Take::Empty => {
                let _ = rx.recv_timeout(Duration::from_secs(5));
            }
            Take::Finished(f) => return (out, f),
        }
    }
}

/// The same records read inline (`InlineFile`), with maps on from the start.
fn inline_records(cfg: &OfflineConfig) -> (Records, Finish) {
    use crate::batch::{walk, BATCH_HEADER, RECORD_HEADER};
    let mut cfg = cfg.clone();
    cfg.reader = ReaderMode::Inline;
    let Runner::Inline(mut file) = open_offline(&cfg).expect("open").runner() else {
        panic!("{}: not read inline", cfg.path);
    };
    file.enable_structure();
    let mut out = Vec::new();
    loop {
        let size = file.size();
        let mut buf = vec![0xeeu8; size];
        // SAFETY: `buf` is `size` writable bytes owned here.
        match unsafe { file.fill(buf.as_mut_ptr(), size) } {
            InlineFill::Batch(len) => {
                let b = crate::batch::Batch {
                    packets: u32::from_le_bytes(buf[0..4].try_into().expect("4")),
                    data: buf[..len].to_vec(),
                    ..Default::default()
                };
                let end = b.records_end();
                let mut n = 0;
                for (off, caplen) in walk(&buf[BATCH_HEADER..end]) {
                    let at = BATCH_HEADER + off;
                    let data = &buf[at + RECORD_HEADER..at + RECORD_HEADER + caplen];
                    let table = b.maps().expect("maps on");
                    let mut want = [0u8; MAP_LEN];
                    structure::structure(file.link_type(), data).encode(caplen, &mut want);
                    assert_eq!(&buf[table + n * MAP_LEN..table + (n + 1) * MAP_LEN], &want);
                    out.push((buf[at..at + RECORD_HEADER].to_vec(), data.to_vec()));
                    n += 1;
                }
                assert_eq!(n as u32, b.packets);
                assert!(
                    buf[len..].iter().all(|&x| x == 0),
                    "the unused room is zeroed"
                );
            }
            InlineFill::Retry => {}
            InlineFill::Finished(f) => return (out, f),
        }
    }
}

#[test]
fn in_place_reading_gives_libpcaps_records_on_the_thread_and_inline() {
    let mut compared = 0;
    let dir = fixture("captures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| {
            e.ok()
                .map(|e| format!("captures/{}", e.file_name().to_string_lossy()))
        })
        .collect();
    names.push("http-loopback.pcap".into());
    for name in names {
        for filter in ["", "tcp"] {
            let mut cfg = file_config(&name, 4096);
            cfg.filter = filter.into();
            cfg.reader = ReaderMode::Libpcap;
            let Ok(prepared) = open_offline(&cfg) else {
                continue;
            };
            let (tx, rx) = mpsc::channel();
            let lib = prepared.start(ChannelWaker(tx)).expect("start");
            let want = records_of(&lib, &rx);
            cfg.reader = ReaderMode::Thread;
            let prepared = open_offline(&cfg).expect("open");
            if !matches!(prepared.source, open::Source::Blocks(_)) {
                continue;
            }
            let (tx, rx) = mpsc::channel();
            let blocks = prepared.start(ChannelWaker(tx)).expect("start");
            assert_eq!(records_of(&blocks, &rx), want, "{name} {filter}: thread");
            assert_eq!(inline_records(&cfg), want, "{name} {filter}: inline");
            compared += 1;
        }
    }
    assert!(compared > 300, "{compared}");
}

#[test]
fn outfile_and_pcapng_stay_with_libpcap() {
    let mut cfg = file_config("captures/bgp-role.pcapng", 4096);
    assert!(matches!(
        open_offline(&cfg).expect("open").source,
        open::Source::Offline(_)
    ));
    cfg.path = fixture("http-loopback.pcap");
    let out = std::env::temp_dir().join(format!("outfile-{}.pcap", std::process::id()));
    cfg.outfile = Some(out.display().to_string());
    assert!(matches!(
        open_offline(&cfg).expect("open").source,
        open::Source::Offline(_)
    ));
    let _ = std::fs::remove_file(out);
}

#[test]
fn an_inline_file_goes_on_on_a_thread_from_where_it_stopped() {
    use crate::batch::{walk, BATCH_HEADER, RECORD_HEADER};
    let mut cfg = file_config("http-loopback.pcap", 4096);
    cfg.reader = ReaderMode::Libpcap;
    let (tx, rx) = mpsc::channel();
    let lib = open_offline(&cfg)
        .expect("open")
        .start(ChannelWaker(tx))
        .expect("start");
    let (want, _) = records_of(&lib, &rx);
    cfg.reader = ReaderMode::Auto;
    let Runner::Inline(mut file) = open_offline(&cfg).expect("open").runner() else {
        panic!("not read inline");
    };
    let mut got = Vec::new();
    for _ in 0..3 {
        let size = file.size();
        let mut buf = vec![0u8; size];
        // SAFETY: `buf` is `size` writable bytes owned here.
        let InlineFill::Batch(_) = (unsafe { file.fill(buf.as_mut_ptr(), size) }) else {
            panic!("a batch");
        };
        let end = u32::from_le_bytes(buf[4..8].try_into().expect("4")) as usize;
        for (off, caplen) in walk(&buf[BATCH_HEADER..end]) {
            let at = BATCH_HEADER + off;
            got.push((
                buf[at..at + RECORD_HEADER].to_vec(),
                buf[at + RECORD_HEADER..at + RECORD_HEADER + caplen].to_vec(),
            ));
        }
    }
    let before = got.len() as u64;
    let (tx, rx) = mpsc::channel();
    let core = file.into_thread(ChannelWaker(tx));
    assert_eq!(core.queue.counters.packets.load(Ordering::Relaxed), before);
    let (rest, how) = records_of(&core, &rx);
    assert_eq!(how, Finish::Eof);
    got.extend(rest);
    assert_eq!(got, want);
    assert_eq!(core.queue.counters.packets.load(Ordering::Relaxed), 4000);
    // The thread writes the layer maps of every batch.
    let Runner::Inline(file) = open_offline(&cfg).expect("open").runner() else {
        panic!("not read inline");
    };
    let (tx, rx) = mpsc::channel();
    let core = file.into_thread(ChannelWaker(tx));
    assert_eq!(read_all_maps(&core, &rx), (4000, 4000, Finish::Eof));
}
