//! Writing pcap files: libpcap's dumper over a stdio stream with a buffer of our own (`Dumper`,
//! used by `outfile` and `pcap.createWriter`), and the standalone writer (`pcap.createWriter`).

use std::ffi::{c_void, CStr};
use std::ptr::NonNull;

use pcap::{Capture, Dead};

use crate::capture::capture_from_raw;
use crate::error::{io_code, limit_hint, CapError, CapResult};
use crate::ffi::{self, PktHdr};
use crate::stdio;

/// stdio buffer of a dump file (see `crate::stdio`); `pcap_dump_open` leaves glibc's 4 KiB buffer: a
/// `write` system call per 4 KiB of packets.
const WRITE_BUFFER: usize = 128 << 10;

/// A pcap file open for writing through libpcap's dumper. The dumper is closed (which flushes and
/// closes the stream) before the buffer the stream writes from is freed.
pub struct Dumper {
    raw: NonNull<c_void>,
    _buf: Box<[u8]>,
}

// SAFETY: the dumper is a stdio stream owned by this value alone; moving it to another thread
// (the capture thread) is fine, it is never used from two threads at once (&mut self methods).
unsafe impl Send for Dumper {}

impl Dumper {
    /// Opens `path` (`-` is standard output, as for libpcap) for packets of the handle `pcap`:
    /// its link type, snap length and time stamp precision go into the file header. Errors are
    /// "error opening dump file PATH: why", code EDUMP (EMFILE/ENFILE when out of descriptors).
    ///
    /// # Safety
    /// `pcap` must be a valid `pcap_t` for the duration of the call.
    pub unsafe fn open(pcap: *mut c_void, path: &str) -> CapResult<Dumper> {
        let fail = |code, why: String| {
            CapError::new(code, format!("error opening dump file {path}: {why}"))
        };
        let (fp, buf) = stdio::open_write(path, WRITE_BUFFER).map_err(|e| {
            // Running out of descriptors has a code of its own; anything else is EDUMP.
            match io_code(&e) {
                code @ ("EMFILE" | "ENFILE") => {
                    fail(code, format!("{path}: {e}{}", limit_hint(code)))
                }
                _ => fail("EDUMP", format!("{path}: {e}")),
            }
        })?;
        // SAFETY: `pcap` is a valid handle (caller) and `fp` a stream open for writing; on success
        // the dumper owns `fp`.
        let raw = unsafe { ffi::pcap_dump_fopen(pcap, fp) };
        match NonNull::new(raw) {
            Some(raw) => Ok(Dumper { raw, _buf: buf }),
            None => {
                // SAFETY: `pcap` is valid; libpcap keeps a NUL-terminated message in it.
                let why = unsafe { CStr::from_ptr(ffi::pcap_geterr(pcap)) }
                    .to_string_lossy()
                    .into_owned();
                // SAFETY: on failure the stream is still ours; closed once, before `buf` is freed.
                unsafe { libc::fclose(fp) };
                Err(fail("EDUMP", why))
            }
        }
    }

    /// Writes one record: `data` (the captured bytes) and the original length `len`.
    pub fn write(&mut self, ts: libc::timeval, len: u32, data: &[u8]) {
        let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let header = PktHdr {
            ts,
            caplen,
            len: len.max(caplen),
        };
        // SAFETY: `raw` is an open dumper; `header` describes `caplen` bytes of `data`, which
        // libpcap copies into the stream before returning.
        unsafe { ffi::pcap_dump(self.raw.as_ptr().cast(), &header, data.as_ptr()) };
    }

    /// Writes what the stream buffers to the file.
    pub fn flush(&mut self) -> CapResult<()> {
        // SAFETY: `raw` is an open dumper.
        if unsafe { ffi::pcap_dump_flush(self.raw.as_ptr()) } == 0 {
            Ok(())
        } else {
            Err(CapError::new(
                "EIO",
                format!("flush failed: {}", std::io::Error::last_os_error()),
            ))
        }
    }
}

impl Drop for Dumper {
    fn drop(&mut self) {
        // SAFETY: `raw` is an open dumper, closed exactly once here; `_buf` is freed after this.
        unsafe { ffi::pcap_dump_close(self.raw.as_ptr()) };
    }
}

/// A pcap savefile opened for writing.
pub struct Writer {
    // The handle the dumper took its file header from.
    _dead: Capture<Dead>,
    file: Option<Dumper>,
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
        let dead = capture_from_raw(Capture::<Dead>::as_ptr, raw.cast()).ok_or_else(|| {
            CapError::new(
                "EPCAP",
                format!("cannot create a writer for link type {link_type}: out of memory"),
            )
        })?;
        // SAFETY: `dead` is a valid handle for the whole call.
        let file = unsafe { Dumper::open(dead.as_ptr().cast(), path)? };
        Ok(Writer {
            _dead: dead,
            file: Some(file),
        })
    }

    /// Writes one packet. `caplen` is `data.len()`; `len` is the original length on the wire.
    pub fn write(&mut self, tv_sec: i64, tv_usec: i64, len: u32, data: &[u8]) -> CapResult<()> {
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| CapError::new("ECLOSED", "writer already closed"))?;
        if u32::try_from(data.len()).is_err() {
            return Err(CapError::new("EINVAL", "packet larger than 4 GiB"));
        }
        let ts = libc::timeval {
            tv_sec: tv_sec as libc::time_t,
            tv_usec: tv_usec as libc::suseconds_t,
        };
        file.write(ts, len, data);
        Ok(())
    }

    pub fn flush(&mut self) -> CapResult<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }

    /// Flushes and closes the file. Idempotent.
    pub fn close(&mut self) -> CapResult<()> {
        let r = self.flush();
        self.file = None;
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JavaScript side's default: the longest record libpcap reads back.
    use crate::capture::MAXIMUM_SNAPLEN as DEFAULT_SNAPLEN;

    #[test]
    fn written_packets_read_back_identical() {
        let path =
            std::env::temp_dir().join(format!("node-pcap-writer-{}.pcap", std::process::id()));
        let path_s = path.to_string_lossy().into_owned();
        let mut w = Writer::create(&path_s, 1, DEFAULT_SNAPLEN, false).expect("create");
        w.write(1_700_000_000, 123_456, 64, &[1, 2, 3, 4])
            .expect("write");
        w.write(1_700_000_001, 7, 3, &[9, 8, 7]).expect("write");
        w.close().expect("close");
        assert!(w.write(0, 0, 0, &[]).is_err());
        let mut cap = Capture::from_file(&path).expect("read back");
        let p = cap.next_packet().expect("first");
        assert_eq!(p.data, &[1, 2, 3, 4]);
        assert_eq!(
            (p.header.ts.tv_sec, p.header.ts.tv_usec, p.header.len),
            (1_700_000_000, 123_456, 64)
        );
        let p = cap.next_packet().expect("second");
        assert_eq!(p.data, &[9, 8, 7]);
        assert!(cap.next_packet().is_err());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn large_packets_and_nanoseconds_survive_the_round_trip() {
        let path =
            std::env::temp_dir().join(format!("node-pcap-writer-ns-{}.pcap", std::process::id()));
        let path_s = path.to_string_lossy().into_owned();
        let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut w = Writer::create(&path_s, 1, DEFAULT_SNAPLEN, true).expect("create");
        w.write(1_700_000_000, 999_999_999, 100_000, &big)
            .expect("write");
        w.close().expect("close");
        let mut cap =
            Capture::from_file_with_precision(&path, pcap::Precision::Nano).expect("read back");
        let p = cap.next_packet().expect("first");
        assert_eq!(p.data.len(), 100_000);
        assert_eq!(p.data, &big[..]);
        assert_eq!(
            (p.header.ts.tv_sec, p.header.ts.tv_usec),
            (1_700_000_000, 999_999_999)
        );
        let _ = std::fs::remove_file(&path);
    }
}
