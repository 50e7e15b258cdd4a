//! Writing pcap files from packets held in memory (`pcap.createWriter`).

use std::ffi::{c_int, c_uint, c_void};

use pcap::{Capture, Dead, Packet, PacketHeader, Savefile};

use crate::capture::capture_from_raw;
use crate::error::{pcap_text, CapError, CapResult};

extern "C" {
    fn pcap_open_dead_with_tstamp_precision(
        linktype: c_int,
        snaplen: c_int,
        precision: c_uint,
    ) -> *mut c_void;
}

/// A pcap savefile opened for writing.
pub struct Writer {
    // Keeps the pcap_t the dumper was opened from alive for as long as the dumper.
    _dead: Capture<Dead>,
    file: Option<Savefile>,
}

impl Writer {
    /// A file for `link_type` whose header announces `snaplen`; `nanosecond` writes a
    /// nanosecond-resolution file (the header's second field is then nanoseconds).
    pub fn create(path: &str, link_type: i32, snaplen: i32, nanosecond: bool) -> CapResult<Writer> {
        // SAFETY: plain values in; libpcap returns a new handle or null (out of memory).
        let raw = unsafe {
            pcap_open_dead_with_tstamp_precision(link_type, snaplen.max(1), u32::from(nanosecond))
        };
        let dead = capture_from_raw(Capture::<Dead>::as_ptr, raw.cast()).ok_or_else(|| {
            CapError::new(
                "EPCAP",
                format!("cannot create a writer for link type {link_type}: out of memory"),
            )
        })?;
        let file = dead.savefile(path).map_err(|e| {
            CapError::new(
                "EDUMP",
                format!("error opening dump file {path}: {}", pcap_text(&e)),
            )
        })?;
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
        let caplen = u32::try_from(data.len())
            .map_err(|_| CapError::new("EINVAL", "packet larger than 4 GiB"))?;
        let header = PacketHeader {
            ts: libc::timeval {
                tv_sec: tv_sec as libc::time_t,
                tv_usec: tv_usec as libc::suseconds_t,
            },
            caplen,
            len: len.max(caplen),
        };
        file.write(&Packet::new(&header, data));
        Ok(())
    }

    pub fn flush(&mut self) -> CapResult<()> {
        match self.file.as_mut() {
            Some(f) => f
                .flush()
                .map_err(|e| CapError::new("EIO", format!("flush failed: {}", pcap_text(&e)))),
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

    /// libpcap's MAXIMUM_SNAPLEN, the JavaScript side's default: the longest record it reads back.
    const DEFAULT_SNAPLEN: i32 = 262_144;

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
