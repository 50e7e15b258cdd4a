//! The dumper and the writer against real files and devices: what libpcap writes and reads back,
//! /dev/full, a pipe whose reader has gone, and a file size limit (RLIMIT_FSIZE) that cuts a
//! write short, in a child process.

use std::path::{Path, PathBuf};

use super::*;

/// The JavaScript side's default: the longest record libpcap reads back.
use crate::capture::MAXIMUM_SNAPLEN as DEFAULT_SNAPLEN;

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "node-pcap-writer-{name}-{}.pcap",
        std::process::id()
    ))
}

fn packet(i: u32, size: usize) -> Vec<u8> {
    (0..size).map(|j| (i as usize * 7 + j) as u8).collect()
}

/// Every packet of `path`, as libpcap reads it: (seconds, fraction, len, data).
// time_t and suseconds_t are i64 here but narrower on some targets.
#[allow(clippy::useless_conversion)]
fn read_back(path: &Path) -> Vec<(i64, i64, u32, Vec<u8>)> {
    let mut cap = Capture::from_file(path).expect("read back");
    let mut out = Vec::new();
    while let Ok(p) = cap.next_packet() {
        let h = p.header;
        out.push((
            i64::from(h.ts.tv_sec),
            i64::from(h.ts.tv_usec),
            h.len,
            p.data.to_vec(),
        ));
    }
    out
}

#[test]
fn written_packets_read_back_identical() {
    let path = temp("rt");
    let path_s = path.to_string_lossy().into_owned();
    let mut w = Writer::create(&path_s, 1, DEFAULT_SNAPLEN, false).expect("create");
    w.write(1_700_000_000, 123_456, 64, &[1, 2, 3, 4])
        .expect("write");
    w.write(1_700_000_001, 7, 3, &[9, 8, 7]).expect("write");
    assert_eq!(w.packets_written(), 2);
    w.close().expect("close");
    assert_eq!(w.packets_written(), 2);
    assert_eq!(w.write(0, 0, 0, &[]).map_err(|e| e.code), Err("ECLOSED"));
    assert_eq!(
        read_back(&path),
        vec![
            (1_700_000_000, 123_456, 64, vec![1, 2, 3, 4]),
            (1_700_000_001, 7, 3, vec![9, 8, 7])
        ]
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn large_packets_and_nanoseconds_survive_the_round_trip() {
    let path = temp("ns");
    let path_s = path.to_string_lossy().into_owned();
    let big = packet(3, 100_000);
    let mut w = Writer::create(&path_s, 1, DEFAULT_SNAPLEN, true).expect("create");
    w.write(1_700_000_000, 999_999_999, 100_000, &big)
        .expect("write");
    w.close().expect("close");
    let mut cap =
        Capture::from_file_with_precision(&path, pcap::Precision::Nano).expect("read back");
    let p = cap.next_packet().expect("first");
    assert_eq!(p.data, &big[..]);
    assert_eq!(
        (p.header.ts.tv_sec, p.header.ts.tv_usec),
        (1_700_000_000, 999_999_999)
    );
    let _ = std::fs::remove_file(&path);
}

/// The same packets through libpcap's own `pcap_dump` (the `pcap` crate's savefile) and through
/// the dumper give the same bytes, over several write-outs of the buffer.
#[test]
fn same_bytes_as_libpcaps_dumper() {
    let (ours, theirs) = (temp("ours"), temp("theirs"));
    let packets: Vec<Vec<u8>> = (0..400)
        .map(|i| packet(i, 60 + (i as usize * 37) % 1400))
        .collect();
    let mut w = Writer::create(&ours.to_string_lossy(), 1, 65535, false).expect("create");
    for (i, p) in packets.iter().enumerate() {
        w.write(1_600_000_000 + i as i64, i as i64, p.len() as u32 + 4, p)
            .expect("write");
    }
    w.close().expect("close");
    let dead = Capture::dead(pcap::Linktype(1)).expect("dead handle");
    let mut sf = dead.savefile(&theirs).expect("savefile");
    for (i, p) in packets.iter().enumerate() {
        let header = pcap::PacketHeader {
            ts: libc::timeval {
                tv_sec: 1_600_000_000 + i as libc::time_t,
                tv_usec: i as libc::suseconds_t,
            },
            caplen: p.len() as u32,
            len: p.len() as u32 + 4,
        };
        sf.write(&pcap::Packet::new(&header, p));
    }
    sf.flush().expect("flush");
    drop(sf);
    let (a, b) = (
        std::fs::read(&ours).unwrap(),
        std::fs::read(&theirs).unwrap(),
    );
    assert!(a.len() > 2 * WRITE_BUFFER);
    assert!(a == b, "{} bytes vs libpcap's {}", a.len(), b.len());
    let _ = std::fs::remove_file(&ours);
    let _ = std::fs::remove_file(&theirs);
}

#[test]
fn dev_full_fails_when_the_header_is_written() {
    let e = Writer::create("/dev/full", 1, DEFAULT_SNAPLEN, false)
        .err()
        .expect("an error");
    assert_eq!(e.code, "ENOSPC");
    assert!(e.message.contains("/dev/full"), "{}", e.message);
    let e = Writer::create("/nonexistent/dir/x.pcap", 1, DEFAULT_SNAPLEN, false).err();
    assert_eq!(e.map(|e| e.code), Some("EDUMP"));
}

#[test]
fn whole_records_stop_before_a_partial_one() {
    let mut buf = Vec::new();
    for caplen in [3u32, 0, 5] {
        buf.extend_from_slice(&[0; 8]);
        buf.extend_from_slice(&caplen.to_ne_bytes());
        buf.extend_from_slice(&caplen.to_ne_bytes());
        buf.extend(std::iter::repeat_n(0xab, caplen as usize));
    }
    assert_eq!(whole_records(&buf), (3, buf.len()));
    assert_eq!(whole_records(&buf[..buf.len() - 1]), (2, 35));
    assert_eq!(whole_records(&buf[..35 + 15]), (2, 35));
    assert_eq!(whole_records(&buf[..18]), (0, 0));
    assert_eq!(whole_records(&[]), (0, 0));
}

/// A pipe whose reader has gone: EPIPE (the test harness, as Node, ignores SIGPIPE); a pipe
/// cannot be cut back, and the message says how it ends.
#[test]
fn a_pipe_without_reader_is_epipe() {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let path = format!("/proc/self/fd/{}", fds[1]);
    let mut w = Writer::create(&path, 1, DEFAULT_SNAPLEN, false).expect("create");
    // SAFETY: both descriptors are ours; the writer has its own.
    unsafe {
        libc::close(fds[0]);
        libc::close(fds[1]);
    }
    for i in 0..10 {
        w.write(1, 0, 100, &packet(i, 100)).expect("buffered");
    }
    let e = w.flush().expect_err("EPIPE");
    assert_eq!(e.code, "EPIPE");
    assert!(
        e.message.contains("holds the first 0 packets"),
        "{}",
        e.message
    );
    assert_eq!(w.packets_written(), 0);
    assert_eq!(w.write(1, 0, 1, &[1]).map_err(|e| e.code), Err("EPIPE"));
    assert_eq!(w.close(), Ok(()), "reported already");
}

const FSIZE_CHILD: &str = "NODE_PCAP_FSIZE_CHILD";
const FSIZE_LIMIT: u64 = 50_000;
const FSIZE_RECORD: usize = 1000;

/// Under a file size limit of 50,000 bytes, a write-out of 100 records of 1,016 bytes is cut
/// short by the kernel, then refused with EFBIG: the file keeps its 49 whole records (the partial
/// 50th is cut off), the writer counts 49, later writes throw. Runs in a child process started
/// with the limit (and SIGXFSZ ignored); the parent reads the file back without it.
#[test]
fn a_short_write_is_cut_back_to_the_last_whole_record() {
    let path = temp("fsize");
    if let Ok(child_path) = std::env::var(FSIZE_CHILD) {
        let mut w = Writer::create(&child_path, 1, DEFAULT_SNAPLEN, false).expect("create");
        for i in 0..100 {
            w.write(2, i, FSIZE_RECORD as u32, &packet(i as u32, FSIZE_RECORD))
                .expect("buffered");
        }
        assert_eq!(w.packets_written(), 100);
        let e = w.flush().expect_err("EFBIG");
        assert_eq!(e.code, "EFBIG", "{}", e.message);
        assert!(
            e.message.contains("holds the first 49 packets"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("partial record at its end were removed"),
            "{}",
            e.message
        );
        assert_eq!(w.packets_written(), 49);
        assert_eq!(w.write(1, 0, 1, &[1]).map_err(|e| e.code), Err("EFBIG"));
        assert_eq!(w.close(), Ok(()));
        return;
    }
    let mut cmd = std::process::Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        "--exact",
        "writer::tests::a_short_write_is_cut_back_to_the_last_whole_record",
        "--test-threads=1",
    ])
    .env(FSIZE_CHILD, &path);
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec (setrlimit, signal).
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: FSIZE_LIMIT,
                rlim_max: FSIZE_LIMIT,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &lim);
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        })
    };
    let out = cmd.output().expect("child");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let rec = RECORD_HEADER + FSIZE_RECORD;
    assert_eq!(
        std::fs::metadata(&path).expect("file").len(),
        (24 + 49 * rec) as u64
    );
    let back = read_back(&path);
    assert_eq!(back.len(), 49);
    for (i, p) in back.iter().enumerate() {
        assert_eq!(p.3, packet(i as u32, FSIZE_RECORD));
    }
    let _ = std::fs::remove_file(&path);
}

/// The dumper alone: counters, the error handed out once, nothing written after it.
#[test]
fn a_failed_dumper_counts_and_reports_once() {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    let dead = Capture::dead(pcap::Linktype(1)).expect("dead handle");
    let path = format!("/proc/self/fd/{}", fds[1]);
    // SAFETY: `dead` is a valid handle for the call.
    let mut d = unsafe { Dumper::open(dead.as_ptr().cast(), &path) }.expect("open");
    // SAFETY: our descriptors; the dumper has its own.
    unsafe {
        libc::close(fds[0]);
        libc::close(fds[1]);
    }
    let ts = libc::timeval {
        tv_sec: 0,
        tv_usec: 0,
    };
    d.write(ts, 10, &[0; 10]);
    assert!(d.error().is_none());
    d.flush();
    assert_eq!(d.error().map(|e| e.code), Some("EPIPE"));
    d.write(ts, 10, &[0; 10]);
    assert_eq!((d.written(), d.dropped(), d.accepted()), (0, 2, 0));
    assert_eq!(d.take_unreported().map(|e| e.code), Some("EPIPE"));
    assert!(d.take_unreported().is_none());
    assert_eq!(d.close(), Ok(()));
}
