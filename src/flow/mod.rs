//! The flow meter: packets in, flow records out. Plain Rust, run on the capture thread
//! (`crate::capture`) and unit-tested here.
//!
//! - [`key`]: the flow key (addresses, ports, protocol, VLAN ids) and the per-packet facts,
//!   read at the offsets the structure pass (`crate::structure`) found.
//! - [`tcp`]: TCP health as Wireshark's sequence analysis defines it.
//! - [`hints`]: TLS SNI/ALPN, DNS query name, HTTP Host from a flow's first payload.
//! - [`table`]: the flow table with its timeouts and `max_flows` bound.
//!
//! Flows are biflows (RFC 5103): one record per connection, `fwd` is what the initiator sent.
//! The initiator is the sender of a SYN (the receiver of a SYN+ACK), else of the first packet.

pub mod hints;
pub mod ipfix;
pub mod key;
pub mod pipeline;
pub mod table;
pub mod tcp;
pub mod wire;

pub use key::FlowKey;
pub use table::{Meter, MeterStats};

/// Meter settings. Defaults: idle 15 s and active 30 min (the inactive/active timeouts of
/// NetFlow/IPFIX meters, e.g. Cisco's; softflowd's own are far longer: 3600 s general, 1 week
/// maximum life), a closed TCP connection (both FINs, or a RST) kept 5 s for its last
/// packets, 100,000 flows at most.
#[derive(Clone, Debug)]
pub struct Config {
    pub idle_ns: u64,
    pub active_ns: u64,
    /// How long a closed TCP connection still takes its late packets (the last ACK,
    /// retransmitted FINs) before its record leaves.
    pub close_ns: u64,
    /// Most flows held; the least recently active one is evicted for a new one.
    pub max_flows: usize,
    /// Read first-packet hints (SNI, ALPN, DNS name, HTTP Host).
    pub hints: bool,
}

pub const SECOND: u64 = 1_000_000_000;

/// A packet time in ns from libpcap's header (`frac` in µs, or ns for `nano` handles). Classic
/// pcap files store unsigned 32-bit seconds, which libpcap reads signed: a negative value is
/// taken as the unsigned one (as tshark does); pcapng's 64-bit seconds pass unchanged.
pub fn timestamp_ns(sec: i64, frac: i64, nano: bool) -> u64 {
    let sec = if sec < 0 { sec + (1 << 32) } else { sec };
    let sec = u64::try_from(sec).unwrap_or(0);
    let frac = u64::try_from(frac).unwrap_or(0);
    sec.saturating_mul(SECOND).saturating_add(if nano {
        frac
    } else {
        frac.saturating_mul(1000)
    })
}

impl Default for Config {
    fn default() -> Self {
        Config {
            idle_ns: 15 * SECOND,
            active_ns: 1800 * SECOND,
            close_ns: 5 * SECOND,
            max_flows: 100_000,
            hints: true,
        }
    }
}

/// Why a record was emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum EndReason {
    /// No packet for the idle timeout.
    Idle = 1,
    /// The flow lasted the active timeout: this record ends, the flow goes on in the next one.
    Active = 2,
    /// TCP: FIN in both directions.
    Fin = 3,
    /// TCP: RST.
    Rst = 4,
    /// Made room for a new flow (`max_flows`).
    Evicted = 5,
    /// End of the capture (file end, or the session closed).
    EndOfCapture = 6,
    /// TCP: a new SYN on the same addresses and ports (a new connection) ended this one.
    Reused = 7,
    /// Not ended: a snapshot of an active flow.
    Snapshot = 8,
}

impl EndReason {
    pub fn name(self) -> &'static str {
        match self {
            EndReason::Idle => "idle",
            EndReason::Active => "active",
            EndReason::Fin => "fin",
            EndReason::Rst => "rst",
            EndReason::Evicted => "evicted",
            EndReason::EndOfCapture => "end",
            EndReason::Reused => "reused",
            EndReason::Snapshot => "snapshot",
        }
    }

    /// IPFIX flowEndReason (IE 136): 1 idle, 2 active, 3 end detected, 4 forced end, 5 lack of
    /// resources.
    pub fn ipfix(self) -> u8 {
        match self {
            EndReason::Idle => 1,
            EndReason::Active => 2,
            EndReason::Fin | EndReason::Rst | EndReason::Reused => 3,
            EndReason::EndOfCapture | EndReason::Snapshot => 4,
            EndReason::Evicted => 5,
        }
    }
}

/// What one direction of a flow sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirCounters {
    pub packets: u64,
    /// IP bytes (IP header and payload).
    pub bytes: u64,
    /// TCP: bytes of retransmitted segments (payload).
    pub retrans_bytes: u64,
    /// TCP: segments Wireshark marks `tcp.analysis.retransmission` (plain, fast, spurious).
    pub retrans_packets: u32,
    pub out_of_order: u32,
    pub zero_window: u32,
    pub dup_acks: u32,
    /// TCP flags seen (OR of all segments).
    pub tcp_flags: u8,
    /// MSS option of this direction's SYN, 0 when none.
    pub mss: u16,
    /// Window scale option of this direction's SYN, -1 when none.
    pub wscale: i8,
    /// ICMP type and code of this direction's first ICMP message.
    pub icmp: Option<(u8, u8)>,
}

/// A flow record: finished (idle, FIN, ...) or a snapshot of an active flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowRecord {
    /// Flow number within the meter (the records an active timeout splits share it).
    pub id: u64,
    /// Oriented initiator (src) to responder (dst).
    pub key: FlowKey,
    pub first_ns: u64,
    pub last_ns: u64,
    pub end: EndReason,
    pub fwd: DirCounters,
    pub rev: DirCounters,
    /// TCP handshake round trip (SYN to the first ACK; 0 = not seen), and its two parts: the
    /// capture point to the client (SYN+ACK to ACK) and to the server (SYN to SYN+ACK).
    pub rtt_ns: u64,
    pub rtt_client_ns: u64,
    pub rtt_server_ns: u64,
    pub hints: Option<Box<hints::Hints>>,
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tshark_tests;

#[cfg(test)]
mod nfdump_tests;
