//! libpcap handles and the per-session capture thread. Plain Rust: no napi types here.
//!
//! - [`options`]: what a session is opened with (defaults and limits).
//! - [`open`]: opening a live device or a capture file ([`Prepared`]).
//! - [`reader`]: the capture thread: libpcap's `dispatch` loop, batches, the dump file, wake-ups.
//! - [`devices`]: the device list, the default device, `lookupnet`, link-type names.
//! - [`inject`]: sending frames on a live session's device.

use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pcap::Capture;

use crate::ffi;
use crate::queue::{Pool, Queue};
use crate::writer::DumpCounters;

pub mod devices;
pub mod inject;
pub mod open;
pub mod options;
pub mod reader;
#[cfg(test)]
mod tests;

pub use devices::{
    default_device, find_all_devs, link_type_name, link_type_number, lookupnet, AddressInfo,
    DeviceInfo,
};
pub use inject::Injector;
pub use open::{open_live, open_offline, Prepared};
pub use options::{LiveConfig, OfflineConfig, MAXIMUM_SNAPLEN};

/// `pcap_lib_version()`.
pub fn lib_version() -> String {
    // SAFETY: pcap_lib_version returns a pointer to a static NUL-terminated string.
    unsafe { CStr::from_ptr(ffi::pcap_lib_version()) }
        .to_string_lossy()
        .into_owned()
}

/// Builds a `Capture` from a raw handle. `witness` only names libpcap's `pcap_t` type, which the
/// `pcap` crate keeps private, through `Capture::as_ptr`'s signature.
pub(crate) fn capture_from_raw<T, P>(
    _witness: fn(&Capture<T>) -> *mut P,
    raw: *mut P,
) -> Option<Capture<T>>
where
    T: pcap::State + ?Sized,
    Capture<T>: From<std::ptr::NonNull<P>>,
{
    std::ptr::NonNull::new(raw).map(Capture::from)
}

/// How the capture thread reaches JavaScript.
pub trait Waker: Send + 'static {
    /// Wakes the consumer. `false` when it is gone for good (its environment was torn down).
    fn wake(&self) -> bool;
    /// `false` once the consumer is gone.
    fn alive(&self) -> bool;
}

/// The part of a running session shared by the thread and JavaScript.
pub struct Core {
    pub queue: Queue,
    /// Batch memory handed back by JavaScript.
    pub pool: Arc<Pool>,
    pub live: bool,
    /// DLT of the handle (what the layer maps are computed for).
    pub link_type: i32,
    /// Whether the capture thread writes a layer map beside each record (set once JavaScript
    /// decodes this session's packets; a session that is only read raw never pays for it).
    structure: AtomicBool,
    breaker: Mutex<Option<pcap::BreakLoop>>,
    /// What the dump file (`outfile`) holds, when there is one.
    pub outfile: Option<DumpCounters>,
}

impl Core {
    /// Asks the capture thread to compute layer maps from its next packet on.
    pub fn enable_structure(&self) {
        self.structure.store(true, Ordering::Relaxed);
    }

    /// Stops the thread: sets the stop flag, wakes a reader waiting for space and breaks the
    /// libpcap loop. Idempotent; never blocks on the thread.
    pub fn stop(&self) {
        self.queue.request_stop();
        if let Some(b) = self
            .breaker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            b.breakloop();
        }
    }
}
