//! stdio streams with a buffer of our own. libpcap reads and writes capture files through `FILE*`
//! streams; glibc gives those a 4 KiB buffer (and `setvbuf` ignores the size it is asked for when
//! it is not handed the buffer), which costs a system call per 4 KiB.

use std::ffi::CString;
use std::io;

/// What a stream is opened for.
#[derive(Debug, Clone, Copy)]
pub enum Direction {
    /// A capture file to read; `-` is standard input.
    Read,
    /// A capture file to write; `-` is standard output.
    Write,
}

/// A stream just opened on `path` (`-` means a duplicate of standard input or output, as for
/// libpcap), fully buffered through `size` bytes that the caller owns. The buffer must outlive the
/// stream: free it only after the stream is closed (by `fclose`, or by libpcap's
/// `pcap_close`/`pcap_dump_close` once libpcap owns the stream).
pub fn open_buffered(
    path: &str,
    direction: Direction,
    size: usize,
) -> io::Result<(*mut libc::FILE, Box<[u8]>)> {
    let (std_fd, mode) = match direction {
        Direction::Read => (0, c"rb"),
        Direction::Write => (1, c"wb"),
    };
    let fp = if path == "-" {
        // SAFETY: dup of a descriptor number; the result is checked.
        let fd = unsafe { libc::dup(std_fd) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is an open descriptor owned here; `mode` is NUL-terminated.
        let fp = unsafe { libc::fdopen(fd, mode.as_ptr()) };
        if fp.is_null() {
            let e = io::Error::last_os_error();
            // SAFETY: fdopen failed, so `fd` is still ours to close.
            unsafe { libc::close(fd) };
            return Err(e);
        }
        fp
    } else {
        let cpath = CString::new(path).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "the path contains a NUL byte")
        })?;
        // SAFETY: both arguments are NUL-terminated C strings that outlive the call.
        let fp = unsafe { libc::fopen(cpath.as_ptr(), mode.as_ptr()) };
        if fp.is_null() {
            return Err(io::Error::last_os_error());
        }
        fp
    };
    let mut buf = vec![0u8; size].into_boxed_slice();
    // SAFETY: `fp` was opened just now and no I/O has happened on it, as setvbuf requires; `buf`
    // is `size` writable bytes whose heap block does not move, and the caller keeps it until the
    // stream is closed.
    unsafe { libc::setvbuf(fp, buf.as_mut_ptr().cast(), libc::_IOFBF, size) };
    Ok((fp, buf))
}
