//! The parts of libpcap's C API that the `pcap` crate does not wrap (or wraps in a way we cannot
//! use: its `open()` treats activation warnings as errors, its savefile writes through a stdio stream
//! whose errors it ignores, its dead handle announces snaplen 65535). Every `unsafe` call site
//! says why its use is sound.

use std::ffi::{c_char, c_int, c_uint, c_void};

extern "C" {
    pub fn pcap_activate(p: *mut c_void) -> c_int;
    pub fn pcap_geterr(p: *mut c_void) -> *const c_char;
    pub fn pcap_statustostr(code: c_int) -> *const c_char;
    pub fn pcap_lookupnet(
        dev: *const c_char,
        net: *mut u32,
        mask: *mut u32,
        err: *mut c_char,
    ) -> c_int;
    pub fn pcap_lib_version() -> *const c_char;
    pub fn pcap_fopen_offline_with_tstamp_precision(
        fp: *mut libc::FILE,
        precision: c_uint,
        err: *mut c_char,
    ) -> *mut c_void;
    pub fn pcap_open_dead_with_tstamp_precision(
        linktype: c_int,
        snaplen: c_int,
        precision: c_uint,
    ) -> *mut c_void;
    pub fn pcap_dump_fopen(p: *mut c_void, fp: *mut libc::FILE) -> *mut c_void;
    pub fn pcap_dump_flush(d: *mut c_void) -> c_int;
    pub fn pcap_dump_close(d: *mut c_void);
}

#[cfg(target_os = "linux")]
extern "C" {
    /// glibc: `FSETLOCKING_BYCALLER` (2) lets one thread use a stream without stdio's locks.
    pub fn __fsetlocking(fp: *mut libc::FILE, kind: c_int) -> c_int;
}

/// `PCAP_ERRBUF_SIZE`: what libpcap may write into an error buffer.
pub const ERRBUF_SIZE: usize = 256;

// libpcap status codes (pcap/pcap.h).
pub const PCAP_ERROR_NO_SUCH_DEVICE: c_int = -5;
pub const PCAP_ERROR_RFMON_NOTSUP: c_int = -6;
pub const PCAP_ERROR_PERM_DENIED: c_int = -8;
pub const PCAP_ERROR_IFACE_NOT_UP: c_int = -9;
pub const PCAP_ERROR_PROMISC_PERM_DENIED: c_int = -11;
