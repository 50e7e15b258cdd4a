//! Every Node-API type of the addon. The logic lives in plain Rust modules; this layer converts
//! arguments, results and errors.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use crate::capture::{self, options, Core, Injector, LiveConfig, OfflineConfig, Prepared, Waker};
use crate::error::CapError;
use crate::queue::{Finish, Pool, Take, RECORD_HEADER};
use crate::structure::{self, MAP_LEN};
use crate::writer::Writer;

/// The wake-up call from the capture thread: no arguments, the callee handles no error argument.
type WakeFn = ThreadsafeFunction<(), Unknown<'static>, (), Status, false>;

/// The `code` of an Error thrown to JavaScript: this package's (`EPERM`, `ENODEV`, ...; see
/// `crate::error`) or, for a failure of Node-API itself, napi's status name.
pub enum Code {
    Capture(&'static str),
    Napi(Status),
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::Capture(code) => code,
            Code::Napi(status) => status.as_ref(),
        }
    }
}

/// A capture error as JavaScript receives it: an Error with `code` and the message.
fn js_error(e: CapError) -> Error<Code> {
    Error::new(Code::Capture(e.code), e.message)
}

/// A Node-API failure, keeping napi's status as the code.
fn napi_error(e: Error) -> Error<Code> {
    Error::new(Code::Napi(e.status), e.reason)
}

/// Hands a batch to JavaScript without copying; its block returns to the pool when the garbage
/// collector drops the Buffer (and every view into it).
fn batch_buffer<'env>(
    env: &'env Env,
    mut data: Vec<u8>,
    pool: &Arc<Pool>,
) -> Result<BufferSlice<'env>> {
    let ptr = data.as_mut_ptr();
    let len = data.len();
    let pool = Arc::clone(pool);
    // SAFETY: `ptr` points at `len` initialised bytes owned by `data`; `data` moves into the
    // finalize hint, so its heap block stays where it is, untouched by Rust, until the finalizer
    // runs after JavaScript can no longer reach the Buffer; only then is the block reused.
    unsafe {
        BufferSlice::from_external(env, ptr, len, data, move |_env, data: Vec<u8>| {
            pool.put(data)
        })
    }
}

struct TsfnWaker(WakeFn);

impl Waker for TsfnWaker {
    fn wake(&self) -> bool {
        !matches!(
            self.0.call((), ThreadsafeFunctionCallMode::NonBlocking),
            Status::Closing
        )
    }

    fn alive(&self) -> bool {
        !self.0.aborted()
    }
}

fn make_waker(on_wake: Function<'_, (), Unknown<'static>>) -> Result<TsfnWaker> {
    let tsfn: WakeFn = on_wake
        .build_threadsafe_function::<()>()
        .callee_handled::<false>()
        .build_callback(|_ctx| Ok(()))?;
    Ok(TsfnWaker(tsfn))
}

fn size_opt(v: Option<f64>, default: usize) -> usize {
    match v {
        Some(x) if x.is_finite() && x > 0.0 => x.round().min(usize::MAX as f64) as usize,
        _ => default,
    }
}

fn i32_opt(v: Option<f64>, default: i32) -> i32 {
    match v {
        Some(x) if x.is_finite() => {
            x.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32
        }
        _ => default,
    }
}

/// Options of `NativeSession.openLive`, already defaulted by index.js.
#[napi(object)]
pub struct LiveOptions {
    pub device: String,
    pub filter: Option<String>,
    pub buffer_size: Option<f64>,
    pub snap_length: Option<f64>,
    pub buffer_timeout: Option<f64>,
    pub monitor: Option<bool>,
    pub promiscuous: Option<bool>,
    pub outfile: Option<String>,
    pub app_buffer_size: Option<f64>,
    pub batch_size: Option<f64>,
}

/// Options of `NativeSession.openOffline`.
#[napi(object)]
pub struct OfflineOptions {
    pub path: String,
    pub filter: Option<String>,
    pub outfile: Option<String>,
    pub batch_size: Option<f64>,
    pub nanosecond: Option<bool>,
}

/// What `session.stats()` returns: node_pcap's `{ps_recv, ps_drop, ps_ifdrop}` (libpcap's
/// counters; a file session counts the packets read as received) and `app_drop`, the packets a
/// live session discarded because the application buffer (`app_buffer_size`) was full.
#[napi(object)]
pub struct SessionStats {
    #[napi(js_name = "ps_recv")]
    pub ps_recv: f64,
    #[napi(js_name = "ps_drop")]
    pub ps_drop: f64,
    #[napi(js_name = "ps_ifdrop")]
    pub ps_ifdrop: f64,
    #[napi(js_name = "app_drop")]
    pub app_drop: f64,
    /// With an `outfile`: packets whose records reached it (whole records: after a write error
    /// the file holds exactly these).
    #[napi(js_name = "outfile_written")]
    pub outfile_written: Option<f64>,
    /// With an `outfile`: packets read but not in it because of a write error.
    #[napi(js_name = "outfile_dropped")]
    pub outfile_dropped: Option<f64>,
}

/// A write error of a session's `outfile`, delivered by `take` in its place among the batches.
#[napi(object)]
pub struct OutfileFault {
    pub code: String,
    pub message: String,
}

/// One capture session: a libpcap handle read by its own thread.
#[napi]
pub struct NativeSession {
    core: Option<Arc<Core>>,
    link_type: i32,
    warnings: Vec<String>,
    injector: Injector,
}

impl NativeSession {
    fn start(
        prepared: Prepared,
        device: String,
        on_wake: Function<'_, (), Unknown<'static>>,
    ) -> Result<Self, Code> {
        let live = prepared.is_live();
        let injector = if live {
            Injector::live(&device)
        } else {
            Injector::offline()
        };
        let link_type = prepared.link_type;
        let warnings = prepared.warnings.clone();
        let waker = make_waker(on_wake).map_err(napi_error)?;
        let core = prepared.start(waker).map_err(js_error)?;
        Ok(NativeSession {
            core: Some(core),
            link_type,
            warnings,
            injector,
        })
    }

    fn core(&self) -> Result<&Arc<Core>, Code> {
        self.core
            .as_ref()
            .ok_or_else(|| js_error(CapError::new("ECLOSED", "pcap session already closed")))
    }
}

#[napi]
impl NativeSession {
    /// Opens a live device and starts its capture thread; `on_wake` is called when batches wait.
    #[napi(factory)]
    pub fn open_live(
        options: LiveOptions,
        on_wake: Function<'_, (), Unknown<'static>>,
    ) -> Result<Self, Code> {
        let cfg = LiveConfig {
            device: options.device.clone(),
            filter: options.filter.unwrap_or_default(),
            buffer_size: i32_opt(options.buffer_size, options::DEFAULT_BUFFER_SIZE),
            snap_length: i32_opt(options.snap_length, options::DEFAULT_SNAP_LENGTH),
            buffer_timeout_ms: i32_opt(options.buffer_timeout, options::DEFAULT_BUFFER_TIMEOUT_MS),
            monitor: options.monitor.unwrap_or(false),
            promiscuous: options.promiscuous.unwrap_or(options::DEFAULT_PROMISCUOUS),
            outfile: options.outfile,
            app_buffer_bytes: size_opt(options.app_buffer_size, options::DEFAULT_APP_BUFFER_BYTES),
            batch_bytes: size_opt(options.batch_size, options::DEFAULT_BATCH_BYTES),
        };
        let prepared = capture::open_live(&cfg).map_err(js_error)?;
        Self::start(prepared, options.device, on_wake)
    }

    /// Opens a capture file and starts reading it.
    #[napi(factory)]
    pub fn open_offline(
        options: OfflineOptions,
        on_wake: Function<'_, (), Unknown<'static>>,
    ) -> Result<Self, Code> {
        let cfg = OfflineConfig {
            path: options.path.clone(),
            filter: options.filter.unwrap_or_default(),
            outfile: options.outfile,
            batch_bytes: size_opt(options.batch_size, options::DEFAULT_BATCH_BYTES),
            nanosecond: options.nanosecond.unwrap_or(false),
        };
        let prepared = capture::open_offline(&cfg).map_err(js_error)?;
        Self::start(prepared, options.path, on_wake)
    }

    /// The DLT value of the handle.
    #[napi(getter)]
    pub fn link_type(&self) -> i32 {
        self.link_type
    }

    /// Non-fatal messages from opening (for `warningHandler`).
    #[napi]
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.clone()
    }

    /// The next batch (a Buffer of records), `null` when none waits now, a string when the
    /// capture has ended (`""` for the end of a file or a close, otherwise the read error), or
    /// an `OutfileFault` `{code, message}` in the place of the packets the outfile failed at.
    /// After a `null` the next batch wakes JavaScript again, unless `polling` (then call again
    /// soon).
    #[napi]
    pub fn take<'env>(
        &self,
        env: &'env Env,
        polling: bool,
    ) -> Result<Option<Either3<BufferSlice<'env>, String, OutfileFault>>, Code> {
        let Some(core) = self.core.as_ref() else {
            return Ok(None);
        };
        Ok(match core.queue.take(polling) {
            Take::Batch(b) => Some(match b.fault {
                Some(e) => Either3::C(OutfileFault {
                    code: e.code.to_string(),
                    message: e.message,
                }),
                None => Either3::A(batch_buffer(env, b.data, &core.pool).map_err(napi_error)?),
            }),
            Take::Empty => None,
            Take::Finished(Finish::Eof) | Take::Finished(Finish::Stopped) => {
                Some(Either3::B(String::new()))
            }
            Take::Finished(Finish::Error(msg)) => Some(Either3::B(if msg.is_empty() {
                "read error".to_string()
            } else {
                msg
            })),
        })
    }

    /// From the next packet on, the capture thread writes each record's layer map
    /// (`crate::structure`); until then the map bytes are zero.
    #[napi]
    pub fn enable_structure(&self) {
        if let Some(core) = self.core.as_ref() {
            core.enable_structure();
        }
    }

    /// Stops the thread and releases the handle. Idempotent; never waits for the thread.
    #[napi]
    pub fn close(&mut self) {
        if let Some(core) = self.core.take() {
            core.stop();
        }
        self.injector.close();
    }

    /// node_pcap's counters plus the packets this package dropped (`SessionStats`).
    #[napi]
    pub fn stats(&self) -> Result<SessionStats, Code> {
        let core = self.core()?;
        let c = &core.queue.counters;
        let load =
            |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed) as f64;
        let outfile = core.outfile.as_ref();
        Ok(SessionStats {
            outfile_written: outfile.map(|o| load(&o.written)),
            outfile_dropped: outfile.map(|o| load(&o.dropped)),
            // A file session counts the packets read.
            ps_recv: load(if core.live { &c.ps_recv } else { &c.packets }),
            ps_drop: load(&c.ps_drop),
            ps_ifdrop: load(&c.ps_ifdrop),
            app_drop: load(&c.app_drop),
        })
    }

    /// Sends a raw frame on the session's device through a handle of its own.
    #[napi]
    pub fn inject(&mut self, data: &[u8]) -> Result<(), Code> {
        self.core()?;
        self.injector.send(data).map_err(js_error)
    }
}

impl Drop for NativeSession {
    fn drop(&mut self) {
        if let Some(core) = self.core.take() {
            core.stop();
        }
    }
}

/// A device as `pcap_findalldevs` reports it.
#[napi(object)]
pub struct NativeDevice {
    pub name: String,
    pub description: Option<String>,
    pub addresses: Vec<NativeAddress>,
    pub loopback: bool,
}

#[napi(object)]
pub struct NativeAddress {
    pub addr: String,
    pub netmask: Option<String>,
    pub broadaddr: Option<String>,
    pub dstaddr: Option<String>,
}

#[napi]
pub fn find_all_devs() -> Result<Vec<NativeDevice>, Code> {
    let devs = capture::find_all_devs().map_err(js_error)?;
    let s = |a: Option<std::net::IpAddr>| a.map(|x| x.to_string());
    Ok(devs
        .into_iter()
        .map(|d| NativeDevice {
            name: d.name,
            description: d.description,
            loopback: d.loopback,
            addresses: d
                .addresses
                .into_iter()
                .map(|a| NativeAddress {
                    addr: a.addr.to_string(),
                    netmask: s(a.netmask),
                    broadaddr: s(a.broadaddr),
                    dstaddr: s(a.dstaddr),
                })
                .collect(),
        })
        .collect())
}

/// node_pcap's default device rule, or `null`.
#[napi]
pub fn default_device() -> Result<Option<String>, Code> {
    let devs = capture::find_all_devs().map_err(js_error)?;
    Ok(capture::default_device(&devs))
}

/// Writes the layer map of `data` (a packet of link type `dlt`) into the first 24 bytes of the
/// Buffer `out` (`crate::structure`). Returns false, writing nothing, when `out` is not a Buffer of
/// at least 24 bytes or overlaps `data`.
#[napi]
pub fn structure_into(env: &Env, data: &[u8], dlt: i32, out: Unknown<'_>) -> bool {
    let mut map = [0u8; MAP_LEN];
    structure::structure(dlt, data).encode(data.len(), &mut map);
    let mut ptr: *mut std::ffi::c_void = std::ptr::null_mut();
    let mut len = 0usize;
    // SAFETY: `env` and `out` are the live handles of this call; napi_get_buffer_info only reads
    // them and writes the two out-parameters.
    let status =
        unsafe { napi::sys::napi_get_buffer_info(env.raw(), out.raw(), &mut ptr, &mut len) };
    if status != napi::sys::Status::napi_ok || ptr.is_null() || len < MAP_LEN {
        return false;
    }
    let (a, b) = (data.as_ptr() as usize, ptr as usize);
    if a < b + MAP_LEN && b < a + data.len() {
        return false; // `out` overlaps `data`: no writing through memory a reference reads
    }
    // SAFETY: `ptr` points at `len >= MAP_LEN` writable bytes of a Buffer that stays alive for
    // this call; no Rust reference covers them (`data` does not overlap them, checked above).
    unsafe { std::ptr::copy_nonoverlapping(map.as_ptr(), ptr.cast::<u8>(), MAP_LEN) };
    true
}

/// Bytes before a packet's data in a batch record: the pcap header, then the layer map.
#[napi]
pub fn record_header_bytes() -> u32 {
    RECORD_HEADER as u32
}

#[napi]
pub fn lib_version() -> String {
    capture::lib_version()
}

#[napi]
pub fn link_type_name(dlt: i32) -> String {
    capture::link_type_name(dlt)
}

#[napi]
pub fn link_type_number(name: String) -> Option<i32> {
    capture::link_type_number(&name)
}

/// A pcap file being written.
#[napi]
pub struct NativeWriter {
    inner: Writer,
}

#[napi]
impl NativeWriter {
    #[napi(constructor)]
    pub fn new(
        path: String,
        link_type: i32,
        snap_length: i32,
        nanosecond: bool,
    ) -> Result<Self, Code> {
        Ok(NativeWriter {
            inner: Writer::create(&path, link_type, snap_length, nanosecond).map_err(js_error)?,
        })
    }

    /// Writes one packet; the packets written so far (`Writer::packets_written`). Throws the
    /// write error (this write's or an earlier one's).
    #[napi]
    pub fn write(&mut self, tv_sec: f64, tv_usec: f64, len: f64, data: &[u8]) -> Result<f64, Code> {
        let len = if len.is_finite() && len >= 0.0 {
            len.min(f64::from(u32::MAX)) as u32
        } else {
            0
        };
        self.inner
            .write(tv_sec as i64, tv_usec as i64, len, data)
            .map_err(js_error)?;
        Ok(self.inner.packets_written() as f64)
    }

    /// Writes out the buffer; throws the write error (this flush's or an earlier one's).
    #[napi]
    pub fn flush(&mut self) -> Result<(), Code> {
        self.inner.flush().map_err(js_error)
    }

    /// Writes out the buffer, leaving an error for the next call to throw; the packets written.
    #[napi]
    pub fn flush_quietly(&mut self) -> f64 {
        self.inner.flush_quietly();
        self.inner.packets_written() as f64
    }

    /// Flushes and closes; throws a write error not thrown before. Idempotent.
    #[napi]
    pub fn close(&mut self) -> Result<(), Code> {
        self.inner.close().map_err(js_error)
    }

    /// Packets in the file and buffered for it; after a write error, those in the file.
    #[napi(getter)]
    pub fn packets_written(&self) -> f64 {
        self.inner.packets_written() as f64
    }
}
