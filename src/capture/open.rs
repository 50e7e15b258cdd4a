//! Opening a live device or a capture file: what every session needs before its thread starts
//! (the handle, the dump file, the filter, the link type), with errors that name the cause.

use std::ffi::{c_char, c_void, CStr};

use pcap::{Activated, Active, Capture, Inactive, Offline, Precision};

use super::capture_from_raw;
use super::devices::lookupnet;
use super::flows::flow_pipeline;
use super::options::{
    LiveConfig, OfflineConfig, DEFAULT_BATCH_BYTES, INLINE_BATCH_BYTES, MAXIMUM_SNAPLEN,
    OFFLINE_QUEUE_BYTES,
};
use crate::error::{
    escape_controls, io_code, limit_hint, live_error, pcap_text, CapError, CapResult,
};
use crate::ffi;
use crate::flow::pipeline::Pipeline;
use crate::pcapfile::{self, BlockReader, Layout};
use crate::stdio;
use crate::stream::StreamHandle;
use crate::writer::Dumper;

/// Longest time the live thread blocks in libpcap before it checks whether it must stop.
const MAX_POLL_MS: i32 = 250;

/// stdio buffer of a capture file (see `crate::stdio`): libpcap reads records with `fread`, and the
/// default 4 KiB buffer made a `read` system call every few packets (88,841 of them for the 360 MB
/// benchmark file).
const READ_BUFFER: usize = 128 << 10;

/// An open capture file and the stdio buffer its stream reads into. The handle is closed
/// (pcap_close closes the stream) before the buffer the stream used is freed, whatever the order
/// of the fields.
pub(super) struct OfflineFile {
    pub(super) cap: std::mem::ManuallyDrop<Capture<Offline>>,
    _buf: Box<[u8]>,
    /// Set when the input is a stream (a pipe, FIFO, ...): see `crate::stream`.
    pub(super) stream: Option<StreamHandle>,
    /// Device and inode of the input.
    identity: (u64, u64),
}

impl Drop for OfflineFile {
    fn drop(&mut self) {
        // SAFETY: `cap` is dropped exactly once, here; `_buf` is freed only after this returns.
        unsafe { std::mem::ManuallyDrop::drop(&mut self.cap) }
    }
}

/// Why a capture file could not be opened.
enum OpenError {
    /// The file itself (`fopen`): not found, no permission, ...
    Io(std::io::Error),
    /// libpcap's message: not a capture file it can read.
    Pcap(String),
}

/// `pcap_open_offline` with a large stdio buffer (see [`READ_BUFFER`]). `-` is standard input, as
/// for libpcap and tcpdump (e.g. `ssh host tcpdump -w - | node script.js`).
fn open_file_buffered(path: &str, precision: Precision) -> Result<OfflineFile, OpenError> {
    let stdio::ReadStream {
        fp,
        buf,
        stream,
        identity,
    } = stdio::open_read(path, READ_BUFFER).map_err(OpenError::Io)?;
    // Only the capture thread reads this stream (libpcap calls fread twice per packet), so stdio
    // need not lock it on every call (FSETLOCKING_BYCALLER).
    // SAFETY: `fp` is a valid stream; no other thread ever uses it.
    #[cfg(target_os = "linux")]
    unsafe {
        ffi::__fsetlocking(fp, 2)
    };
    let mut err = [0 as c_char; ffi::ERRBUF_SIZE];
    let precision = match precision {
        Precision::Nano => 1,
        Precision::Micro => 0,
    };
    // SAFETY: `fp` is a valid stream open for reading and `err` has the PCAP_ERRBUF_SIZE bytes
    // libpcap may write; on success the handle owns `fp` and pcap_close closes it.
    let handle =
        unsafe { ffi::pcap_fopen_offline_with_tstamp_precision(fp, precision, err.as_mut_ptr()) };
    match capture_from_raw(Capture::<Offline>::as_ptr, handle.cast()) {
        Some(cap) => Ok(OfflineFile {
            cap: std::mem::ManuallyDrop::new(cap),
            _buf: buf,
            stream,
            identity,
        }),
        None => {
            // SAFETY: on failure libpcap leaves the stream to the caller; it is closed once here,
            // before `buf` is dropped.
            unsafe { libc::fclose(fp) };
            // SAFETY: libpcap wrote a NUL-terminated message into `err` (zero-initialised).
            Err(OpenError::Pcap(
                unsafe { CStr::from_ptr(err.as_ptr()) }
                    .to_string_lossy()
                    .into_owned(),
            ))
        }
    }
}

pub(super) enum Source {
    Live(Capture<Active>),
    /// A file libpcap reads (pcapng, streams, `outfile`, link types it post-processes).
    Offline(OfflineFile),
    /// A classic pcap file read in place (`crate::pcapfile`).
    Blocks(BlockReader),
}

/// How a classic pcap file is read; `PCAP_READER` (`libpcap`, `thread`, `inline`) forces one,
/// for benchmarks and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderMode {
    /// libpcap on the capture thread, as every other input.
    Libpcap,
    /// In place, on the capture thread.
    Thread,
    /// In place, on the JavaScript thread (`super::inline`).
    Inline,
    /// On the JavaScript thread until the session's packets are decoded, then (with two CPUs or
    /// more) on a capture thread. Measured: `packet` events only are faster read inline even
    /// with two CPUs (the JavaScript thread, reading each record header a capture thread wrote,
    /// spent more on those cache misses than the read costs it); decoding large packets is
    /// faster with the read and the layer maps on a second CPU.
    Auto,
}

impl ReaderMode {
    /// The mode for this process: `PCAP_READER` when set, else `Auto`.
    pub fn current() -> ReaderMode {
        match std::env::var("PCAP_READER").as_deref() {
            Ok("libpcap") => ReaderMode::Libpcap,
            Ok("thread") => ReaderMode::Thread,
            Ok("inline") => ReaderMode::Inline,
            _ => ReaderMode::Auto,
        }
    }
}

/// More than one CPU available to this process (its affinity mask and cgroup CPU quota, as
/// `std::thread::available_parallelism` reads them).
pub(super) fn several_cpus() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

/// The in-place reader for `file` when libpcap would hand over its records unchanged (a classic
/// pcap file, read without `outfile`), with `filter` compiled on libpcap's handle. Timestamps in
/// nanoseconds or microseconds as `nanosecond` asks; `None`: as the file has them.
fn blocks_reader(
    file: &OfflineFile,
    dlt: i32,
    nanosecond: Option<bool>,
    filter: &str,
) -> Option<BlockReader> {
    if file.stream.is_some() {
        return None;
    }
    let p = file.cap.as_ptr() as *mut c_void;
    // SAFETY: `p` is the open handle, which owns its stream; fileno only reads the stream.
    let fd = unsafe { libc::fileno(ffi::pcap_file(p)) };
    if fd < 0 {
        return None;
    }
    // SAFETY: `fd` is open (the stream's); the duplicate is checked and owned below.
    let dup = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if dup < 0 {
        return None;
    }
    // SAFETY: `dup` is a new descriptor owned by nobody else.
    let dup = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(dup) };
    let head = pcapfile::file_head(&dup)?;
    // SAFETY: `p` is open.
    let snaplen = unsafe { ffi::pcap_snapshot(p) };
    let layout = Layout::of(&head, dlt, snaplen, nanosecond.unwrap_or(false))?;
    let layout = Layout {
        want_nano: nanosecond.unwrap_or(layout.file_nano),
        ..layout
    };
    // SAFETY: `p` is open for the whole call.
    unsafe { BlockReader::new(dup, layout, p, filter) }.ok()
}

/// An opened handle whose thread has not started yet.
pub struct Prepared {
    pub(super) source: Source,
    pub(super) savefile: Option<Dumper>,
    pub link_type: i32,
    /// Non-fatal messages for node_pcap's `warningHandler`.
    pub warnings: Vec<String>,
    pub(super) batch_bytes: usize,
    /// Batch size when the file is read on the JavaScript thread.
    inline_batch_bytes: usize,
    pub(super) queue_bytes: usize,
    pub(super) flows: Option<Pipeline>,
    pub(super) packets: bool,
    /// Flows only from a classic pcap file: read in blocks (`crate::pcapfile`), its timestamps
    /// as the file has them.
    pub(super) flow_file: Option<BlockReader>,
    pub(super) reader: ReaderMode,
}

impl Prepared {
    pub fn is_live(&self) -> bool {
        matches!(self.source, Source::Live(_))
    }

    /// How the session runs: read on the JavaScript thread when it is a file read in place and
    /// its config asked for inline reading; otherwise on a thread (started by `start`).
    pub fn runner(self) -> Runner {
        match self.source {
            Source::Blocks(reader)
                if matches!(self.reader, ReaderMode::Inline | ReaderMode::Auto) =>
            {
                let clamp = |b: usize| {
                    b.clamp(
                        super::options::MIN_BATCH_BYTES,
                        super::options::MAX_BATCH_BYTES,
                    )
                };
                Runner::Inline(Box::new(super::InlineFile::new(
                    reader,
                    self.link_type,
                    clamp(self.inline_batch_bytes),
                    // A capture thread that takes the file over reads thread-sized batches.
                    (self.reader == ReaderMode::Auto && several_cpus())
                        .then(|| clamp(self.batch_bytes)),
                )))
            }
            source => Runner::Thread(Box::new(Prepared { source, ..self })),
        }
    }
}

/// What a [`Prepared`] session becomes: see [`Prepared::runner`].
pub enum Runner {
    Inline(Box<super::InlineFile>),
    Thread(Box<Prepared>),
}

fn filter_error(filter: &str, e: &pcap::Error) -> CapError {
    CapError::new(
        "EFILTER",
        format!(
            "invalid filter \"{filter}\": {} (the filter uses libpcap/tcpdump syntax, see `man pcap-filter`)",
            pcap_text(e)
        ),
    )
}

fn open_savefile<T: Activated + ?Sized>(
    cap: &Capture<T>,
    outfile: &Option<String>,
) -> CapResult<Option<Dumper>> {
    match outfile {
        // SAFETY: `cap` is an open handle for the whole call.
        Some(path) if !path.is_empty() => {
            unsafe { Dumper::open(cap.as_ptr().cast(), path) }.map(Some)
        }
        _ => Ok(None),
    }
}

/// What every opened handle needs next: the dump file, the filter, and the link type.
fn configure<T: Activated + ?Sized>(
    cap: &mut Capture<T>,
    filter: &str,
    outfile: &Option<String>,
) -> CapResult<(Option<Dumper>, i32)> {
    let savefile = open_savefile(cap, outfile)?;
    if !filter.is_empty() {
        cap.filter(filter, true)
            .map_err(|e| filter_error(filter, &e))?;
    }
    Ok((savefile, cap.get_datalink().0))
}

/// Activates an inactive handle like `pcap_activate`, keeping warnings (positive results) apart
/// from errors (negative results). The `pcap` crate's `open()` treats warnings as errors.
fn activate(cap: Capture<Inactive>, device: &str) -> CapResult<(Capture<Active>, Option<String>)> {
    let raw = cap.as_ptr() as *mut c_void;
    // SAFETY: `raw` is the live pcap_t owned by `cap`, which outlives this call.
    let rc = unsafe { ffi::pcap_activate(raw) };
    let message = || {
        // SAFETY: `raw` is valid; pcap_geterr returns a pointer into the handle's error buffer,
        // copied out before the handle can be closed.
        let text = unsafe { CStr::from_ptr(ffi::pcap_geterr(raw)) }
            .to_string_lossy()
            .into_owned();
        if text.is_empty() {
            // SAFETY: pcap_statustostr returns a static or thread-local NUL-terminated string.
            unsafe { CStr::from_ptr(ffi::pcap_statustostr(rc)) }
                .to_string_lossy()
                .into_owned()
        } else {
            text
        }
    };
    if rc < 0 {
        return Err(live_error(device, Some(rc), &message()));
    }
    let warning = (rc > 0).then(|| escape_controls(message()));
    // SAFETY: `Capture<Inactive>` and `Capture<Active>` are the same struct that differs only in
    // its zero-sized `PhantomData` state marker; the `pcap` crate converts between them with the
    // same transmute in `Capture::open` after a successful `pcap_activate`, which we just did.
    let active = unsafe { std::mem::transmute::<Capture<Inactive>, Capture<Active>>(cap) };
    Ok((active, warning))
}

/// Opens a live device (node_pcap's open sequence, C-028).
pub fn open_live(cfg: &LiveConfig) -> CapResult<Prepared> {
    let mut warnings = Vec::new();
    if let Err(msg) = lookupnet(&cfg.device) {
        warnings.push(escape_controls(msg));
    }
    let poll_ms = if cfg.buffer_timeout_ms > 0 {
        cfg.buffer_timeout_ms.min(MAX_POLL_MS)
    } else {
        // Lowest latency without libpcap's immediate mode, whose fallback ring of 64 KiB slots
        // loses packets on interfaces with offloads (design.md).
        1
    };
    let inactive = Capture::from_device(cfg.device.as_str())
        .map_err(|e| live_error(&cfg.device, None, &pcap_text(&e)))?
        .snaplen(if cfg.snap_length > 0 {
            cfg.snap_length
        } else {
            MAXIMUM_SNAPLEN
        })
        .promisc(cfg.promiscuous)
        .buffer_size(cfg.buffer_size.max(0))
        .timeout(poll_ms)
        .rfmon(cfg.monitor);
    let (mut cap, warning) = activate(inactive, &cfg.device)?;
    warnings.extend(warning);
    let (savefile, link_type) = configure(&mut cap, &cfg.filter, &cfg.outfile)?;
    Ok(Prepared {
        source: Source::Live(cap),
        savefile,
        link_type,
        warnings,
        batch_bytes: cfg.batch_bytes,
        inline_batch_bytes: cfg.batch_bytes,
        queue_bytes: cfg.app_buffer_bytes,
        flows: flow_pipeline(&cfg.flows, link_type, false)?,
        packets: cfg.packets || cfg.flows.is_none(),
        flow_file: None,
        reader: ReaderMode::Thread,
    })
}

/// Opens a capture file (pcap or pcapng, whatever libpcap reads).
pub fn open_offline(cfg: &OfflineConfig) -> CapResult<Prepared> {
    let file_error = |e: std::io::Error| {
        let path = &cfg.path;
        let code = io_code(&e);
        let message = match code {
            "ENOENT" => format!("{path}: no such capture file"),
            "EACCES" => format!("{path}: permission denied reading the capture file"),
            "EINVAL" => format!("\"{path}\": not a usable path ({e})"),
            "ENAMETOOLONG" => format!(
                "{}...: the path is too long",
                path.chars().take(64).collect::<String>()
            ),
            // A directory opens for reading on Linux and would then fail as "not a capture file".
            "EISDIR" => format!("{path}: is a directory, not a capture file"),
            _ => format!("{path}: {e}{}", limit_hint(code)),
        };
        CapError::new(code, message)
    };
    let precision = if cfg.nanosecond {
        Precision::Nano
    } else {
        Precision::Micro
    };
    let mut file = open_file_buffered(&cfg.path, precision).map_err(|e| match e {
        OpenError::Io(e) => file_error(e),
        OpenError::Pcap(e) => CapError::new(
            "EBADFILE",
            format!(
                "{}: not a readable pcap or pcapng capture file ({e})",
                cfg.path
            ),
        ),
    })?;
    // Opening the dump file truncates it before a single packet is read: refuse the very file
    // that was opened for reading (also when it came as standard input).
    if let Some(out) = cfg.outfile.as_deref() {
        use std::os::unix::fs::MetadataExt;
        if let Ok(o) = std::fs::metadata(out) {
            if (o.dev(), o.ino()) == file.identity {
                return Err(CapError::new(
                    "EINVAL",
                    format!("outfile {out} is the capture file being read"),
                ));
            }
        }
    }
    let (savefile, link_type) = configure(&mut file.cap, &cfg.filter, &cfg.outfile)?;
    let packets = cfg.packets || cfg.flows.is_none();
    // Flows only, from a classic pcap file: read it in blocks (libpcap opened it above, which
    // checked it and the filter), with `pread`: a file truncated meanwhile only ends early.
    let flow_file = (!packets && savefile.is_none())
        .then(|| blocks_reader(&file, link_type, None, &cfg.filter))
        .flatten();
    let nanosecond = flow_file
        .as_ref()
        .map_or(cfg.nanosecond, BlockReader::nanosecond);
    // Packets (no flow meter, no outfile) from a classic pcap file: read in place into the
    // batches (`crate::pcapfile`); the flow meter and the outfile take each packet from libpcap.
    let blocks = (savefile.is_none() && cfg.flows.is_none() && cfg.reader != ReaderMode::Libpcap)
        .then(|| blocks_reader(&file, link_type, Some(cfg.nanosecond), &cfg.filter))
        .flatten();
    // The in-place reader has its own descriptor and filter: libpcap's handle closes here.
    let source = match blocks {
        Some(reader) => Source::Blocks(reader),
        None => Source::Offline(file),
    };
    Ok(Prepared {
        source,
        savefile,
        link_type,
        warnings: Vec::new(),
        batch_bytes: cfg.batch_bytes.unwrap_or(DEFAULT_BATCH_BYTES),
        inline_batch_bytes: cfg.batch_bytes.unwrap_or(INLINE_BATCH_BYTES),
        queue_bytes: OFFLINE_QUEUE_BYTES,
        flows: flow_pipeline(&cfg.flows, link_type, nanosecond)?,
        packets,
        flow_file,
        reader: cfg.reader,
    })
}
