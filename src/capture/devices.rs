//! Devices and link types: `pcap_findalldevs`, node_pcap's default device, `pcap_lookupnet`, and
//! the link-type names sessions report (node_pcap's spelling).

use std::ffi::{c_char, CStr, CString};

use crate::error::{pcap_error, pcap_text, CapResult};
use crate::ffi;
use crate::structure::dlt;

/// `pcap_lookupnet` on a device: `Ok((net, mask))` or libpcap's message.
pub fn lookupnet(device: &str) -> Result<(u32, u32), String> {
    let dev = CString::new(device).map_err(|_| "device name contains a NUL byte".to_string())?;
    let mut net = 0u32;
    let mut mask = 0u32;
    let mut err = [0 as c_char; ffi::ERRBUF_SIZE];
    // SAFETY: `dev` is NUL-terminated, `net`/`mask` are valid out-pointers and `err` has the
    // PCAP_ERRBUF_SIZE (256) bytes libpcap may write.
    let rc = unsafe { ffi::pcap_lookupnet(dev.as_ptr(), &mut net, &mut mask, err.as_mut_ptr()) };
    if rc == 0 {
        Ok((net, mask))
    } else {
        // SAFETY: libpcap wrote a NUL-terminated message into `err` (zero-initialised).
        Err(unsafe { CStr::from_ptr(err.as_ptr()) }
            .to_string_lossy()
            .into_owned())
    }
}

/// A device as `findalldevs()` lists it.
#[derive(Debug, Clone)]
pub struct DeviceInfo {
    pub name: String,
    pub description: Option<String>,
    pub addresses: Vec<AddressInfo>,
    pub loopback: bool,
}

#[derive(Debug, Clone)]
pub struct AddressInfo {
    pub addr: std::net::IpAddr,
    pub netmask: Option<std::net::IpAddr>,
    pub broadaddr: Option<std::net::IpAddr>,
    pub dstaddr: Option<std::net::IpAddr>,
}

/// `pcap_findalldevs`.
pub fn find_all_devs() -> CapResult<Vec<DeviceInfo>> {
    let list = pcap::Device::list()
        .map_err(|e| pcap_error("pcap_findalldevs", &pcap_text(&e), "EPCAP"))?;
    Ok(list
        .into_iter()
        .map(|d| DeviceInfo {
            loopback: d.flags.is_loopback(),
            description: d.desc,
            addresses: d
                .addresses
                .into_iter()
                .map(|a| AddressInfo {
                    addr: a.addr,
                    netmask: a.netmask,
                    broadaddr: a.broadcast_addr,
                    dstaddr: a.dst_addr,
                })
                .collect(),
            name: d.name,
        })
        .collect())
}

/// node_pcap's default device: the first non-loopback device with an IPv4 address.
pub fn default_device(devs: &[DeviceInfo]) -> Option<String> {
    devs.iter()
        .find(|d| !d.loopback && d.addresses.iter().any(|a| a.addr.is_ipv4()))
        .map(|d| d.name.clone())
}

/// Link types with a name (DLT value as libpcap reports it, name as node_pcap spells it).
/// node_pcap knew the first five; the rest replace its "Unknown linktype N".
pub const LINK_TYPES: &[(i32, &str)] = &[
    (dlt::NULL, "LINKTYPE_NULL"),
    (dlt::ETHERNET, "LINKTYPE_ETHERNET"),
    (dlt::IEEE802_11_RADIO, "LINKTYPE_IEEE802_11_RADIO"),
    // DLT_RAW is 12 on Linux (14 on OpenBSD); files say LINKTYPE_RAW 101, which libpcap maps.
    (dlt::RAW, "LINKTYPE_RAW"),
    (dlt::RAW_OPENBSD, "LINKTYPE_RAW"),
    (dlt::RAW_FILE, "LINKTYPE_RAW"),
    (dlt::LINUX_SLL, "LINKTYPE_LINUX_SLL"),
    (dlt::PPP, "LINKTYPE_PPP"),
    (dlt::PPP_HDLC, "LINKTYPE_PPP_HDLC"),
    (dlt::C_HDLC, "LINKTYPE_C_HDLC"),
    (dlt::IEEE802_11, "LINKTYPE_IEEE802_11"),
    (dlt::LOOP, "LINKTYPE_LOOP"),
    (dlt::PPI, "LINKTYPE_PPI"),
    (dlt::IPV4, "LINKTYPE_IPV4"),
    (dlt::IPV6, "LINKTYPE_IPV6"),
    (dlt::NFLOG, "LINKTYPE_NFLOG"),
    (dlt::LINUX_SLL2, "LINKTYPE_LINUX_SLL2"),
];

/// Link-type name as node_pcap spells it, with real names beyond its five.
pub fn link_type_name(dlt: i32) -> String {
    LINK_TYPES
        .iter()
        .find(|(n, _)| *n == dlt)
        .map(|(_, name)| (*name).to_string())
        .unwrap_or_else(|| format!("Unknown linktype {dlt}"))
}

/// The DLT value for a name from [`link_type_name`] (or a number in a string).
pub fn link_type_number(name: &str) -> Option<i32> {
    if let Some(n) = name.strip_prefix("Unknown linktype ") {
        return n.trim().parse().ok();
    }
    LINK_TYPES
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(dlt, _)| *dlt)
        .or_else(|| name.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_type_names() {
        assert_eq!(link_type_name(1), "LINKTYPE_ETHERNET");
        assert_eq!(link_type_name(276), "LINKTYPE_LINUX_SLL2");
        assert_eq!(link_type_name(4242), "Unknown linktype 4242");
        assert_eq!(link_type_number("LINKTYPE_LINUX_SLL2"), Some(276));
        assert_eq!(link_type_number("Unknown linktype 4242"), Some(4242));
        assert_eq!(link_type_number("LINKTYPE_RAW"), Some(12));
        assert_eq!(link_type_number("nonsense"), None);
    }

    #[test]
    fn default_device_skips_loopback_and_devices_without_ipv4() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        let dev = |name: &str, loopback: bool, addr: &str| DeviceInfo {
            name: name.into(),
            description: None,
            loopback,
            addresses: vec![AddressInfo {
                addr: ip(addr),
                netmask: None,
                broadaddr: None,
                dstaddr: None,
            }],
        };
        let devs = vec![
            dev("lo", true, "127.0.0.1"),
            dev("v6only", false, "fd00::1"),
            dev("eth0", false, "192.0.2.2"),
        ];
        assert_eq!(default_device(&devs).as_deref(), Some("eth0"));
        assert_eq!(default_device(&devs[..2]), None);
    }
}
