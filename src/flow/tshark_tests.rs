//! The meter against tshark on every test capture: TCP flows are tshark's `tcp.stream`s and
//! UDP flows its `udp.stream`s, with the same packets, IP bytes, first packet time,
//! retransmissions (`tcp.analysis.retransmission`) and handshake RTT
//! (`tcp.analysis.initial_rtt`). tshark's values are read at run time.
//!
//! Compared are the packets whose transport header is the first one (tshark also dissects the
//! TCP/UDP inside tunnels and ICMP errors, the meter does not) and that are not IP fragments
//! (tshark reassembles them; the meter counts each fragment on the wire). Timeouts are off, as
//! tshark has none.

use std::collections::BTreeMap;
use std::process::Command;

use super::*;
use crate::structure::{flags, structure};

/// Per flow: (first ns, packets, IP bytes, retransmissions, RTT ns).
type Row = (u64, u64, u64, u64, u64);
/// TCP rows, UDP rows.
type Flows = (Vec<Row>, Vec<Row>);

fn fixture_files() -> Vec<String> {
    let root = format!("{}/__test__/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut v = vec![format!("{root}/http-loopback.pcap")];
    let mut caps: Vec<String> = std::fs::read_dir(format!("{root}/captures"))
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path().display().to_string()))
        .filter(|p| p.ends_with(".pcap") || p.ends_with(".pcapng"))
        .collect();
    // Its nanosecond fields exceed a second; tshark then computes negative times.
    caps.retain(|p| !p.ends_with("timestamp_invalid_nano.pcap"));
    // BIG TCP over VXLAN/Geneve: the outer UDP length is 0 and tshark assigns no udp.stream.
    caps.retain(|p| !(p.contains("/bigtcp-") && (p.contains("vxlan") || p.contains("geneve"))));
    caps.sort();
    v.extend(caps);
    v
}

fn ns_of(epoch: &str) -> u64 {
    let (s, f) = epoch.split_once('.').unwrap_or((epoch, "0"));
    let frac = format!("{f:0<9}");
    s.parse::<u64>()
        .unwrap_or(0)
        .saturating_mul(SECOND)
        .saturating_add(frac[..9].parse::<u64>().unwrap_or(0))
}

/// tshark's flows of `path`: (tcp rows, udp rows).
fn tshark_flows(path: &str) -> Option<Flows> {
    let out = Command::new("tshark")
        .args(["-n", "-r", path, "-T", "fields", "-E", "separator=|"])
        .args(["-e", "frame.time_epoch", "-e", "frame.protocols"])
        .args(["-e", "tcp.stream", "-e", "udp.stream", "-e", "ip.len"])
        .args(["-e", "ipv6.plen", "-e", "tcp.analysis.retransmission"])
        .args(["-e", "tcp.analysis.initial_rtt", "-e", "ip.flags.mf"])
        .args([
            "-e",
            "ip.frag_offset",
            "-e",
            "ipv6.fragment",
            "-e",
            "ipv6.opt.jumbo",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut tcp: BTreeMap<u64, Row> = BTreeMap::new();
    let mut udp: BTreeMap<u64, Row> = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('|').collect();
        if f.len() < 12 {
            continue;
        }
        // The layers that count: the first IP header and the transport right after it.
        let protos: Vec<&str> = f[1].split(':').collect();
        let Some(ip_at) = protos.iter().position(|p| *p == "ip" || *p == "ipv6") else {
            continue;
        };
        let v6 = protos[ip_at] == "ipv6";
        let transport = protos[ip_at + 1..].iter().find(|p| !p.starts_with("ipv6."));
        let first = |i: usize| f[i].split(',').next().unwrap_or("");
        let fragment = first(8) == "1" || !matches!(first(9), "" | "0") || !first(10).is_empty();
        if fragment {
            continue;
        }
        let bytes: u64 = if v6 {
            match first(5).parse::<u64>() {
                // A jumbogram says 0 here; its length is in the hop-by-hop option.
                Ok(0) => 40 + first(11).parse::<u64>().unwrap_or(0),
                Ok(n) => 40 + n,
                Err(_) => continue,
            }
        } else {
            match first(4).parse() {
                Ok(n) => n,
                Err(_) => continue,
            }
        };
        let (table, stream) = match transport {
            Some(&"tcp") => (&mut tcp, first(2).parse::<u64>()),
            Some(&"udp") => (&mut udp, first(3).parse::<u64>()),
            _ => continue,
        };
        let Ok(stream) = stream else { continue };
        let row = table.entry(stream).or_insert((ns_of(f[0]), 0, 0, 0, 0));
        row.1 += 1;
        row.2 += bytes;
        if transport != Some(&"tcp") {
            continue;
        }
        if !first(6).is_empty() {
            row.3 += 1;
        }
        if row.4 == 0 && !f[7].is_empty() {
            row.4 = ns_of(f[7]);
        }
    }
    Some((tcp.into_values().collect(), udp.into_values().collect()))
}

/// The meter's flows of `path` (TCP rows, UDP rows).
fn meter_flows(path: &str) -> Option<Flows> {
    // A few captures are pcapng versions libpcap refuses (tshark reads them): not compared.
    // Nor are files without any IP packet (below).
    let mut cap = pcap::Capture::from_file_with_precision(path, pcap::Precision::Nano).ok()?;
    let dlt = cap.get_datalink().0;
    let forever = u64::MAX / 4;
    let mut m = Meter::new(Config {
        idle_ns: forever,
        active_ns: forever,
        close_ns: forever,
        max_flows: 1 << 24,
        hints: true,
    });
    let mut out = Vec::new();
    while let Ok(p) = cap.next_packet() {
        let st = structure(dlt, p.data);
        if st.flags & (flags::FRAGMENT | flags::MORE_FRAGMENTS) != 0 {
            continue;
        }
        #[allow(clippy::useless_conversion)]
        let ts = timestamp_ns(
            i64::from(p.header.ts.tv_sec),
            i64::from(p.header.ts.tv_usec),
            true,
        );
        m.packet(ts, p.header.len, p.data, &st, &mut out);
    }
    m.finish(&mut out);
    let row = |r: &FlowRecord| {
        (
            r.first_ns,
            r.fwd.packets + r.rev.packets,
            r.fwd.bytes + r.rev.bytes,
            u64::from(r.fwd.retrans_packets + r.rev.retrans_packets),
            r.rtt_ns,
        )
    };
    let pick = |proto: u8| {
        let mut v: Vec<Row> = out
            .iter()
            .filter(|r| r.key.proto == proto)
            .map(row)
            .collect();
        v.sort();
        v
    };
    // Files with no IPv4/IPv6 packet at all (link types without IP, ARP, STP, ...) hold no
    // flow to compare: skipped, saving tshark's start-up (~0.3 s each).
    if m.stats.non_ip == m.stats.packets {
        return None;
    }
    Some((pick(6), pick(17)))
}

#[test]
fn flows_match_tshark_on_every_fixture() {
    let files = fixture_files();
    // tshark takes ~0.3 s per file: two at a time.
    let results: Vec<(String, Option<Flows>, Option<Flows>)> = std::thread::scope(|s| {
        let halves: Vec<_> = files
            .chunks(files.len().div_ceil(2))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|p| (p.clone(), tshark_flows(p), meter_flows(p)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    let mut compared = (0usize, 0usize, 0u64, 0usize);
    let mut mismatches = Vec::new();
    for (path, theirs, ours) in results {
        let Some((mut t_tcp, mut t_udp)) = theirs else {
            panic!("tshark must be installed (apt-get install tshark)");
        };
        let Some((m_tcp, m_udp)) = ours else {
            continue;
        };
        t_tcp.sort();
        t_udp.sort();
        if t_tcp != m_tcp || t_udp != m_udp {
            mismatches.push(format!(
                "{path}:\n  tshark tcp {t_tcp:?}\n  meter  tcp {m_tcp:?}\n  tshark udp {t_udp:?}\n  meter  udp {m_udp:?}"
            ));
        }
        compared.0 += t_tcp.len();
        compared.1 += t_udp.len();
        compared.2 += t_tcp.iter().map(|r| r.3).sum::<u64>();
        compared.3 += t_tcp.iter().filter(|r| r.4 != 0).count();
    }
    println!(
        "compared {} TCP flows, {} UDP flows, {} retransmissions, {} handshake RTTs",
        compared.0, compared.1, compared.2, compared.3
    );
    assert!(
        mismatches.is_empty(),
        "{} files differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(compared.0 > 50 && compared.1 > 50, "{compared:?}");
}
