//! Flows-only sessions over a classic pcap file (`crate::pcapfile`): blocks of records go to the
//! meter under one lock of the pipeline. With two CPUs or more a second thread reads ahead: it
//! `pread`s the next blocks while this thread meters the current one, so the copy out of the page
//! cache (about a third of a flows-only run over a large file) overlaps the metering.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

use super::{lock_flows, Reader};
use crate::batch::{self, record};
use crate::capture::Waker;
use crate::flow::pipeline::Pipeline;
use crate::pcapfile::{BlockReader, Fill};
use crate::queue::Finish;

/// Bytes read per block by the single-thread loop: the block is metered while it is still in
/// this CPU's cache (measured on the 1.1 GB benchmark file: 256 KiB and 1 MiB both 0.28 s).
const BLOCK: usize = 256 * 1024;

/// Bytes read per block by the read-ahead thread: fewer hand-overs (0.21 s with 1 MiB blocks,
/// 0.23 s with 256 KiB; the single-thread loop 0.28 s; the C `pcap_next_ex` loop 0.29 s).
const AHEAD_BLOCK: usize = 1024 * 1024;

/// Blocks the read-ahead thread may hold ready before the meter takes them.
const AHEAD: usize = 3;

/// How often a meter waiting for a block checks whether the session stopped.
const STOP_POLL: Duration = Duration::from_millis(100);

/// One block read from the file.
enum Block {
    /// `block` holds this many records.
    Records(u32),
    End,
    Error(String),
}

/// Reads the next records into `block` (cleared first), growing it for a record longer than it.
fn read_block(file: &mut BlockReader, block: &mut Vec<u8>, size: usize) -> Block {
    loop {
        block.clear();
        let spare = block.spare_capacity_mut();
        let cap = spare.len();
        // SAFETY: `spare` is the vector's unused capacity, writable and owned here; the reader
        // initialises the bytes it reports and nothing else touches the vector meanwhile.
        match unsafe { file.fill(spare.as_mut_ptr().cast(), cap, u32::MAX) } {
            Fill::Records { packets, len } => {
                // SAFETY: the reader wrote `len` bytes at the start of the capacity.
                unsafe { block.set_len(len) };
                return Block::Records(packets);
            }
            Fill::NeedRoom(n) => block.reserve(n.max(size)),
            Fill::End => return Block::End,
            Fill::Error(e) => return Block::Error(e),
        }
    }
}

/// Meters the records of one block.
fn meter(flows: &Mutex<Pipeline>, block: &[u8]) {
    let mut p = lock_flows(flows);
    for (at, caplen) in batch::walk(block) {
        let field = |f: usize| batch::get_u32(block, at + f);
        let data = &block[at + record::DATA..at + record::DATA + caplen];
        let (sec, frac) = (field(record::TV_SEC), field(record::TV_USEC));
        p.packet(i64::from(sec), i64::from(frac), field(record::LEN), data);
    }
}

/// Meters the whole file, reading ahead on a second thread when `ahead`.
pub(super) fn run_flow_file<W: Waker>(
    file: &mut BlockReader,
    out: &mut Reader<'_, W>,
    ahead: bool,
) -> Finish {
    let Some(flows) = out.core.flows.clone() else {
        return Finish::Eof;
    };
    if ahead {
        return read_ahead(file, out, &flows);
    }
    let mut block: Vec<u8> = Vec::with_capacity(BLOCK);
    loop {
        if out.must_stop() {
            return Finish::Stopped;
        }
        match read_block(file, &mut block, BLOCK) {
            Block::Records(packets) => {
                meter(&flows, &block);
                out.unpublished += u64::from(packets);
                out.flush();
            }
            Block::End => return Finish::Eof,
            Block::Error(e) => return Finish::Error(e),
        }
    }
}

/// `run_flow_file` with a thread that reads the next blocks while this one meters. Blocks go back
/// to the reader for reuse; the reader's end (the end of the file or an error) reaches the meter
/// after every block read before it.
fn read_ahead<W: Waker>(
    file: &mut BlockReader,
    out: &mut Reader<'_, W>,
    flows: &Mutex<Pipeline>,
) -> Finish {
    let (full_tx, full_rx) = mpsc::sync_channel::<(Vec<u8>, u32)>(AHEAD);
    let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let stop = &stop;
        let spawned = std::thread::Builder::new()
            .name("pcap flows read".into())
            .spawn_scoped(s, move || loop {
                if stop.load(Ordering::Relaxed) {
                    return Block::End;
                }
                let mut block = empty_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(AHEAD_BLOCK));
                match read_block(file, &mut block, AHEAD_BLOCK) {
                    Block::Records(n) => {
                        if full_tx.send((block, n)).is_err() {
                            return Block::End;
                        }
                    }
                    end => return end,
                }
            });
        let reader = match spawned {
            Ok(r) => r,
            Err(e) => return Finish::Error(format!("cannot start the read-ahead thread: {e}")),
        };
        let stopped = loop {
            if out.must_stop() {
                break true;
            }
            match full_rx.recv_timeout(STOP_POLL) {
                Ok((block, packets)) => {
                    meter(flows, &block);
                    out.unpublished += u64::from(packets);
                    out.flush();
                    // The reader may have ended already; its blocks are then simply dropped.
                    let _ = empty_tx.send(block);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break false,
            }
        };
        // Unblocks a reader waiting to hand a block over.
        stop.store(true, Ordering::Relaxed);
        drop(full_rx);
        let end = reader.join();
        if stopped {
            return Finish::Stopped;
        }
        match end {
            Ok(Block::Error(e)) => Finish::Error(e),
            Ok(_) => Finish::Eof,
            Err(_) => Finish::Error("the read-ahead thread failed".into()),
        }
    })
}
