//! A capture file read on the JavaScript thread, one batch per `take()`, with no capture thread.
//!
//! With one CPU (the process's affinity, or a cgroup quota of one), a capture thread and the
//! JavaScript thread take turns on it: every batch costs a hand-off, the thread's wake-ups and
//! the cache traffic of moving a batch between them. A classic pcap file read in place
//! (`crate::pcapfile`) costs little more than the kernel's copy, so reading the next batch inside
//! `take()`, straight into the memory JavaScript receives, is cheaper than any hand-off. Live
//! captures and streams keep their thread: they must go on draining while JavaScript is busy.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::batch::{self, Held, BATCH_HEADER};
use crate::pcapfile::{BlockReader, Fill};
use crate::queue::Finish;
use crate::structure::MAP_LEN;

/// Most maps one batch carries (the room for them is estimated from the previous batch).
const MAX_MAPS: u32 = 1 << 14;

/// A file session without a thread.
#[derive(Debug)]
pub struct InlineFile {
    reader: BlockReader,
    link_type: i32,
    /// Bytes of records per batch.
    batch_bytes: usize,
    /// Whether batches carry layer maps (JavaScript decodes this session's packets).
    structure: AtomicBool,
    /// Packets delivered.
    packets: u64,
    /// Packets in the last batch: the estimate of the next batch's map table.
    last_packets: u32,
    /// The next read needs at least this much room (a record larger than a batch).
    need: usize,
    finished: Option<Finish>,
    /// Batch memory JavaScript holds.
    pub held: Arc<Held>,
    /// Hand the file to a capture thread once its packets are decoded (`into_thread`), which
    /// reads batches of this size.
    promote: Option<usize>,
}

/// What an [`InlineFile`] hands to the capture thread that takes it over.
pub(super) struct Parts {
    pub reader: BlockReader,
    pub link_type: i32,
    pub batch_bytes: usize,
    pub packets: u64,
    pub held: Arc<Held>,
}

/// What one [`InlineFile::fill`] gave.
#[derive(Debug, PartialEq, Eq)]
pub enum InlineFill {
    /// A batch of this many bytes (possibly without packets when a filter rejected a stretch).
    Batch(usize),
    /// The destination was too small for the next record: call again with `size()` bytes.
    Retry,
    /// Nothing more: how the file ended.
    Finished(Finish),
}

impl InlineFile {
    pub fn new(
        reader: BlockReader,
        link_type: i32,
        batch_bytes: usize,
        promote: Option<usize>,
    ) -> Self {
        InlineFile {
            reader,
            link_type,
            batch_bytes,
            structure: AtomicBool::new(false),
            packets: 0,
            last_packets: 0,
            need: 0,
            finished: None,
            held: Arc::default(),
            promote,
        }
    }

    /// Whether the rest of the file should go to a capture thread now that its packets are
    /// decoded (with two CPUs or more, the thread then reads and maps beside JavaScript).
    pub fn promotes(&self) -> bool {
        self.promote.is_some() && self.finished.is_none()
    }

    pub(super) fn into_parts(self) -> Parts {
        Parts {
            reader: self.reader,
            link_type: self.link_type,
            batch_bytes: self.promote.unwrap_or(self.batch_bytes),
            packets: self.packets,
            held: self.held,
        }
    }

    pub fn link_type(&self) -> i32 {
        self.link_type
    }

    /// Packets delivered so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// From the next batch on, batches carry layer maps.
    pub fn enable_structure(&self) {
        self.structure.store(true, Ordering::Relaxed);
    }

    fn maps_on(&self) -> bool {
        self.structure.load(Ordering::Relaxed)
    }

    /// Room for records in the next batch.
    fn records_room(&self) -> usize {
        self.batch_bytes.max(self.need)
    }

    /// Maps the next batch has room for: a quarter more than the last batch's packets.
    fn maps_room(&self) -> u32 {
        if !self.maps_on() {
            return 0;
        }
        (self.last_packets + self.last_packets / 4 + 16).min(MAX_MAPS)
    }

    /// The size of the buffer the next `fill` wants.
    pub fn size(&self) -> usize {
        BATCH_HEADER + self.records_room() + self.maps_room() as usize * MAP_LEN
    }

    /// Reads the next batch into `dst`: the batch header, records, and the map table when maps
    /// are on.
    ///
    /// # Safety
    /// `dst` is valid for writes of `cap` bytes, nothing else accesses them during the call, and
    /// `cap >= self.size()` as it was just before the call.
    pub unsafe fn fill(&mut self, dst: *mut u8, cap: usize) -> InlineFill {
        if let Some(f) = &self.finished {
            return InlineFill::Finished(f.clone());
        }
        let maps = self.maps_room();
        let room = self.records_room();
        let max_packets = if maps > 0 { maps } else { u32::MAX };
        debug_assert!(cap >= BATCH_HEADER + room + maps as usize * MAP_LEN);
        // SAFETY: `dst + BATCH_HEADER .. + room` lies inside the `cap` bytes lent (contract).
        let got = unsafe { self.reader.fill(dst.add(BATCH_HEADER), room, max_packets) };
        match got {
            Fill::Records { packets, len } => {
                self.need = 0;
                self.packets += u64::from(packets);
                if packets > 0 {
                    self.last_packets = packets;
                }
                let records_end = BATCH_HEADER + len;
                let total = records_end
                    + if maps > 0 {
                        packets as usize * MAP_LEN
                    } else {
                        0
                    };
                // SAFETY: the reader initialised `len` bytes after the header; the header, the
                // map table (packets <= maps when maps are on) and the unused room up to `cap`
                // are zeroed here, so no stale heap bytes reach JavaScript and every byte of
                // the slice is initialised.
                let out = unsafe {
                    std::ptr::write_bytes(dst, 0, BATCH_HEADER);
                    std::ptr::write_bytes(dst.add(records_end), 0, cap - records_end);
                    std::slice::from_raw_parts_mut(dst, total)
                };
                let table_at = if maps > 0 && packets > 0 {
                    let (records, table) = out.split_at_mut(records_end);
                    batch::map_records(&records[BATCH_HEADER..], self.link_type, table);
                    records_end
                } else {
                    0
                };
                batch::write_header(out, packets, records_end, table_at);
                InlineFill::Batch(total)
            }
            Fill::NeedRoom(n) => {
                self.need = n;
                InlineFill::Retry
            }
            Fill::End => self.finish(Finish::Eof),
            Fill::Error(e) => self.finish(Finish::Error(e)),
        }
    }

    fn finish(&mut self, how: Finish) -> InlineFill {
        self.finished = Some(how.clone());
        InlineFill::Finished(how)
    }
}
