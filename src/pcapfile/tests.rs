//! The in-place reader against libpcap on every fixture and on files made to exercise what it
//! rewrites (byte order, timestamp precision, records beyond the snap length, damage).

use super::*;
use crate::batch::{self, record};
use pcap::{Capture, Offline, Precision};
use std::collections::VecDeque;
use std::os::fd::OwnedFd;

fn fixtures() -> Vec<String> {
    let root = format!("{}/__test__/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut v: Vec<String> = std::fs::read_dir(format!("{root}/captures"))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path().display().to_string()))
        .collect();
    v.push(format!("{root}/http-loopback.pcap"));
    v.sort();
    v
}

/// libpcap's handle and our reader on the same file, or None when the reader leaves the file to
/// libpcap (or libpcap refuses it or the filter).
fn open_both(path: &str, filter: &str, nano: bool) -> Option<(Capture<Offline>, BlockReader)> {
    let precision = if nano {
        Precision::Nano
    } else {
        Precision::Micro
    };
    let mut cap = Capture::from_file_with_precision(path, precision).ok()?;
    if !filter.is_empty() {
        cap.filter(filter, true).ok()?;
    }
    let fd: OwnedFd = std::fs::File::open(path).ok()?.into();
    let head = file_head(&fd)?;
    let p: *mut c_void = cap.as_ptr().cast();
    // SAFETY: `p` is the open handle of `cap`.
    let snap = unsafe { ffi::pcap_snapshot(p) };
    let layout = Layout::of(&head, cap.get_datalink().0, snap, nano)?;
    // SAFETY: as above.
    let reader = unsafe { BlockReader::new(fd, layout, p, filter) }.ok()?;
    Some((cap, reader))
}

/// One record as a batch carries it: (tv_sec, tv_frac, caplen, len, data).
type Rec = (u32, u32, u32, u32, Vec<u8>);

/// Reads the next records with a destination of `cap` bytes (grown when a record needs more).
fn next_records(r: &mut BlockReader, cap: &mut usize) -> Result<Option<Vec<Rec>>, String> {
    loop {
        let mut dst = vec![0u8; *cap];
        // SAFETY: `dst` is `cap` writable bytes owned here.
        match unsafe { r.fill(dst.as_mut_ptr(), *cap, 7) } {
            Fill::Records { packets, len } => {
                let got: Vec<Rec> = batch::walk(&dst[..len])
                    .map(|(off, caplen)| {
                        let f = |at: usize| batch::get_u32(&dst, off + at);
                        let data = dst[off + record::DATA..off + record::DATA + caplen].to_vec();
                        (
                            f(record::TV_SEC),
                            f(record::TV_USEC),
                            f(record::CAPLEN),
                            f(record::LEN),
                            data,
                        )
                    })
                    .collect();
                assert_eq!(got.len(), packets as usize);
                assert!(packets <= 7);
                return Ok(Some(got));
            }
            Fill::End => return Ok(None),
            Fill::NeedRoom(n) => {
                assert!(n > *cap);
                *cap = n;
            }
            Fill::Error(e) => return Err(e),
        }
    }
}

/// Reads `path` both ways and asserts the same records, then the same end (clean, or an error
/// with libpcap's message). Returns the records compared, or None when not read in place.
fn compare(path: &str, filter: &str, nano: bool, cap: usize) -> Option<usize> {
    let (mut lib, mut ours) = open_both(path, filter, nano)?;
    let mut queue: VecDeque<Rec> = VecDeque::new();
    let mut cap = cap;
    let mut n = 0;
    loop {
        let theirs = lib.next_packet();
        if queue.is_empty() {
            match next_records(&mut ours, &mut cap) {
                Ok(Some(recs)) => queue.extend(recs),
                Ok(None) => {
                    assert!(
                        matches!(theirs, Err(pcap::Error::NoMorePackets)),
                        "{path} #{n}: we ended, libpcap: {theirs:?}"
                    );
                    return Some(n);
                }
                Err(e) => {
                    match theirs {
                        Err(pcap::Error::PcapError(msg)) => assert_eq!(e, msg, "{path} #{n}"),
                        other => panic!("{path} #{n}: we failed ({e}), libpcap: {other:?}"),
                    }
                    return Some(n);
                }
            }
        }
        let Ok(p) = theirs else {
            panic!(
                "{path} #{n}: libpcap {theirs:?}, we have {} more",
                queue.len()
            );
        };
        let (sec, frac, caplen, len, data) = queue.pop_front().expect("a record");
        #[allow(clippy::useless_conversion)]
        let (tsec, tfrac) = (
            i64::from(p.header.ts.tv_sec),
            i64::from(p.header.ts.tv_usec),
        );
        assert_eq!((sec, frac), (tsec as u32, tfrac as u32), "{path} #{n}");
        assert_eq!(
            (caplen, len),
            (p.header.caplen, p.header.len),
            "{path} #{n}"
        );
        assert_eq!(&data[..], p.data, "{path} #{n}");
        n += 1;
    }
}

#[test]
fn every_fixture_reads_as_libpcap_reads_it() {
    let mut files = 0;
    let mut records = 0;
    for path in fixtures() {
        for filter in ["", "tcp or icmp6", "greater 100"] {
            for (nano, cap) in [(false, 1 << 16), (true, 1 << 16), (false, 200)] {
                if let Some(n) = compare(&path, filter, nano, cap) {
                    records += n;
                    files += 1;
                }
            }
        }
    }
    assert!(files > 1000, "{files} reads compared");
    assert!(records > 10_000, "{records} records compared");
}

#[test]
fn pcapng_and_other_inputs_are_left_to_libpcap() {
    let root = format!("{}/__test__/fixtures/captures", env!("CARGO_MANIFEST_DIR"));
    assert!(open_both(&format!("{root}/bgp-role.pcapng"), "", false).is_none());
    let fd: OwnedFd = std::fs::File::open(format!("{root}/../README.md"))
        .expect("readme")
        .into();
    let head = file_head(&fd).expect("24 bytes");
    assert!(Layout::of(&head, 1, 65535, false).is_none());
}

/// A classic pcap file: `swapped` byte order, `nano` timestamps, snap length `snaplen`, link
/// type Ethernet, the given records (ts_sec, ts_frac, caplen, len, data of caplen bytes).
fn write_file(path: &std::path::Path, swapped: bool, nano: bool, snaplen: u32, recs: &[Rec]) {
    let w32 = |v: u32| {
        if swapped {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w16 = |v: u16| {
        if swapped {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut f = Vec::new();
    f.extend_from_slice(&w32(if nano { MAGIC_NANO } else { MAGIC_MICRO }));
    f.extend_from_slice(&w16(2));
    f.extend_from_slice(&w16(4));
    f.extend_from_slice(&w32(0));
    f.extend_from_slice(&w32(0));
    f.extend_from_slice(&w32(snaplen));
    f.extend_from_slice(&w32(1));
    for (sec, frac, caplen, len, data) in recs {
        for v in [*sec, *frac, *caplen, *len] {
            f.extend_from_slice(&w32(v));
        }
        f.extend_from_slice(data);
    }
    std::fs::write(path, f).expect("write");
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pcapfile-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir.join(name)
}

fn sample_records() -> Vec<Rec> {
    (0..40u32)
        .map(|i| {
            let caplen = (i * 37) % 300 + 14;
            let data: Vec<u8> = (0..caplen).map(|b| (b * 7 + i) as u8).collect();
            (
                1_600_000_000 + i,
                i * 12_345 + 999,
                caplen,
                caplen + i,
                data,
            )
        })
        .collect()
}

#[test]
fn byte_order_precision_and_snap_length_are_as_libpcap_gives_them() {
    let recs = sample_records();
    for swapped in [false, true] {
        for file_nano in [false, true] {
            for snaplen in [65535, 100, 15] {
                let path = tmp(&format!("s{swapped}-n{file_nano}-{snaplen}.pcap"));
                write_file(&path, swapped, file_nano, snaplen, &recs);
                let p = path.to_str().expect("utf-8");
                for want_nano in [false, true] {
                    for cap in [1 << 16, 64] {
                        assert_eq!(compare(p, "", want_nano, cap), Some(recs.len()));
                        assert!(compare(p, "greater 200", want_nano, cap).is_some());
                    }
                }
            }
        }
    }
}

#[test]
fn a_file_cut_anywhere_gives_the_records_before_and_libpcaps_error() {
    let recs = sample_records();
    let whole = tmp("whole.pcap");
    write_file(&whole, false, false, 100, &recs[..6]);
    let bytes = std::fs::read(&whole).expect("read");
    let cut = tmp("cut.pcap");
    for end in 25..bytes.len() {
        std::fs::write(&cut, &bytes[..end]).expect("write");
        let p = cut.to_str().expect("utf-8");
        for cap in [1 << 16, 40] {
            assert!(compare(p, "", false, cap).is_some(), "cut at {end}");
        }
    }
}

#[test]
fn an_oversized_record_is_libpcaps_error_after_the_records_before() {
    let mut recs = sample_records()[..3].to_vec();
    recs.push((1, 2, MAX_CAPLEN + 1, 70_000, vec![0; 64]));
    let path = tmp("oversized.pcap");
    write_file(&path, false, false, 65535, &recs);
    assert_eq!(
        compare(path.to_str().expect("utf-8"), "", false, 1 << 16),
        Some(3)
    );
}

#[test]
fn a_filter_that_rejects_everything_returns_empty_handed_within_its_budget() {
    let recs: Vec<Rec> = (0..30_000u32)
        .map(|i| (i, 0, 400, 400, vec![0u8; 400]))
        .collect();
    let path = tmp("rejected.pcap");
    write_file(&path, false, false, 65535, &recs);
    let (_lib, mut ours) = open_both(path.to_str().expect("utf-8"), "tcp", false).expect("open");
    let mut dst = vec![0u8; 1 << 16];
    // SAFETY: `dst` is writable and owned here.
    let first = unsafe { ours.fill(dst.as_mut_ptr(), dst.len(), 100) };
    assert_eq!(first, Fill::Records { packets: 0, len: 0 });
    let mut calls = 1;
    loop {
        // SAFETY: as above.
        match unsafe { ours.fill(dst.as_mut_ptr(), dst.len(), 100) } {
            Fill::Records { packets: 0, len: 0 } => calls += 1,
            Fill::End => break,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(calls, 2, "12.5 MB rejected in 4 MiB steps");
}
