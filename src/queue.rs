//! The hand-off between a capture thread and the JavaScript thread.
//!
//! The capture thread appends packets to a [`BatchBuilder`] as records
//! `[tv_sec u32 | tv_usec u32 | caplen u32 | len u32 | layer map (24 bytes) | data]` (little-endian,
//! no padding; the first 16 bytes are node_pcap's packet header layout, the map is
//! [`crate::structure`]'s, all zero when not computed) and pushes full batches into a [`Queue`]. The
//! JavaScript thread is woken once per empty→non-empty transition and then pulls batches until the
//! queue is empty. The queue is bounded in bytes: a lossless producer (a file) waits for space, a
//! lossy producer (a live interface, whose kernel ring must keep draining) discards the batch and
//! counts its packets.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::error::CapError;
use crate::structure::MAP_LEN;

/// node_pcap's packet header: tv_sec, tv_usec, caplen, len.
pub const PCAP_HEADER: usize = 16;
/// Size of the per-packet record header in a batch: the pcap header, then the layer map.
pub const RECORD_HEADER: usize = PCAP_HEADER + MAP_LEN;

/// Where each field lies in a record (u32 little-endian fields, then the map, then the data).
pub mod record {
    pub const TV_SEC: usize = 0;
    pub const TV_USEC: usize = 4;
    pub const CAPLEN: usize = 8;
    pub const LEN: usize = 12;
    /// The layer map (`crate::structure`), MAP_LEN bytes.
    pub const MAP: usize = super::PCAP_HEADER;
    /// The packet's captured bytes.
    pub const DATA: usize = super::RECORD_HEADER;
}

/// Recycled batch memory. Allocating and freeing a fresh block per batch costs a third of the
/// throughput (page faults, and unmapping from the JavaScript thread while the capture thread
/// runs); blocks come back here when JavaScript's garbage collector drops a batch.
#[derive(Debug)]
pub struct Pool {
    free: Mutex<Vec<Vec<u8>>>,
    keep: usize,
    /// Smaller blocks (the right-sized copies of small batches) are not kept.
    min_block: usize,
}

impl Pool {
    pub fn new(keep: usize, min_block: usize) -> Self {
        Pool {
            free: Mutex::new(Vec::new()),
            keep,
            min_block,
        }
    }

    /// An empty block with at least `capacity` bytes of room.
    pub fn get(&self, capacity: usize) -> Vec<u8> {
        let reused = self.free.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match reused {
            Some(mut v) => {
                v.clear();
                v.reserve(capacity);
                v
            }
            None => Vec::with_capacity(capacity),
        }
    }

    /// Returns a block for reuse (dropped when the pool already keeps enough, or when it is
    /// smaller than a batch block).
    pub fn put(&self, v: Vec<u8>) {
        if v.capacity() < self.min_block {
            return;
        }
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.len() < self.keep {
            free.push(v);
        }
    }

    pub fn len(&self) -> usize {
        self.free.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One block of packet records, or (without records) an error that JavaScript receives in its
/// place in the stream of packets: a write error of the session's dump file (`crate::writer`).
#[derive(Debug, Default)]
pub struct Batch {
    pub data: Vec<u8>,
    pub packets: u32,
    pub fault: Option<CapError>,
}

/// Accumulates records until a batch is full.
#[derive(Debug)]
pub struct BatchBuilder {
    batch: Batch,
    limit: usize,
    pool: Arc<Pool>,
}

impl BatchBuilder {
    pub fn new(limit: usize, pool: Arc<Pool>) -> Self {
        BatchBuilder {
            batch: Batch {
                data: pool.get(limit),
                packets: 0,
                fault: None,
            },
            limit,
            pool,
        }
    }

    /// Appends one record. Timestamps are truncated to u32 as in node_pcap's header layout;
    /// `map` is the packet's layer map, if it was computed.
    pub fn push(
        &mut self,
        tv_sec: i64,
        tv_usec: i64,
        len: u32,
        data: &[u8],
        map: Option<&[u8; MAP_LEN]>,
    ) {
        let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let data = &data[..caplen as usize];
        let mut head = [0u8; RECORD_HEADER];
        let mut put = |at: usize, v: u32| head[at..at + 4].copy_from_slice(&v.to_le_bytes());
        put(record::TV_SEC, tv_sec as u32);
        put(record::TV_USEC, tv_usec as u32);
        put(record::CAPLEN, caplen);
        put(record::LEN, len);
        if let Some(map) = map {
            head[record::MAP..record::MAP + MAP_LEN].copy_from_slice(map);
        }
        let d = &mut self.batch.data;
        d.reserve(RECORD_HEADER + data.len());
        d.extend_from_slice(&head);
        d.extend_from_slice(data);
        self.batch.packets += 1;
    }

    /// Whether a packet of `caplen` bytes fits without growing the block (an empty batch takes
    /// any packet).
    pub fn fits(&self, caplen: usize) -> bool {
        self.is_empty() || self.batch.data.len() + RECORD_HEADER + caplen <= self.limit
    }

    pub fn is_full(&self) -> bool {
        self.batch.data.len() >= self.limit
    }

    pub fn is_empty(&self) -> bool {
        self.batch.packets == 0
    }

    /// Takes the current batch and starts a new one. A batch that fills less than a quarter of
    /// its block (a live capture delivering every few packets) leaves as a right-sized copy and
    /// the block stays for the next one, so that queued batches hold about the memory they are
    /// counted for (the queue counts capacity).
    pub fn take(&mut self) -> Batch {
        if self.batch.data.len() <= self.limit / 4 {
            let small = Batch {
                data: self.batch.data.clone(),
                packets: self.batch.packets,
                fault: None,
            };
            self.batch.data.clear();
            self.batch.packets = 0;
            return small;
        }
        let fresh = Batch {
            data: self.pool.get(self.limit),
            packets: 0,
            fault: None,
        };
        std::mem::replace(&mut self.batch, fresh)
    }
}

/// How a capture ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// End of a file.
    Eof,
    /// The capture thread stopped because of a read error.
    Error(String),
    /// `close()` was called.
    Stopped,
}

/// What the JavaScript side gets from [`Queue::take`].
#[derive(Debug)]
pub enum Take {
    Batch(Batch),
    /// Nothing queued now; the next push wakes JavaScript again.
    Empty,
    /// Nothing queued and nothing will come.
    Finished(Finish),
}

#[derive(Debug, Default)]
struct State {
    batches: VecDeque<Batch>,
    bytes: usize,
    finished: Option<Finish>,
    /// A wake-up has been sent and JavaScript has not yet seen an empty queue.
    wake_pending: bool,
    /// A lossless producer waits for space; `take` wakes it once the queue is half empty.
    producer_waiting: bool,
}

/// Counters shared by the capture thread and `stats()`.
#[derive(Debug, Default)]
pub struct Counters {
    pub ps_recv: AtomicU64,
    pub ps_drop: AtomicU64,
    pub ps_ifdrop: AtomicU64,
    /// Packets discarded because the application buffer was full.
    pub app_drop: AtomicU64,
    /// Packets read from the handle (delivered or discarded).
    pub packets: AtomicU64,
}

/// A byte-bounded queue of batches with a stop flag.
#[derive(Debug)]
pub struct Queue {
    state: Mutex<State>,
    space: Condvar,
    limit: usize,
    stop: AtomicBool,
    pub counters: Counters,
}

/// Whether a push may block for space or must discard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Lossless,
    Lossy,
}

impl Queue {
    pub fn new(limit_bytes: usize) -> Self {
        Queue {
            state: Mutex::new(State::default()),
            space: Condvar::new(),
            limit: limit_bytes.max(1),
            stop: AtomicBool::new(false),
            counters: Counters::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means a thread panicked while holding it; the state is still a
        // consistent queue, so keep going rather than propagate a panic across the FFI boundary.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    /// Asks the producer to stop and wakes it if it waits for space.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Release);
        let _guard = self.lock();
        self.space.notify_all();
    }

    /// Queues a batch. Returns `true` when the consumer must be woken. A lossless push waits for
    /// space, giving up when a stop is requested or `alive()` turns false (the consumer's
    /// environment is gone, e.g. its worker thread exited). A fault is never discarded.
    pub fn push(&self, batch: Batch, mode: Mode, alive: &dyn Fn() -> bool) -> bool {
        if batch.packets == 0 && batch.fault.is_none() {
            return false;
        }
        // Counted by capacity: what the batch holds in memory, which bounds memory in bytes.
        let len = batch.data.capacity();
        let mut st = self.lock();
        match mode {
            Mode::Lossless => {
                while !st.batches.is_empty()
                    && st.bytes + len > self.limit
                    && !self.stop_requested()
                {
                    if !alive() {
                        return false;
                    }
                    st.producer_waiting = true;
                    st = self
                        .space
                        .wait_timeout(st, std::time::Duration::from_millis(200))
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
                if self.stop_requested() {
                    return false;
                }
            }
            Mode::Lossy => {
                if batch.fault.is_none() && !st.batches.is_empty() && st.bytes + len > self.limit {
                    self.counters
                        .app_drop
                        .fetch_add(u64::from(batch.packets), Ordering::Relaxed);
                    return false;
                }
            }
        }
        st.bytes += len;
        st.batches.push_back(batch);
        !std::mem::replace(&mut st.wake_pending, true)
    }

    /// Records how the capture ended. Returns `true` when the consumer must be woken.
    pub fn finish(&self, how: Finish) -> bool {
        let mut st = self.lock();
        if st.finished.is_none() {
            st.finished = Some(how);
        }
        !std::mem::replace(&mut st.wake_pending, true)
    }

    /// Pops the oldest batch, or says the queue is empty or finished. On an empty queue the
    /// wake-up is re-armed unless `polling`: a consumer that polls promises to call again, which
    /// saves the producer a wake-up (a system call and a thread switch) per batch while the
    /// consumer keeps up with it. A producer waiting for space is woken once the queue is down
    /// to half its bound, not for every batch (a futex wake-up per batch was 4% of the
    /// JavaScript thread's time reading a file).
    pub fn take(&self, polling: bool) -> Take {
        let mut st = self.lock();
        if let Some(batch) = st.batches.pop_front() {
            st.bytes -= batch.data.capacity();
            if st.producer_waiting && st.bytes <= self.limit / 2 {
                st.producer_waiting = false;
                self.space.notify_all();
            }
            return Take::Batch(batch);
        }
        if polling && st.finished.is_none() {
            return Take::Empty;
        }
        st.wake_pending = false;
        match &st.finished {
            Some(f) => Take::Finished(f.clone()),
            None => Take::Empty,
        }
    }

    /// Bytes currently queued.
    pub fn queued_bytes(&self) -> usize {
        self.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch_of(n: u32, size: usize) -> Batch {
        let mut b = BatchBuilder::new(1 << 20, Arc::new(Pool::new(0, 0)));
        for i in 0..n {
            b.push(i64::from(i), 0, size as u32, &vec![i as u8; size], None);
        }
        b.take()
    }

    #[test]
    fn record_layout_is_node_pcap_header_then_data() {
        let mut b = BatchBuilder::new(1024, Arc::new(Pool::new(0, 0)));
        b.push(0x0102_0304, 5, 60, &[0xaa, 0xbb], None);
        let map = [7u8; MAP_LEN];
        b.push(1, 2, 3, &[0xcc], Some(&map));
        let batch = b.take();
        assert_eq!(batch.packets, 2);
        let mut want = vec![4, 3, 2, 1, 5, 0, 0, 0, 2, 0, 0, 0, 60, 0, 0, 0];
        want.extend_from_slice(&[0; MAP_LEN]);
        want.extend_from_slice(&[0xaa, 0xbb]);
        want.extend_from_slice(&[1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0]);
        want.extend_from_slice(&map);
        want.push(0xcc);
        assert_eq!(batch.data, want);
        assert!(b.is_empty());
    }

    #[test]
    fn pool_recycles_blocks_up_to_its_bound() {
        let pool = Arc::new(Pool::new(1, 0));
        let mut v = pool.get(50);
        v.extend_from_slice(&[1, 2, 3]);
        let ptr = v.as_ptr();
        pool.put(v);
        pool.put(Vec::with_capacity(10)); // beyond the bound: dropped
        assert_eq!(pool.len(), 1);
        // The builder starts its next batch in the recycled block, emptied.
        let mut b = BatchBuilder::new(50, Arc::clone(&pool));
        assert!(pool.is_empty());
        b.push(1, 2, 3, &[9], None);
        let batch = b.take();
        assert_eq!(batch.data.as_ptr(), ptr);
        assert_eq!(batch.data.len(), RECORD_HEADER + 1);
    }

    #[test]
    fn fits_within_the_block() {
        let limit = 2 * RECORD_HEADER + 28;
        let mut b = BatchBuilder::new(limit, Arc::new(Pool::new(0, 0)));
        assert!(b.fits(1000), "an empty batch takes any packet");
        b.push(0, 0, 10, &[0; 10], None); // another record of 18 data bytes fills the block
        assert!(b.fits(18));
        assert!(!b.fits(19));
    }

    #[test]
    fn wakes_once_per_empty_to_non_empty_transition() {
        let q = Queue::new(1 << 20);
        assert!(q.push(batch_of(1, 10), Mode::Lossy, &|| true));
        assert!(!q.push(batch_of(1, 10), Mode::Lossy, &|| true));
        assert!(matches!(q.take(false), Take::Batch(_)));
        assert!(matches!(q.take(false), Take::Batch(_)));
        assert!(matches!(q.take(false), Take::Empty));
        assert!(q.push(batch_of(1, 10), Mode::Lossy, &|| true));
    }

    #[test]
    fn polling_take_keeps_the_wake_up_disarmed() {
        let q = Queue::new(1 << 20);
        assert!(q.push(batch_of(1, 10), Mode::Lossy, &|| true));
        assert!(matches!(q.take(true), Take::Batch(_)));
        assert!(matches!(q.take(true), Take::Empty));
        assert!(
            !q.push(batch_of(1, 10), Mode::Lossy, &|| true),
            "the poller will see it: no wake-up"
        );
        assert!(matches!(q.take(true), Take::Batch(_)));
        assert!(matches!(q.take(false), Take::Empty));
        assert!(
            q.push(batch_of(1, 10), Mode::Lossy, &|| true),
            "re-armed by a non-polling take"
        );
        assert!(!q.finish(Finish::Eof));
        assert!(matches!(q.take(true), Take::Batch(_)));
        assert!(matches!(q.take(true), Take::Finished(Finish::Eof)));
    }

    #[test]
    fn lossy_push_discards_beyond_the_bound_and_counts() {
        let q = Queue::new(100);
        // 3 × (RECORD_HEADER + 30) bytes: beyond the bound, but the first batch always fits.
        assert!(q.push(batch_of(3, 30), Mode::Lossy, &|| true));
        assert!(!q.push(batch_of(2, 10), Mode::Lossy, &|| true));
        assert_eq!(q.counters.app_drop.load(Ordering::Relaxed), 2);
        assert_eq!(q.queued_bytes(), 3 * (RECORD_HEADER + 30));
    }

    #[test]
    fn a_small_batch_leaves_as_a_right_sized_copy_and_the_block_stays() {
        let limit = 64 * 1024;
        let mut b = BatchBuilder::new(limit, Arc::new(Pool::new(0, limit)));
        b.push(1, 2, 60, &[7; 60], None);
        let block = b.batch.data.as_ptr();
        let batch = b.take();
        assert_eq!(batch.packets, 1);
        assert_eq!(batch.data.len(), RECORD_HEADER + 60);
        assert_eq!(batch.data.capacity(), RECORD_HEADER + 60);
        assert_eq!(&batch.data[RECORD_HEADER..], &[7; 60][..]);
        assert!(b.is_empty());
        assert_eq!(b.batch.data.as_ptr(), block, "the builder keeps its block");
        assert!(b.batch.data.capacity() >= limit);
    }

    #[test]
    fn a_full_batch_leaves_in_its_block() {
        let limit = 4 * (RECORD_HEADER + 100);
        let mut b = BatchBuilder::new(limit, Arc::new(Pool::new(0, limit)));
        let block = b.batch.data.as_ptr();
        for i in 0..4 {
            b.push(i, 0, 100, &[1; 100], None);
        }
        assert!(b.is_full());
        let batch = b.take();
        assert_eq!(batch.packets, 4);
        assert_eq!(batch.data.as_ptr(), block);
        assert_ne!(b.batch.data.as_ptr(), block);
    }

    #[test]
    fn the_queue_counts_what_batches_hold_in_memory() {
        let q = Queue::new(1000);
        let mut sparse = Batch {
            data: Vec::with_capacity(4096),
            packets: 1,
            fault: None,
        };
        sparse.data.extend_from_slice(&[0; 50]);
        assert!(q.push(sparse, Mode::Lossy, &|| true));
        assert_eq!(q.queued_bytes(), 4096);
        // 50 bytes of packets, but 4 KiB of memory: the next batch is over the bound.
        assert!(!q.push(batch_of(1, 10), Mode::Lossy, &|| true));
        assert_eq!(q.counters.app_drop.load(Ordering::Relaxed), 1);
        assert!(matches!(q.take(false), Take::Batch(_)));
        assert_eq!(q.queued_bytes(), 0);
    }

    #[test]
    fn a_fault_keeps_its_place_even_when_batches_are_discarded() {
        let q = Queue::new(100);
        assert!(q.push(batch_of(2, 40), Mode::Lossy, &|| true));
        assert!(!q.push(batch_of(2, 40), Mode::Lossy, &|| true)); // over the bound: discarded
        let fault = Batch {
            fault: Some(CapError::new("ENOSPC", "full")),
            ..Batch::default()
        };
        q.push(fault, Mode::Lossy, &|| true);
        assert_eq!(q.counters.app_drop.load(Ordering::Relaxed), 2);
        assert!(matches!(q.take(false), Take::Batch(b) if b.packets == 2 && b.fault.is_none()));
        assert!(
            matches!(q.take(false), Take::Batch(b) if b.fault.as_ref().is_some_and(|e| e.code == "ENOSPC"))
        );
        assert!(matches!(q.take(false), Take::Empty));
    }

    #[test]
    fn the_pool_keeps_only_whole_blocks() {
        let pool = Pool::new(4, 1024);
        pool.put(Vec::with_capacity(100));
        assert!(pool.is_empty());
        pool.put(Vec::with_capacity(1024));
        assert_eq!(pool.len(), 1);
    }

    #[test]
    fn lossless_push_waits_for_space() {
        let q = Arc::new(Queue::new(100));
        assert!(q.push(batch_of(2, 40), Mode::Lossless, &|| true));
        let q2 = Arc::clone(&q);
        let producer =
            std::thread::spawn(move || q2.push(batch_of(2, 40), Mode::Lossless, &|| true));
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!producer.is_finished());
        assert!(matches!(q.take(false), Take::Batch(_)));
        let _ = producer.join();
        assert!(matches!(q.take(false), Take::Batch(_)));
    }

    #[test]
    fn a_waiting_producer_is_woken_once_the_queue_is_half_empty() {
        let one = batch_of(1, 40).data.len();
        let q = Arc::new(Queue::new(4 * one));
        for _ in 0..4 {
            q.push(batch_of(1, 40), Mode::Lossless, &|| true);
        }
        let q2 = Arc::clone(&q);
        let producer =
            std::thread::spawn(move || q2.push(batch_of(1, 40), Mode::Lossless, &|| true));
        let t0 = std::time::Instant::now();
        while !q.lock().producer_waiting && t0.elapsed() < std::time::Duration::from_secs(5) {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(q.lock().producer_waiting, "the producer waits for space");
        assert!(matches!(q.take(false), Take::Batch(_)));
        std::thread::sleep(std::time::Duration::from_millis(60));
        assert!(
            !producer.is_finished(),
            "woken with the queue three quarters full"
        );
        assert!(matches!(q.take(false), Take::Batch(_)));
        let t = std::time::Instant::now();
        let _ = producer.join();
        assert!(t.elapsed() < std::time::Duration::from_millis(150));
        assert_eq!(q.queued_bytes(), 3 * one);
    }

    #[test]
    fn stop_releases_a_waiting_producer() {
        let q = Arc::new(Queue::new(10));
        q.push(batch_of(1, 40), Mode::Lossless, &|| true);
        let q2 = Arc::clone(&q);
        let producer =
            std::thread::spawn(move || q2.push(batch_of(1, 40), Mode::Lossless, &|| true));
        std::thread::sleep(std::time::Duration::from_millis(20));
        q.request_stop();
        assert_eq!(producer.join().ok(), Some(false));
    }

    #[test]
    fn a_gone_consumer_releases_a_waiting_producer() {
        let q = Arc::new(Queue::new(10));
        q.push(batch_of(1, 40), Mode::Lossless, &|| true);
        let gone = Arc::new(AtomicBool::new(false));
        let (q2, gone2) = (Arc::clone(&q), Arc::clone(&gone));
        let producer = std::thread::spawn(move || {
            q2.push(batch_of(1, 40), Mode::Lossless, &|| {
                !gone2.load(Ordering::Relaxed)
            })
        });
        std::thread::sleep(std::time::Duration::from_millis(20));
        gone.store(true, Ordering::Relaxed);
        assert_eq!(producer.join().ok(), Some(false));
    }

    #[test]
    fn finish_is_reported_after_the_last_batch() {
        let q = Queue::new(1 << 20);
        q.push(batch_of(1, 10), Mode::Lossless, &|| true);
        assert!(!q.finish(Finish::Eof));
        assert!(matches!(q.take(false), Take::Batch(_)));
        assert!(matches!(q.take(false), Take::Finished(Finish::Eof)));
        assert!(matches!(q.take(false), Take::Finished(Finish::Eof)));
    }
}
