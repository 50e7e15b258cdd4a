//! A zero-copy reader of classic pcap files: the file is mapped into memory and each record is
//! read in place, where libpcap's reader copies every packet out of a stdio buffer (two `fread`s
//! per packet). A BPF filter runs through libpcap's own `pcap_offline_filter` on a program
//! compiled for a dead handle of the file's link type, so filters mean exactly what they mean
//! for libpcap. pcapng files, streams and anything else are left to libpcap
//! (`MmapPcap::open` returns `Ok(None)`).

use std::ffi::{c_char, c_int, c_uint, c_void, CStr, CString};
use std::os::fd::{AsRawFd, OwnedFd};

/// Longest record libpcap accepts when the file's snap length is smaller (its MAXIMUM_SNAPLEN).
const MAX_RECORD: u32 = 262_144;

#[repr(C)]
struct BpfProgram {
    bf_len: c_uint,
    bf_insns: *mut c_void,
}

#[repr(C)]
struct PktHdr {
    ts: libc::timeval,
    caplen: u32,
    len: u32,
}

extern "C" {
    fn pcap_open_dead_with_tstamp_precision(
        linktype: c_int,
        snaplen: c_int,
        precision: c_uint,
    ) -> *mut c_void;
    fn pcap_compile(
        p: *mut c_void,
        fp: *mut BpfProgram,
        s: *const c_char,
        optimize: c_int,
        netmask: u32,
    ) -> c_int;
    fn pcap_offline_filter(fp: *const BpfProgram, h: *const PktHdr, pkt: *const u8) -> c_int;
    fn pcap_freecode(fp: *mut BpfProgram);
    fn pcap_geterr(p: *mut c_void) -> *const c_char;
    fn pcap_close(p: *mut c_void);
}

/// A compiled filter and the dead handle it was compiled on.
struct Filter {
    dead: *mut c_void,
    prog: BpfProgram,
}

impl Drop for Filter {
    fn drop(&mut self) {
        // SAFETY: `prog` was filled by a successful pcap_compile and `dead` is the open handle it
        // was compiled on; each is released once, here.
        unsafe {
            pcap_freecode(&mut self.prog);
            pcap_close(self.dead);
        }
    }
}

/// A mapped file's bytes.
struct Map {
    ptr: *mut c_void,
    len: usize,
}

impl Drop for Map {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly what mmap returned; unmapped once.
        unsafe { libc::munmap(self.ptr, self.len) };
    }
}

// SAFETY: the mapping is read-only and owned by one reader; the filter's handle and program are
// only used through `&mut self` by whichever thread owns the reader.
unsafe impl Send for Map {}
// SAFETY: as above.
unsafe impl Send for Filter {}

/// One record, borrowed from the mapping.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub ts_sec: u32,
    /// Microseconds, or nanoseconds for a nanosecond file.
    pub ts_frac: u32,
    /// Length on the wire.
    pub len: u32,
    pub data: &'a [u8],
}

/// What `MmapPcap::next_record` found.
#[derive(Debug)]
pub enum Next<'a> {
    Packet(Record<'a>),
    End,
    /// The file is damaged here (libpcap's wording); records before it were good.
    Error(String),
}

/// A classic pcap file read in place.
pub struct MmapPcap {
    map: Map,
    off: usize,
    /// Pages before this offset were handed back to the kernel.
    released: usize,
    swapped: bool,
    pub nanosecond: bool,
    /// The DLT value (as libpcap reports it for the file's link type).
    pub dlt: i32,
    pub snaplen: u32,
    filter: Option<Filter>,
}

/// The DLT libpcap reports for a file's LINKTYPE (the values that differ on Linux).
fn dlt_of(linktype: u32) -> i32 {
    match linktype & 0x03ff_ffff {
        101 => 12, // LINKTYPE_RAW -> DLT_RAW
        100 => 11, // ATM_RFC1483
        102 => 15, // SLIP_BSDOS
        103 => 16, // PPP_BSDOS
        104 => 104,
        l => l as i32,
    }
}

impl MmapPcap {
    /// Maps `path` if it is a regular file in the classic pcap format. `Ok(None)`: not one
    /// (pcapng, a stream, too short): read it with libpcap. Errors are the file's own (not found,
    /// no permission).
    pub fn open(path: &str) -> std::io::Result<Option<MmapPcap>> {
        if path == "-" {
            return Ok(None);
        }
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if !meta.is_file() || meta.len() < 24 {
            return Ok(None);
        }
        let len = usize::try_from(meta.len()).map_err(std::io::Error::other)?;
        let fd: OwnedFd = file.into();
        // SAFETY: maps `len` bytes of an open regular file read-only and private; the result is
        // checked; the mapping stays valid after `fd` is closed.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                fd.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Ok(None);
        }
        let map = Map { ptr, len };
        // SAFETY: advice on the mapping just made; a failure only loses the hint.
        unsafe { libc::madvise(ptr, len, libc::MADV_SEQUENTIAL | libc::MADV_WILLNEED) };
        // SAFETY: `ptr` points at `len` readable bytes for as long as `map` lives.
        let head = unsafe { std::slice::from_raw_parts(ptr as *const u8, 24) };
        let magic = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let (swapped, nanosecond) = match magic {
            0xa1b2_c3d4 => (false, false),
            0xa1b2_3c4d => (false, true),
            0xd4c3_b2a1 => (true, false),
            0x4d3c_b2a1 => (true, true),
            _ => return Ok(None),
        };
        let rd = |at: usize| {
            let v = u32::from_le_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
            if swapped {
                v.swap_bytes()
            } else {
                v
            }
        };
        let major = rd(4) & 0xffff;
        let major = if swapped {
            (rd(4) >> 16) & 0xffff
        } else {
            major
        };
        if major != 2 {
            return Ok(None);
        }
        Ok(Some(MmapPcap {
            map,
            off: 24,
            released: 0,
            swapped,
            nanosecond,
            dlt: dlt_of(rd(20)),
            // libpcap's rule: 0 or beyond its maximum means the maximum.
            snaplen: match rd(16) {
                0 => MAX_RECORD,
                n => n.min(MAX_RECORD),
            },
            filter: None,
        }))
    }

    /// Compiles `filter` (libpcap syntax) for this file's link type; packets it rejects are
    /// skipped. Errors are libpcap's message.
    pub fn set_filter(&mut self, filter: &str) -> Result<(), String> {
        if filter.is_empty() {
            self.filter = None;
            return Ok(());
        }
        let text =
            CString::new(filter).map_err(|_| "the filter contains a NUL byte".to_string())?;
        let snaplen = i32::try_from(self.snaplen).unwrap_or(i32::MAX);
        // SAFETY: opens a handle that only compiles filters; checked below.
        let dead = unsafe {
            pcap_open_dead_with_tstamp_precision(self.dlt, snaplen, u32::from(self.nanosecond))
        };
        if dead.is_null() {
            return Err("cannot compile filters for this link type".into());
        }
        let mut prog = BpfProgram {
            bf_len: 0,
            bf_insns: std::ptr::null_mut(),
        };
        // SAFETY: `dead` is open, `prog` is a valid out-parameter and `text` NUL-terminated;
        // PCAP_NETMASK_UNKNOWN (0xffffffff) as for offline captures.
        let rc = unsafe { pcap_compile(dead, &mut prog, text.as_ptr(), 1, 0xffff_ffff) };
        if rc != 0 {
            // SAFETY: the message lives in `dead`'s error buffer, copied before closing it.
            let msg = unsafe { CStr::from_ptr(pcap_geterr(dead)) }
                .to_string_lossy()
                .into_owned();
            // SAFETY: closes the handle opened above, once.
            unsafe { pcap_close(dead) };
            return Err(msg);
        }
        self.filter = Some(Filter { dead, prog });
        Ok(())
    }

    /// The next record (that passes the filter).
    #[inline]
    pub fn next_record(&mut self) -> Next<'_> {
        loop {
            let off = self.off;
            let (swapped, snaplen) = (self.swapped, self.snaplen);
            // SAFETY: the mapping holds `len` readable bytes and lives as long as `self`; the
            // records handed out borrow `self`, so it cannot be unmapped while they are used.
            let all: &[u8] =
                unsafe { std::slice::from_raw_parts(self.map.ptr as *const u8, self.map.len) };
            if off == all.len() {
                return Next::End;
            }
            let Some(h) = all.get(off..off + 16) else {
                return Next::Error(format!(
                    "truncated dump file; tried to read 16 header bytes, only got {}",
                    all.len() - off
                ));
            };
            let rd = |at: usize| {
                let v = u32::from_le_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]);
                if swapped {
                    v.swap_bytes()
                } else {
                    v
                }
            };
            let (ts_sec, ts_frac, caplen, len) = (rd(0), rd(4), rd(8), rd(12));
            if caplen > MAX_RECORD {
                return Next::Error(format!(
                    "invalid packet capture length {caplen}, bigger than maximum of {MAX_RECORD}"
                ));
            }
            let start = off + 16;
            let end = start + caplen as usize;
            if end > all.len() {
                return Next::Error(format!(
                    "truncated dump file; tried to read {caplen} captured bytes, only got {}",
                    all.len() - start
                ));
            }
            // A record longer than the file's snap length is cut to it, as libpcap does.
            let kept = caplen.min(snaplen);
            let data = &all[start..start + kept as usize];
            let caplen = kept;
            self.off = end;
            if let Some(f) = &self.filter {
                let hdr = PktHdr {
                    ts: libc::timeval {
                        tv_sec: libc::time_t::from(ts_sec as i32),
                        tv_usec: libc::suseconds_t::from(ts_frac as i32),
                    },
                    caplen,
                    len,
                };
                // SAFETY: `prog` is a compiled program, `hdr` describes `data`, which holds
                // `caplen` readable bytes.
                if unsafe { pcap_offline_filter(&f.prog, &hdr, data.as_ptr()) } == 0 {
                    continue;
                }
            }
            return Next::Packet(Record {
                ts_sec,
                ts_frac,
                len,
                data,
            });
        }
    }

    /// Hands the pages already read back to the kernel (every `RELEASE_EVERY` bytes), so that a
    /// large file does not stay mapped into the process as it is read: its resident memory
    /// stays flat. Records returned before this call must no longer be used.
    pub fn release_read_pages(&mut self) {
        const RELEASE_EVERY: usize = 8 << 20;
        // SAFETY: sysconf only reads a system constant.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let upto = self.off / page * page;
        if upto >= self.released + RELEASE_EVERY {
            // SAFETY: [released, upto) lies inside the mapping, page-aligned; no reference into it
            // is alive (records borrow `self`, and this takes `&mut self`); the mapping is
            // private and read-only, so dropping its pages loses nothing (they would be read
            // from the file again).
            unsafe {
                libc::madvise(
                    (self.map.ptr as *mut u8).add(self.released).cast(),
                    upto - self.released,
                    libc::MADV_DONTNEED,
                )
            };
            self.released = upto;
        }
    }

    /// Bytes read so far and the file's size.
    pub fn progress(&self) -> (usize, usize) {
        (self.off, self.map.len)
    }
}

impl std::fmt::Debug for MmapPcap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MmapPcap")
            .field("len", &self.map.len)
            .field("dlt", &self.dlt)
            .field("nanosecond", &self.nanosecond)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> Vec<String> {
        let root = format!("{}/__test__/fixtures", env!("CARGO_MANIFEST_DIR"));
        let mut v: Vec<String> = std::fs::read_dir(format!("{root}/captures"))
            .expect("fixtures")
            .filter_map(|e| e.ok().map(|e| e.path().display().to_string()))
            .collect();
        v.push(format!("{root}/http-loopback.pcap"));
        v.sort();
        v
    }

    /// Every fixture libpcap reads gives the same records (headers and bytes) here, with and
    /// without a filter, and the same error at the same record when damaged.
    #[test]
    fn same_records_as_libpcap() {
        let mut mapped = 0;
        for path in fixtures() {
            for filter in ["", "tcp or icmp6", "greater 100"] {
                let Ok(Some(mut m)) = MmapPcap::open(&path) else {
                    continue;
                };
                let precision = if m.nanosecond {
                    pcap::Precision::Nano
                } else {
                    pcap::Precision::Micro
                };
                let Ok(mut cap) = pcap::Capture::from_file_with_precision(&path, precision) else {
                    panic!("{path}: mapped but libpcap refuses it");
                };
                assert_eq!(cap.get_datalink().0, m.dlt, "{path}");
                if !filter.is_empty() {
                    let theirs = cap.filter(filter, true).is_ok();
                    assert_eq!(m.set_filter(filter).is_ok(), theirs, "{path} {filter}");
                    if !theirs {
                        continue;
                    }
                }
                let mut n = 0;
                loop {
                    let theirs = cap.next_packet();
                    match (m.next_record(), theirs) {
                        (Next::Packet(r), Ok(p)) => {
                            assert_eq!(r.data, p.data, "{path} #{n}");
                            assert_eq!(r.len, p.header.len);
                            // libpcap reads the seconds signed.
                            #[allow(clippy::useless_conversion)]
                            let (sec, frac) = (
                                i64::from(p.header.ts.tv_sec),
                                i64::from(p.header.ts.tv_usec),
                            );
                            assert_eq!(i64::from(r.ts_sec as i32), sec);
                            assert_eq!(i64::from(r.ts_frac as i32), frac);
                        }
                        (Next::End, Err(pcap::Error::NoMorePackets)) => break,
                        (Next::Error(_), Err(e)) => {
                            assert!(!matches!(e, pcap::Error::NoMorePackets), "{path}");
                            break;
                        }
                        (ours, theirs) => panic!("{path} #{n} {filter}: {ours:?} vs {theirs:?}"),
                    }
                    n += 1;
                }
                mapped += 1;
            }
        }
        assert!(mapped > 300, "{mapped}");
    }

    #[test]
    fn not_classic_pcap_is_left_to_libpcap() {
        let root = format!("{}/__test__/fixtures", env!("CARGO_MANIFEST_DIR"));
        assert!(MmapPcap::open(&format!("{root}/README.md"))
            .expect("open")
            .is_none());
        assert!(MmapPcap::open(&format!("{root}/captures/bgp-role.pcapng"))
            .expect("open")
            .is_none());
        assert!(MmapPcap::open(&format!("{root}/missing.pcap")).is_err());
        assert!(MmapPcap::open("-").expect("stdin").is_none());
    }
}
