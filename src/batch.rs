//! The batch: the unit of packets handed from Rust to JavaScript.
//!
//! A batch is one block of memory, little-endian, no padding:
//!
//! ```text
//! batch header (BATCH_HEADER bytes): packets u32 | records_end u32 | maps u32 | flags u32
//! records from BATCH_HEADER to records_end: [tv_sec | tv_usec | caplen | len] then caplen bytes
//! map table at `maps` (0: none): MAP_LEN bytes per packet, in record order
//! ```
//!
//! A record is exactly a classic pcap file's record with node_pcap's header layout (u32 fields,
//! microseconds or nanoseconds), so a pcap file written on a little-endian machine is read into a
//! batch as it lies on disk (`crate::pcapfile`), and a packet from libpcap is appended with
//! [`BatchBuilder::push`]. The layer maps (`crate::structure`) are computed for a whole batch at
//! once, after its records ([`append_maps`]), once JavaScript decodes the session's packets.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::error::CapError;
use crate::structure::{self, MAP_LEN};

/// node_pcap's packet header: tv_sec, tv_usec, caplen, len.
pub const PCAP_HEADER: usize = 16;
/// Bytes before a packet's data in a record: the pcap header.
pub const RECORD_HEADER: usize = PCAP_HEADER;
/// Bytes before the first record of a batch.
pub const BATCH_HEADER: usize = 16;

/// Where each field lies in a record (u32 little-endian fields, then the data).
pub mod record {
    pub const TV_SEC: usize = 0;
    pub const TV_USEC: usize = 4;
    pub const CAPLEN: usize = 8;
    pub const LEN: usize = 12;
    /// The packet's captured bytes.
    pub const DATA: usize = super::RECORD_HEADER;
}

/// Where each field of the batch header lies (u32 little-endian).
pub mod header {
    /// Packets in the batch.
    pub const PACKETS: usize = 0;
    /// Offset just past the last record.
    pub const RECORDS_END: usize = 4;
    /// Offset of the map table, 0 when the batch carries no maps.
    pub const MAPS: usize = 8;
    /// [`flag`] bits.
    pub const FLAGS: usize = 12;
}

/// Bits of the batch header's FLAGS field.
pub mod flag {
    /// Deliver each packet as a copy of its own, not as a view into the batch (see [`Held`]).
    pub const COPY: u32 = 1;
}

/// Batch memory handed to JavaScript and not yet collected, beyond which packets are delivered
/// as copies of their own (until it is back under half of this). A program that keeps nothing
/// stays well below: the batches of one garbage-collection interval and one event-loop turn.
pub const RETAINED_LIMIT: usize = 32 << 20;

/// Bytes of batches JavaScript holds (lent, not yet finalized), and whether packets are copied.
#[derive(Debug, Default)]
pub struct Held {
    bytes: AtomicUsize,
    copying: AtomicBool,
}

impl Held {
    /// Counts a batch of `n` bytes handed to JavaScript; returns the FLAGS its header gets.
    pub fn lend(&self, n: usize) -> u32 {
        let held = self.bytes.fetch_add(n, Ordering::Relaxed) + n;
        let was = self.copying.load(Ordering::Relaxed);
        let copying = held
            > if was {
                RETAINED_LIMIT / 2
            } else {
                RETAINED_LIMIT
            };
        self.copying.store(copying, Ordering::Relaxed);
        if copying {
            flag::COPY
        } else {
            0
        }
    }

    /// A batch of `n` bytes was collected.
    pub fn give_back(&self, n: usize) {
        self.bytes.fetch_sub(n, Ordering::Relaxed);
    }

    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }
}

/// Sets the FLAGS field of a batch's header.
pub fn set_flags(block: &mut [u8], bits: u32) {
    put_u32(block, header::FLAGS, bits);
}

fn put_u32(d: &mut [u8], at: usize, v: u32) {
    d[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// The little-endian u32 at `at` of a batch or record run (header and record fields).
pub fn get_u32(d: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([d[at], d[at + 1], d[at + 2], d[at + 3]])
}

/// Writes the batch header of `block` (which starts with BATCH_HEADER bytes of room).
pub fn write_header(block: &mut [u8], packets: u32, records_end: usize, maps: usize) {
    put_u32(block, header::PACKETS, packets);
    put_u32(
        block,
        header::RECORDS_END,
        u32::try_from(records_end).unwrap_or(u32::MAX),
    );
    put_u32(block, header::MAPS, u32::try_from(maps).unwrap_or(0));
    put_u32(block, header::FLAGS, 0);
}

/// The records of `records` (a run of whole records): (offset of the record, caplen).
pub fn walk(records: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut off = 0usize;
    std::iter::from_fn(move || {
        if off + RECORD_HEADER > records.len() {
            return None;
        }
        let caplen = get_u32(records, off + record::CAPLEN) as usize;
        let at = off;
        off += RECORD_HEADER + caplen;
        Some((at, caplen))
    })
}

/// Computes the layer map of every record in `block[BATCH_HEADER..records_end]` (packets of link
/// type `dlt`), appends the table to `block` and returns its offset.
pub fn append_maps(block: &mut Vec<u8>, records_end: usize, packets: u32, dlt: i32) -> usize {
    let at = block.len();
    block.resize(at + packets as usize * MAP_LEN, 0);
    let (records, table) = block.split_at_mut(at);
    map_records(&records[BATCH_HEADER..records_end], dlt, table);
    at
}

/// Writes the layer maps of `records` (a run of whole records of link type `dlt`) into `table`,
/// one after the other, as far as it has room. Returns the maps written.
pub fn map_records(records: &[u8], dlt: i32, table: &mut [u8]) -> usize {
    let mut n = 0;
    for ((off, caplen), out) in walk(records).zip(table.chunks_exact_mut(MAP_LEN)) {
        let start = off + RECORD_HEADER;
        let mut map = [0u8; MAP_LEN];
        structure::structure(dlt, &records[start..start + caplen]).encode(caplen, &mut map);
        out.copy_from_slice(&map);
        n += 1;
    }
    n
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

/// One block of packet records with its batch header written, or flow records, or (without
/// records) an error that JavaScript receives in its place in the stream of packets: a write
/// error of the session's dump file (`crate::writer`).
#[derive(Debug, Default)]
pub struct Batch {
    pub data: Vec<u8>,
    pub packets: u32,
    /// Flow records (`crate::flow::wire`) rather than packet records.
    pub flows: bool,
    pub fault: Option<CapError>,
}

impl Batch {
    /// Offset just past the last record.
    pub fn records_end(&self) -> usize {
        get_u32(&self.data, header::RECORDS_END) as usize
    }

    /// Offset of the map table, if the batch carries maps.
    pub fn maps(&self) -> Option<usize> {
        match get_u32(&self.data, header::MAPS) as usize {
            0 => None,
            at => Some(at),
        }
    }
}

/// Accumulates records (from libpcap) until a batch is full.
#[derive(Debug)]
pub struct BatchBuilder {
    data: Vec<u8>,
    packets: u32,
    limit: usize,
    pool: Arc<Pool>,
    /// Layer maps the caller computed already (the flow meter parses every packet), one per
    /// record while every record came with one.
    known_maps: Vec<u8>,
}

impl BatchBuilder {
    pub fn new(limit: usize, pool: Arc<Pool>) -> Self {
        let mut data = pool.get(limit);
        data.resize(BATCH_HEADER, 0);
        BatchBuilder {
            data,
            packets: 0,
            limit,
            pool,
            known_maps: Vec::new(),
        }
    }

    /// Notes the layer map of the record just pushed, when the caller has it: `take` then uses
    /// it rather than computing it again (as long as every record of the batch came with one).
    pub fn known_map(&mut self, map: &[u8; MAP_LEN]) {
        if self.known_maps.len() + MAP_LEN == self.packets as usize * MAP_LEN {
            self.known_maps.extend_from_slice(map);
        }
    }

    /// Appends one record. Timestamps are truncated to u32 as in node_pcap's header layout.
    pub fn push(&mut self, tv_sec: i64, tv_usec: i64, len: u32, data: &[u8]) {
        let caplen = u32::try_from(data.len()).unwrap_or(u32::MAX);
        let data = &data[..caplen as usize];
        let mut head = [0u8; RECORD_HEADER];
        put_u32(&mut head, record::TV_SEC, tv_sec as u32);
        put_u32(&mut head, record::TV_USEC, tv_usec as u32);
        put_u32(&mut head, record::CAPLEN, caplen);
        put_u32(&mut head, record::LEN, len);
        let d = &mut self.data;
        d.reserve(RECORD_HEADER + data.len());
        d.extend_from_slice(&head);
        d.extend_from_slice(data);
        self.packets += 1;
    }

    /// Whether a packet of `caplen` bytes fits without growing the block (an empty batch takes
    /// any packet).
    pub fn fits(&self, caplen: usize) -> bool {
        self.is_empty() || self.data.len() + RECORD_HEADER + caplen <= self.limit
    }

    pub fn is_full(&self) -> bool {
        self.data.len() >= self.limit
    }

    pub fn is_empty(&self) -> bool {
        self.packets == 0
    }

    /// Takes the current batch (with the layer maps of its packets, of link type `dlt`, when
    /// `maps`) and starts a new one. A batch that fills less than a quarter of its block (a live
    /// capture delivering every few packets) leaves as a right-sized copy and the block stays
    /// for the next one, so that queued batches hold about the memory they are counted for (the
    /// queue counts capacity).
    pub fn take(&mut self, maps: Option<i32>) -> Batch {
        let packets = self.packets;
        let records_end = self.data.len();
        let mut data = if self.data.len() <= self.limit / 4 {
            let mut small = Vec::with_capacity(
                self.data.len() + maps.map_or(0, |_| packets as usize * MAP_LEN),
            );
            small.extend_from_slice(&self.data);
            self.data.truncate(BATCH_HEADER);
            small
        } else {
            let mut fresh = self.pool.get(self.limit);
            fresh.resize(BATCH_HEADER, 0);
            std::mem::replace(&mut self.data, fresh)
        };
        self.packets = 0;
        let table = match maps {
            None => 0,
            Some(_) if self.known_maps.len() == packets as usize * MAP_LEN => {
                data.extend_from_slice(&self.known_maps);
                records_end
            }
            Some(dlt) => append_maps(&mut data, records_end, packets, dlt),
        };
        self.known_maps.clear();
        write_header(&mut data, packets, records_end, table);
        Batch {
            data,
            packets,
            ..Batch::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_layout_is_node_pcap_header_then_data_after_the_batch_header() {
        let mut b = BatchBuilder::new(1024, Arc::new(Pool::new(0, 0)));
        b.push(0x0102_0304, 5, 60, &[0xaa, 0xbb]);
        b.push(1, 2, 3, &[0xcc]);
        let batch = b.take(None);
        assert_eq!(batch.packets, 2);
        let mut want = vec![2, 0, 0, 0, 51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        want.extend_from_slice(&[4, 3, 2, 1, 5, 0, 0, 0, 2, 0, 0, 0, 60, 0, 0, 0, 0xaa, 0xbb]);
        want.extend_from_slice(&[1, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0xcc]);
        assert_eq!(batch.data, want);
        assert_eq!(batch.records_end(), want.len());
        assert_eq!(batch.maps(), None);
        assert!(b.is_empty());
    }

    /// An Ethernet frame with IPv4 and a TCP header (no payload).
    fn tcp4_frame() -> Vec<u8> {
        let mut f = vec![0u8; 14 + 20 + 20];
        f[12] = 0x08; // IPv4
        f[14] = 0x45;
        f[16..18].copy_from_slice(&40u16.to_be_bytes());
        f[22] = 64;
        f[23] = 6;
        f[46] = 0x50; // TCP header length 20
        f
    }

    #[test]
    fn maps_follow_the_records_one_per_packet() {
        let frame = tcp4_frame();
        let mut b = BatchBuilder::new(1 << 16, Arc::new(Pool::new(0, 0)));
        b.push(1, 0, frame.len() as u32, &frame);
        b.push(2, 0, 10, &frame[..10]);
        let batch = b.take(Some(crate::structure::dlt::ETHERNET));
        let at = batch.maps().expect("maps");
        assert_eq!(at, batch.records_end());
        assert_eq!(batch.data.len(), at + 2 * MAP_LEN);
        for (i, (off, caplen)) in walk(&batch.data[BATCH_HEADER..at]).enumerate() {
            let start = BATCH_HEADER + off + RECORD_HEADER;
            let mut want = [0u8; MAP_LEN];
            structure::structure(1, &batch.data[start..start + caplen]).encode(caplen, &mut want);
            assert_eq!(&batch.data[at + i * MAP_LEN..at + (i + 1) * MAP_LEN], &want);
            assert_eq!(want[0], structure::MAGIC);
        }
        let mut table = vec![0u8; 3 * MAP_LEN];
        assert_eq!(map_records(&batch.data[BATCH_HEADER..at], 1, &mut table), 2);
        assert_eq!(&table[..2 * MAP_LEN], &batch.data[at..]);
        let mut short = vec![0u8; MAP_LEN];
        assert_eq!(map_records(&batch.data[BATCH_HEADER..at], 1, &mut short), 1);
    }

    #[test]
    fn maps_the_caller_knows_are_used_when_every_record_has_one() {
        let frame = tcp4_frame();
        let mut b = BatchBuilder::new(1 << 16, Arc::new(Pool::new(0, 0)));
        let marked = [0x5a; MAP_LEN];
        b.push(1, 0, frame.len() as u32, &frame);
        b.known_map(&marked);
        b.push(2, 0, frame.len() as u32, &frame);
        b.known_map(&marked);
        let batch = b.take(Some(1));
        let at = batch.maps().expect("maps");
        assert!(
            batch.data[at..].iter().all(|&x| x == 0x5a),
            "the known maps, not computed ones"
        );
        // One record without a known map: all are computed.
        b.push(1, 0, frame.len() as u32, &frame);
        b.push(2, 0, frame.len() as u32, &frame);
        b.known_map(&marked);
        let batch = b.take(Some(1));
        let at = batch.maps().expect("maps");
        assert_eq!(batch.data[at], structure::MAGIC);
        assert_eq!(batch.data[at + MAP_LEN], structure::MAGIC);
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
        b.push(1, 2, 3, &[9]);
        let batch = b.take(None);
        assert_eq!(batch.data.as_ptr(), ptr);
        assert_eq!(batch.data.len(), BATCH_HEADER + RECORD_HEADER + 1);
    }

    #[test]
    fn fits_within_the_block() {
        let limit = BATCH_HEADER + 2 * RECORD_HEADER + 28;
        let mut b = BatchBuilder::new(limit, Arc::new(Pool::new(0, 0)));
        assert!(b.fits(1000), "an empty batch takes any packet");
        b.push(0, 0, 10, &[0; 10]); // another record of 18 data bytes fills the block
        assert!(b.fits(18));
        assert!(!b.fits(19));
    }

    #[test]
    fn a_small_batch_leaves_as_a_right_sized_copy_and_the_block_stays() {
        let limit = 64 * 1024;
        let mut b = BatchBuilder::new(limit, Arc::new(Pool::new(0, limit)));
        b.push(1, 2, 60, &[7; 60]);
        let block = b.data.as_ptr();
        let batch = b.take(None);
        assert_eq!(batch.packets, 1);
        assert_eq!(batch.data.len(), BATCH_HEADER + RECORD_HEADER + 60);
        assert_eq!(batch.data.capacity(), BATCH_HEADER + RECORD_HEADER + 60);
        assert_eq!(&batch.data[BATCH_HEADER + RECORD_HEADER..], &[7; 60][..]);
        assert!(b.is_empty());
        assert_eq!(b.data.as_ptr(), block, "the builder keeps its block");
        assert_eq!(b.data.len(), BATCH_HEADER);
        assert!(b.data.capacity() >= limit);
    }

    #[test]
    fn a_full_batch_leaves_in_its_block() {
        let limit = BATCH_HEADER + 4 * (RECORD_HEADER + 100);
        let mut b = BatchBuilder::new(limit, Arc::new(Pool::new(0, limit)));
        let block = b.data.as_ptr();
        for i in 0..4 {
            b.push(i, 0, 100, &[1; 100]);
        }
        assert!(b.is_full());
        let batch = b.take(None);
        assert_eq!(batch.packets, 4);
        assert_eq!(batch.data.as_ptr(), block);
        assert_ne!(b.data.as_ptr(), block);
    }

    #[test]
    fn held_batches_beyond_the_limit_turn_copies_on_until_half_are_back() {
        let held = Held::default();
        assert_eq!(held.lend(RETAINED_LIMIT), 0);
        assert_eq!(held.lend(1), flag::COPY);
        held.give_back(RETAINED_LIMIT / 4);
        assert_eq!(held.lend(1), flag::COPY, "still above half");
        held.give_back(RETAINED_LIMIT / 2);
        assert_eq!(held.lend(1), 0);
        assert_eq!(held.bytes(), RETAINED_LIMIT / 4 + 3);
    }

    #[test]
    fn the_pool_keeps_only_whole_blocks() {
        let pool = Pool::new(4, 1024);
        pool.put(Vec::with_capacity(100));
        assert!(pool.is_empty());
        pool.put(Vec::with_capacity(1024));
        assert_eq!(pool.len(), 1);
    }
}
