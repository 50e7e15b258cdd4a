//! What a capture thread runs for a session with flows: the meter, the IPFIX exporter when one
//! is configured, and the records waiting to cross to JavaScript ([`super::wire`]).

use super::ipfix::{ExportStats, Exporter};
use super::{timestamp_ns, wire, Config, FlowRecord, Meter, MeterStats};
use crate::structure::{self, Structure};

/// Flow options of a session.
#[derive(Clone, Debug)]
pub struct FlowOptions {
    pub config: Config,
    /// One record per connection (RFC 5103); `false` splits each into one per direction.
    pub biflow: bool,
    /// IPFIX collector `host:port`.
    pub ipfix: Option<String>,
    /// IPFIX pace in messages per second (0: unpaced).
    pub ipfix_rate: u32,
    /// IPFIX observation domain id.
    pub domain: u32,
    /// Whether records go to JavaScript (`flow` events).
    pub deliver: bool,
}

impl Default for FlowOptions {
    fn default() -> Self {
        FlowOptions {
            config: Config::default(),
            biflow: true,
            ipfix: None,
            ipfix_rate: super::ipfix::DEFAULT_RATE,
            domain: 1,
            deliver: true,
        }
    }
}

/// Splits a biflow into its two directions (RFC 5103 section 5.4's uniflow view): the
/// reverse direction becomes a record of its own, with the key turned around.
fn uniflows(r: FlowRecord, out: &mut Vec<FlowRecord>) {
    let rev = r.rev;
    let mut back = r.clone();
    back.key = r.key.reversed();
    back.fwd = rev;
    back.rev = super::DirCounters::default();
    let mut fwd = r;
    fwd.rev = super::DirCounters::default();
    if fwd.fwd.packets > 0 {
        out.push(fwd);
    }
    if back.fwd.packets > 0 {
        out.push(back);
    }
}

pub struct Pipeline {
    pub meter: Meter,
    exporter: Option<Exporter>,
    biflow: bool,
    deliver: bool,
    /// Records the meter emitted, not yet exported/encoded.
    records: Vec<FlowRecord>,
    /// Encoded records for JavaScript.
    encoded: Vec<u8>,
    pub encoded_records: u32,
    dlt: i32,
    nanosecond: bool,
}

impl Pipeline {
    /// For packets of link type `dlt` whose timestamps are in ns (`nanosecond`) or µs.
    pub fn new(opts: &FlowOptions, dlt: i32, nanosecond: bool) -> Result<Pipeline, String> {
        let exporter = match &opts.ipfix {
            Some(addr) if !addr.is_empty() => {
                let mut e = Exporter::connect(addr, opts.domain, opts.biflow)
                    .map_err(|e| format!("IPFIX collector {addr}: {e}"))?;
                e.rate = opts.ipfix_rate;
                Some(e)
            }
            _ => None,
        };
        Ok(Pipeline {
            meter: Meter::new(opts.config.clone()),
            exporter,
            biflow: opts.biflow,
            deliver: opts.deliver,
            records: Vec::new(),
            encoded: Vec::new(),
            encoded_records: 0,
            dlt,
            nanosecond,
        })
    }

    /// Meters a packet whose layer map is `st`.
    #[inline]
    pub fn packet_with(&mut self, sec: i64, frac: i64, wire_len: u32, data: &[u8], st: &Structure) {
        let ts = timestamp_ns(sec, frac, self.nanosecond);
        self.meter.packet(ts, wire_len, data, st, &mut self.records);
        if !self.records.is_empty() {
            self.drain();
        }
    }

    /// Meters a packet (computing its layer map).
    #[inline]
    pub fn packet(&mut self, sec: i64, frac: i64, wire_len: u32, data: &[u8]) {
        let st = structure::structure(self.dlt, data);
        self.packet_with(sec, frac, wire_len, data, &st);
    }

    /// Expires flows by the clock (a live capture with no packets for a while), `now` in ns.
    pub fn tick(&mut self, now_ns: u64) {
        self.meter.advance(now_ns, &mut self.records);
        self.drain();
    }

    /// End of the capture: every open flow ends, the exporter sends what it holds.
    pub fn finish(&mut self) {
        self.meter.finish(&mut self.records);
        self.drain();
        if let Some(e) = self.exporter.as_mut() {
            e.flush();
        }
    }

    /// Sends the exporter's partial message (e.g. when a live capture goes quiet).
    pub fn flush_export(&mut self) {
        if let Some(e) = self.exporter.as_mut() {
            e.flush();
        }
    }

    fn drain(&mut self) {
        let records = std::mem::take(&mut self.records);
        let mut split = Vec::new();
        let list = if self.biflow {
            records
        } else {
            for r in records {
                uniflows(r, &mut split);
            }
            split
        };
        for r in &list {
            if let Some(e) = self.exporter.as_mut() {
                e.add(r);
            }
            if self.deliver {
                wire::encode(r, &mut self.encoded);
                self.encoded_records += 1;
            }
        }
        self.records = list;
        self.records.clear();
    }

    /// Whether records are encoded for JavaScript from now on.
    pub fn set_deliver(&mut self, on: bool) {
        self.deliver = on;
    }

    /// Bytes of encoded records waiting for JavaScript.
    pub fn pending_bytes(&self) -> usize {
        self.encoded.len()
    }

    /// Takes the encoded records waiting for JavaScript.
    pub fn take_encoded(&mut self) -> Option<(Vec<u8>, u32)> {
        if self.encoded.is_empty() {
            return None;
        }
        let n = std::mem::replace(&mut self.encoded_records, 0);
        Some((std::mem::take(&mut self.encoded), n))
    }

    /// The active flows, encoded (`EndReason::Snapshot`, or FIN/RST for closed connections).
    pub fn snapshot_encoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut split = Vec::new();
        for r in self.meter.snapshot() {
            if self.biflow {
                wire::encode(&r, &mut out);
            } else {
                uniflows(r, &mut split);
            }
        }
        for r in &split {
            wire::encode(r, &mut out);
        }
        out
    }

    pub fn meter_stats(&self) -> MeterStats {
        self.meter.stats
    }

    pub fn export_stats(&self) -> Option<ExportStats> {
        self.exporter.as_ref().map(|e| e.stats)
    }
}

/// `EndReason` by its wire value, for tests and tools.
pub fn reason_name(v: u8) -> &'static str {
    wire::REASONS.get(usize::from(v)).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::super::EndReason;
    use super::*;

    #[test]
    fn uniflow_split_and_delivery() {
        let opts = FlowOptions {
            biflow: false,
            ..FlowOptions::default()
        };
        let mut p = Pipeline::new(&opts, 1, false).expect("pipeline");
        // Two UDP packets, one each way.
        let udp = |from_a: bool| {
            let (s, d) = if from_a { (1u8, 2u8) } else { (2, 1) };
            let mut f = vec![0u8; 12];
            f.extend_from_slice(&[0x08, 0x00, 0x45, 0, 0, 29, 0, 1, 0x40, 0, 64, 17, 0, 0]);
            f.extend_from_slice(&[10, 0, 0, s, 10, 0, 0, d]);
            let (sp, dp) = if from_a {
                (1000u16, 2000u16)
            } else {
                (2000, 1000)
            };
            f.extend_from_slice(&sp.to_be_bytes());
            f.extend_from_slice(&dp.to_be_bytes());
            f.extend_from_slice(&[0, 9, 0, 0, b'x']);
            f
        };
        p.packet(1, 0, 43, &udp(true));
        p.packet(2, 0, 43, &udp(false));
        assert!(p.take_encoded().is_none());
        assert_eq!(p.snapshot_encoded().len() % 8, 0);
        p.finish();
        let (bytes, n) = p.take_encoded().expect("records");
        assert_eq!(n, 2);
        let first_len = usize::from(u16::from_le_bytes([bytes[0], bytes[1]]));
        assert_eq!(
            reason_name(bytes[wire::REASON]),
            EndReason::EndOfCapture.name()
        );
        assert_eq!(
            u16::from_le_bytes([bytes[wire::SPORT], bytes[wire::SPORT + 1]]),
            1000
        );
        let second = &bytes[first_len..];
        assert_eq!(
            u16::from_le_bytes([second[wire::SPORT], second[wire::SPORT + 1]]),
            2000
        );
    }
}
