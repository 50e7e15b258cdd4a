//! `session.inject(buf)`: sends a raw frame on a live session's device through a send handle of
//! its own, opened at the first call (the capture handle belongs to the capture thread).

use pcap::{Active, Capture};

use crate::error::{pcap_error, pcap_text, CapError, CapResult};

/// The send side of a session.
pub struct Injector {
    /// The live session's device, or `None` for a file session (nothing to send on).
    device: Option<String>,
    handle: Option<Capture<Active>>,
}

impl Injector {
    /// For a live session on `device`.
    pub fn live(device: &str) -> Self {
        Injector {
            device: Some(device.to_string()),
            handle: None,
        }
    }

    /// For a file session: every send is refused.
    pub fn offline() -> Self {
        Injector {
            device: None,
            handle: None,
        }
    }

    /// Sends one frame, opening the send handle first if needed.
    pub fn send(&mut self, data: &[u8]) -> CapResult<()> {
        let Some(device) = self.device.as_deref() else {
            return Err(CapError::new(
                "ENOTSUP",
                "inject() needs a live session; this session reads a file",
            ));
        };
        let cap = match self.handle.as_mut() {
            Some(cap) => cap,
            None => self.handle.insert(open_send_handle(device)?),
        };
        cap.sendpacket(data)
            .map_err(|e| CapError::new("EINJECT", format!("Pcap inject failed: {}", pcap_text(&e))))
    }

    /// Releases the send handle (a later send opens a new one).
    pub fn close(&mut self) {
        self.handle = None;
    }
}

fn open_send_handle(device: &str) -> CapResult<Capture<Active>> {
    let mut cap = Capture::from_device(device)
        .and_then(|c| c.snaplen(64).buffer_size(64 * 1024).timeout(1).open())
        .map_err(|e| {
            let what = format!("{device}: cannot open a send handle");
            pcap_error(&what, &pcap_text(&e), "EINJECT")
        })?;
    // The send handle must not queue what it receives.
    let _ = cap.filter("less 1", true);
    Ok(cap)
}
