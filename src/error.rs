//! Errors with a stable code that JavaScript can switch on.

use std::fmt;

/// A capture error: a short code (`EPERM`, `ENODEV`, …) and a message that names the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapError {
    pub code: &'static str,
    pub message: String,
}

impl CapError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        CapError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for CapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.code, self.message)
    }
}

impl std::error::Error for CapError {}

pub type CapResult<T> = Result<T, CapError>;

/// The hint added to every permission error.
pub const PERM_HINT: &str = "capturing needs root or the capabilities CAP_NET_RAW and CAP_NET_ADMIN: \
run as root, or grant them to node once with `sudo setcap cap_net_raw,cap_net_admin=eip $(command -v node)`";

/// Text of a `pcap::Error`, without the crate's variant names where libpcap gave a message.
pub fn pcap_text(e: &pcap::Error) -> String {
    match e {
        pcap::Error::PcapError(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Classifies a libpcap message from opening a live device.
pub fn classify_live(device: &str, msg: &str) -> CapError {
    let lower = msg.to_ascii_lowercase();
    if lower.contains("permission") || lower.contains("not permitted") {
        CapError::new("EPERM", format!("{device}: {msg}; {PERM_HINT}"))
    } else if lower.contains("no such device") || lower.contains("doesn't exist") {
        CapError::new(
            "ENODEV",
            format!(
                "{device}: no such capture device ({msg}); pcap.findalldevs() lists the devices"
            ),
        )
    } else {
        CapError::new("EPCAP", format!("{device}: {msg}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_libpcap_messages() {
        assert_eq!(
            classify_live("eth9", "No such device exists").code,
            "ENODEV"
        );
        let e = classify_live("lo", "socket: Operation not permitted");
        assert_eq!(e.code, "EPERM");
        assert!(e.message.contains("setcap cap_net_raw,cap_net_admin=eip"));
        assert_eq!(classify_live("lo", "something else").code, "EPCAP");
        assert_eq!(
            CapError::new("EX", "boom").to_string(),
            "[EX] boom".to_string()
        );
    }
}
