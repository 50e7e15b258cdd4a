//! First-packet application hints: the server name and ALPN protocols of a TLS ClientHello,
//! the query name of a DNS message, the Host header of an HTTP/1.x request. Each reads only
//! the one captured segment it is given (a ClientHello split over segments gives what the
//! first one holds) and never panics. Names are kept as the bytes say (lossy UTF-8, at most
//! `MAX_NAME` bytes): printing them safely is the consumer's job.

/// Longest name kept (a DNS name's limit).
pub const MAX_NAME: usize = 255;

/// What the first payload of a flow said.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hints {
    /// TLS server name indication.
    pub sni: Option<String>,
    /// ALPN protocols offered, comma-separated.
    pub alpn: Option<String>,
    /// DNS query name (no trailing dot).
    pub dns: Option<String>,
    /// HTTP Host header value.
    pub host: Option<String>,
}

impl Hints {
    pub fn is_empty(&self) -> bool {
        self.sni.is_none() && self.alpn.is_none() && self.dns.is_none() && self.host.is_none()
    }
}

fn name(b: &[u8]) -> String {
    String::from_utf8_lossy(&b[..b.len().min(MAX_NAME)]).into_owned()
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn u8(&mut self) -> Option<u8> {
        let v = *self.b.get(self.at)?;
        self.at += 1;
        Some(v)
    }
    fn u16(&mut self) -> Option<usize> {
        let s = self.b.get(self.at..self.at + 2)?;
        self.at += 2;
        Some(usize::from(u16::from_be_bytes([s[0], s[1]])))
    }
    /// Up to `n` bytes (fewer when the capture stops first).
    fn take(&mut self, n: usize) -> &'a [u8] {
        let end = (self.at + n).min(self.b.len());
        let s = &self.b[self.at.min(end)..end];
        self.at += n;
        s
    }
    fn skip(&mut self, n: usize) -> Option<()> {
        self.at += n;
        (self.at <= self.b.len()).then_some(())
    }
}

/// TLS ClientHello: `(sni, alpn)`.
pub fn tls_client_hello(p: &[u8]) -> Option<(Option<String>, Option<String>)> {
    // Record: handshake (22), version 3.x, length; then handshake type 1 (ClientHello).
    if p.len() < 9 || p[0] != 22 || p[1] != 3 || p[5] != 1 {
        return None;
    }
    let mut r = Reader { b: p, at: 9 };
    r.skip(2 + 32)?; // client version, random
    let sid = usize::from(r.u8()?);
    r.skip(sid)?;
    let suites = r.u16()?;
    r.skip(suites)?;
    let comp = usize::from(r.u8()?);
    r.skip(comp)?;
    let ext_len = r.u16()?;
    let end = (r.at + ext_len).min(p.len());
    let (mut sni, mut alpn) = (None, None);
    while r.at + 4 <= end {
        let ty = r.u16()?;
        let len = r.u16()?;
        let body = r.take(len);
        let mut e = Reader { b: body, at: 0 };
        match ty {
            0 => {
                let _list = e.u16();
                if e.u8() == Some(0) {
                    if let Some(n) = e.u16() {
                        let host = e.take(n);
                        if !host.is_empty() {
                            sni = Some(name(host));
                        }
                    }
                }
            }
            16 => {
                let _list = e.u16();
                let mut protos: Vec<String> = Vec::new();
                while let Some(n) = e.u8() {
                    let proto = e.take(usize::from(n));
                    if proto.is_empty() {
                        break;
                    }
                    protos.push(name(proto));
                }
                if !protos.is_empty() {
                    let mut joined = protos.join(",");
                    let mut cut = joined.len().min(MAX_NAME);
                    while !joined.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    joined.truncate(cut);
                    alpn = Some(joined);
                }
            }
            _ => {}
        }
    }
    (sni.is_some() || alpn.is_some()).then_some((sni, alpn))
}

/// The first question's name of a DNS message (`tcp`: with its 2-byte length prefix).
pub fn dns_query(p: &[u8], tcp: bool) -> Option<String> {
    let p = if tcp { p.get(2..)? } else { p };
    if p.len() < 12 {
        return None;
    }
    let flags = u16::from_be_bytes([p[2], p[3]]);
    let qd = u16::from_be_bytes([p[4], p[5]]);
    // Standard query or response with at least one question; opcode 0 (query) or 5 (update).
    let opcode = (flags >> 11) & 0xf;
    if qd == 0 || !(opcode == 0 || opcode == 5) {
        return None;
    }
    let mut at = 12;
    let mut out: Vec<u8> = Vec::new();
    loop {
        let len = usize::from(*p.get(at)?);
        if len == 0 {
            break;
        }
        // Compression pointers and extended labels do not occur in a first question.
        if len > 63 {
            return None;
        }
        let label = p.get(at + 1..at + 1 + len)?;
        if !out.is_empty() {
            out.push(b'.');
        }
        out.extend_from_slice(label);
        if out.len() > MAX_NAME {
            return None;
        }
        at += 1 + len;
    }
    // The root (empty name) is a valid question.
    Some(name(&out))
}

const METHODS: [&[u8]; 9] = [
    b"GET ",
    b"POST ",
    b"HEAD ",
    b"PUT ",
    b"DELETE ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
    b"TRACE ",
];

/// The Host header of an HTTP/1.x request that starts in `p`.
pub fn http_host(p: &[u8]) -> Option<String> {
    if !METHODS.iter().any(|m| p.starts_with(m)) {
        return None;
    }
    let mut lines = p.split(|&b| b == b'\n').skip(1);
    lines.find_map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() < 5 || !line[..5].eq_ignore_ascii_case(b"host:") {
            return None;
        }
        let v = &line[5..];
        let start = v.iter().position(|&b| b != b' ' && b != b'\t')?;
        let end = v.iter().rposition(|&b| b != b' ' && b != b'\t')? + 1;
        Some(name(&v[start..end]))
    })
}

/// Looks at a flow's first payload in one direction. `port_dns`: either port is 53, 5353 or 5355.
pub fn inspect(h: &mut Hints, payload: &[u8], tcp: bool, port_dns: bool) {
    if payload.is_empty() {
        return;
    }
    if port_dns {
        if h.dns.is_none() {
            h.dns = dns_query(payload, tcp);
        }
        return;
    }
    if !tcp {
        return;
    }
    if h.sni.is_none() && h.alpn.is_none() {
        if let Some((sni, alpn)) = tls_client_hello(payload) {
            h.sni = sni;
            h.alpn = alpn;
            return;
        }
    }
    if h.host.is_none() {
        h.host = http_host(payload);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A ClientHello record with the given SNI and ALPN protocols.
    pub(crate) fn client_hello(sni: &[u8], alpn: &[&[u8]]) -> Vec<u8> {
        let mut ext = Vec::new();
        let mut sn = vec![0u8];
        sn.extend_from_slice(&(sni.len() as u16).to_be_bytes());
        sn.extend_from_slice(sni);
        let mut list = (sn.len() as u16).to_be_bytes().to_vec();
        list.extend_from_slice(&sn);
        ext.extend_from_slice(&0u16.to_be_bytes());
        ext.extend_from_slice(&(list.len() as u16).to_be_bytes());
        ext.extend_from_slice(&list);
        let mut protos = Vec::new();
        for p in alpn {
            protos.push(p.len() as u8);
            protos.extend_from_slice(p);
        }
        let mut al = (protos.len() as u16).to_be_bytes().to_vec();
        al.extend_from_slice(&protos);
        ext.extend_from_slice(&16u16.to_be_bytes());
        ext.extend_from_slice(&(al.len() as u16).to_be_bytes());
        ext.extend_from_slice(&al);
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7u8; 32]);
        body.push(0); // session id
        body.extend_from_slice(&[0, 2, 0x13, 0x01]); // one suite
        body.extend_from_slice(&[1, 0]); // null compression
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
        let mut hs = vec![1, 0];
        hs.extend_from_slice(&(body.len() as u16).to_be_bytes());
        hs.extend_from_slice(&body);
        let mut rec = vec![22, 3, 1];
        rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
        rec.extend_from_slice(&hs);
        rec
    }

    /// A DNS query for `qname`.
    pub(crate) fn dns(qname: &str) -> Vec<u8> {
        let mut m = vec![0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        for l in qname.split('.') {
            m.push(l.len() as u8);
            m.extend_from_slice(l.as_bytes());
        }
        m.extend_from_slice(&[0, 0, 1, 0, 1]);
        m
    }

    #[test]
    fn client_hello_sni_and_alpn() {
        let ch = client_hello(b"example.org", &[b"h2", b"http/1.1"]);
        let (sni, alpn) = tls_client_hello(&ch).expect("hello");
        assert_eq!(sni.as_deref(), Some("example.org"));
        assert_eq!(alpn.as_deref(), Some("h2,http/1.1"));
        // Every cut: no panic; the SNI survives any cut after its extension.
        for cut in 0..ch.len() {
            let _ = tls_client_hello(&ch[..cut]);
        }
        assert_eq!(tls_client_hello(b"\x16\x03\x01\x00"), None);
    }

    #[test]
    fn dns_and_http() {
        assert_eq!(
            dns_query(&dns("www.example.com"), false).as_deref(),
            Some("www.example.com")
        );
        let mut t = vec![0, 33];
        t.extend_from_slice(&dns("a.b"));
        assert_eq!(dns_query(&t, true).as_deref(), Some("a.b"));
        let d = dns("x.y");
        for cut in 0..d.len() {
            let _ = dns_query(&d[..cut], false);
        }
        let req = b"GET / HTTP/1.1\r\nUser-Agent: x\r\nhOsT:  example.net:8080 \r\n\r\n";
        assert_eq!(http_host(req).as_deref(), Some("example.net:8080"));
        assert_eq!(http_host(b"HTTP/1.1 200 OK\r\nHost: x\r\n"), None);
        let evil = b"GET / HTTP/1.1\r\nHost: a\x1b[31mb\r\n";
        assert_eq!(http_host(evil).as_deref(), Some("a\u{1b}[31mb"));
    }
}
