//! Native core of the `pcap` npm package.
//!
//! - [`capture`]: libpcap handles and the per-session capture thread (plain Rust): opening,
//!   the thread (`capture/reader.rs`), devices and link types, inject.
//! - [`batch`]: the batch format (records, layer map table) and the builder for libpcap's packets.
//! - [`pcapfile`]: classic pcap files read in blocks into batches, records parsed in place.
//! - [`queue`]: the byte-bounded batch queue between that thread and JavaScript.
//! - [`writer`]: pcap file writing.
//! - [`structure`]: the layer map of a packet (etherparse), which the JavaScript decoders build on.
//! - [`flow`]: the flow meter (flow table, TCP health, hints) and its exporters.
//! - [`layout`]: the constants JavaScript reads, generated into `lib/layout.js`.
//! - `napi`: the only module that knows about Node-API.

pub mod batch;
pub mod capture;
pub mod error;
mod ffi;
pub mod flow;
pub mod layout;
pub mod pcapfile;
pub mod queue;
pub mod stdio;
pub mod stream;
pub mod structure;
pub mod writer;

pub mod napi;
