//! What a session is opened with: the options after defaulting, and their defaults and limits.

use crate::flow::pipeline::FlowOptions;

/// libpcap's MAXIMUM_SNAPLEN: what a snap length of 0 or less means (as for libpcap and tcpdump),
/// and the longest record a writer accepts (libpcap reads no longer records back).
pub const MAXIMUM_SNAPLEN: i32 = 262_144;
/// node_pcap's defaults of a live session: kernel buffer, snap length, `buffer_timeout` (ms),
/// promiscuous mode.
pub const DEFAULT_BUFFER_SIZE: i32 = 10 * 1024 * 1024;
pub const DEFAULT_SNAP_LENGTH: i32 = 65535;
pub const DEFAULT_BUFFER_TIMEOUT_MS: i32 = 1000;
pub const DEFAULT_PROMISCUOUS: bool = true;
/// Default size of one batch handed to JavaScript.
pub const DEFAULT_BATCH_BYTES: usize = 64 * 1024;
/// Default size of a batch of a file read on the JavaScript thread (`super::InlineFile`). Each
/// batch there costs ~23,000 instructions of its own (a Buffer V8 allocates, the finalizer that
/// counts it, the packet loop's setup, the collector's and the sweeper's work per ArrayBuffer;
/// callgrind, ~900-byte packets: 100 k packets took 749 M instructions in 64 KiB batches, 725 M
/// in 256 KiB ones), while the memory alive between two young-generation collections depends on
/// the bytes read, not on the batch size (peak RSS the same within noise). 128 KiB rather than
/// 256: a block and its layer maps stay in the CPU's cache while the packets are decoded (pinned
/// to one CPU, mixed.pcap, 7 alternating runs, median ms: decode 558 vs 603, track 1,284 vs 1,340,
/// events 145 vs 143, fields 595 vs 599; large.pcap decode the same within noise).
pub const INLINE_BATCH_BYTES: usize = 128 * 1024;
/// The range `batch_size` is clamped to when the thread starts (JavaScript rejects values outside
/// it).
pub const MIN_BATCH_BYTES: usize = 1024;
pub const MAX_BATCH_BYTES: usize = 64 * 1024 * 1024;
/// Default bound of the application buffer of a live session, and the values `app_buffer_size`
/// may take (JavaScript rejects others; the largest is JavaScript's largest exact integer).
pub const DEFAULT_APP_BUFFER_BYTES: usize = 256 * 1024 * 1024;
pub const MIN_APP_BUFFER_BYTES: usize = 1;
pub const MAX_APP_BUFFER_BYTES: u64 = (1 << 53) - 1;
/// Bound of the queue of a file session (the reader waits when it is full).
pub const OFFLINE_QUEUE_BYTES: usize = 256 * 1024;

/// Options of a live session, after defaulting.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    pub device: String,
    pub filter: String,
    pub buffer_size: i32,
    pub snap_length: i32,
    /// node_pcap's `buffer_timeout` in ms; `<= 0` asks for the lowest latency.
    pub buffer_timeout_ms: i32,
    pub monitor: bool,
    pub promiscuous: bool,
    pub outfile: Option<String>,
    pub app_buffer_bytes: usize,
    pub batch_bytes: usize,
    /// Flow meter on the capture thread (`crate::flow`).
    pub flows: Option<FlowOptions>,
    /// Packet records for JavaScript (`false`: flows only).
    pub packets: bool,
}

/// Options of a file session.
#[derive(Debug, Clone)]
pub struct OfflineConfig {
    pub path: String,
    pub filter: String,
    pub outfile: Option<String>,
    /// `None`: `DEFAULT_BATCH_BYTES` on a capture thread, `INLINE_BATCH_BYTES` read inline.
    pub batch_bytes: Option<usize>,
    pub nanosecond: bool,
    pub flows: Option<FlowOptions>,
    pub packets: bool,
    /// How a classic pcap file is read (`super::ReaderMode::current()` for sessions).
    pub reader: super::ReaderMode,
}
