//! Opening capture files. Reading goes through stdio streams with a buffer of our own: libpcap
//! reads capture files through `FILE*` streams; glibc gives those a 4 KiB buffer (and `setvbuf`
//! ignores the size it is asked for when it is not handed the buffer), which costs a system call
//! per 4 KiB. Writing (`crate::writer`) uses the bare descriptor and a buffer of its own.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use crate::stream::{self, StreamHandle};

/// The descriptor of `path`, or a duplicate of `std_fd` for `-` (as for libpcap).
fn open_fd(path: &str, std_fd: RawFd, flags: libc::c_int) -> io::Result<RawFd> {
    let fd = if path == "-" {
        // SAFETY: duplicates a descriptor number (close-on-exec, as the files opened below); the
        // result is checked.
        unsafe { libc::fcntl(std_fd, libc::F_DUPFD_CLOEXEC, 0) }
    } else {
        let cpath = CString::new(path).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "the path contains a NUL byte")
        })?;
        // SAFETY: `cpath` is a NUL-terminated C string that outlives the call.
        unsafe { libc::open(cpath.as_ptr(), flags | libc::O_CLOEXEC, 0o666) }
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fd)
}

/// A stream over `fd` (which it takes over) in `mode`.
fn fdopen(fd: RawFd, mode: &std::ffi::CStr) -> io::Result<*mut libc::FILE> {
    // SAFETY: `fd` is an open descriptor owned here; `mode` is NUL-terminated.
    let fp = unsafe { libc::fdopen(fd, mode.as_ptr()) };
    if fp.is_null() {
        let e = io::Error::last_os_error();
        // SAFETY: fdopen failed, so `fd` is still ours to close.
        unsafe { libc::close(fd) };
        return Err(e);
    }
    Ok(fp)
}

/// Gives `fp` (just opened, no I/O yet) a buffer of `size` bytes, returned to the caller, who
/// must keep it until the stream is closed.
fn buffer(fp: *mut libc::FILE, size: usize) -> Box<[u8]> {
    let mut buf = vec![0u8; size].into_boxed_slice();
    // SAFETY: `fp` was opened just now and no I/O has happened on it, as setvbuf requires; `buf`
    // is `size` writable bytes whose heap block does not move, and the caller keeps it until the
    // stream is closed.
    unsafe { libc::setvbuf(fp, buf.as_mut_ptr().cast(), libc::_IOFBF, size) };
    buf
}

/// A stream opened for reading.
pub struct ReadStream {
    pub fp: *mut libc::FILE,
    /// The stream's buffer (see [`open_read`]).
    pub buf: Box<[u8]>,
    /// Set for an input that can wait for data (see [`stream`]).
    pub stream: Option<StreamHandle>,
    /// Device and inode of what was opened.
    pub identity: (u64, u64),
}

/// `fstat` of an open descriptor.
fn fstat(fd: RawFd) -> io::Result<libc::stat> {
    // SAFETY: an all-zero `stat` is a valid value to be overwritten.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid out-pointer.
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(st)
}

/// A capture file opened for reading (`-` is standard input), fully buffered through `size`
/// bytes that the caller owns; an input that can wait for data indefinitely (a pipe, FIFO,
/// socket or terminal) is read through [`stream`] and comes with its handle. A directory (which
/// opens for reading on Linux) is an `IsADirectory` error. The buffer must outlive the stream:
/// free it only after the stream is closed (by `fclose`, or by libpcap's `pcap_close` once
/// libpcap owns the stream).
// dev_t and ino_t are u64 here but narrower on some targets.
#[allow(clippy::unnecessary_cast)]
pub fn open_read(path: &str, size: usize) -> io::Result<ReadStream> {
    let fd = open_fd(path, 0, libc::O_RDONLY)?;
    let st = match fstat(fd) {
        Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFDIR => {
            Err(io::Error::from(io::ErrorKind::IsADirectory))
        }
        other => other,
    };
    let st = match st {
        Ok(st) => st,
        Err(e) => {
            // SAFETY: `fd` is ours and not yet handed to a stream.
            unsafe { libc::close(fd) };
            return Err(e);
        }
    };
    let identity = (st.st_dev as u64, st.st_ino as u64);
    let (fp, stream) = if stream::waits_for_input(st.st_mode) {
        let (fp, handle) = stream::open_stream(fd)?;
        (fp, Some(handle))
    } else {
        (fdopen(fd, c"rb")?, None)
    };
    Ok(ReadStream {
        fp,
        buf: buffer(fp, size),
        stream,
        identity,
    })
}

/// A file created (or truncated) for writing (`-` is a duplicate of standard output): its
/// descriptor, and whether it is a regular file that this call created or truncated (so that a
/// writer may cut it back; not standard output, whose file offset another writer may share).
pub fn create(path: &str) -> io::Result<(OwnedFd, bool)> {
    let fd = open_fd(path, 1, libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC)?;
    // SAFETY: `fd` was just opened (or duplicated) here and is owned by nobody else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let regular = path != "-"
        && fstat(fd.as_raw_fd()).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFREG);
    Ok((fd, regular))
}
