//! IPFIX export to a real collector: Debian's nfcapd receives the meter's records over UDP on
//! loopback, then nfdump reads what it stored. Flows, packets and bytes must equal the meter's
//! totals, and nfcapd must count no sequence failure although the whole file is exported at
//! once (the exporter paces itself).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::ipfix::Exporter;
use super::*;
use crate::structure::structure;

struct Collector {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl Collector {
    fn start(name: &str) -> Collector {
        let dir = std::env::temp_dir().join(format!("pcap-flows-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("tmp dir");
        // A free port: bind one, note it, let it go.
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("free port")
            .port();
        let child = Command::new("nfcapd")
            .args([
                "-b",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-t",
                "3600",
                "-w",
            ])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nfcapd must be installed (apt-get install nfdump)");
        // Listening once the port cannot be bound any more.
        let t = Instant::now();
        while std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "nfcapd did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Collector { child, dir, port }
    }

    /// Stops nfcapd (it writes its file on SIGTERM) and returns nfdump's statistics of what
    /// it stored (`nfdump -I`: "Flows", "Packets", "Bytes", "Sequence failures", ...).
    fn finish(mut self) -> std::collections::HashMap<String, u64> {
        std::thread::sleep(Duration::from_millis(500));
        // SAFETY: kill(2) on the child's pid, which we own and have not waited for.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
        let stat = Command::new("nfdump")
            .arg("-I")
            .arg("-R")
            .arg(&self.dir)
            .output()
            .expect("nfdump -I");
        let _ = std::fs::remove_dir_all(&self.dir);
        String::from_utf8_lossy(&stat.stdout)
            .lines()
            .filter_map(|l| {
                let (k, v) = l.split_once(": ")?;
                Some((k.to_string(), v.trim().parse().ok()?))
            })
            .collect()
    }
}

/// Exports `records` to a fresh nfcapd and checks what nfdump reads back.
fn export_and_check(name: &str, records: &[FlowRecord]) {
    let c = Collector::start(name);
    let mut e = Exporter::connect(&format!("127.0.0.1:{}", c.port), 1, true).expect("connect");
    let t = Instant::now();
    for r in records {
        e.add(r);
    }
    e.flush();
    let took = t.elapsed();
    let stat = c.finish();
    let packets: u64 = records.iter().map(|r| r.fwd.packets + r.rev.packets).sum();
    let bytes: u64 = records.iter().map(|r| r.fwd.bytes + r.rev.bytes).sum();
    println!(
        "{name}: {} records, {packets} packets, {bytes} bytes in {} messages ({:.0} ms); nfdump: {stat:?}",
        records.len(),
        e.stats.messages,
        took.as_secs_f64() * 1000.0
    );
    assert_eq!(e.stats.send_errors, 0);
    assert_eq!(stat.get("Sequence failures"), Some(&0));
    assert_eq!(stat.get("Flows"), Some(&(records.len() as u64)));
    assert_eq!(stat.get("Packets"), Some(&packets));
    assert_eq!(stat.get("Bytes"), Some(&bytes));
}

fn meter_file(path: &Path, out: &mut Vec<FlowRecord>) {
    let Ok(mut cap) = pcap::Capture::from_file_with_precision(path, pcap::Precision::Nano) else {
        return;
    };
    let dlt = cap.get_datalink().0;
    let mut m = Meter::new(Config::default());
    while let Ok(p) = cap.next_packet() {
        #[allow(clippy::useless_conversion)]
        let ts = timestamp_ns(
            i64::from(p.header.ts.tv_sec),
            i64::from(p.header.ts.tv_usec),
            true,
        );
        m.packet(ts, p.header.len, p.data, &structure(dlt, p.data), out);
    }
    m.finish(out);
}

#[test]
fn nfcapd_stores_every_flow_of_the_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("__test__/fixtures");
    let mut records = Vec::new();
    meter_file(&root.join("http-loopback.pcap"), &mut records);
    let mut caps: Vec<PathBuf> = std::fs::read_dir(root.join("captures"))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    caps.sort();
    for p in caps {
        meter_file(&p, &mut records);
    }
    assert!(records.iter().any(|r| r.key.v6) && records.iter().any(|r| !r.key.v6));
    export_and_check("fixtures", &records);
}

#[test]
fn nfcapd_keeps_up_with_300k_flows_at_full_speed() {
    // Records as a SYN flood leaves them: one packet each, IPv4 and IPv6, all different keys.
    let mut m = Meter::new(Config::default());
    let mut records = Vec::new();
    let mut frame = vec![0u8; 12];
    frame.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0]);
    frame.extend_from_slice(&[10, 0, 0, 0, 10, 1, 0, 1]);
    frame.extend_from_slice(&[0u8; 20]);
    frame[46] = 5 << 4;
    frame[47] = 2;
    for n in 0u32..300_000 {
        frame[28..30].copy_from_slice(&((n >> 16) as u16).to_be_bytes());
        frame[34..36].copy_from_slice(&(n as u16).to_be_bytes());
        m.packet(
            u64::from(n) * 1000,
            54,
            &frame,
            &structure(1, &frame),
            &mut records,
        );
    }
    m.finish(&mut records);
    assert_eq!(records.len(), 300_000);
    export_and_check("flood", &records);
}
