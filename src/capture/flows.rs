//! The flow meter's part of a session's capture thread (`crate::flow`): the pipeline a session
//! opens with, its lock, and a live session's flow clock.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::Core;
use crate::error::{CapError, CapResult};
use crate::flow::pipeline::{FlowOptions, Pipeline};

/// How often a live session's flow clock wakes its capture thread: libpcap's read on Linux
/// waits for packets however long, so without traffic idle flows would never expire.
const FLOW_TICK: Duration = Duration::from_millis(500);

/// The flow pipeline, whoever panicked while holding it.
pub fn lock_flows(p: &Mutex<Pipeline>) -> MutexGuard<'_, Pipeline> {
    p.lock().unwrap_or_else(|e| e.into_inner())
}

/// The pipeline a session with `flows` runs (its IPFIX collector resolved and connected now, so
/// that a bad address is an error of the open call).
pub(super) fn flow_pipeline(
    opts: &Option<FlowOptions>,
    dlt: i32,
    nanosecond: bool,
) -> CapResult<Option<Pipeline>> {
    opts.as_ref()
        .map(|o| Pipeline::new(o, dlt, nanosecond).map_err(|e| CapError::new("EIPFIX", e)))
        .transpose()
}

/// A live session's flow clock: every `FLOW_TICK` it breaks the capture loop (libpcap wakes
/// its poll through an eventfd) with `flow_tick` set, and the capture thread expires flows.
pub(super) fn flow_clock(core: Arc<Core>) {
    let spawned = std::thread::Builder::new()
        .name("pcap-flow-clock".into())
        .spawn(move || loop {
            std::thread::sleep(FLOW_TICK);
            if core.ended.load(Ordering::Relaxed) || core.queue.stop_requested() {
                return;
            }
            core.flow_tick.store(true, Ordering::Release);
            if let Some(b) = core
                .breaker
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
            {
                b.breakloop();
            }
        });
    // Without the clock, flows still expire whenever packets arrive.
    drop(spawned);
}
