//! Every Node-API type of the addon (sessions in `session`, flows in `flows`). The logic lives in
//! plain Rust modules; this layer converts arguments, results and errors.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::batch::RECORD_HEADER;
use crate::capture;
use crate::error::CapError;
use crate::structure::{self, MAP_LEN};
use crate::writer::Writer;

pub mod flows;
pub mod session;

/// The `code` of an Error thrown to JavaScript: this package's (`EPERM`, `ENODEV`, ...; see
/// `crate::error`) or, for a failure of Node-API itself, napi's status name.
pub enum Code {
    Capture(&'static str),
    Napi(Status),
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        match self {
            Code::Capture(code) => code,
            Code::Napi(status) => status.as_ref(),
        }
    }
}

/// A capture error as JavaScript receives it: an Error with `code` and the message.
pub(crate) fn js_error(e: CapError) -> Error<Code> {
    Error::new(Code::Capture(e.code), e.message)
}

/// A Node-API failure, keeping napi's status as the code.
pub(crate) fn napi_error(e: Error) -> Error<Code> {
    Error::new(Code::Napi(e.status), e.reason)
}

/// A device as `pcap_findalldevs` reports it.
#[napi(object)]
pub struct NativeDevice {
    pub name: String,
    pub description: Option<String>,
    pub addresses: Vec<NativeAddress>,
    pub loopback: bool,
}

#[napi(object)]
pub struct NativeAddress {
    pub addr: String,
    pub netmask: Option<String>,
    pub broadaddr: Option<String>,
    pub dstaddr: Option<String>,
}

#[napi]
pub fn find_all_devs() -> Result<Vec<NativeDevice>, Code> {
    let devs = capture::find_all_devs().map_err(js_error)?;
    let s = |a: Option<std::net::IpAddr>| a.map(|x| x.to_string());
    Ok(devs
        .into_iter()
        .map(|d| NativeDevice {
            name: d.name,
            description: d.description,
            loopback: d.loopback,
            addresses: d
                .addresses
                .into_iter()
                .map(|a| NativeAddress {
                    addr: a.addr.to_string(),
                    netmask: s(a.netmask),
                    broadaddr: s(a.broadaddr),
                    dstaddr: s(a.dstaddr),
                })
                .collect(),
        })
        .collect())
}

/// node_pcap's default device rule, or `null`.
#[napi]
pub fn default_device() -> Result<Option<String>, Code> {
    let devs = capture::find_all_devs().map_err(js_error)?;
    Ok(capture::default_device(&devs))
}

/// Writes the layer map of `data` (a packet of link type `dlt`) into the first 24 bytes of the
/// Buffer `out` (`crate::structure`). Returns false, writing nothing, when `out` is not a Buffer of
/// at least 24 bytes or overlaps `data`.
#[napi]
pub fn structure_into(env: &Env, data: &[u8], dlt: i32, out: Unknown<'_>) -> bool {
    let mut map = [0u8; MAP_LEN];
    structure::structure(dlt, data).encode(data.len(), &mut map);
    let mut ptr: *mut std::ffi::c_void = std::ptr::null_mut();
    let mut len = 0usize;
    // SAFETY: `env` and `out` are the live handles of this call; napi_get_buffer_info only reads
    // them and writes the two out-parameters.
    let status =
        unsafe { napi::sys::napi_get_buffer_info(env.raw(), out.raw(), &mut ptr, &mut len) };
    if status != napi::sys::Status::napi_ok || ptr.is_null() || len < MAP_LEN {
        return false;
    }
    let (a, b) = (data.as_ptr() as usize, ptr as usize);
    if a < b + MAP_LEN && b < a + data.len() {
        return false; // `out` overlaps `data`: no writing through memory a reference reads
    }
    // SAFETY: `ptr` points at `len >= MAP_LEN` writable bytes of a Buffer that stays alive for
    // this call; no Rust reference covers them (`data` does not overlap them, checked above).
    unsafe { std::ptr::copy_nonoverlapping(map.as_ptr(), ptr.cast::<u8>(), MAP_LEN) };
    true
}

/// Bytes before a packet's data in a batch record: the pcap header (`crate::batch`).
#[napi]
pub fn record_header_bytes() -> u32 {
    RECORD_HEADER as u32
}

#[napi]
pub fn lib_version() -> String {
    capture::lib_version()
}

#[napi]
pub fn link_type_name(dlt: i32) -> String {
    capture::link_type_name(dlt)
}

#[napi]
pub fn link_type_number(name: String) -> Option<i32> {
    capture::link_type_number(&name)
}

/// A pcap file being written.
#[napi]
pub struct NativeWriter {
    inner: Writer,
}

#[napi]
impl NativeWriter {
    #[napi(constructor)]
    pub fn new(
        path: String,
        link_type: i32,
        snap_length: i32,
        nanosecond: bool,
    ) -> Result<Self, Code> {
        Ok(NativeWriter {
            inner: Writer::create(&path, link_type, snap_length, nanosecond).map_err(js_error)?,
        })
    }

    /// Writes one packet; the packets written so far (`Writer::packets_written`). Throws the
    /// write error (this write's or an earlier one's).
    #[napi]
    pub fn write(&mut self, tv_sec: f64, tv_usec: f64, len: f64, data: &[u8]) -> Result<f64, Code> {
        let len = if len.is_finite() && len >= 0.0 {
            len.min(f64::from(u32::MAX)) as u32
        } else {
            0
        };
        self.inner
            .write(tv_sec as i64, tv_usec as i64, len, data)
            .map_err(js_error)?;
        Ok(self.inner.packets_written() as f64)
    }

    /// Writes out the buffer; throws the write error (this flush's or an earlier one's).
    #[napi]
    pub fn flush(&mut self) -> Result<(), Code> {
        self.inner.flush().map_err(js_error)
    }

    /// Writes out the buffer, leaving an error for the next call to throw; the packets written.
    #[napi]
    pub fn flush_quietly(&mut self) -> f64 {
        self.inner.flush_quietly();
        self.inner.packets_written() as f64
    }

    /// Flushes and closes; throws a write error not thrown before. Idempotent.
    #[napi]
    pub fn close(&mut self) -> Result<(), Code> {
        self.inner.close().map_err(js_error)
    }

    /// Packets in the file and buffered for it; after a write error, those in the file.
    #[napi(getter)]
    pub fn packets_written(&self) -> f64 {
        self.inner.packets_written() as f64
    }
}
