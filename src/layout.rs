//! What JavaScript must know about the Rust side, generated into `lib/layout.js`: the batch
//! record layout (`crate::queue`), the layer map's offsets, kinds, statuses, flags and shapes
//! (`crate::structure`), the DLT numbers and link-type names (`crate::structure::dlt`,
//! `crate::capture::devices`), and the session options' defaults and limits
//! (`crate::capture::options`). Each value is declared once, in the module named; this file only
//! lists which of them cross, under which JavaScript name.
//!
//! `lib/layout.js` is checked in. The test below fails when it differs from what these tables
//! give, and names the command that rewrites it: [`REGENERATE`].

use crate::capture::{devices, options};
use crate::queue::{self, record};
use crate::structure::{self, dlt, flags, link, net, offset, shape, status};

/// The one command that rewrites `lib/layout.js`.
pub const REGENERATE: &str = "UPDATE_LAYOUT=1 cargo test --lib layout";

/// A value JavaScript receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Bool(bool),
}

macro_rules! value_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
            }
        }
    )*};
}
value_from!(u8, i32, u64, usize);

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

/// A commented block of constants in `lib/layout.js`.
pub struct Group {
    pub comment: &'static str,
    pub items: Vec<(String, Value)>,
}

/// `group!("comment", "PREFIX_", module: NAME, ...)`: JavaScript `PREFIX_NAME` for each
/// `module::NAME`.
macro_rules! group {
    ($comment:literal, $prefix:literal, $module:ident : $($name:ident),+ $(,)?) => {
        Group {
            comment: $comment,
            items: vec![$((
                concat!($prefix, stringify!($name)).to_string(),
                Value::from($module::$name),
            )),+],
        }
    };
}

/// Every constant that crosses, in `lib/layout.js` order.
pub fn groups() -> Vec<Group> {
    let mut sizes = group!(
        "Sizes (src/queue.rs, src/structure.rs): a batch is a run of records, each \
         RECORD_HEADER bytes (the PCAP_HEADER-byte pcap header, then the MAP_LEN-byte layer \
         map) followed by caplen bytes of packet data. A computed map starts with MAGIC (a \
         zero byte there: not computed).",
        "",
        queue: PCAP_HEADER,
        RECORD_HEADER
    );
    sizes
        .items
        .extend(group!("", "", structure: MAP_LEN, MAGIC).items);
    vec![
        sizes,
        group!(
            "Record fields (src/queue.rs `record`), bytes from the record's start; the four \
             pcap header fields are little-endian u32.",
            "RECORD_",
            record: TV_SEC,
            TV_USEC,
            CAPLEN,
            LEN,
            MAP,
            DATA
        ),
        group!(
            "Layer map fields (src/structure.rs `offset`), bytes from the map's start; \
             NET_OFF, TRANSPORT_OFF, TRANSPORT_HLEN and SEG_LEN are little-endian u16, CAPLEN \
             u32.",
            "MAP_",
            offset: MAGIC,
            LINK,
            VLAN_TAGS,
            NET,
            NET_OFF,
            PROTO,
            STATUS,
            TRANSPORT_OFF,
            TRANSPORT_HLEN,
            SEG_LEN,
            FLAGS,
            SHAPE,
            CAPLEN
        ),
        group!(
            "Link layer kinds (map field LINK).",
            "LINK_",
            link: NONE,
            ETHERNET,
            SLL,
            SLL2,
            NULL,
            LOOP,
            IP,
            OTHER
        ),
        group!(
            "Network layer kinds (map field NET).",
            "NET_",
            net: NONE,
            IPV4,
            IPV6,
            ARP,
            OTHER
        ),
        group!(
            "Where the structure pass stopped (map field STATUS); OK: every mapped layer is \
             complete and valid.",
            "STATUS_",
            status: OK,
            LINK_TRUNCATED,
            LINK_MALFORMED,
            NET_TRUNCATED,
            NET_MALFORMED,
            EXT_TRUNCATED,
            TRANSPORT_TRUNCATED,
            TRANSPORT_MALFORMED,
            UNSUPPORTED,
            TOO_LONG
        ),
        group!(
            "Map field FLAGS, bits.",
            "F_",
            flags: TRANSPORT,
            FRAGMENT,
            MORE_FRAGMENTS,
            IPV6_EXTS,
            LENGTH_FROM_CAPTURE,
            USUAL_TCP_OPTIONS
        ),
        group!(
            "Map field SHAPE: SIMPLE when the packet has one of the common layouts, which \
             the other bits name (TCP else UDP, IPv6 else IPv4, untagged Ethernet else raw IP).",
            "SHAPE_",
            shape: SIMPLE,
            TCP,
            IPV6,
            ETHERNET
        ),
        group!(
            "DLT values as libpcap reports them (src/structure.rs `dlt`).",
            "DLT_",
            dlt: NULL,
            ETHERNET,
            PPP,
            RAW,
            RAW_OPENBSD,
            PPP_HDLC,
            RAW_FILE,
            C_HDLC,
            IEEE802_11,
            LOOP,
            LINUX_SLL,
            IEEE802_11_RADIO,
            PPI,
            IPV4,
            IPV6,
            NFLOG,
            LINUX_SLL2
        ),
        group!(
            "Session options (src/capture/options.rs): node_pcap's live defaults, libpcap's \
             largest snap length, and this package's buffer sizes with the ranges JavaScript \
             accepts.",
            "",
            options: DEFAULT_BUFFER_SIZE,
            DEFAULT_SNAP_LENGTH,
            DEFAULT_BUFFER_TIMEOUT_MS,
            DEFAULT_PROMISCUOUS,
            MAXIMUM_SNAPLEN,
            DEFAULT_APP_BUFFER_BYTES,
            MIN_APP_BUFFER_BYTES,
            MAX_APP_BUFFER_BYTES,
            DEFAULT_BATCH_BYTES,
            MIN_BATCH_BYTES,
            MAX_BATCH_BYTES
        ),
    ]
}

/// Wraps `text` into `// ` comment lines of at most 100 columns.
fn comment(text: &str, out: &mut String) {
    let mut line = String::from("//");
    for word in text.split_whitespace() {
        if line.len() + 1 + word.len() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("//");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The text of `lib/layout.js` for `groups` and the link-type names `names`.
pub fn render(groups: &[Group], names: &[(i32, &str)]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "// generated by `{REGENERATE}` from src/layout.rs, do not edit.\n"
    ));
    out.push_str("'use strict';\n");
    let mut exported = Vec::new();
    for g in groups {
        out.push('\n');
        comment(g.comment, &mut out);
        for (name, value) in &g.items {
            let v = match value {
                Value::Int(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
            };
            out.push_str(&format!("const {name} = {v};\n"));
            exported.push(name.clone());
        }
    }
    out.push('\n');
    comment(
        "Link-type names by DLT value, as sessions report them (src/capture/devices.rs \
         LINK_TYPES); other values read \"Unknown linktype N\".",
        &mut out,
    );
    out.push_str("const LINKTYPE_NAMES = Object.freeze({\n");
    let mut seen = Vec::new();
    for (dlt, name) in names {
        if !seen.contains(dlt) {
            seen.push(*dlt);
            out.push_str(&format!("  {dlt}: '{name}',\n"));
        }
    }
    out.push_str("});\n");
    exported.push("LINKTYPE_NAMES".to_string());
    out.push_str("\nmodule.exports = {\n");
    for name in exported {
        out.push_str(&format!("  {name},\n"));
    }
    out.push_str("};\n");
    out
}

/// The text `lib/layout.js` must have.
pub fn generate() -> String {
    render(&groups(), devices::LINK_TYPES)
}

/// Whether the checked-in `have` is what the tables give (`want`); the error says how to fix it.
pub fn check(have: &str, want: &str) -> Result<(), String> {
    if have == want {
        return Ok(());
    }
    let line = have
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
    Err(format!(
        "lib/layout.js is stale (first difference at line {}): regenerate it with `{REGENERATE}`",
        line + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/lib/layout.js");

    #[test]
    fn layout_js_is_current() {
        let want = generate();
        if std::env::var_os("UPDATE_LAYOUT").is_some() {
            std::fs::write(PATH, &want).expect("write lib/layout.js");
        }
        let have = std::fs::read_to_string(PATH).unwrap_or_default();
        if let Err(e) = check(&have, &want) {
            panic!("{e}");
        }
    }

    #[test]
    fn a_changed_constant_makes_the_file_stale() {
        let have = std::fs::read_to_string(PATH).unwrap_or_default();
        let mut groups = groups();
        let (name, value) = &mut groups[0].items[2];
        assert_eq!(name, "MAP_LEN");
        *value = Value::Int(25);
        let err = check(&have, &render(&groups, devices::LINK_TYPES)).expect_err("stale");
        assert!(err.contains(REGENERATE), "{err}");
        // A renamed link type too.
        let names = [(dlt::NULL, "LINKTYPE_NUL")];
        assert!(check(&have, &render(&super::groups(), &names)).is_err());
    }

    #[test]
    fn every_name_is_unique_and_every_link_type_named() {
        let mut names: Vec<String> = groups()
            .into_iter()
            .flat_map(|g| g.items.into_iter().map(|(n, _)| n))
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "a JavaScript name used twice");
        for (dlt, _) in devices::LINK_TYPES {
            assert!(
                groups()
                    .iter()
                    .flat_map(|g| &g.items)
                    .any(|(name, v)| name.starts_with("DLT_") && *v == Value::Int(i64::from(*dlt))),
                "DLT {dlt} has a name but no DLT_ constant"
            );
        }
    }
}
