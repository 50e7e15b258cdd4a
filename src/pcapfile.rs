//! Classic pcap files read in large blocks straight into batch memory, records parsed in place.
//!
//! libpcap reads a file with two `fread`s per packet through a stdio buffer, and the packet is
//! then copied once more into a batch. A classic pcap file's record already is a batch record
//! (`crate::batch`: node_pcap's 16-byte header, then the data), so this reader `pread`s up to a
//! block of the file into the batch itself and walks the records where they landed: one kernel
//! copy per byte, no per-packet copy. What libpcap would change is changed in place: byte-swapped
//! headers, timestamps scaled between micro- and nanoseconds, records longer than the file's
//! snap length cut to it (the rest of the batch moves down), and records a BPF filter rejects
//! removed (the same program libpcap would run, through `pcap_offline_filter`). Errors carry
//! libpcap's own messages, after the records before the damage.
//!
//! Only what libpcap reads with no further processing is taken here ([`Layout::of`]); anything
//! else (pcapng, old format versions, the patched-header magic, link types whose pseudo-headers
//! libpcap rewrites, streams) stays with libpcap. `pread` rather than `mmap`: a file truncated by
//! another process while mapped would raise SIGBUS on access; a short read is only an error.

use std::ffi::{c_void, CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd};

use crate::batch::RECORD_HEADER;
use crate::ffi;

/// libpcap's MAXIMUM_SNAPLEN: the largest record accepted for the link types read here.
const MAX_CAPLEN: u32 = 262_144;

/// Bytes of rejected records one `fill` reads through before it returns empty-handed.
const SKIP_BUDGET: usize = 4 << 20;

/// `TCPDUMP_MAGIC`, `NSEC_TCPDUMP_MAGIC` (as written by the file's host).
const MAGIC_MICRO: u32 = 0xa1b2_c3d4;
const MAGIC_NANO: u32 = 0xa1b2_3c4d;

/// How a file's records are laid out and what must change in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Written in the other byte order: header fields are swapped in place.
    pub swapped: bool,
    /// Timestamps in the file are nanoseconds.
    pub file_nano: bool,
    /// The caller wants nanoseconds.
    pub want_nano: bool,
    /// libpcap's snapshot length for the file: longer records are cut to it.
    pub snaplen: u32,
}

impl Layout {
    /// Records are delivered as they lie in the file (apart from cuts to the snap length).
    fn plain(&self) -> bool {
        !self.swapped && self.file_nano == self.want_nano
    }

    /// The layout of a file whose first 24 bytes are `head`, opened by libpcap with link type
    /// `dlt` and snapshot `snaplen`, when this reader reads it exactly as libpcap would: classic
    /// format 2.4, microsecond or nanosecond magic, a link type libpcap does not post-process.
    pub fn of(head: &[u8; 24], dlt: i32, snaplen: i32, want_nano: bool) -> Option<Layout> {
        let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let (swapped, file_nano) = match magic {
            MAGIC_MICRO => (false, false),
            MAGIC_NANO => (false, true),
            m if m.swap_bytes() == MAGIC_MICRO => (true, false),
            m if m.swap_bytes() == MAGIC_NANO => (true, true),
            _ => return None,
        };
        let u16_at = |at: usize| {
            let v = u16::from_le_bytes([head[at], head[at + 1]]);
            if swapped {
                v.swap_bytes()
            } else {
                v
            }
        };
        // Before 2.4, caplen and len may be interchanged (libpcap's lengths_swapped).
        if (u16_at(4), u16_at(6)) != (2, 4) {
            return None;
        }
        if !in_place_link(dlt, swapped) {
            return None;
        }
        let snaplen = u32::try_from(snaplen).ok().filter(|&s| s > 0)?;
        Some(Layout {
            swapped,
            file_nano,
            want_nano,
            snaplen: snaplen.min(MAX_CAPLEN),
        })
    }
}

/// Link types whose records libpcap hands over as read: not those with a larger maximum record
/// (D-Bus, EBHSCR, USBPcap), not those whose pseudo-headers it rewrites (Linux USB mmapped, and
/// for a byte-swapped file PFLOG, Linux SLL/SLL2, Linux USB, NFLOG).
fn in_place_link(dlt: i32, swapped: bool) -> bool {
    const OTHER_MAXIMUM: [i32; 3] = [231, 279, 249];
    const FIXED_UP: i32 = 220;
    const SWAPPED_PSEUDO_HEADERS: [i32; 5] = [117, 113, 276, 189, 239];
    !(OTHER_MAXIMUM.contains(&dlt)
        || dlt == FIXED_UP
        || (swapped && SWAPPED_PSEUDO_HEADERS.contains(&dlt)))
}

/// A BPF program compiled by libpcap for the file's handle.
struct Program(ffi::BpfProgram);

// SAFETY: the program is plain memory (instructions) that libpcap allocated; it is only read by
// pcap_offline_filter, and freed once by its owner.
unsafe impl Send for Program {}

impl Drop for Program {
    fn drop(&mut self) {
        // SAFETY: filled by a successful pcap_compile, freed once here.
        unsafe { ffi::pcap_freecode(&mut self.0) };
    }
}

impl Program {
    /// Compiles `filter` on the open handle `p` as the `pcap` crate's `Capture::filter` does
    /// (optimized, netmask 0), so the program means exactly what the handle's filter means.
    ///
    /// # Safety
    /// `p` is an open libpcap handle.
    unsafe fn compile(p: *mut c_void, filter: &str) -> Result<Program, String> {
        let text =
            CString::new(filter).map_err(|_| "the filter contains a NUL byte".to_string())?;
        let mut prog = ffi::BpfProgram {
            bf_len: 0,
            bf_insns: std::ptr::null_mut(),
        };
        // SAFETY: `p` is open (contract), `prog` a valid out-parameter, `text` NUL-terminated.
        if unsafe { ffi::pcap_compile(p, &mut prog, text.as_ptr(), 1, 0) } != 0 {
            // SAFETY: the message lives in the handle's error buffer; copied at once.
            return Err(unsafe { CStr::from_ptr(ffi::pcap_geterr(p)) }
                .to_string_lossy()
                .into_owned());
        }
        Ok(Program(prog))
    }

    fn accepts(&self, caplen: u32, len: u32, data: &[u8]) -> bool {
        let hdr = ffi::PktHdr {
            ts: libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            caplen,
            len,
        };
        // SAFETY: the program is compiled; `hdr` describes `data`, which holds `caplen` bytes.
        unsafe { ffi::pcap_offline_filter(&self.0, &hdr, data.as_ptr()) != 0 }
    }
}

/// What [`BlockReader::fill`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Fill {
    /// `packets` records were written, `len` bytes from the start of the destination.
    Records { packets: u32, len: usize },
    /// The file ended after its last whole record.
    End,
    /// The next record needs a destination of at least this many bytes.
    NeedRoom(usize),
    /// The file cannot be read on (libpcap's message); the records before were delivered.
    Error(String),
}

/// A classic pcap file read in blocks.
pub struct BlockReader {
    fd: OwnedFd,
    /// File offset of the next record.
    off: u64,
    layout: Layout,
    filter: Option<Program>,
    /// An error met after records that were delivered first.
    pending: Option<String>,
}

impl std::fmt::Debug for BlockReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockReader")
            .field("off", &self.off)
            .field("layout", &self.layout)
            .field("filter", &self.filter.is_some())
            .finish()
    }
}

/// libpcap's "error reading dump file" message for an OS error.
fn read_error(e: &std::io::Error) -> String {
    format!("error reading dump file: {e}")
}

impl BlockReader {
    /// A reader of the file open as `fd` (positioned anywhere: reads are `pread`s) whose first
    /// record starts at byte 24, with the filter compiled on the handle `p` that opened it.
    ///
    /// # Safety
    /// `p` is an open libpcap handle (only used during this call).
    pub unsafe fn new(
        fd: OwnedFd,
        layout: Layout,
        p: *mut c_void,
        filter: &str,
    ) -> Result<BlockReader, String> {
        let filter = if filter.is_empty() {
            None
        } else {
            // SAFETY: per the contract.
            Some(unsafe { Program::compile(p, filter) }?)
        };
        Ok(BlockReader {
            fd,
            off: 24,
            layout,
            filter,
            pending: None,
        })
    }

    /// Whether records come with nanosecond timestamps.
    pub fn nanosecond(&self) -> bool {
        self.layout.want_nano
    }

    /// Reads from the file into `dst` until it is full or the file ends. Returns the bytes read.
    fn read_into(&self, dst: *mut u8, cap: usize) -> Result<usize, String> {
        let mut got = 0usize;
        while got < cap {
            let at = self.off + got as u64;
            let Ok(at) = libc::off_t::try_from(at) else {
                return Err(read_error(&std::io::Error::from_raw_os_error(
                    libc::EOVERFLOW,
                )));
            };
            // SAFETY: `dst + got .. dst + cap` is writable memory the caller lent (see `fill`).
            let n = unsafe { libc::pread(self.fd.as_raw_fd(), dst.add(got).cast(), cap - got, at) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(read_error(&e));
            }
            if n == 0 {
                break;
            }
            got += n as usize;
        }
        Ok(got)
    }

    /// Reads the next records into `dst` (at most `max_packets`, at least one unless the file
    /// ends or fails), in batch record layout. Records a filter rejects are skipped (reading on
    /// until one passes or the file ends).
    ///
    /// # Safety
    /// `dst` is valid for writes of `cap` bytes and nothing else accesses that memory during the
    /// call; it need not be initialised.
    pub unsafe fn fill(&mut self, dst: *mut u8, cap: usize, max_packets: u32) -> Fill {
        if let Some(e) = self.pending.take() {
            return Fill::Error(e);
        }
        let max_packets = max_packets.max(1);
        let mut skipped = 0usize;
        loop {
            let got = match self.read_into(dst, cap) {
                Ok(n) => n,
                Err(e) => return Fill::Error(e),
            };
            // SAFETY: `read_into` wrote `got` bytes at `dst`, which the caller lent exclusively.
            let buf = unsafe { std::slice::from_raw_parts_mut(dst, got) };
            let (packets, len, used, stop) = self.walk(buf, max_packets);
            self.off += used as u64;
            if packets > 0 {
                if let Some(Stop::Error(e)) = stop {
                    self.pending = Some(e);
                }
                return Fill::Records { packets, len };
            }
            match stop {
                Some(Stop::Error(e)) => return Fill::Error(e),
                // Every record read was filtered out: read on, for a while (a filter that
                // rejects a whole file must not hold the caller for the whole file).
                _ if used > 0 => {
                    skipped += used;
                    if skipped >= SKIP_BUDGET {
                        return Fill::Records { packets: 0, len: 0 };
                    }
                }
                None => return Fill::End,
                // A record that does not fit in a full destination: it needs more room.
                Some(Stop::Partial(need)) if got == cap => return Fill::NeedRoom(need),
                // A partial record at the end of the file (a short read).
                Some(Stop::Partial(_)) => return Fill::Error(self.truncated(buf)),
            }
        }
    }

    /// Parses the whole records at the start of `buf` in place: keeps those the filter accepts
    /// (moved down over the ones it rejects and over the cut-off bytes of records longer than
    /// the snap length), fixes their headers. Returns (records kept, bytes they occupy, bytes of
    /// the file consumed, why it stopped before the end of `buf` if it did).
    fn walk(&self, buf: &mut [u8], max_packets: u32) -> (u32, usize, usize, Option<Stop>) {
        // The usual file needs no change: only step over its records, as long as they do not
        // exceed the snap length.
        let mut read = 0usize;
        let mut packets = 0u32;
        if self.layout.plain() && self.filter.is_none() {
            let snaplen = self.layout.snaplen;
            while packets < max_packets {
                let Some(h) = buf
                    .get(read..read + RECORD_HEADER)
                    .and_then(|h| <&[u8; RECORD_HEADER]>::try_from(h).ok())
                else {
                    break;
                };
                let caplen = u32::from_le_bytes([h[8], h[9], h[10], h[11]]);
                let total = RECORD_HEADER + caplen as usize;
                if caplen > snaplen || buf.len() - read < total {
                    break;
                }
                read += total;
                packets += 1;
            }
        }
        self.walk_from(buf, max_packets, read, packets)
    }

    /// `walk` from `read` on, where `packets` records were kept unchanged before.
    fn walk_from(
        &self,
        buf: &mut [u8],
        max_packets: u32,
        mut read: usize,
        mut packets: u32,
    ) -> (u32, usize, usize, Option<Stop>) {
        let Layout {
            swapped,
            file_nano,
            want_nano,
            snaplen,
        } = self.layout;
        let rewrite = swapped || file_nano != want_nano;
        let mut write = read;
        let field = |b: &[u8], at: usize| {
            let v = u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
            if swapped {
                v.swap_bytes()
            } else {
                v
            }
        };
        while packets < max_packets {
            let left = buf.len() - read;
            if left < RECORD_HEADER {
                let stop = (left > 0).then_some(Stop::Partial(RECORD_HEADER));
                return (packets, write, read, stop);
            }
            let caplen = field(buf, read + 8);
            if caplen > MAX_CAPLEN {
                let msg = format!(
                    "invalid packet capture length {caplen}, bigger than snaplen of {snaplen}"
                );
                return (packets, write, read, Some(Stop::Error(msg)));
            }
            let total = RECORD_HEADER + caplen as usize;
            if left < total {
                return (packets, write, read, Some(Stop::Partial(total)));
            }
            let kept = caplen.min(snaplen);
            let len = field(buf, read + 12);
            let start = read + RECORD_HEADER;
            let pass = match &self.filter {
                None => true,
                Some(f) => f.accepts(kept, len, &buf[start..start + kept as usize]),
            };
            if pass {
                let size = RECORD_HEADER + kept as usize;
                if write != read {
                    buf.copy_within(read..read + size, write);
                }
                if rewrite || kept != caplen {
                    let sec = field(buf, write);
                    let frac = scale(field(buf, write + 4), file_nano, want_nano);
                    let h = &mut buf[write..write + RECORD_HEADER];
                    h[0..4].copy_from_slice(&sec.to_le_bytes());
                    h[4..8].copy_from_slice(&frac.to_le_bytes());
                    h[8..12].copy_from_slice(&kept.to_le_bytes());
                    h[12..16].copy_from_slice(&len.to_le_bytes());
                }
                write += size;
                packets += 1;
            }
            read += total;
        }
        (packets, write, read, None)
    }

    /// libpcap's message for the partial record at the end of the file, `rest`.
    fn truncated(&self, rest: &[u8]) -> String {
        if rest.len() < RECORD_HEADER {
            return format!(
                "truncated dump file; tried to read {RECORD_HEADER} header bytes, only got {}",
                rest.len()
            );
        }
        let v = u32::from_le_bytes([rest[8], rest[9], rest[10], rest[11]]);
        let caplen = if self.layout.swapped {
            v.swap_bytes()
        } else {
            v
        };
        let got = rest.len() - RECORD_HEADER;
        let snaplen = self.layout.snaplen;
        // A record longer than the snap length: libpcap reads the snap length, then discards.
        let tried = if caplen > snaplen && got < snaplen as usize {
            snaplen
        } else {
            caplen
        };
        format!("truncated dump file; tried to read {tried} captured bytes, only got {got}")
    }
}

/// Why a walk stopped early.
enum Stop {
    /// A record that is not all there; it needs this many bytes.
    Partial(usize),
    Error(String),
}

/// A timestamp's fraction as libpcap scales it (its `tv_usec` is a signed 32-bit value widened).
fn scale(frac: u32, file_nano: bool, want_nano: bool) -> u32 {
    let v = i64::from(frac as i32);
    match (file_nano, want_nano) {
        (true, false) => (v / 1000) as u32,
        (false, true) => (v * 1000) as u32,
        _ => frac,
    }
}

/// The first 24 bytes of `fd` (a regular file), if it has them.
pub fn file_head(fd: &OwnedFd) -> Option<[u8; 24]> {
    let mut head = [0u8; 24];
    // SAFETY: `head` is 24 writable bytes.
    let n = unsafe { libc::pread(fd.as_raw_fd(), head.as_mut_ptr().cast(), 24, 0) };
    (n == 24).then_some(head)
}

#[cfg(test)]
#[path = "pcapfile/tests.rs"]
mod tests;
