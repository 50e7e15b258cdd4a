//! Writing pcap files (`outfile` and `pcap.createWriter`).
//!
//! libpcap makes the file header (`pcap_dump_fopen` on a memory stream: the link type as a
//! LINKTYPE_ value, the snap length, the time stamp precision's magic); [`Dumper`] writes it and
//! then the records through a buffer of its own straight to the descriptor. Writing ourselves
//! rather than through libpcap's `pcap_dump` and stdio is what lets a write error be seen at all
//! (`pcap_dump` returns nothing and stdio hides which records reached the file): every `write(2)`
//! is checked, and after a failure the dumper knows how many whole records the file holds, cuts a
//! partial last record off a regular file (`ftruncate`), and writes nothing more. What went wrong
//! is kept as a [`CapError`] with the operating system's code (ENOSPC, EDQUOT, EFBIG, EIO, ...).

use std::ffi::{c_char, c_void, CStr};
use std::io;
use std::os::fd::{AsRawFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};

use pcap::{Capture, Dead};

use crate::capture::capture_from_raw;
use crate::error::{io_code, limit_hint, CapError, CapResult};
use crate::ffi;
use crate::stdio;

/// Bytes of records gathered before a `write(2)` (stdio's default would be 4 KiB: a system call
/// per 4 KiB of packets).
pub const WRITE_BUFFER: usize = 128 << 10;
/// A record's header in the file: ts_sec, ts_usec (or nanoseconds), caplen, len (host order).
const RECORD_HEADER: usize = 16;

/// What a session's dump file holds, published by the capture thread after each write-out.
#[derive(Debug, Default)]
pub struct DumpCounters {
    /// Packets whose records reached the file.
    pub written: AtomicU64,
    /// Packets not in the file because of a write error.
    pub dropped: AtomicU64,
}

impl DumpCounters {
    pub fn publish(&self, d: &Dumper) {
        self.written.store(d.written, Ordering::Relaxed);
        self.dropped.store(d.dropped, Ordering::Relaxed);
    }
}

/// A pcap file open for writing.
pub struct Dumper {
    /// `None` only once [`Dumper::close`] took it.
    fd: Option<OwnedFd>,
    path: String,
    /// Whole records not yet written.
    buf: Vec<u8>,
    /// Packets whose records wait in `buf`.
    buffered: u64,
    /// Packets whose records reached the file.
    written: u64,
    /// Packets given to `write` that are not in the file because of `failed`.
    dropped: u64,
    /// The file's length after its last whole record (header included).
    end: u64,
    /// A regular file this dumper created: a partial record can be cut off it.
    truncatable: bool,
    /// The first failure; nothing is written after it.
    failed: Option<CapError>,
    /// Whether `failed` was handed out by [`Dumper::take_unreported`] or [`Dumper::check`].
    reported: bool,
}

/// The file header libpcap writes for packets of the handle `pcap`.
///
/// # Safety
/// `pcap` must be a valid `pcap_t` for the duration of the call.
unsafe fn file_header(pcap: *mut c_void) -> Result<Vec<u8>, String> {
    let mut ptr: *mut c_char = std::ptr::null_mut();
    let mut size: libc::size_t = 0;
    // SAFETY: both out-pointers are valid for the stream's life (until fclose below).
    let fp = unsafe { libc::open_memstream(&mut ptr, &mut size) };
    if fp.is_null() {
        return Err(io::Error::last_os_error().to_string());
    }
    // SAFETY: `pcap` is valid (caller); `fp` is an open stream; on success the dumper owns it.
    let d = unsafe { ffi::pcap_dump_fopen(pcap, fp) };
    let header = if d.is_null() {
        // SAFETY: `pcap` is valid; libpcap keeps a NUL-terminated message in it.
        let why = unsafe { CStr::from_ptr(ffi::pcap_geterr(pcap)) };
        let why = why.to_string_lossy().into_owned();
        // SAFETY: on failure the stream is still ours, closed once.
        unsafe { libc::fclose(fp) };
        Err(why)
    } else {
        // SAFETY: `d` is an open dumper, flushed (which sets `ptr`/`size`) and then closed once.
        let flushed = unsafe { ffi::pcap_dump_flush(d) } == 0;
        // SAFETY: as above.
        unsafe { ffi::pcap_dump_close(d) };
        if flushed && !ptr.is_null() {
            // SAFETY: after fclose, `ptr` holds `size` bytes written by the stream.
            Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), size) }.to_vec())
        } else {
            Err("cannot make the file header: out of memory".into())
        }
    };
    // SAFETY: open_memstream's buffer belongs to the caller after fclose (null is fine for free).
    unsafe { libc::free(ptr.cast()) };
    header
}

/// Writes all of `data` to `fd`: retries short writes and interruptions, waits while a
/// non-blocking descriptor (a pipe) is full. On failure, how many bytes were written.
fn write_all(fd: RawFd, data: &[u8]) -> Result<(), (usize, io::Error)> {
    let mut done = 0;
    while done < data.len() {
        let rest = &data[done..];
        // SAFETY: `rest` is `rest.len()` readable bytes; a closed or invalid `fd` is an error.
        let n = unsafe { libc::write(fd, rest.as_ptr().cast(), rest.len()) };
        if n > 0 {
            done += n as usize;
            continue;
        }
        let e = if n == 0 {
            io::Error::new(io::ErrorKind::WriteZero, "the file took no more bytes")
        } else {
            io::Error::last_os_error()
        };
        match e.kind() {
            io::ErrorKind::Interrupted => continue,
            io::ErrorKind::WouldBlock => {
                let mut p = libc::pollfd {
                    fd,
                    events: libc::POLLOUT,
                    revents: 0,
                };
                // SAFETY: one valid pollfd; waits until the descriptor takes bytes again.
                unsafe { libc::poll(&mut p, 1, -1) };
            }
            _ => return Err((done, e)),
        }
    }
    Ok(())
}

/// The whole records at the start of `data`: how many, and their bytes.
fn whole_records(data: &[u8]) -> (u64, usize) {
    let (mut count, mut at) = (0, 0);
    while let Some(h) = data.get(at..at + RECORD_HEADER) {
        let caplen = u32::from_ne_bytes([h[8], h[9], h[10], h[11]]) as usize;
        let end = at + RECORD_HEADER + caplen;
        if end > data.len() {
            break;
        }
        count += 1;
        at = end;
    }
    (count, at)
}

impl Dumper {
    /// Creates `path` (`-` is standard output, as for libpcap) for packets of the handle `pcap`
    /// and writes its file header. Errors: EDUMP when it cannot be created (EMFILE/ENFILE when
    /// out of descriptors, ENOSPC/EDQUOT when the file system is full), the write error's code
    /// (ENOSPC, EIO, ...) when the header cannot be written.
    ///
    /// # Safety
    /// `pcap` must be a valid `pcap_t` for the duration of the call.
    pub unsafe fn open(pcap: *mut c_void, path: &str) -> CapResult<Dumper> {
        let fail = |code, why: &dyn std::fmt::Display| {
            CapError::new(code, format!("error opening dump file {path}: {why}"))
        };
        // SAFETY: `pcap` is valid (caller).
        let header = unsafe { file_header(pcap) }.map_err(|why| fail("EDUMP", &why))?;
        let (fd, truncatable) = stdio::create(path).map_err(|e| match io_code(&e) {
            code @ ("EMFILE" | "ENFILE") => fail(code, &format!("{e}{}", limit_hint(code))),
            code @ ("ENOSPC" | "EDQUOT") => fail(code, &e),
            _ => fail("EDUMP", &e),
        })?;
        let mut d = Dumper {
            fd: Some(fd),
            path: path.to_string(),
            buf: Vec::new(),
            buffered: 0,
            written: 0,
            dropped: 0,
            end: 0,
            truncatable,
            failed: None,
            reported: false,
        };
        if let Err((done, e)) = write_all(d.raw_fd(), &header) {
            if done > 0 {
                d.cut_back();
            }
            return Err(fail(io_code(&e), &e));
        }
        d.end = header.len() as u64;
        d.buf.reserve_exact(WRITE_BUFFER);
        Ok(d)
    }

    /// Adds one record: the captured bytes `data` and the original length `len` (at least
    /// `data.len()`). Writes the buffer out when it is full. After a failure the packet is only
    /// counted as dropped.
    pub fn write(&mut self, ts: libc::timeval, len: u32, data: &[u8]) {
        if self.failed.is_some() {
            self.dropped += 1;
            return;
        }
        let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let data = &data[..caplen as usize];
        if !self.buf.is_empty() && self.buf.len() + RECORD_HEADER + data.len() > WRITE_BUFFER {
            self.flush();
            if self.failed.is_some() {
                self.dropped += 1;
                return;
            }
        }
        // libpcap's record: 32-bit seconds and micro/nanoseconds (as pcap_dump truncates them).
        let mut head = [0u8; RECORD_HEADER];
        head[0..4].copy_from_slice(&(ts.tv_sec as u32).to_ne_bytes());
        head[4..8].copy_from_slice(&(ts.tv_usec as u32).to_ne_bytes());
        head[8..12].copy_from_slice(&caplen.to_ne_bytes());
        head[12..16].copy_from_slice(&len.max(caplen).to_ne_bytes());
        self.buf.extend_from_slice(&head);
        self.buf.extend_from_slice(data);
        self.buffered += 1;
        if self.buf.len() >= WRITE_BUFFER {
            self.flush();
        }
    }

    /// Writes the buffered records to the file. A failure is kept ([`Dumper::error`]).
    pub fn flush(&mut self) {
        if self.buf.is_empty() || self.failed.is_some() {
            return;
        }
        match write_all(self.raw_fd(), &self.buf) {
            Ok(()) => {
                self.written += self.buffered;
                self.end += self.buf.len() as u64;
                self.buffered = 0;
                self.buf.clear();
            }
            Err((done, e)) => self.fail(done, &e),
        }
    }

    /// Records the failure of a write-out that wrote `done` bytes of the buffer.
    fn fail(&mut self, done: usize, e: &io::Error) {
        let (whole, bytes) = whole_records(&self.buf[..done]);
        self.written += whole;
        self.dropped += self.buffered - whole;
        self.buffered = 0;
        self.end += bytes as u64;
        let partial = done - bytes;
        let state = if partial == 0 {
            "it ends after its last whole record".to_string()
        } else if self.cut_back() {
            format!("the {partial} bytes of a partial record at its end were removed")
        } else {
            format!("it ends with {partial} bytes of a partial record")
        };
        let message = format!(
            "writing {} failed: {e}; it holds the first {} packets ({state}) and nothing more is written to it",
            self.path, self.written
        );
        self.failed = Some(CapError::new(io_code(e), message));
        self.buf = Vec::new();
    }

    /// Cuts the file back to its last whole record, when it is a regular file this dumper created.
    fn cut_back(&self) -> bool {
        let Ok(end) = libc::off_t::try_from(self.end) else {
            return false;
        };
        // SAFETY: shortening a file we created and write alone; a closed `fd` is an error.
        self.truncatable && unsafe { libc::ftruncate(self.raw_fd(), end) } == 0
    }

    /// The descriptor (-1 once closed, which every call refuses with EBADF).
    fn raw_fd(&self) -> RawFd {
        self.fd.as_ref().map_or(-1, AsRawFd::as_raw_fd)
    }

    /// The write error, if one happened.
    pub fn error(&self) -> Option<&CapError> {
        self.failed.as_ref()
    }

    /// `Err` with the write error, if one happened (it counts as reported).
    pub fn check(&mut self) -> CapResult<()> {
        match &self.failed {
            Some(e) => {
                self.reported = true;
                Err(e.clone())
            }
            None => Ok(()),
        }
    }

    /// The write error, the first time it is asked for.
    pub fn take_unreported(&mut self) -> Option<CapError> {
        if self.reported {
            return None;
        }
        let e = self.failed.clone()?;
        self.reported = true;
        Some(e)
    }

    /// Packets in the file, plus those buffered for it.
    pub fn accepted(&self) -> u64 {
        self.written + self.buffered
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Writes out the buffer and closes the file; the write error, if not reported yet (a failed
    /// `close(2)`, e.g. a network file system reporting a deferred error, is one).
    pub fn close(mut self) -> CapResult<()> {
        self.flush();
        let Some(fd) = self.fd.take() else {
            return self.take_unreported().map_or(Ok(()), Err);
        };
        let fd = fd.into_raw_fd();
        // SAFETY: `fd` was taken out of `self` and is closed once, here.
        if unsafe { libc::close(fd) } != 0 && self.failed.is_none() {
            let e = io::Error::last_os_error();
            let message = format!("closing {} failed: {e}", self.path);
            self.failed = Some(CapError::new(io_code(&e), message));
        }
        self.take_unreported().map_or(Ok(()), Err)
    }
}

impl Drop for Dumper {
    /// Writes out what is buffered (its error, if any, has nobody left to hear it).
    fn drop(&mut self) {
        self.flush();
    }
}

/// A pcap savefile opened for writing (`pcap.createWriter`).
pub struct Writer {
    file: Option<Dumper>,
    /// Packets in the file once it is closed.
    closed_written: u64,
}

impl Writer {
    /// A file for `link_type` whose header announces `snaplen`; `nanosecond` writes a
    /// nanosecond-resolution file (the header's second field is then nanoseconds).
    pub fn create(path: &str, link_type: i32, snaplen: i32, nanosecond: bool) -> CapResult<Writer> {
        // SAFETY: plain values in; libpcap returns a new handle or null (out of memory).
        let raw = unsafe {
            ffi::pcap_open_dead_with_tstamp_precision(
                link_type,
                snaplen.max(1),
                u32::from(nanosecond),
            )
        };
        let dead: Capture<Dead> = capture_from_raw(Capture::<Dead>::as_ptr, raw.cast())
            .ok_or_else(|| {
                CapError::new(
                    "EPCAP",
                    format!("cannot create a writer for link type {link_type}: out of memory"),
                )
            })?;
        // SAFETY: `dead` is a valid handle for the whole call; the dumper keeps nothing of it.
        let file = unsafe { Dumper::open(dead.as_ptr().cast(), path)? };
        Ok(Writer {
            file: Some(file),
            closed_written: 0,
        })
    }

    fn open_file(&mut self) -> CapResult<&mut Dumper> {
        self.file
            .as_mut()
            .ok_or_else(|| CapError::new("ECLOSED", "writer already closed"))
    }

    /// Writes one packet. `caplen` is `data.len()`; `len` is the original length on the wire.
    /// `Err` with the write error when this write or an earlier one failed.
    pub fn write(&mut self, tv_sec: i64, tv_usec: i64, len: u32, data: &[u8]) -> CapResult<()> {
        let file = self.open_file()?;
        if u32::try_from(data.len()).is_err() {
            return Err(CapError::new("EINVAL", "packet larger than 4 GiB"));
        }
        let ts = libc::timeval {
            tv_sec: tv_sec as libc::time_t,
            tv_usec: tv_usec as libc::suseconds_t,
        };
        file.write(ts, len, data);
        file.check()
    }

    /// Writes out the buffer; `Err` with the write error when this or an earlier write failed.
    pub fn flush(&mut self) -> CapResult<()> {
        match self.file.as_mut() {
            Some(f) => {
                f.flush();
                f.check()
            }
            None => Ok(()),
        }
    }

    /// Writes out the buffer without reporting an error (the next call reports it).
    pub fn flush_quietly(&mut self) {
        if let Some(f) = self.file.as_mut() {
            f.flush();
        }
    }

    /// Flushes and closes the file; `Err` with a write error nobody was told of yet. Idempotent.
    pub fn close(&mut self) -> CapResult<()> {
        match self.file.take() {
            Some(mut f) => {
                f.flush();
                self.closed_written = f.written();
                f.close()
            }
            None => Ok(()),
        }
    }

    /// Packets in the file and buffered for it: after a write error, exactly those in the file.
    pub fn packets_written(&self) -> u64 {
        self.file
            .as_ref()
            .map_or(self.closed_written, Dumper::accepted)
    }
}

#[cfg(test)]
#[path = "writer/tests.rs"]
mod tests;
