//! Writing pcap files from packets held in memory (`pcap.createWriter`).

use pcap::{Capture, Dead, Linktype, Packet, PacketHeader, Savefile};

use crate::error::{pcap_text, CapError, CapResult};

/// A pcap savefile opened for writing.
pub struct Writer {
    // Keeps the pcap_t the dumper was opened from alive for as long as the dumper.
    _dead: Capture<Dead>,
    file: Option<Savefile>,
}

impl Writer {
    pub fn create(path: &str, link_type: i32) -> CapResult<Writer> {
        let dead = Capture::dead(Linktype(link_type)).map_err(|e| {
            CapError::new(
                "EPCAP",
                format!(
                    "cannot create a writer for link type {link_type}: {}",
                    pcap_text(&e)
                ),
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

    #[test]
    fn written_packets_read_back_identical() {
        let path =
            std::env::temp_dir().join(format!("node-pcap-writer-{}.pcap", std::process::id()));
        let path_s = path.to_string_lossy().into_owned();
        let mut w = Writer::create(&path_s, 1).expect("create");
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
}
