'use strict';
// Test helper: a capture whose printable fields are full of terminal control sequences (a hostile
// capture for the tools), written with the package's own createWriter.
//
// Every text field a tool prints from a packet gets what its parser lets through: DNS names and TXT
// strings any byte; an HTTP request target anything but whitespace; a status message anything but
// CR and LF; header values TAB and obs-text (so C1 bytes, 0x80-0x9f); parse error messages quote
// the bytes that failed.
const b = require('./bytes');
const seg = require('./segments');

// Sequences a terminal acts on: set the window title (OSC ... BEL), clear the screen (CSI 2J),
// C1 CSI (0x9b), NEL (0x85), bell, backspace, carriage return, NUL, DEL.
const TITLE = '\x1b]0;pwned\x07';
const CLEAR = '\x1b[2J';

// Latin-1 text as bytes (one byte per character).
const bytes = (s) => Buffer.from(s, 'latin1');

function label(s) {
  const d = bytes(s);
  return Buffer.concat([Buffer.from([d.length]), d]);
}

// A DNS name from labels given as strings (no dots are added inside a label).
function name(labels) {
  return Buffer.concat(labels.map(label).concat([Buffer.from([0])]));
}

function rr(owner, type, rdata) {
  return Buffer.concat([owner, b.u16(type), b.u16(1), b.u32(60), b.u16(rdata.length), rdata]);
}

function dnsMessage(id, flags, question, answers) {
  return Buffer.concat([b.u16(id), b.u16(flags), b.u16(1), b.u16(answers.length), b.u16(0), b.u16(0),
    question].concat(answers));
}

// Labels of the hostile names: C0 and DEL only (compared with tshark), then with C1 bytes.
const ASCII_LABELS = ['a' + TITLE, 'b' + CLEAR, 'c\td', 'e\nf', 'g\rh', 'i\x7fj', 'k\x08l', 'm\x00n'];
const C1_LABELS = ['o\x9b31mp', 'q\x85r', 'é'];

function dnsPackets() {
  const qname = name(ASCII_LABELS);
  const q = Buffer.concat([qname, b.u16(16), b.u16(1)]);
  const query = dnsMessage(0x1234, 0x0100, q, []);
  const other = name(C1_LABELS.concat(ASCII_LABELS.slice(0, 2)));
  const txt = Buffer.concat([TITLE, CLEAR + 'x', 'tab\there', 'nl\nx', 'del\x7f', 'c1\x9bx', 'nel\x85'].map(label));
  const answers = [
    rr(qname, 16, txt),
    rr(qname, 5, other), // CNAME
    rr(qname, 12, other), // PTR
    rr(qname, 15, Buffer.concat([b.u16(10), other])), // MX
    rr(qname, 33, Buffer.concat([b.u16(1), b.u16(2), b.u16(5060), other])), // SRV
    rr(qname, 6, Buffer.concat([other, name(['host' + CLEAR, 'master\x9b']), b.u32(1), b.u32(2), b.u32(3), b.u32(4), b.u32(5)])),
    rr(qname, 1, b.ip4('192.0.2.1')),
  ];
  const response = dnsMessage(0x1234, 0x8180, q, answers);
  const udp = (sport, dport, data) => b.eth(0x0800, b.ipv4(17, b.udp(sport, dport, data)));
  return { query, response, frames: [udp(40000, 53, query), udp(53, 40000, response)] };
}

// DNS over TCP: the same messages, length-prefixed, on a connection to port 53.
function dnsTcpSegments(query, response) {
  const c = seg.conversation({ sport: 53, cport: 40001, time: 2000 });
  c.handshake();
  c.c('PA', Buffer.concat([b.u16(query.length), query]));
  c.s('PA', Buffer.concat([b.u16(response.length), response]));
  c.close();
  return c.segs;
}

// URL of the good exchange: C0 and DEL only (compared with tshark's Info column).
const URL_ASCII = '/t' + TITLE + 'u' + CLEAR + 'v\x7fw\x08x\x00y';
const URL_C1 = '/c1\x9b31m\x85';
const STATUS = 'O' + CLEAR + 'K\x07\t\x9b31m\x7f';

function httpSegments() {
  const c = seg.conversation({ cport: 40002, sport: 8080, time: 3000 });
  c.handshake();
  // A good exchange: the parser accepts all of these.
  c.c('PA', bytes('GET ' + URL_ASCII + ' HTTP/1.1\r\nHost: example\r\nX-Tab: a\tb\r\nX-C1: z\x9b31m\x85\r\n\r\n'));
  c.s('PA', bytes('HTTP/1.1 200 ' + STATUS + '\r\nContent-Length: 12\r\nX-Reply: r\x9b2J\x85\r\n\r\nbody' + CLEAR + 'tail'));
  c.c('PA', bytes('GET ' + URL_C1 + ' HTTP/1.1\r\nHost: example\r\n\r\n'));
  c.s('PA', bytes('HTTP/1.1 404 N' + TITLE + '\r\nContent-Length: 0\r\n\r\n'));
  c.close();
  // A header value with ESC: a parse error whose message quotes the request target.
  const d = seg.conversation({ cport: 40003, sport: 8080, time: 3100 });
  d.handshake();
  d.c('PA', bytes('GET /e' + TITLE + '\x9b HTTP/1.1\r\nX-Bad: ' + CLEAR + '\r\n\r\n'));
  d.close();
  // Not HTTP at all (reported with --errors): the message quotes the first bytes.
  const e = seg.conversation({ cport: 40004, sport: 8080, time: 3200 });
  e.handshake();
  e.c('PA', bytes('\x9b2J' + TITLE + '\x85 junk'));
  e.close();
  return c.segs.concat(d.segs, e.segs);
}

// Writes the hostile capture to `file` with pcap.createWriter; returns what it holds.
function writeHostileCapture(pcap, file) {
  const dns = dnsPackets();
  const w = pcap.createWriter(file, { link_type: 'LINKTYPE_ETHERNET' });
  for (const frame of dns.frames) {
    w.write({ buf: frame, header: b.header(frame.length), link_type: 'LINKTYPE_ETHERNET' });
  }
  for (const s of dnsTcpSegments(dns.query, dns.response).concat(httpSegments())) { w.write(seg.frame(s)); }
  w.close();
  return { ASCII_LABELS, C1_LABELS, URL_ASCII, URL_C1, STATUS };
}

module.exports = { writeHostileCapture, TITLE, CLEAR };
