//! The capture session's part of the Node-API layer: `NativeSession` (open, `take()`, stats,
//! close), the wake-up function, and how batches become Buffers (external blocks of the capture
//! thread, or Buffers V8 owns for a file read on the JavaScript thread) with the count of batch
//! memory JavaScript holds.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use super::flows::{flow_options, NativeFlowOptions};
use super::{js_error, napi_error, Code};
use crate::batch::{self, Held, Pool};
use crate::capture::{
    self, options, Core, Injector, InlineFile, InlineFill, LiveConfig, OfflineConfig, Prepared,
    Runner, Waker,
};
use crate::error::CapError;
use crate::queue::{Finish, Take};

/// The wake-up call from the capture thread: no arguments, the callee handles no error argument.
type WakeFn = ThreadsafeFunction<(), Unknown<'static>, (), Status, false>;

/// Hands a batch to JavaScript without copying; its block returns to the pool when the garbage
/// collector drops the Buffer (and every view into it). V8 counts the block as external memory
/// (`process.memoryUsage().external`) until then; `held` counts it to decide whether packets
/// are delivered as views or copies (the batch header's FLAGS).
fn batch_buffer<'env>(
    env: &'env Env,
    mut data: Vec<u8>,
    pool: &Arc<Pool>,
    held: &Arc<Held>,
) -> Result<BufferSlice<'env>> {
    let size = data.capacity();
    batch::set_flags(&mut data, held.lend(size));
    let ptr = data.as_mut_ptr();
    let len = data.len();
    let (pool, back) = (Arc::clone(pool), Arc::clone(held));
    // SAFETY: `ptr` points at `len` initialised bytes owned by `data`; `data` moves into the
    // finalize hint, so its heap block stays where it is, untouched by Rust, until the finalizer
    // runs after JavaScript can no longer reach the Buffer; only then is the block reused.
    unsafe {
        BufferSlice::from_external(env, ptr, len, data, move |_env, data: Vec<u8>| {
            back.give_back(size);
            pool.put(data)
        })
    }
}

/// Called by Node-API once the ArrayBuffer of an inline batch is collected: gives its bytes back.
unsafe extern "C" fn inline_collected(
    _env: napi::sys::napi_env,
    data: *mut std::ffi::c_void,
    hint: *mut std::ffi::c_void,
) {
    // SAFETY: `data` is the `Arc<Held>` that `inline_batch` leaked for this finalizer, taken
    // back exactly once here; `hint` carries the batch size.
    let held = unsafe { Arc::from_raw(data.cast::<Held>()) };
    held.give_back(hint as usize);
}

/// Reads the next batch of a file read on the JavaScript thread into a new Buffer that V8 owns
/// (`process.memoryUsage().arrayBuffers`) and frees as soon as it is unreachable; a finalizer on
/// its ArrayBuffer counts it in `held` until then.
fn inline_batch<'env>(
    env: &'env Env,
    file: &mut InlineFile,
) -> Result<std::result::Result<BufferSlice<'env>, Finish>> {
    loop {
        let size = file.size();
        let mut data: *mut std::ffi::c_void = std::ptr::null_mut();
        let mut value: napi::sys::napi_value = std::ptr::null_mut();
        // SAFETY: `env` is the live environment of this call; the out-parameters are valid.
        let status =
            unsafe { napi::sys::napi_create_buffer(env.raw(), size, &mut data, &mut value) };
        if status != napi::sys::Status::napi_ok || data.is_null() {
            return Err(Error::new(
                Status::GenericFailure,
                format!("cannot allocate a batch of {size} bytes"),
            ));
        }
        // SAFETY: napi_create_buffer returned `size` writable bytes owned by the new Buffer,
        // which nothing else references yet; `size` is what `fill` asked for.
        match unsafe { file.fill(data.cast(), size) } {
            InlineFill::Batch(_) => {
                // SAFETY: `fill` initialised all `size` bytes; only this call touches them.
                let bytes = unsafe { std::slice::from_raw_parts_mut(data.cast::<u8>(), size) };
                batch::set_flags(bytes, file.held.lend(size));
                track_collection(env, value, &file.held, size)?;
                // SAFETY: `value` is the Buffer just created in this environment.
                return unsafe { BufferSlice::from_napi_value(env.raw(), value) }.map(Ok);
            }
            InlineFill::Retry => continue,
            InlineFill::Finished(f) => return Ok(Err(f)),
        }
    }
}

/// Attaches `inline_collected` to the ArrayBuffer under the Buffer `value` (the views of the
/// packets hold that ArrayBuffer, not the Buffer object).
fn track_collection(
    env: &Env,
    value: napi::sys::napi_value,
    held: &Arc<Held>,
    size: usize,
) -> Result<()> {
    let mut ab: napi::sys::napi_value = std::ptr::null_mut();
    let mut kind = 0;
    let mut length = 0usize;
    let mut offset = 0usize;
    let mut ptr: *mut std::ffi::c_void = std::ptr::null_mut();
    // SAFETY: `value` is a Buffer (a Uint8Array) of this environment; the out-parameters are
    // valid.
    let status = unsafe {
        napi::sys::napi_get_typedarray_info(
            env.raw(),
            value,
            &mut kind,
            &mut length,
            &mut ptr,
            &mut ab,
            &mut offset,
        )
    };
    if status != napi::sys::Status::napi_ok {
        return Err(Error::new(
            Status::GenericFailure,
            "batch without an ArrayBuffer",
        ));
    }
    let data = Arc::into_raw(Arc::clone(held));
    // SAFETY: `ab` is a live ArrayBuffer of this environment; the finalizer takes `data` back.
    let status = unsafe {
        napi::sys::napi_add_finalizer(
            env.raw(),
            ab,
            data as *mut std::ffi::c_void,
            Some(inline_collected),
            size as *mut std::ffi::c_void,
            std::ptr::null_mut(),
        )
    };
    if status != napi::sys::Status::napi_ok {
        // SAFETY: the finalizer was not attached: the reference leaked above comes back here.
        drop(unsafe { Arc::from_raw(data) });
        held.give_back(size);
        return Err(Error::new(Status::GenericFailure, "cannot track a batch"));
    }
    Ok(())
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
    pub flows: Option<NativeFlowOptions>,
    pub packets: Option<bool>,
}

/// Options of `NativeSession.openOffline`.
#[napi(object)]
pub struct OfflineOptions {
    pub path: String,
    pub filter: Option<String>,
    pub outfile: Option<String>,
    pub batch_size: Option<f64>,
    pub nanosecond: Option<bool>,
    pub flows: Option<NativeFlowOptions>,
    pub packets: Option<bool>,
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

/// How a session runs: a capture thread feeding a queue, or a file read on the JavaScript thread
/// (which keeps the event loop alive through the wake-up function it never calls, as a thread
/// would, until the file ends or the session closes).
enum Engine {
    Thread(Arc<Core>),
    Inline(Box<InlineFile>, Option<TsfnWaker>),
}

/// One capture session: a libpcap handle read by its own thread, or a file read inline.
#[napi]
pub struct NativeSession {
    engine: Option<Engine>,
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
        let engine = match prepared.runner() {
            Runner::Inline(file) => Engine::Inline(file, Some(waker)),
            Runner::Thread(prepared) => Engine::Thread((*prepared).start(waker).map_err(js_error)?),
        };
        Ok(NativeSession {
            engine: Some(engine),
            link_type,
            warnings,
            injector,
        })
    }

    /// The running thread's shared part (none for a file read inline, or once closed).
    pub(crate) fn thread_core(&self) -> Option<&Arc<Core>> {
        match self.engine.as_ref() {
            Some(Engine::Thread(core)) => Some(core),
            _ => None,
        }
    }

    fn engine(&self) -> Result<&Engine, Code> {
        self.engine
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
            flows: options.flows.map(flow_options),
            packets: options.packets.unwrap_or(true),
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
            batch_bytes: options
                .batch_size
                .map(|v| size_opt(Some(v), options::DEFAULT_BATCH_BYTES)),
            nanosecond: options.nanosecond.unwrap_or(false),
            flows: options.flows.map(flow_options),
            packets: options.packets.unwrap_or(true),
            reader: capture::ReaderMode::current(),
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

    /// Whether the file is read on the JavaScript thread (`take()` reads the next batch; no
    /// wake-up ever comes).
    #[napi(getter)]
    pub fn inline(&self) -> bool {
        matches!(self.engine, Some(Engine::Inline(..)))
    }

    /// The next batch (a Buffer, `crate::batch`'s layout), `null` when none waits now, a string
    /// when the capture has ended (`""` for the end of a file or a close, otherwise the read
    /// error), or an `OutfileFault` `{code, message}` in the place of the packets the outfile
    /// failed at, or `{flows: Buffer}` (flow records). After a `null` the next batch wakes
    /// JavaScript again, unless `polling` (then call again soon). A file read inline is read
    /// here, a batch per call.
    #[napi]
    pub fn take<'env>(
        &mut self,
        env: &'env Env,
        polling: bool,
    ) -> Result<Option<Either4<BufferSlice<'env>, String, OutfileFault, Object<'env>>>, Code> {
        let how = match self.engine.as_mut() {
            None => return Ok(None),
            Some(Engine::Thread(core)) => match core.queue.take(polling) {
                // Flow records (`crate::flow::wire`): `{flows: Buffer}`, so that JavaScript
                // tells them apart; copied into V8's memory, whose collector then sees their
                // size (a SYN flood sends a record per packet).
                Take::Batch(b) if b.flows => {
                    let mut o = Object::new(env).map_err(napi_error)?;
                    let data = BufferSlice::copy_from(env, &b.data).map_err(napi_error)?;
                    o.set_named_property("flows", &data).map_err(napi_error)?;
                    return Ok(Some(Either4::D(o)));
                }
                Take::Batch(b) => {
                    return Ok(Some(match b.fault {
                        Some(e) => Either4::C(OutfileFault {
                            code: e.code.to_string(),
                            message: e.message,
                        }),
                        None => Either4::A(
                            batch_buffer(env, b.data, &core.pool, &core.held)
                                .map_err(napi_error)?,
                        ),
                    }))
                }
                Take::Empty => return Ok(None),
                Take::Finished(f) => f,
            },
            Some(Engine::Inline(file, keep_alive)) => {
                match inline_batch(env, file).map_err(napi_error)? {
                    Ok(batch) => return Ok(Some(Either4::A(batch))),
                    Err(f) => {
                        // The file is done: let the event loop exit.
                        keep_alive.take();
                        f
                    }
                }
            }
        };
        Ok(Some(Either4::B(match how {
            Finish::Eof | Finish::Stopped => String::new(),
            Finish::Error(msg) if msg.is_empty() => "read error".to_string(),
            Finish::Error(msg) => msg,
        })))
    }

    /// From the next batch on, batches carry the layer maps of their packets
    /// (`crate::structure`). A file read inline may go on on a capture thread from here
    /// (`InlineFile::promotes`): then `inline` turns false and the wake-up function is called.
    #[napi]
    pub fn enable_structure(&mut self) {
        match self.engine.take() {
            Some(Engine::Inline(file, Some(waker))) if file.promotes() => {
                self.engine = Some(Engine::Thread(file.into_thread(waker)));
            }
            Some(engine) => {
                match &engine {
                    Engine::Thread(core) => core.enable_structure(),
                    Engine::Inline(file, _) => file.enable_structure(),
                }
                self.engine = Some(engine);
            }
            None => {}
        }
    }

    /// Stops the thread and releases the handle. Idempotent; never waits for the thread.
    #[napi]
    pub fn close(&mut self) {
        if let Some(Engine::Thread(core)) = self.engine.take() {
            core.stop();
        }
        self.injector.close();
    }

    /// node_pcap's counters plus the packets this package dropped (`SessionStats`).
    #[napi]
    pub fn stats(&self) -> Result<SessionStats, Code> {
        let core = match self.engine()? {
            Engine::Thread(core) => core,
            Engine::Inline(file, _) => {
                return Ok(SessionStats {
                    ps_recv: file.packets() as f64,
                    ps_drop: 0.0,
                    ps_ifdrop: 0.0,
                    app_drop: 0.0,
                    outfile_written: None,
                    outfile_dropped: None,
                })
            }
        };
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
        self.engine()?;
        self.injector.send(data).map_err(js_error)
    }
}

impl Drop for NativeSession {
    fn drop(&mut self) {
        if let Some(Engine::Thread(core)) = self.engine.take() {
            core.stop();
        }
    }
}
