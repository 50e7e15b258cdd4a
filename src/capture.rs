//! Opening libpcap handles and running the capture thread. Plain Rust: no napi types here.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pcap::{Activated, Active, Capture, Inactive, Offline, Packet, Precision};

use crate::error::{classify_live, pcap_text, CapError, CapResult, PERM_HINT};
use crate::flow::pipeline::{FlowOptions, Pipeline};
use crate::mmap_reader::{MmapPcap, Next};
use crate::queue::{BatchBuilder, Finish, Mode, Pool, Queue};
use crate::stdio;
use crate::stream::{Hook, StreamHandle};
use crate::structure::{self, MAP_LEN};
use crate::writer::Dumper;

/// libpcap's MAXIMUM_SNAPLEN: what a snap length of 0 or less means (as for libpcap and tcpdump).
pub const MAXIMUM_SNAPLEN: i32 = 262_144;
/// Default size of one batch handed to JavaScript.
pub const DEFAULT_BATCH_BYTES: usize = 64 * 1024;
/// The range `batch_size` is clamped to when the thread starts (JavaScript rejects values outside
/// it).
pub const MIN_BATCH_BYTES: usize = 1024;
pub const MAX_BATCH_BYTES: usize = 64 * 1024 * 1024;
/// Blocks kept for reuse per session.
const POOL_BLOCKS: usize = 8;
/// Default bound of the application buffer of a live session.
pub const DEFAULT_APP_BUFFER_BYTES: usize = 256 * 1024 * 1024;
/// Bound of the queue of a file session (the reader waits when it is full).
pub const OFFLINE_QUEUE_BYTES: usize = 256 * 1024;
/// Longest time the live thread blocks in libpcap before it checks whether it must stop.
const MAX_POLL_MS: i32 = 250;

extern "C" {
    fn pcap_activate(p: *mut c_void) -> c_int;
    fn pcap_geterr(p: *mut c_void) -> *const c_char;
    fn pcap_statustostr(code: c_int) -> *const c_char;
    fn pcap_lookupnet(dev: *const c_char, net: *mut u32, mask: *mut u32, err: *mut c_char)
        -> c_int;
    fn pcap_lib_version() -> *const c_char;
    #[cfg(target_os = "linux")]
    fn __fsetlocking(fp: *mut libc::FILE, kind: c_int) -> c_int;
    fn pcap_fopen_offline_with_tstamp_precision(
        fp: *mut libc::FILE,
        precision: std::ffi::c_uint,
        err: *mut c_char,
    ) -> *mut c_void;
}

// libpcap status codes (pcap/pcap.h).
const PCAP_ERROR_NO_SUCH_DEVICE: c_int = -5;
const PCAP_ERROR_RFMON_NOTSUP: c_int = -6;
const PCAP_ERROR_PERM_DENIED: c_int = -8;
const PCAP_ERROR_IFACE_NOT_UP: c_int = -9;
const PCAP_ERROR_PROMISC_PERM_DENIED: c_int = -11;

/// `pcap_lib_version()`.
pub fn lib_version() -> String {
    // SAFETY: pcap_lib_version returns a pointer to a static NUL-terminated string.
    unsafe { CStr::from_ptr(pcap_lib_version()) }
        .to_string_lossy()
        .into_owned()
}

/// `pcap_lookupnet` on a device: `Ok((net, mask))` or libpcap's message.
pub fn lookupnet(device: &str) -> Result<(u32, u32), String> {
    let dev = CString::new(device).map_err(|_| "device name contains a NUL byte".to_string())?;
    let mut net = 0u32;
    let mut mask = 0u32;
    let mut err = [0 as c_char; 256];
    // SAFETY: `dev` is NUL-terminated, `net`/`mask` are valid out-pointers and `err` has the
    // PCAP_ERRBUF_SIZE (256) bytes libpcap may write.
    let rc = unsafe { pcap_lookupnet(dev.as_ptr(), &mut net, &mut mask, err.as_mut_ptr()) };
    if rc == 0 {
        Ok((net, mask))
    } else {
        // SAFETY: libpcap wrote a NUL-terminated message into `err` (zero-initialised).
        Err(unsafe { CStr::from_ptr(err.as_ptr()) }
            .to_string_lossy()
            .into_owned())
    }
}

/// stdio buffer of a capture file (see `crate::stdio`): libpcap reads records with `fread`, and the
/// default 4 KiB buffer made a `read` system call every few packets (88,841 of them for the 360 MB
/// benchmark file).
const READ_BUFFER: usize = 128 << 10;

/// An open capture file and the stdio buffer its stream reads into. The handle is closed
/// (pcap_close closes the stream) before the buffer the stream used is freed, whatever the order
/// of the fields.
struct OfflineFile {
    cap: std::mem::ManuallyDrop<Capture<Offline>>,
    _buf: Box<[u8]>,
    /// Set when the input is a stream (a pipe, FIFO, ...): see `crate::stream`.
    stream: Option<StreamHandle>,
    /// Device and inode of the input.
    identity: (u64, u64),
}

impl Drop for OfflineFile {
    fn drop(&mut self) {
        // SAFETY: `cap` is dropped exactly once, here; `_buf` is freed only after this returns.
        unsafe { std::mem::ManuallyDrop::drop(&mut self.cap) }
    }
}

/// Builds a `Capture` from a raw handle. `witness` only names libpcap's `pcap_t` type, which the
/// `pcap` crate keeps private, through `Capture::as_ptr`'s signature.
pub(crate) fn capture_from_raw<T, P>(
    _witness: fn(&Capture<T>) -> *mut P,
    raw: *mut P,
) -> Option<Capture<T>>
where
    T: pcap::State + ?Sized,
    Capture<T>: From<std::ptr::NonNull<P>>,
{
    std::ptr::NonNull::new(raw).map(Capture::from)
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
        __fsetlocking(fp, 2)
    };
    let mut err = [0 as c_char; 256];
    let precision = match precision {
        Precision::Nano => 1,
        Precision::Micro => 0,
    };
    // SAFETY: `fp` is a valid stream open for reading and `err` has the PCAP_ERRBUF_SIZE bytes
    // libpcap may write; on success the handle owns `fp` and pcap_close closes it.
    let handle =
        unsafe { pcap_fopen_offline_with_tstamp_precision(fp, precision, err.as_mut_ptr()) };
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

/// Options of a live session, after defaulting.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    pub device: String,
    pub filter: String,
    pub buffer_size: i32,
    pub snap_length: i32,
    /// node_pcap's `buffer_timeout` in ms; `<= 0` asks for the lowest latency.
    pub buffer_timeout_ms: i32,
    pub monitor: bool,
    pub promiscuous: bool,
    pub outfile: Option<String>,
    pub app_buffer_bytes: usize,
    pub batch_bytes: usize,
    /// Flow meter on the capture thread (`crate::flow`).
    pub flows: Option<FlowOptions>,
    /// Packet records for JavaScript (`false`: flows only).
    pub packets: bool,
}

/// Options of a file session.
#[derive(Debug, Clone)]
pub struct OfflineConfig {
    pub path: String,
    pub filter: String,
    pub outfile: Option<String>,
    pub batch_bytes: usize,
    pub nanosecond: bool,
    pub flows: Option<FlowOptions>,
    pub packets: bool,
}

enum Source {
    Live(Capture<Active>),
    Offline(OfflineFile),
}

/// An opened handle whose thread has not started yet.
pub struct Prepared {
    source: Source,
    savefile: Option<Dumper>,
    pub link_type: i32,
    /// Non-fatal messages for node_pcap's `warningHandler`.
    pub warnings: Vec<String>,
    batch_bytes: usize,
    queue_bytes: usize,
    flows: Option<Pipeline>,
    packets: bool,
    /// Flows only from a classic pcap file: read in place (`crate::mmap_reader`).
    mmap: Option<MmapPcap>,
}

/// How the capture thread reaches JavaScript.
pub trait Waker: Send + 'static {
    /// Wakes the consumer. `false` when it is gone for good (its environment was torn down).
    fn wake(&self) -> bool;
    /// `false` once the consumer is gone.
    fn alive(&self) -> bool;
}

/// The part of a running session shared by the thread and JavaScript.
pub struct Core {
    pub queue: Queue,
    /// Batch memory handed back by JavaScript.
    pub pool: Arc<Pool>,
    pub live: bool,
    /// DLT of the handle (what the layer maps are computed for).
    pub link_type: i32,
    /// Whether the capture thread writes a layer map beside each record (set once JavaScript
    /// decodes this session's packets; a session that is only read raw never pays for it).
    structure: AtomicBool,
    breaker: Mutex<Option<pcap::BreakLoop>>,
    /// The session's flow meter: the capture thread feeds it, `flows()` snapshots it.
    pub flows: Option<Arc<Mutex<Pipeline>>>,
    /// Set by the flow clock before it breaks the live loop (see `flow_clock`).
    flow_tick: AtomicBool,
    /// The capture thread has ended.
    ended: AtomicBool,
}

/// How often a live session's flow clock wakes its capture thread: libpcap's read on Linux
/// waits for packets however long, so without traffic idle flows would never expire.
const FLOW_TICK: std::time::Duration = std::time::Duration::from_millis(500);

/// A live session's flow clock: every `FLOW_TICK` it breaks the capture loop (libpcap wakes
/// its poll through an eventfd) with `flow_tick` set, and the capture thread expires flows.
fn flow_clock(core: Arc<Core>) {
    let spawned = std::thread::Builder::new()
        .name("pcap-flow-clock".into())
        .spawn(move || loop {
            std::thread::sleep(FLOW_TICK);
            if core.ended.load(Ordering::Relaxed) || core.queue.stop_requested() {
                return;
            }
            core.flow_tick.store(true, Ordering::Release);
            if let Some(b) = core
                .breaker
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
            {
                b.breakloop();
            }
        });
    // Without the clock, flows still expire whenever packets arrive.
    drop(spawned);
}

/// The flow pipeline, whoever panicked while holding it.
pub fn lock_flows(p: &Mutex<Pipeline>) -> std::sync::MutexGuard<'_, Pipeline> {
    p.lock().unwrap_or_else(|e| e.into_inner())
}

fn flow_pipeline(
    opts: &Option<FlowOptions>,
    dlt: i32,
    nanosecond: bool,
) -> CapResult<Option<Pipeline>> {
    opts.as_ref()
        .map(|o| Pipeline::new(o, dlt, nanosecond).map_err(|e| CapError::new("EIPFIX", e)))
        .transpose()
}

impl Core {
    /// Asks the capture thread to compute layer maps from its next packet on.
    pub fn enable_structure(&self) {
        self.structure.store(true, Ordering::Relaxed);
    }

    /// Stops the thread: sets the stop flag, wakes a reader waiting for space and breaks the
    /// libpcap loop. Idempotent; never blocks on the thread.
    pub fn stop(&self) {
        self.queue.request_stop();
        if let Some(b) = self
            .breaker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            b.breakloop();
        }
    }
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
    let rc = unsafe { pcap_activate(raw) };
    let message = || {
        // SAFETY: `raw` is valid; pcap_geterr returns a pointer into the handle's error buffer,
        // copied out before the handle can be closed.
        let text = unsafe { CStr::from_ptr(pcap_geterr(raw)) }
            .to_string_lossy()
            .into_owned();
        if text.is_empty() {
            // SAFETY: pcap_statustostr returns a static or thread-local NUL-terminated string.
            unsafe { CStr::from_ptr(pcap_statustostr(rc)) }
                .to_string_lossy()
                .into_owned()
        } else {
            text
        }
    };
    if rc < 0 {
        let msg = message();
        return Err(match rc {
            PCAP_ERROR_NO_SUCH_DEVICE => CapError::new(
                "ENODEV",
                format!("{device}: no such capture device ({msg}); pcap.findalldevs() lists the devices"),
            ),
            PCAP_ERROR_PERM_DENIED | PCAP_ERROR_PROMISC_PERM_DENIED => {
                CapError::new("EPERM", format!("{device}: {msg}; {PERM_HINT}"))
            }
            PCAP_ERROR_RFMON_NOTSUP => CapError::new(
                "ENOTSUP",
                format!("{device}: monitor mode is not supported ({msg})"),
            ),
            PCAP_ERROR_IFACE_NOT_UP => {
                CapError::new("ENETDOWN", format!("{device}: interface is down ({msg})"))
            }
            _ => classify_live(device, &msg),
        });
    }
    let warning = (rc > 0).then(message);
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
        warnings.push(msg);
    }
    let poll_ms = if cfg.buffer_timeout_ms > 0 {
        cfg.buffer_timeout_ms.min(MAX_POLL_MS)
    } else {
        // Lowest latency without libpcap's immediate mode, whose fallback ring of 64 KiB slots
        // loses packets on interfaces with offloads (design.md).
        1
    };
    let inactive = Capture::from_device(cfg.device.as_str())
        .map_err(|e| classify_live(&cfg.device, &pcap_text(&e)))?
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
        queue_bytes: cfg.app_buffer_bytes,
        flows: flow_pipeline(&cfg.flows, link_type, false)?,
        packets: cfg.packets || cfg.flows.is_none(),
        mmap: None,
    })
}

/// Opens a capture file (pcap or pcapng, whatever libpcap reads).
pub fn open_offline(cfg: &OfflineConfig) -> CapResult<Prepared> {
    let file_error = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => {
            CapError::new("ENOENT", format!("{}: no such capture file", cfg.path))
        }
        std::io::ErrorKind::PermissionDenied => CapError::new(
            "EACCES",
            format!("{}: permission denied reading the capture file", cfg.path),
        ),
        std::io::ErrorKind::InvalidInput => {
            CapError::new("EINVAL", format!("{:?}: not a usable path ({e})", cfg.path))
        }
        _ if e.raw_os_error() == Some(libc::ENAMETOOLONG) => CapError::new(
            "ENAMETOOLONG",
            format!(
                "{}...: the path is too long",
                cfg.path.chars().take(64).collect::<String>()
            ),
        ),
        // A directory opens for reading on Linux and would then fail as "not a capture file".
        std::io::ErrorKind::IsADirectory => CapError::new(
            "EISDIR",
            format!("{}: is a directory, not a capture file", cfg.path),
        ),
        _ => CapError::new("EIO", format!("{}: {e}", cfg.path)),
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
    // Flows only, from a classic pcap file: read it in place (libpcap opened it above, which
    // checked it and the filter).
    let mut mmap = None;
    if !packets && savefile.is_none() && file.stream.is_none() {
        if let Ok(Some(mut m)) = MmapPcap::open(&cfg.path) {
            if m.dlt == link_type && m.set_filter(&cfg.filter).is_ok() {
                mmap = Some(m);
            }
        }
    }
    let nanosecond = mmap.as_ref().map_or(cfg.nanosecond, |m| m.nanosecond);
    Ok(Prepared {
        source: Source::Offline(file),
        savefile,
        link_type,
        warnings: Vec::new(),
        batch_bytes: cfg.batch_bytes,
        queue_bytes: OFFLINE_QUEUE_BYTES,
        flows: flow_pipeline(&cfg.flows, link_type, nanosecond)?,
        packets,
        mmap,
    })
}

impl Prepared {
    pub fn is_live(&self) -> bool {
        matches!(self.source, Source::Live(_))
    }

    /// Starts the capture thread.
    pub fn start<W: Waker>(self, waker: W) -> CapResult<Arc<Core>> {
        let live = self.is_live();
        let batch_bytes = self.batch_bytes.clamp(MIN_BATCH_BYTES, MAX_BATCH_BYTES);
        let core = Arc::new(Core {
            queue: Queue::new(self.queue_bytes),
            pool: Arc::new(Pool::new(POOL_BLOCKS, batch_bytes)),
            live,
            link_type: self.link_type,
            structure: AtomicBool::new(false),
            breaker: Mutex::new(None),
            flows: self.flows.map(|p| Arc::new(Mutex::new(p))),
            flow_tick: AtomicBool::new(false),
            ended: AtomicBool::new(false),
        });
        let Prepared {
            source,
            savefile,
            packets,
            mmap,
            ..
        } = self;
        let thread_core = Arc::clone(&core);
        let name = if live { "pcap-live" } else { "pcap-file" };
        let spawn = match source {
            Source::Live(mut cap) => {
                *core.breaker.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(cap.breakloop_handle());
                if core.flows.is_some() {
                    flow_clock(Arc::clone(&core));
                }
                std::thread::Builder::new()
                    .name(name.into())
                    .spawn(move || {
                        let mut out =
                            Reader::new(&thread_core, waker, savefile, batch_bytes, Mode::Lossy);
                        out.packets = packets;
                        let how = guarded(|| run_live(&mut cap, &mut out));
                        out.end(how);
                    })
            }
            Source::Offline(file) => {
                std::thread::Builder::new()
                    .name(name.into())
                    .spawn(move || {
                        // The whole `file` moves into the thread (a closure that named only
                        // `file.cap` would capture just that field and free the stream's buffer
                        // here, while the thread reads through it).
                        let mut file = file;
                        let mut out =
                            Reader::new(&thread_core, waker, savefile, batch_bytes, Mode::Lossless);
                        out.packets = packets;
                        if let Some(mut m) = mmap {
                            let how = guarded(|| run_mmap(&mut m, &mut out));
                            out.end(how);
                            return;
                        }
                        match file.stream.take() {
                            None => {
                                let mut out = out;
                                let how = guarded(|| run_offline(&mut file.cap, &mut out));
                                out.end(how);
                            }
                            Some(stream) => {
                                let out = RefCell::new(out);
                                let how = run_stream(&mut file.cap, &stream, &out);
                                out.into_inner().end(how);
                            }
                        }
                    })
            }
        };
        spawn.map_err(|e| CapError::new("ETHREAD", format!("cannot start capture thread: {e}")))?;
        Ok(core)
    }
}

/// Runs `f`, turning a panic into a read error so JavaScript always hears how the capture ended.
fn guarded(f: impl FnOnce() -> Finish) -> Finish {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Finish::Error("internal error in the capture thread".into()))
}

/// The capture thread's side: batch building, dump file and wake-ups.
struct Reader<'a, W: Waker> {
    core: &'a Core,
    waker: W,
    savefile: Option<Dumper>,
    builder: BatchBuilder,
    mode: Mode,
    gone: bool,
    unpublished: u64,
    map: [u8; MAP_LEN],
    /// Packet records for JavaScript (`false`: flows only).
    packets: bool,
}

impl<'a, W: Waker> Reader<'a, W> {
    fn new(
        core: &'a Core,
        waker: W,
        savefile: Option<Dumper>,
        batch_bytes: usize,
        mode: Mode,
    ) -> Self {
        Reader {
            core,
            waker,
            savefile,
            builder: BatchBuilder::new(batch_bytes, Arc::clone(&core.pool)),
            mode,
            gone: false,
            unpublished: 0,
            map: [0; MAP_LEN],
            packets: true,
        }
    }

    /// Adds the packets read since the last call to the shared counter (once per batch rather
    /// than once per packet).
    fn publish_count(&mut self) {
        if self.unpublished > 0 {
            self.core
                .queue
                .counters
                .packets
                .fetch_add(self.unpublished, Ordering::Relaxed);
            self.unpublished = 0;
        }
    }

    fn must_stop(&self) -> bool {
        self.gone || self.core.queue.stop_requested() || !self.waker.alive()
    }

    // time_t and suseconds_t are i64 here but narrower on some targets.
    #[allow(clippy::useless_conversion)]
    fn packet(&mut self, p: &Packet<'_>) {
        self.unpublished += 1;
        if let Some(sf) = self.savefile.as_mut() {
            sf.write(p.header.ts, p.header.len, p.data);
        }
        let maps = self.core.structure.load(Ordering::Relaxed);
        let mut st = None;
        if let Some(flows) = &self.core.flows {
            let s = structure::structure(self.core.link_type, p.data);
            lock_flows(flows).packet_with(
                i64::from(p.header.ts.tv_sec),
                i64::from(p.header.ts.tv_usec),
                p.header.len,
                p.data,
                &s,
            );
            if !self.packets {
                return;
            }
            st = Some(s);
        }
        if !self.builder.fits(p.data.len()) {
            self.flush();
        }
        let map = if maps {
            st.unwrap_or_else(|| structure::structure(self.core.link_type, p.data))
                .encode(p.data.len(), &mut self.map);
            Some(&self.map)
        } else {
            None
        };
        self.builder.push(
            i64::from(p.header.ts.tv_sec),
            i64::from(p.header.ts.tv_usec),
            p.header.len,
            p.data,
            map,
        );
        if self.builder.is_full() {
            self.flush();
        }
    }

    /// Hands the flow records waiting in the pipeline to JavaScript.
    fn flush_flows(&mut self) {
        let Some(flows) = &self.core.flows else {
            return;
        };
        // Taken first, so that a `flows()` snapshot never waits for the queue.
        let Some((data, n)) = lock_flows(flows).take_encoded() else {
            return;
        };
        let batch = crate::queue::Batch {
            data,
            packets: n,
            flows: true,
        };
        let waker = &self.waker;
        if self.core.queue.push(batch, self.mode, &|| waker.alive()) && !self.waker.wake() {
            self.gone = true;
        }
    }

    /// A live capture's clock: flows expire, a partly filled IPFIX message leaves.
    fn tick_flows(&mut self) {
        if let Some(flows) = &self.core.flows {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
            lock_flows(flows).tick(now);
        }
    }

    fn flush(&mut self) {
        self.publish_count();
        self.flush_flows();
        if self.builder.is_empty() {
            return;
        }
        if let Some(sf) = self.savefile.as_mut() {
            let _ = sf.flush();
        }
        let batch = self.builder.take();
        let waker = &self.waker;
        if self.core.queue.push(batch, self.mode, &|| waker.alive()) && !self.waker.wake() {
            self.gone = true;
        }
    }

    fn end(mut self, how: Finish) {
        self.publish_count();
        // Every open flow ends with the capture (exported to a collector even after close()).
        if let Some(flows) = &self.core.flows {
            lock_flows(flows).finish();
        }
        let how = if self.core.queue.stop_requested() {
            Finish::Stopped
        } else {
            self.flush();
            how
        };
        if let Some(sf) = self.savefile.as_mut() {
            let _ = sf.flush();
        }
        self.core.ended.store(true, Ordering::Relaxed);
        if self.core.queue.finish(how) {
            self.waker.wake();
        }
        // Dropping `self` and the capture closes the dump file, the handle and the wake-up
        // channel, which lets the event loop exit.
    }
}

fn run_live<W: Waker>(cap: &mut Capture<Active>, out: &mut Reader<'_, W>) -> Finish {
    loop {
        if out.must_stop() {
            return Finish::Stopped;
        }
        let r = cap.dispatch(None, |p| out.packet(&p));
        if out.must_stop() {
            return Finish::Stopped;
        }
        match r {
            // The flow clock broke the loop: expire flows below, read on.
            Err(_) if out.core.flow_tick.swap(false, Ordering::Acquire) => {}
            Err(e) => return Finish::Error(pcap_text(&e)),
            Ok(_) => {}
        }
        // Publish libpcap's counters before the packets they count reach JavaScript.
        if let Ok(s) = cap.stats() {
            let c = &out.core.queue.counters;
            c.ps_recv.store(u64::from(s.received), Ordering::Relaxed);
            c.ps_drop.store(u64::from(s.dropped), Ordering::Relaxed);
            c.ps_ifdrop
                .store(u64::from(s.if_dropped), Ordering::Relaxed);
        }
        out.tick_flows();
        // One libpcap buffer read is one delivery.
        out.flush();
    }
}

fn run_offline<W: Waker>(cap: &mut Capture<Offline>, out: &mut Reader<'_, W>) -> Finish {
    loop {
        if out.must_stop() {
            return Finish::Stopped;
        }
        match cap.dispatch(Some(4096), |p| out.packet(&p)) {
            Ok(0) => return Finish::Eof,
            Ok(_) => {}
            Err(e) => {
                if out.must_stop() {
                    return Finish::Stopped;
                }
                return Finish::Error(pcap_text(&e));
            }
        }
    }
}

/// Flows only from a mapped classic pcap file: records go straight from the mapping to the
/// meter, 8,192 at a time under one lock of the pipeline.
fn run_mmap<W: Waker>(m: &mut MmapPcap, out: &mut Reader<'_, W>) -> Finish {
    let Some(flows) = out.core.flows.clone() else {
        return Finish::Eof;
    };
    loop {
        if out.must_stop() {
            return Finish::Stopped;
        }
        let mut end = None;
        let mut n = 0u64;
        {
            let mut p = lock_flows(&flows);
            while n < 8192 {
                match m.next_record() {
                    Next::Packet(r) => {
                        n += 1;
                        p.packet(i64::from(r.ts_sec), i64::from(r.ts_frac), r.len, r.data);
                    }
                    Next::End => {
                        end = Some(Finish::Eof);
                        break;
                    }
                    Next::Error(e) => {
                        end = Some(Finish::Error(e));
                        break;
                    }
                }
            }
        }
        m.release_read_pages();
        out.unpublished += n;
        out.flush();
        if let Some(how) = end {
            return how;
        }
    }
}

/// Reads a stream input (`crate::stream`): as `run_offline`, but the reads hand the batch over
/// before they wait for more input, and give up waiting when the session stops.
fn run_stream<W: Waker>(
    cap: &mut Capture<Offline>,
    stream: &StreamHandle,
    out: &RefCell<Reader<'_, W>>,
) -> Finish {
    /// # Safety
    /// `data` points at the `RefCell<Reader<W>>` that `run_stream` lent.
    unsafe fn flush<W: Waker>(data: *const ()) {
        // SAFETY: per the contract; the reads run inside `dispatch` below, never inside
        // `Reader::packet`, so the cell is not borrowed (checked anyway).
        let out = unsafe { &*data.cast::<RefCell<Reader<'_, W>>>() };
        if let Ok(mut r) = out.try_borrow_mut() {
            r.flush();
        }
    }
    /// # Safety
    /// As for `flush`.
    unsafe fn should_stop<W: Waker>(data: *const ()) -> bool {
        // SAFETY: as in `flush`.
        let out = unsafe { &*data.cast::<RefCell<Reader<'_, W>>>() };
        out.try_borrow().is_ok_and(|r| r.must_stop())
    }
    let hook = Hook {
        data: (out as *const RefCell<Reader<'_, W>>).cast(),
        flush: flush::<W>,
        should_stop: should_stop::<W>,
    };
    // SAFETY: this thread reads the stream, which is open (`cap` owns it), and is not inside one
    // of its reads; `out` outlives the hook, which is taken back below before returning.
    unsafe { stream.set_hook(Some(hook)) };
    let how = guarded(|| loop {
        if out.borrow().must_stop() {
            return Finish::Stopped;
        }
        match cap.dispatch(Some(4096), |p| out.borrow_mut().packet(&p)) {
            Ok(0) => return Finish::Eof,
            Ok(_) => {}
            Err(e) => {
                if out.borrow().must_stop() {
                    return Finish::Stopped;
                }
                return Finish::Error(pcap_text(&e));
            }
        }
    });
    // SAFETY: as above; the hook's target stays alive until here.
    unsafe { stream.set_hook(None) };
    how
}

/// A device as `findalldevs()` lists it.
#[derive(Debug, Clone)]
pub struct DeviceInfo {
    pub name: String,
    pub description: Option<String>,
    pub addresses: Vec<AddressInfo>,
    pub loopback: bool,
}

#[derive(Debug, Clone)]
pub struct AddressInfo {
    pub addr: std::net::IpAddr,
    pub netmask: Option<std::net::IpAddr>,
    pub broadaddr: Option<std::net::IpAddr>,
    pub dstaddr: Option<std::net::IpAddr>,
}

/// `pcap_findalldevs`.
pub fn find_all_devs() -> CapResult<Vec<DeviceInfo>> {
    let list = pcap::Device::list().map_err(|e| {
        let msg = pcap_text(&e);
        if msg.to_ascii_lowercase().contains("permission") {
            CapError::new("EPERM", format!("pcap_findalldevs: {msg}; {PERM_HINT}"))
        } else {
            CapError::new("EPCAP", format!("pcap_findalldevs: {msg}"))
        }
    })?;
    Ok(list
        .into_iter()
        .map(|d| DeviceInfo {
            loopback: d.flags.is_loopback(),
            description: d.desc,
            addresses: d
                .addresses
                .into_iter()
                .map(|a| AddressInfo {
                    addr: a.addr,
                    netmask: a.netmask,
                    broadaddr: a.broadcast_addr,
                    dstaddr: a.dst_addr,
                })
                .collect(),
            name: d.name,
        })
        .collect())
}

/// node_pcap's default device: the first non-loopback device with an IPv4 address.
pub fn default_device(devs: &[DeviceInfo]) -> Option<String> {
    devs.iter()
        .find(|d| !d.loopback && d.addresses.iter().any(|a| a.addr.is_ipv4()))
        .map(|d| d.name.clone())
}

/// Link types with a name (DLT value as libpcap reports it, name as node_pcap spells it).
/// node_pcap knew the first five; the rest replace its "Unknown linktype N".
const LINK_TYPES: &[(i32, &str)] = &[
    (0, "LINKTYPE_NULL"),
    (1, "LINKTYPE_ETHERNET"),
    (127, "LINKTYPE_IEEE802_11_RADIO"),
    // DLT_RAW is 12 on Linux (14 on OpenBSD); files say LINKTYPE_RAW 101, which libpcap maps.
    (12, "LINKTYPE_RAW"),
    (14, "LINKTYPE_RAW"),
    (101, "LINKTYPE_RAW"),
    (113, "LINKTYPE_LINUX_SLL"),
    (9, "LINKTYPE_PPP"),
    (50, "LINKTYPE_PPP_HDLC"),
    (104, "LINKTYPE_C_HDLC"),
    (105, "LINKTYPE_IEEE802_11"),
    (108, "LINKTYPE_LOOP"),
    (192, "LINKTYPE_PPI"),
    (228, "LINKTYPE_IPV4"),
    (229, "LINKTYPE_IPV6"),
    (239, "LINKTYPE_NFLOG"),
    (276, "LINKTYPE_LINUX_SLL2"),
];

/// Link-type name as node_pcap spells it, with real names beyond its five.
pub fn link_type_name(dlt: i32) -> String {
    LINK_TYPES
        .iter()
        .find(|(n, _)| *n == dlt)
        .map(|(_, name)| (*name).to_string())
        .unwrap_or_else(|| format!("Unknown linktype {dlt}"))
}

/// The DLT value for a name from [`link_type_name`] (or a number in a string).
pub fn link_type_number(name: &str) -> Option<i32> {
    if let Some(n) = name.strip_prefix("Unknown linktype ") {
        return n.trim().parse().ok();
    }
    LINK_TYPES
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(dlt, _)| *dlt)
        .or_else(|| name.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queue::Take;
    use std::sync::mpsc;
    use std::time::Duration;

    struct ChannelWaker(mpsc::Sender<()>);
    impl Waker for ChannelWaker {
        fn wake(&self) -> bool {
            self.0.send(()).is_ok()
        }
        fn alive(&self) -> bool {
            true
        }
    }

    fn fixture(name: &str) -> String {
        format!("{}/__test__/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    fn start_offline(cfg: &OfflineConfig) -> (Arc<Core>, mpsc::Receiver<()>) {
        let (tx, rx) = mpsc::channel();
        let core = open_offline(cfg)
            .expect("open")
            .start(ChannelWaker(tx))
            .expect("start");
        (core, rx)
    }

    fn read_all(core: &Core, rx: &mpsc::Receiver<()>) -> (u64, Finish) {
        let (packets, _, how) = read_all_maps(core, rx);
        (packets, how)
    }

    /// Reads every record; returns (packets, packets with a layer map, how it ended). Every map
    /// found must be the one `structure()` gives for the record's data.
    fn read_all_maps(core: &Core, rx: &mpsc::Receiver<()>) -> (u64, u64, Finish) {
        use crate::queue::{PCAP_HEADER, RECORD_HEADER};
        let mut packets = 0u64;
        let mut mapped = 0u64;
        loop {
            match core.queue.take(false) {
                Take::Batch(b) => {
                    let mut off = 0usize;
                    while off < b.data.len() {
                        let d = &b.data;
                        let caplen =
                            u32::from_le_bytes([d[off + 8], d[off + 9], d[off + 10], d[off + 11]])
                                as usize;
                        let map = &d[off + PCAP_HEADER..off + RECORD_HEADER];
                        let data = &d[off + RECORD_HEADER..off + RECORD_HEADER + caplen];
                        if map[0] == structure::MAGIC {
                            let mut want = [0u8; MAP_LEN];
                            structure::structure(core.link_type, data).encode(caplen, &mut want);
                            assert_eq!(map, &want[..]);
                            mapped += 1;
                        } else {
                            assert!(map.iter().all(|&b| b == 0));
                        }
                        off += RECORD_HEADER + caplen;
                        packets += 1;
                    }
                    assert_eq!(off, b.data.len());
                }
                Take::Empty => {
                    let _ = rx.recv_timeout(Duration::from_secs(5));
                }
                Take::Finished(f) => return (packets, mapped, f),
            }
        }
    }

    /// Options to read `name` (a fixture) in batches of `batch_bytes`, no filter.
    fn file_config(name: &str, batch_bytes: usize) -> OfflineConfig {
        OfflineConfig {
            path: fixture(name),
            filter: String::new(),
            outfile: None,
            batch_bytes,
            nanosecond: false,
            flows: None,
            packets: true,
        }
    }

    /// Flow batches and packet batches of a session read to its end: (flow records, packets).
    fn read_flows(core: &Core, rx: &mpsc::Receiver<()>) -> (u32, u64, Finish) {
        let (mut flows, mut packets) = (0u32, 0u64);
        loop {
            match core.queue.take(false) {
                Take::Batch(b) if b.flows => flows += b.packets,
                Take::Batch(b) => packets += u64::from(b.packets),
                Take::Empty => {
                    let _ = rx.recv_timeout(Duration::from_secs(5));
                }
                Take::Finished(f) => return (flows, packets, f),
            }
        }
    }

    #[test]
    fn flows_only_and_flows_with_packets_give_the_same_flows() {
        let mut cfg = file_config("http-loopback.pcap", 16 * 1024);
        cfg.flows = Some(FlowOptions::default());
        cfg.packets = false;
        let prepared = open_offline(&cfg).expect("open");
        assert!(
            prepared.mmap.is_some(),
            "a classic pcap file is read in place"
        );
        let (tx, rx) = mpsc::channel();
        let core = prepared.start(ChannelWaker(tx)).expect("start");
        let (flows, packets, how) = read_flows(&core, &rx);
        assert_eq!((packets, how), (0, Finish::Eof));
        assert_eq!(core.queue.counters.packets.load(Ordering::Relaxed), 4000);
        cfg.packets = true;
        let (core, rx) = start_offline(&cfg);
        let (flows2, packets2, _) = read_flows(&core, &rx);
        assert_eq!((flows, packets2), (flows2, 4000));
        assert!(flows >= 10, "{flows} flows");
    }

    #[test]
    fn layer_maps_are_written_once_enabled() {
        let cfg = file_config("http-loopback.pcap", 16 * 1024);
        let (core, rx) = start_offline(&cfg);
        core.enable_structure();
        let (n, mapped, how) = read_all_maps(&core, &rx);
        assert_eq!(how, Finish::Eof);
        assert_eq!(n, 4000);
        // The thread fills at most the queue (256 KiB) before it sees the flag.
        assert!(mapped > 3000, "records with maps: {mapped}");
    }

    #[test]
    fn reads_a_whole_file_in_batches() {
        let cfg = file_config("http-loopback.pcap", 16 * 1024);
        let prepared = open_offline(&cfg).expect("open fixture");
        assert_eq!(link_type_name(prepared.link_type), "LINKTYPE_ETHERNET");
        let (tx, rx) = mpsc::channel();
        let core = prepared.start(ChannelWaker(tx)).expect("start");
        let (n, how) = read_all(&core, &rx);
        assert_eq!(how, Finish::Eof);
        assert_eq!(n, 4000);
    }

    #[test]
    fn filter_applies_and_bad_filter_is_a_clear_error() {
        let mut cfg = file_config("http-loopback.pcap", 64 * 1024);
        cfg.filter = "ip6".into();
        let (core, rx) = start_offline(&cfg);
        let (n, _) = read_all(&core, &rx);
        assert!(n > 0 && n < 4000, "ip6 packets: {n}");
        cfg.filter = "tcp port".into();
        let err = open_offline(&cfg).err().expect("must fail");
        assert_eq!(err.code, "EFILTER");
        assert!(err.message.contains("tcp port"));
    }

    #[test]
    fn missing_and_non_capture_files_are_clear_errors() {
        let mut cfg = file_config("does-not-exist.pcap", 1024);
        assert_eq!(open_offline(&cfg).err().map(|e| e.code), Some("ENOENT"));
        cfg.path = fixture("README.md");
        assert_eq!(open_offline(&cfg).err().map(|e| e.code), Some("EBADFILE"));
        cfg.path = fixture("captures");
        assert_eq!(open_offline(&cfg).err().map(|e| e.code), Some("EISDIR"));
    }

    #[test]
    fn stop_ends_a_file_read_early() {
        let cfg = file_config("http-loopback.pcap", 1024);
        let (tx, rx) = mpsc::channel();
        let core = open_offline(&cfg)
            .expect("open")
            .start(ChannelWaker(tx))
            .expect("start");
        core.stop();
        let mut how = None;
        for _ in 0..10_000 {
            match core.queue.take(false) {
                Take::Finished(f) => {
                    how = Some(f);
                    break;
                }
                Take::Empty => {
                    let _ = rx.recv_timeout(Duration::from_millis(100));
                }
                Take::Batch(_) => {}
            }
        }
        assert_eq!(how, Some(Finish::Stopped));
    }

    #[test]
    fn link_type_names() {
        assert_eq!(link_type_name(1), "LINKTYPE_ETHERNET");
        assert_eq!(link_type_name(276), "LINKTYPE_LINUX_SLL2");
        assert_eq!(link_type_name(4242), "Unknown linktype 4242");
        assert_eq!(link_type_number("LINKTYPE_LINUX_SLL2"), Some(276));
        assert_eq!(link_type_number("Unknown linktype 4242"), Some(4242));
        assert_eq!(link_type_number("LINKTYPE_RAW"), Some(12));
        assert_eq!(link_type_number("nonsense"), None);
    }

    #[test]
    fn default_device_skips_loopback_and_devices_without_ipv4() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        let dev = |name: &str, loopback: bool, addr: &str| DeviceInfo {
            name: name.into(),
            description: None,
            loopback,
            addresses: vec![AddressInfo {
                addr: ip(addr),
                netmask: None,
                broadaddr: None,
                dstaddr: None,
            }],
        };
        let devs = vec![
            dev("lo", true, "127.0.0.1"),
            dev("v6only", false, "fd00::1"),
            dev("eth0", false, "192.0.2.2"),
        ];
        assert_eq!(default_device(&devs).as_deref(), Some("eth0"));
        assert_eq!(default_device(&devs[..2]), None);
    }
}
