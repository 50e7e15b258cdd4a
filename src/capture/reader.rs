//! The capture thread: one per session. It reads libpcap with `dispatch`, writes each packet to
//! the dump file (`outfile`), appends it to a batch, or reads a classic pcap file in place
//! (`crate::pcapfile`) a batch at a time; adds the batch's layer maps once JavaScript decodes the
//! session's packets, pushes full batches into the session's queue and wakes JavaScript on the
//! queue's empty-to-non-empty transition. A live reader publishes libpcap's counters before the
//! packets they count; a file reader waits for queue space; a stream input (`crate::stream`)
//! hands its batch over before a read would wait.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use pcap::{Active, Capture, Offline, Packet};

use super::flows::{flow_clock, lock_flows};
use super::open::{several_cpus, Prepared, ReaderMode, Source};
use super::options::{MAX_BATCH_BYTES, MIN_BATCH_BYTES};
use super::{Core, Waker};
use crate::batch::{self, Batch, BatchBuilder, Pool, BATCH_HEADER};
use crate::error::{pcap_text, CapError, CapResult};
use crate::pcapfile::{BlockReader, Fill};
use crate::queue::{Finish, Mode, Queue};
use crate::stream::{Hook, StreamHandle};
use crate::structure::{self, MAP_LEN};
use crate::writer::{DumpCounters, Dumper};

mod flowfile;

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
            held: Arc::default(),
            live,
            link_type: self.link_type,
            structure: AtomicBool::new(false),
            breaker: Mutex::new(None),
            outfile: self.savefile.as_ref().map(|_| DumpCounters::default()),
            flows: self.flows.map(|p| Arc::new(Mutex::new(p))),
            flow_tick: AtomicBool::new(false),
            ended: AtomicBool::new(false),
        });
        let Prepared {
            source,
            savefile,
            packets,
            flow_file,
            reader,
            ..
        } = self;
        // A flows-only file is read ahead on a second thread with two CPUs or more
        // (`PCAP_READER=thread` forces it, `inline` forbids it).
        let read_ahead = match reader {
            ReaderMode::Thread => true,
            ReaderMode::Inline | ReaderMode::Libpcap => false,
            ReaderMode::Auto => several_cpus(),
        };
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
            Source::Blocks(file) => spawn_blocks(thread_core, file, waker, batch_bytes),
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
                        if let Some(mut f) = flow_file {
                            let how =
                                guarded(|| flowfile::run_flow_file(&mut f, &mut out, read_ahead));
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

/// Starts the thread that reads a classic pcap file in place into `core`'s queue.
fn spawn_blocks<W: Waker>(
    core: Arc<Core>,
    mut file: BlockReader,
    waker: W,
    batch_bytes: usize,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("pcap-file".into())
        .spawn(move || {
            let mut out = Reader::new(&core, waker, None, batch_bytes, Mode::Lossless);
            let how = guarded(|| run_blocks(&mut file, &mut out, batch_bytes));
            out.end(how);
        })
}

impl super::InlineFile {
    /// Hands the rest of the file to a capture thread (layer maps on): the session goes on with
    /// `core`'s queue, counters and held-memory count; the thread reads from where `take()`
    /// stopped. If the thread cannot start, the queue ends with that error.
    pub fn into_thread<W: Waker>(self, waker: W) -> Arc<Core> {
        let parts = self.into_parts();
        let core = Arc::new(Core {
            queue: Queue::new(super::options::OFFLINE_QUEUE_BYTES),
            pool: Arc::new(Pool::new(POOL_BLOCKS, parts.batch_bytes)),
            held: parts.held,
            live: false,
            link_type: parts.link_type,
            structure: AtomicBool::new(true),
            breaker: Mutex::new(None),
            outfile: None,
            flows: None,
            flow_tick: AtomicBool::new(false),
            ended: AtomicBool::new(false),
        });
        core.queue
            .counters
            .packets
            .store(parts.packets, Ordering::Relaxed);
        if let Err(e) = spawn_blocks(Arc::clone(&core), parts.reader, waker, parts.batch_bytes) {
            core.queue
                .finish(Finish::Error(format!("cannot start capture thread: {e}")));
        }
        core
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
        let mut known = None;
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
            if self.core.structure.load(Ordering::Relaxed) {
                let mut map = [0u8; MAP_LEN];
                s.encode(p.data.len(), &mut map);
                known = Some(map);
            }
        }
        if !self.builder.fits(p.data.len()) {
            self.flush();
        }
        self.builder.push(
            i64::from(p.header.ts.tv_sec),
            i64::from(p.header.ts.tv_usec),
            p.header.len,
            p.data,
        );
        if let Some(map) = &known {
            // The flow meter parsed the packet already: its map goes with the batch.
            self.builder.known_map(map);
        }
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
        let batch = Batch {
            data,
            packets: n,
            flows: true,
            ..Batch::default()
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
        let fault = self.flush_savefile();
        let batch = self.builder.take(self.maps());
        self.push(batch);
        if let Some(e) = fault {
            self.push_fault(e);
        }
    }

    /// The link type to compute layer maps for, when JavaScript wants them.
    fn maps(&self) -> Option<i32> {
        self.core
            .structure
            .load(Ordering::Relaxed)
            .then_some(self.core.link_type)
    }

    /// Queues a batch and wakes JavaScript if the queue was empty.
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
        // The dump file's last records, and its error before the end.
        if let Some(e) = self.flush_savefile() {
            self.push_fault(e);
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

/// Reads a classic pcap file in place, a batch per read (`crate::pcapfile`), into pool blocks.
fn run_blocks<W: Waker>(
    file: &mut BlockReader,
    out: &mut Reader<'_, W>,
    batch_bytes: usize,
) -> Finish {
    let room = batch_bytes.saturating_sub(BATCH_HEADER).max(RECORD_MIN);
    let mut need = room;
    loop {
        if out.must_stop() {
            return Finish::Stopped;
        }
        let mut block = out.core.pool.get(BATCH_HEADER + need);
        block.resize(BATCH_HEADER, 0);
        let spare = block.spare_capacity_mut();
        let cap = spare.len().min(need);
        // SAFETY: `spare` is the block's unused capacity, writable and owned here; the reader
        // initialises the bytes it reports and nothing else touches the block meanwhile.
        let got = unsafe { file.fill(spare.as_mut_ptr().cast(), cap, u32::MAX) };
        match got {
            Fill::Records { packets, len } => {
                need = room;
                // SAFETY: the reader wrote `len` bytes after the header.
                unsafe { block.set_len(BATCH_HEADER + len) };
                if packets == 0 {
                    out.core.pool.put(block);
                    continue;
                }
                out.unpublished += u64::from(packets);
                out.publish_count();
                let records_end = block.len();
                let maps = out.maps().map_or(0, |dlt| {
                    batch::append_maps(&mut block, records_end, packets, dlt)
                });
                batch::write_header(&mut block, packets, records_end, maps);
                out.push(Batch {
                    data: block,
                    packets,
                    ..Batch::default()
                });
            }
            Fill::NeedRoom(n) => {
                out.core.pool.put(block);
                need = n;
            }
            Fill::End => return Finish::Eof,
            Fill::Error(e) => return Finish::Error(e),
        }
    }
}

/// Smallest room for records in a block.
const RECORD_MIN: usize = 1024;

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
