//! Native core of the `pcap` npm package.
//!
//! - [`capture`]: libpcap handles and the per-session capture thread (plain Rust): opening,
//!   the thread (`capture/reader.rs`), devices and link types, inject.
//! - [`queue`]: the byte-bounded batch queue between that thread and JavaScript.
//! - [`writer`]: pcap file writing.
//! - [`structure`]: the layer map of a packet (etherparse), which the JavaScript decoders build on.
//! - [`layout`]: the constants JavaScript reads, generated into `lib/layout.js`.
//! - `napi`: the only module that knows about Node-API.

pub mod capture;
pub mod error;
mod ffi;
pub mod layout;
pub mod queue;
pub mod stdio;
pub mod stream;
pub mod structure;
pub mod writer;

pub mod napi;
