//! The flow meter's part of the Node-API layer: the `flows` option, `flows()`, `flowStats()`
//! and the record layout JavaScript decodes with (`crate::flow::wire`).

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::session::NativeSession;
use crate::capture::lock_flows;
use crate::flow::pipeline::FlowOptions;
use crate::flow::{wire, Config, Meter, SECOND};

/// The `flows` session option, checked by lib/flows.js (times in seconds).
#[napi(object)]
pub struct NativeFlowOptions {
    pub idle_timeout: Option<f64>,
    pub active_timeout: Option<f64>,
    pub close_timeout: Option<f64>,
    pub max_flows: Option<f64>,
    pub biflow: Option<bool>,
    pub hints: Option<bool>,
    pub ipfix: Option<String>,
    pub ipfix_rate: Option<f64>,
    pub observation_domain: Option<f64>,
}

fn ns(v: Option<f64>, default: u64) -> u64 {
    match v {
        Some(s) if s.is_finite() && s >= 0.0 => {
            (s * SECOND as f64).min(u64::MAX as f64 / 2.0) as u64
        }
        _ => default,
    }
}

fn int(v: Option<f64>, default: u64) -> u64 {
    match v {
        Some(n) if n.is_finite() && n >= 0.0 => n.min(u64::MAX as f64) as u64,
        _ => default,
    }
}

/// The options the capture thread runs with; `deliver`: whether records go to JavaScript.
pub fn flow_options(o: NativeFlowOptions) -> FlowOptions {
    let d = FlowOptions::default();
    let c = Config::default();
    FlowOptions {
        config: Config {
            idle_ns: ns(o.idle_timeout, c.idle_ns),
            active_ns: ns(o.active_timeout, c.active_ns),
            close_ns: ns(o.close_timeout, c.close_ns),
            max_flows: usize::try_from(int(o.max_flows, c.max_flows as u64)).unwrap_or(usize::MAX),
            hints: o.hints.unwrap_or(c.hints),
        },
        biflow: o.biflow.unwrap_or(d.biflow),
        ipfix: o.ipfix.filter(|s| !s.is_empty()),
        ipfix_rate: u32::try_from(int(o.ipfix_rate, u64::from(d.ipfix_rate))).unwrap_or(u32::MAX),
        domain: u32::try_from(int(o.observation_domain, u64::from(d.domain))).unwrap_or(u32::MAX),
        deliver: true,
    }
}

/// Counters of a session's flow meter (lib/flows.d.ts FlowStats).
#[napi(object)]
pub struct NativeFlowStats {
    pub packets: f64,
    #[napi(js_name = "non_ip")]
    pub non_ip: f64,
    pub malformed: f64,
    pub flows: f64,
    pub active: f64,
    pub evicted: f64,
    pub records: f64,
    #[napi(js_name = "ipfix_messages")]
    pub ipfix_messages: f64,
    #[napi(js_name = "ipfix_records")]
    pub ipfix_records: f64,
    #[napi(js_name = "ipfix_errors")]
    pub ipfix_errors: f64,
    #[napi(js_name = "bytes_per_flow")]
    pub bytes_per_flow: f64,
}

#[napi]
impl NativeSession {
    /// The active flows as encoded records (empty when the session has no flows or ended).
    #[napi]
    pub fn flows(&self) -> Buffer {
        let data = self
            .thread_core()
            .and_then(|c| c.flows.as_ref())
            .map(|p| lock_flows(p).snapshot_encoded())
            .unwrap_or_default();
        data.into()
    }

    /// Whether flow records go to JavaScript (JavaScript turns this off while nobody listens
    /// to `flow`; IPFIX export goes on either way).
    #[napi]
    pub fn set_flow_delivery(&self, on: bool) {
        if let Some(p) = self.thread_core().and_then(|c| c.flows.as_ref()) {
            lock_flows(p).set_deliver(on);
        }
    }

    /// The flow meter's counters, or null without flows.
    #[napi]
    pub fn flow_stats(&self) -> Option<NativeFlowStats> {
        let core = self.thread_core()?;
        let p = lock_flows(core.flows.as_ref()?);
        let m = p.meter_stats();
        let e = p.export_stats().unwrap_or_default();
        Some(NativeFlowStats {
            packets: m.packets as f64,
            non_ip: m.non_ip as f64,
            malformed: m.malformed as f64,
            flows: m.flows_created as f64,
            active: p.meter.active() as f64,
            evicted: m.evicted as f64,
            records: m.records as f64,
            ipfix_messages: e.messages as f64,
            ipfix_records: e.records as f64,
            ipfix_errors: e.send_errors as f64,
            bytes_per_flow: Meter::bytes_per_flow() as f64,
        })
    }
}

fn fields_json(fields: &[wire::Field]) -> String {
    let items: Vec<String> = fields
        .iter()
        .map(|(name, off, ty)| format!("[\"{name}\",{off},\"{ty}\"]"))
        .collect();
    format!("[{}]", items.join(","))
}

fn names_json(names: &[&str]) -> String {
    let items: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!("[{}]", items.join(","))
}

/// The flow record layout (`crate::flow::wire`) as JSON: `{fields, dir, strings, reasons}`.
#[napi]
pub fn flow_layout() -> String {
    format!(
        "{{\"fields\":{},\"dir\":{},\"strings\":{},\"reasons\":{}}}",
        fields_json(wire::LAYOUT),
        fields_json(wire::DIR),
        names_json(wire::STRINGS),
        names_json(wire::REASONS)
    )
}
