//! Errors with a stable code that JavaScript can switch on, and the one place that decides what a
//! failure was: [`io_code`] for operating-system errors, [`pcap_cause`] for libpcap's messages,
//! [`live_error`] / [`pcap_error`] for the errors built from them. JavaScript receives the code
//! as the thrown Error's `code` (the napi layer sets it), never inside the message.

use std::ffi::c_int;
use std::fmt;
use std::io;

use crate::ffi;

/// A capture error: a short code (`EPERM`, `ENODEV`, …) and a message that names the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapError {
    pub code: &'static str,
    pub message: String,
}

impl CapError {
    /// An error with `code`; control characters in `message` (from a path, a device name or a
    /// libpcap message) are escaped ([`escape_controls`]).
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        CapError {
            code,
            message: escape_controls(message.into()),
        }
    }
}

impl fmt::Display for CapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CapError {}

pub type CapResult<T> = Result<T, CapError>;

/// `text` with every control character (C0, DEL, C1) written as an escape: `\0`, `\t`, `\n`,
/// `\r`, otherwise `\xNN` (a NUL or an ESC from a path must not reach a terminal or a log raw).
/// Backslashes are kept as they are.
pub fn escape_controls(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

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

/// The code of an operating-system error from opening or using a file.
pub fn io_code(e: &io::Error) -> &'static str {
    match e.raw_os_error() {
        Some(libc::ENOENT) => "ENOENT",
        Some(libc::EACCES) | Some(libc::EPERM) => "EACCES",
        Some(libc::EISDIR) => "EISDIR",
        Some(libc::ENAMETOOLONG) => "ENAMETOOLONG",
        Some(libc::EMFILE) => "EMFILE",
        Some(libc::ENFILE) => "ENFILE",
        // Writing: the file system is full, the user's quota is used up, the file would exceed
        // the process's size limit (RLIMIT_FSIZE) or the file system's, the reader of a pipe has
        // gone, the file system is read-only.
        Some(libc::ENOSPC) => "ENOSPC",
        Some(libc::EDQUOT) => "EDQUOT",
        Some(libc::EFBIG) => "EFBIG",
        Some(libc::EPIPE) => "EPIPE",
        Some(libc::EROFS) => "EROFS",
        _ => match e.kind() {
            io::ErrorKind::NotFound => "ENOENT",
            io::ErrorKind::PermissionDenied => "EACCES",
            io::ErrorKind::IsADirectory => "EISDIR",
            io::ErrorKind::InvalidInput => "EINVAL",
            _ => "EIO",
        },
    }
}

/// What the limit behind EMFILE/ENFILE is, for their messages.
pub fn limit_hint(code: &str) -> &'static str {
    match code {
        "EMFILE" => "; the process may open no more files (raise `ulimit -n`, or close sessions and writers)",
        "ENFILE" => "; the system may open no more files (fs.file-max)",
        _ => "",
    }
}

/// What a libpcap message says went wrong, when it is one of the causes with a code of its own:
/// `EPERM`, `ENODEV`, `EMFILE`, `ENFILE`. libpcap reports these as text (its messages embed
/// `strerror`), so this is the only place that reads them.
pub fn pcap_cause(msg: &str) -> Option<&'static str> {
    let lower = msg.to_ascii_lowercase();
    if lower.contains("permission") || lower.contains("not permitted") {
        Some("EPERM")
    } else if lower.contains("too many open files in system") {
        Some("ENFILE")
    } else if lower.contains("too many open files") {
        Some("EMFILE")
    } else if lower.contains("no such device") || lower.contains("doesn't exist") {
        Some("ENODEV")
    } else {
        None
    }
}

/// An error from libpcap about `what` (a device, or a call such as `pcap_findalldevs`): the
/// cause's code when [`pcap_cause`] knows it, otherwise `otherwise`.
pub fn pcap_error(what: &str, msg: &str, otherwise: &'static str) -> CapError {
    match pcap_cause(msg) {
        Some("EPERM") => CapError::new("EPERM", format!("{what}: {msg}; {PERM_HINT}")),
        Some("ENODEV") => CapError::new(
            "ENODEV",
            format!("{what}: no such capture device ({msg}); pcap.findalldevs() lists the devices"),
        ),
        Some(code) => CapError::new(code, format!("{what}: {msg}{}", limit_hint(code))),
        None => CapError::new(otherwise, format!("{what}: {msg}")),
    }
}

/// An error opening the live device `device`: `status` is `pcap_activate`'s negative result when
/// activation failed (its codes come first), `msg` libpcap's message.
pub fn live_error(device: &str, status: Option<c_int>, msg: &str) -> CapError {
    match status {
        Some(ffi::PCAP_ERROR_NO_SUCH_DEVICE) => CapError::new(
            "ENODEV",
            format!(
                "{device}: no such capture device ({msg}); pcap.findalldevs() lists the devices"
            ),
        ),
        Some(ffi::PCAP_ERROR_PERM_DENIED) | Some(ffi::PCAP_ERROR_PROMISC_PERM_DENIED) => {
            CapError::new("EPERM", format!("{device}: {msg}; {PERM_HINT}"))
        }
        Some(ffi::PCAP_ERROR_RFMON_NOTSUP) => CapError::new(
            "ENOTSUP",
            format!("{device}: monitor mode is not supported ({msg})"),
        ),
        Some(ffi::PCAP_ERROR_IFACE_NOT_UP) => {
            CapError::new("ENETDOWN", format!("{device}: interface is down ({msg})"))
        }
        _ => pcap_error(device, msg, "EPCAP"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_libpcap_messages() {
        let live = |msg| live_error("eth9", None, msg);
        assert_eq!(live("No such device exists").code, "ENODEV");
        let e = live_error("lo", None, "socket: Operation not permitted");
        assert_eq!(e.code, "EPERM");
        assert!(e.message.contains("setcap cap_net_raw,cap_net_admin=eip"));
        assert_eq!(live("something else").code, "EPCAP");
        assert_eq!(live("socket: Too many open files").code, "EMFILE");
        assert_eq!(live("socket: Too many open files in system").code, "ENFILE");
        assert!(live("socket: Too many open files")
            .message
            .contains("ulimit -n"));
        // activate's own status codes decide before the text.
        let e = live_error("lo", Some(ffi::PCAP_ERROR_PERM_DENIED), "whatever");
        assert_eq!(e.code, "EPERM");
        assert_eq!(
            live_error("wlan0", Some(ffi::PCAP_ERROR_RFMON_NOTSUP), "x").code,
            "ENOTSUP"
        );
        // Other contexts keep their own code for what is not classified.
        assert_eq!(pcap_error("lo", "bad", "EINJECT").code, "EINJECT");
        assert_eq!(
            pcap_error("lo", "Operation not permitted", "EINJECT").code,
            "EPERM"
        );
        assert_eq!(CapError::new("EX", "boom").to_string(), "EX: boom");
    }

    #[test]
    fn classifies_os_errors() {
        let os = |n| io_code(&io::Error::from_raw_os_error(n));
        assert_eq!(os(libc::ENOENT), "ENOENT");
        assert_eq!(os(libc::EACCES), "EACCES");
        assert_eq!(os(libc::EMFILE), "EMFILE");
        assert_eq!(os(libc::ENFILE), "ENFILE");
        assert_eq!(os(libc::EISDIR), "EISDIR");
        assert_eq!(os(libc::ENAMETOOLONG), "ENAMETOOLONG");
        assert_eq!(os(libc::EIO), "EIO");
        assert_eq!(os(libc::ENOSPC), "ENOSPC");
        assert_eq!(os(libc::EDQUOT), "EDQUOT");
        assert_eq!(os(libc::EFBIG), "EFBIG");
        assert_eq!(os(libc::EPIPE), "EPIPE");
        assert_eq!(os(libc::EROFS), "EROFS");
        assert_eq!(os(libc::ENXIO), "EIO");
        let nul = io::Error::new(io::ErrorKind::InvalidInput, "NUL");
        assert_eq!(io_code(&nul), "EINVAL");
    }

    #[test]
    fn control_characters_are_escaped() {
        let e = CapError::new("ENOENT", "/tmp/a\0b\x1b[31m\tc\n\u{7f}\u{85}é\\");
        assert_eq!(e.message, "/tmp/a\\0b\\x1b[31m\\tc\\n\\x7f\\x85é\\");
        assert!(!e.message.chars().any(char::is_control));
        assert_eq!(escape_controls("plain".into()), "plain");
    }
}
