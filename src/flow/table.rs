//! The flow table: flows in a slab, found through a hash table of slab indices (hashbrown's
//! `HashTable`, keyed by a hash both orientations of a key share, seeded at random by ahash so
//! that crafted traffic cannot aim at one bucket), and kept on intrusive lists for expiry:
//! - `lru`: open flows in the order they were last linked (idle timeout, eviction). A packet
//!   does not move its flow: a flow is moved to the tail only when it reaches the head and
//!   has seen packets since it was linked (a second chance, as CLOCK does), so the list costs
//!   nothing per packet and the head is still a least recently active flow;
//! - `closing`: closed TCP connections, oldest close first (`close_ns` linger);
//! - `age`: open flows by the start of their current record (active timeout).
//!
//! Each check on a packet looks only at list heads, so expiry costs O(1) per packet.

use hashbrown::HashTable;

use super::hints::{self, Hints};
use super::key::{self, tcpflag, FlowKey, KeyHasher, Skip};
use super::tcp::{self, af, Handshake, TcpDir};
use super::{Config, DirCounters, EndReason, FlowRecord};
use crate::structure::Structure;

const NIL: u32 = u32::MAX;
/// Capture time between two looks at the expiry lists.
const EXPIRY_STEP_NS: u64 = 1_000_000;

// Flow state bits.
const FIN_FWD: u8 = 1;
const FIN_REV: u8 = 2;
const RST: u8 = 4;
/// On the closing list (not on `lru`/`age`).
const CLOSED: u8 = 8;
const HINTS_FWD: u8 = 16;
const HINTS_REV: u8 = 32;
/// No packet since the last active-timeout record.
const EMPTY: u8 = 64;

#[derive(Clone, Copy, Default)]
struct Links {
    prev: u32,
    next: u32,
}

#[derive(Clone, Copy)]
struct List {
    head: u32,
    tail: u32,
}

impl List {
    const fn new() -> Self {
        List {
            head: NIL,
            tail: NIL,
        }
    }
}

/// One open flow. Its size is what a flow costs (see `bytes_per_flow`).
struct Flow {
    key: FlowKey,
    id: u64,
    first_ns: u64,
    last_ns: u64,
    /// Start of the current record (open flows) or the time it closed (closing flows).
    age_ns: u64,
    /// `last_ns` when the flow was last linked at the tail of `lru`.
    linked_ns: u64,
    dir: [DirCounters; 2],
    tcp: [TcpDir; 2],
    hs: Handshake,
    hints: Option<Box<Hints>>,
    /// `lru` or `closing` links, then `age` links.
    links: [Links; 2],
    state: u8,
}

/// Meter counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MeterStats {
    pub packets: u64,
    /// Packets that were not IPv4/IPv6.
    pub non_ip: u64,
    /// IP packets whose IP header was cut or invalid.
    pub malformed: u64,
    pub flows_created: u64,
    /// Flows ended early to make room (`max_flows`).
    pub evicted: u64,
    /// Records emitted.
    pub records: u64,
}

/// The flow meter.
pub struct Meter {
    cfg: Config,
    flows: Vec<Flow>,
    free: Vec<u32>,
    index: HashTable<u32>,
    hasher: KeyHasher,
    lru: List,
    closing: List,
    age: List,
    now: u64,
    /// When `advance` looks at the lists next.
    next_check: u64,
    next_id: u64,
    pub stats: MeterStats,
}

fn is_dns_port(p: u16) -> bool {
    p == 53 || p == 5353 || p == 5355
}

impl Meter {
    pub fn new(cfg: Config) -> Self {
        let cfg = Config {
            max_flows: cfg.max_flows.clamp(1, NIL as usize - 1),
            ..cfg
        };
        Meter {
            cfg,
            flows: Vec::new(),
            free: Vec::new(),
            index: HashTable::new(),
            hasher: KeyHasher::new(),
            lru: List::new(),
            closing: List::new(),
            age: List::new(),
            now: 0,
            next_check: 0,
            next_id: 1,
            stats: MeterStats::default(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Flows held now.
    pub fn active(&self) -> usize {
        self.flows.len() - self.free.len()
    }

    /// Memory one flow takes in the slab (the hash table adds 4 bytes and a control byte per
    /// bucket; hints, when found, a small heap block).
    pub const fn bytes_per_flow() -> usize {
        std::mem::size_of::<Flow>()
    }

    // ---- lists ----

    fn unlink(&mut self, which: usize, list: fn(&mut Meter) -> &mut List, i: u32) {
        let Links { prev, next } = self.flows[i as usize].links[which];
        if prev == NIL {
            list(self).head = next;
        } else {
            self.flows[prev as usize].links[which].next = next;
        }
        if next == NIL {
            list(self).tail = prev;
        } else {
            self.flows[next as usize].links[which].prev = prev;
        }
    }

    fn push_back(&mut self, which: usize, list: fn(&mut Meter) -> &mut List, i: u32) {
        let tail = list(self).tail;
        self.flows[i as usize].links[which] = Links {
            prev: tail,
            next: NIL,
        };
        if tail == NIL {
            list(self).head = i;
        } else {
            self.flows[tail as usize].links[which].next = i;
        }
        list(self).tail = i;
    }

    /// Moves an open flow to the tail of `lru`.
    fn relink(&mut self, i: u32) {
        self.unlink(0, Self::lru, i);
        let f = &mut self.flows[i as usize];
        f.linked_ns = f.last_ns;
        self.push_back(0, Self::lru, i);
    }

    fn lru(m: &mut Meter) -> &mut List {
        &mut m.lru
    }
    fn closing(m: &mut Meter) -> &mut List {
        &mut m.closing
    }
    fn age(m: &mut Meter) -> &mut List {
        &mut m.age
    }

    // ---- records ----

    fn record(f: &Flow, end: EndReason) -> FlowRecord {
        FlowRecord {
            id: f.id,
            key: f.key,
            first_ns: f.first_ns,
            last_ns: f.last_ns,
            end,
            fwd: f.dir[0],
            rev: f.dir[1],
            rtt_ns: f.hs.rtt_ns,
            rtt_client_ns: f.hs.client_ns,
            rtt_server_ns: f.hs.server_ns,
            hints: f.hints.clone(),
        }
    }

    fn emit(&mut self, i: u32, end: EndReason, out: &mut Vec<FlowRecord>) {
        let f = &self.flows[i as usize];
        if f.state & EMPTY == 0 {
            out.push(Self::record(f, end));
            self.stats.records += 1;
        }
    }

    /// The reason a flow that ends now gets.
    fn reason(&self, i: u32, otherwise: EndReason) -> EndReason {
        let s = self.flows[i as usize].state;
        if s & RST != 0 {
            EndReason::Rst
        } else if s & (FIN_FWD | FIN_REV) == FIN_FWD | FIN_REV {
            EndReason::Fin
        } else {
            otherwise
        }
    }

    /// Ends flow `i`: emits its record and frees its slot.
    fn remove(&mut self, i: u32, end: EndReason, out: &mut Vec<FlowRecord>) {
        self.emit(i, end, out);
        let f = &self.flows[i as usize];
        if f.state & CLOSED != 0 {
            self.unlink(0, Self::closing, i);
        } else {
            self.unlink(0, Self::lru, i);
            self.unlink(1, Self::age, i);
        }
        let hash = self.flows[i as usize].key.symmetric_hash(&self.hasher);
        if let Ok(e) = self.index.find_entry(hash, |&j| j == i) {
            e.remove();
        }
        self.flows[i as usize].hints = None;
        self.free.push(i);
    }

    /// Expires what is due at `now` (ns): idle flows, closed connections past their linger,
    /// records past the active timeout.
    #[inline]
    pub fn advance(&mut self, now: u64, out: &mut Vec<FlowRecord>) {
        if now > self.now {
            self.now = now;
        }
        // Timeouts are seconds long: looking once per millisecond of capture time is enough.
        if self.now >= self.next_check {
            self.next_check = self.now.saturating_add(EXPIRY_STEP_NS);
            self.expire(out);
        }
    }

    #[inline(never)]
    fn expire(&mut self, out: &mut Vec<FlowRecord>) {
        let now = self.now;
        while self.lru.head != NIL {
            let i = self.lru.head;
            let f = &self.flows[i as usize];
            if f.last_ns.saturating_add(self.cfg.idle_ns) <= now {
                self.remove(i, EndReason::Idle, out);
            } else if f.last_ns > f.linked_ns {
                // Active since it was linked: to the tail, in the order of its last packet.
                self.relink(i);
            } else {
                // Every flow behind was linked later, with a packet no older: none is idle.
                break;
            }
        }
        while self.closing.head != NIL {
            let i = self.closing.head;
            if self.flows[i as usize]
                .age_ns
                .saturating_add(self.cfg.close_ns)
                > now
            {
                break;
            }
            let end = self.reason(i, EndReason::Fin);
            self.remove(i, end, out);
        }
        while self.age.head != NIL {
            let i = self.age.head;
            if self.flows[i as usize]
                .age_ns
                .saturating_add(self.cfg.active_ns)
                > now
            {
                break;
            }
            self.emit(i, EndReason::Active, out);
            let f = &mut self.flows[i as usize];
            for d in &mut f.dir {
                *d = DirCounters {
                    mss: d.mss,
                    wscale: d.wscale,
                    ..DirCounters::default()
                };
            }
            f.state |= EMPTY;
            f.age_ns = now;
            self.unlink(1, Self::age, i);
            self.push_back(1, Self::age, i);
        }
    }

    /// Ends every flow (end of capture): closed connections with their FIN/RST, the rest
    /// `EndOfCapture`, oldest first.
    pub fn finish(&mut self, out: &mut Vec<FlowRecord>) {
        while self.closing.head != NIL {
            let i = self.closing.head;
            let end = self.reason(i, EndReason::Fin);
            self.remove(i, end, out);
        }
        while self.age.head != NIL {
            let i = self.age.head;
            self.remove(i, EndReason::EndOfCapture, out);
        }
    }

    /// Records of the flows held now (`EndReason::Snapshot`, or FIN/RST for closed ones), oldest
    /// first. Nothing changes.
    pub fn snapshot(&self) -> Vec<FlowRecord> {
        let mut v = Vec::with_capacity(self.active());
        for (list, which) in [(self.closing, 0), (self.age, 1)] {
            let mut i = list.head;
            while i != NIL {
                let f = &self.flows[i as usize];
                if f.state & EMPTY == 0 {
                    v.push(Self::record(f, self.reason(i, EndReason::Snapshot)));
                }
                i = f.links[which].next;
            }
        }
        v
    }

    fn allocate(&mut self, key: FlowKey, ts: u64, out: &mut Vec<FlowRecord>) -> u32 {
        if self.active() >= self.cfg.max_flows {
            if self.closing.head != NIL {
                let i = self.closing.head;
                let end = self.reason(i, EndReason::Fin);
                self.remove(i, end, out);
            } else {
                // The least recently active flow: the head, once heads with packets since
                // they were linked have had their second chance.
                while self.lru.head != NIL {
                    let i = self.lru.head;
                    let f = &self.flows[i as usize];
                    if f.last_ns > f.linked_ns {
                        self.relink(i);
                        continue;
                    }
                    self.stats.evicted += 1;
                    self.remove(i, EndReason::Evicted, out);
                    break;
                }
            }
        }
        let flow = Flow {
            key,
            id: self.next_id,
            first_ns: ts,
            last_ns: ts,
            age_ns: ts,
            linked_ns: ts,
            dir: [DirCounters {
                wscale: -1,
                ..DirCounters::default()
            }; 2],
            tcp: [TcpDir::default(); 2],
            hs: Handshake::default(),
            hints: None,
            links: [Links::default(); 2],
            state: 0,
        };
        self.next_id += 1;
        self.stats.flows_created += 1;
        let i = match self.free.pop() {
            Some(i) => {
                self.flows[i as usize] = flow;
                i
            }
            None => {
                self.flows.push(flow);
                (self.flows.len() - 1) as u32
            }
        };
        let hasher = &self.hasher;
        let flows = &self.flows;
        self.index
            .insert_unique(key.symmetric_hash(hasher), i, |&j| {
                flows[j as usize].key.symmetric_hash(hasher)
            });
        self.push_back(0, Self::lru, i);
        self.push_back(1, Self::age, i);
        i
    }

    /// Meters one packet of link type data `data` (its layer map `st`), captured at `ts` ns with
    /// `wire_len` bytes on the wire. Records that end meanwhile are appended to `out`.
    pub fn packet(
        &mut self,
        ts: u64,
        wire_len: u32,
        data: &[u8],
        st: &Structure,
        out: &mut Vec<FlowRecord>,
    ) {
        self.stats.packets += 1;
        self.advance(ts, out);
        let mut p = key::Parsed::default();
        match key::parse(data, wire_len, st, &mut p) {
            Ok(()) => {}
            Err(Skip::NotIp) => {
                self.stats.non_ip += 1;
                return;
            }
            Err(Skip::Malformed) => {
                self.stats.malformed += 1;
                return;
            }
        };
        let k = p.key;
        let hash = k.symmetric_hash(&self.hasher);
        let flows = &self.flows;
        let found = self
            .index
            .find(hash, |&j| flows[j as usize].key.matches(&k))
            .copied();
        let (i, d) = match found {
            Some(i) => {
                let d = usize::from(self.flows[i as usize].key != k);
                match p.tcp {
                    Some(seg) if tcp::is_new_connection(&self.flows[i as usize].tcp[d], &seg) => {
                        let end = self.reason(i, EndReason::Reused);
                        self.remove(i, end, out);
                        (self.allocate(k, ts, out), 0)
                    }
                    _ => (i, d),
                }
            }
            None => {
                // A SYN+ACK seen first: its receiver opened the connection.
                let synack = p.tcp.is_some_and(|t| {
                    t.flags & (tcpflag::SYN | tcpflag::ACK) == tcpflag::SYN | tcpflag::ACK
                });
                if synack {
                    (self.allocate(k.reversed(), ts, out), 1)
                } else {
                    (self.allocate(k, ts, out), 0)
                }
            }
        };
        let f = &mut self.flows[i as usize];
        if f.state & EMPTY != 0 {
            f.state &= !EMPTY;
            f.first_ns = ts;
        }
        if ts > f.last_ns {
            f.last_ns = ts;
        }
        let c = &mut f.dir[d];
        c.packets += 1;
        c.bytes += p.bytes;
        if let Some(icmp) = p.icmp {
            c.icmp.get_or_insert(icmp);
        }
        let mut closes = false;
        if let Some(seg) = p.tcp {
            c.tcp_flags |= seg.flags;
            if seg.flags & tcpflag::SYN != 0 {
                if seg.mss != 0 {
                    c.mss = seg.mss;
                }
                if seg.wscale >= 0 {
                    c.wscale = seg.wscale;
                }
            }
            let [a, b] = &mut f.tcp;
            let (fwd, rev) = if d == 0 { (a, b) } else { (b, a) };
            let fl = tcp::analyze(fwd, rev, &mut f.hs, &seg, ts);
            let c = &mut f.dir[d];
            if fl & af::ANY_RETRANSMISSION != 0 {
                c.retrans_packets += 1;
                c.retrans_bytes += u64::from(seg.seglen);
            }
            if fl & af::OUT_OF_ORDER != 0 {
                c.out_of_order += 1;
            }
            if fl & af::ZERO_WINDOW != 0 {
                c.zero_window += 1;
            }
            if fl & af::DUPLICATE_ACK != 0 {
                c.dup_acks += 1;
            }
            let before = f.state;
            if seg.flags & tcpflag::RST != 0 {
                f.state |= RST;
            }
            if seg.flags & tcpflag::FIN != 0 {
                f.state |= if d == 0 { FIN_FWD } else { FIN_REV };
            }
            let done = |s: u8| s & RST != 0 || s & (FIN_FWD | FIN_REV) == FIN_FWD | FIN_REV;
            closes = done(f.state) && !done(before) && f.state & CLOSED == 0;
        }
        let hint_bit = if d == 0 { HINTS_FWD } else { HINTS_REV };
        if self.cfg.hints && !p.payload.is_empty() && f.state & hint_bit == 0 {
            f.state |= hint_bit;
            let mut h = f.hints.take().map(|b| *b).unwrap_or_default();
            let dns = is_dns_port(k.sport) || is_dns_port(k.dport);
            hints::inspect(&mut h, p.payload, p.tcp.is_some(), dns);
            if !h.is_empty() {
                f.hints = Some(Box::new(h));
            }
        }
        if closes {
            self.unlink(0, Self::lru, i);
            self.unlink(1, Self::age, i);
            let f = &mut self.flows[i as usize];
            f.state |= CLOSED;
            f.age_ns = ts.max(self.now);
            self.push_back(0, Self::closing, i);
        }
    }
}
