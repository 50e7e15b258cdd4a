//! The capture thread: one per session. It reads libpcap with `dispatch`, writes each packet to
//! the dump file (`outfile`), appends it to a batch (with its layer map once JavaScript decodes
//! the session's packets), pushes full batches into the session's queue and wakes JavaScript on
//! the queue's empty-to-non-empty transition. A live reader publishes libpcap's counters before
//! the packets they count; a file reader waits for queue space; a stream input (`crate::stream`)
//! hands its batch over before a read would wait.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pcap::{Active, Capture, Offline, Packet};

use super::open::{Prepared, Source};
use super::options::{MAX_BATCH_BYTES, MIN_BATCH_BYTES};
use super::{Core, Waker};
use crate::error::{pcap_text, CapError, CapResult};
use crate::queue::{Batch, BatchBuilder, Finish, Mode, Pool, Queue};
use crate::stream::{Hook, StreamHandle};
use crate::structure::{self, MAP_LEN};
use crate::writer::{DumpCounters, Dumper};

/// Blocks kept for reuse per session.
const POOL_BLOCKS: usize = 8;

impl Prepared {
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
            outfile: self.savefile.as_ref().map(|_| DumpCounters::default()),
        });
        let Prepared {
            source, savefile, ..
        } = self;
        let thread_core = Arc::clone(&core);
        let name = if live { "pcap-live" } else { "pcap-file" };
        let spawn = match source {
            Source::Live(mut cap) => {
                *core.breaker.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(cap.breakloop_handle());
                std::thread::Builder::new()
                    .name(name.into())
                    .spawn(move || {
                        let mut out =
                            Reader::new(&thread_core, waker, savefile, batch_bytes, Mode::Lossy);
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
                        let out =
                            Reader::new(&thread_core, waker, savefile, batch_bytes, Mode::Lossless);
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
        if !self.builder.fits(p.data.len()) {
            self.flush();
        }
        let map = if self.core.structure.load(Ordering::Relaxed) {
            structure::structure(self.core.link_type, p.data).encode(p.data.len(), &mut self.map);
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

    fn flush(&mut self) {
        self.publish_count();
        if self.builder.is_empty() {
            return;
        }
        let fault = self.flush_savefile();
        let batch = self.builder.take();
        self.push(batch);
        if let Some(e) = fault {
            self.push_fault(e);
        }
    }

    fn push(&mut self, batch: Batch) {
        let waker = &self.waker;
        if self.core.queue.push(batch, self.mode, &|| waker.alive()) && !self.waker.wake() {
            self.gone = true;
        }
    }

    /// Writes out the dump file's buffer and publishes its counters; its write error the first
    /// time there is one.
    fn flush_savefile(&mut self) -> Option<CapError> {
        let sf = self.savefile.as_mut()?;
        sf.flush();
        if let Some(c) = self.core.outfile.as_ref() {
            c.publish(sf);
        }
        sf.take_unreported()
    }

    /// Queues a write error after the packets queued so far: JavaScript emits it in that place.
    fn push_fault(&mut self, e: CapError) {
        self.push(Batch {
            fault: Some(e),
            ..Batch::default()
        });
    }

    fn end(mut self, how: Finish) {
        self.publish_count();
        let how = if self.core.queue.stop_requested() {
            Finish::Stopped
        } else {
            self.flush();
            how
        };
        // The dump file's last records, and its error before the end.
        if let Some(e) = self.flush_savefile() {
            self.push_fault(e);
        }
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
        if let Err(e) = r {
            return Finish::Error(pcap_text(&e));
        }
        // Publish libpcap's counters before the packets they count reach JavaScript.
        if let Ok(s) = cap.stats() {
            let c = &out.core.queue.counters;
            c.ps_recv.store(u64::from(s.received), Ordering::Relaxed);
            c.ps_drop.store(u64::from(s.dropped), Ordering::Relaxed);
            c.ps_ifdrop
                .store(u64::from(s.if_dropped), Ordering::Relaxed);
        }
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
