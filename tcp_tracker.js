'use strict';

// TCPTracker / TCPSession: node_pcap 3.1.0's TCP session tracker (compat.md §2.8),
// with IPv6, removal of ended sessions, bounded memory and optional stream reassembly.
//
// Differences from node_pcap are listed in __test__/helpers-tracker/DIFFERENCES.md.

const EventEmitter = require('events').EventEmitter;
const util = require('util');

const debug = util.debuglog('pcap');

function decoderClass(mod, name) {
    return typeof mod === 'function' ? mod : mod[name];
}

const IPv4 = decoderClass(require('./decode/ipv4'), 'IPv4');
const IPv6 = decoderClass(require('./decode/ipv6'), 'IPv6');
const TCP = decoderClass(require('./decode/tcp'), 'TCP');

// ---------------------------------------------------------------------------
// Defaults

const DEFAULTS = {
    reassemble: false,       // deliver each direction's payload once and in sequence order
    idleTimeout: 0,          // ms of capture time without packets before a session is dropped; 0 = never
    maxSessions: 0,          // open sessions kept at most (least recently active is dropped); 0 = no limit
    segmentHistory: 128,     // entries kept per send_/recv_ packets/acks/retrans map
    maxBufferedBytes: 1048576, // reassembly: out-of-order bytes held per direction
    maxBufferedSegments: 256,  // reassembly: out-of-order segments held per direction
    timeWait: 60000,         // ms of capture time during which stray packets of an ended session are ignored
    maxClosed: 16384,        // ended-session records kept for timeWait
};

function readOptions(options) {
    const o = {};
    const given = options && typeof options === 'object' ? options : {};
    for (const name of Object.keys(DEFAULTS)) {
        const v = given[name];
        o[name] = v === undefined || v === null ? DEFAULTS[name] : v;
    }
    o.reassemble = Boolean(o.reassemble);
    for (const name of ['idleTimeout', 'maxSessions', 'segmentHistory', 'maxBufferedBytes',
        'maxBufferedSegments', 'timeWait', 'maxClosed']) {
        const n = Number(o[name]);
        if (!(n >= 0)) {
            throw new TypeError('TCPTracker option ' + name + ' must be a number >= 0');
        }
        o[name] = n;
    }
    if (o.segmentHistory < 1) { o.segmentHistory = 1; }
    if (o.maxBufferedSegments < 1) { o.maxBufferedSegments = 1; }
    return o;
}

// ---------------------------------------------------------------------------
// Address text

function ipv4Text(a) {
    return a[0] + '.' + a[1] + '.' + a[2] + '.' + a[3];
}

// RFC 5952 compressed form (lowercase, no leading zeros, longest zero run as "::").
function ipv6Text(a) {
    const g = new Array(8);
    for (let i = 0; i < 8; i++) { g[i] = (a[2 * i] << 8) | a[2 * i + 1]; }
    let bestStart = -1;
    let bestLen = 1;
    for (let i = 0; i < 8;) {
        if (g[i] !== 0) { i++; continue; }
        let j = i;
        while (j < 8 && g[j] === 0) { j++; }
        if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
        i = j;
    }
    let out = '';
    for (let i = 0; i < 8; i++) {
        if (i === bestStart) {
            out += '::';
            i += bestLen - 1;
            continue;
        }
        if (out.length > 0 && out[out.length - 1] !== ':') { out += ':'; }
        out += g[i].toString(16);
    }
    return out;
}

function endpointText(isV6, addr, port) {
    const a = addr && addr.addr;
    if (!a) { return String(addr) + ':' + port; }
    return isV6 ? '[' + ipv6Text(a) + ']:' + port : ipv4Text(a) + ':' + port;
}

// Session lookup without building strings: the two endpoints of a packet as ten
// int32 values [src addr words 0-3, sport, dst addr words 0-3, dport] (an IPv4
// address is word 0), and a hash that is the same in both directions.
function fillEndpoints(e, v6, ip, tcp) {
    const s = ip.saddr.addr;
    const d = ip.daddr.addr;
    if (v6) {
        e[0] = (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3];
        e[1] = (s[4] << 24) | (s[5] << 16) | (s[6] << 8) | s[7];
        e[2] = (s[8] << 24) | (s[9] << 16) | (s[10] << 8) | s[11];
        e[3] = (s[12] << 24) | (s[13] << 16) | (s[14] << 8) | s[15];
        e[5] = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
        e[6] = (d[4] << 24) | (d[5] << 16) | (d[6] << 8) | d[7];
        e[7] = (d[8] << 24) | (d[9] << 16) | (d[10] << 8) | d[11];
        e[8] = (d[12] << 24) | (d[13] << 16) | (d[14] << 8) | d[15];
    } else {
        e[0] = (s[0] << 24) | (s[1] << 16) | (s[2] << 8) | s[3];
        e[1] = 0; e[2] = 0; e[3] = 0;
        e[5] = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
        e[6] = 0; e[7] = 0; e[8] = 0;
    }
    e[4] = tcp.sport;
    e[9] = tcp.dport;
}

function endpointHash(e, o) {
    let h = Math.imul(e[o] ^ Math.imul(e[o + 1], 0x27d4eb2d) ^ Math.imul(e[o + 2], 0x165667b1) ^
        Math.imul(e[o + 3], 0x61c88647) ^ Math.imul(e[o + 4] + 1, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    return Math.imul(h, 0xc2b2ae35);
}

function pairHash(e) {
    const h = (endpointHash(e, 0) + endpointHash(e, 5)) | 0;
    return h ^ (h >>> 16);
}

// 1: same direction as the session's first packet, -1: reverse, 0: other connection
function direction(ep, e) {
    if (ep[4] === e[4] && ep[9] === e[9] && ep[0] === e[0] && ep[5] === e[5] &&
        ep[1] === e[1] && ep[2] === e[2] && ep[3] === e[3] &&
        ep[6] === e[6] && ep[7] === e[7] && ep[8] === e[8]) { return 1; }
    if (ep[4] === e[9] && ep[9] === e[4] && ep[0] === e[5] && ep[5] === e[0] &&
        ep[1] === e[6] && ep[2] === e[7] && ep[3] === e[8] &&
        ep[6] === e[1] && ep[7] === e[2] && ep[8] === e[3]) { return -1; }
    return 0;
}

// ---------------------------------------------------------------------------
// Packet parsing: find the IP layer and the TCP segment.

// Result of parsing, reused (one per tracker / session) so no per-packet allocation.
function Parsed() {
    this.ip = null;
    this.tcp = null;
    this.v6 = false;
    this.ipHeaderLength = 0;
    this.len = 0; // payload bytes of the segment
}

function nextLayer(p) {
    const next = p.payload;
    if (next !== undefined && next !== null) { return next; }
    if (p.ieee802_11Frame) { return p.ieee802_11Frame; }
    return p.llc;
}

// Returns true and fills `out` when the packet carries a TCP segment over IPv4/IPv6.
function parsePacket(packet, out) {
    if (!packet || typeof packet !== 'object') { return false; }
    let p = packet.payload;
    let depth = 0;
    while (!(p instanceof IPv4 || p instanceof IPv6)) {
        if (p === null || typeof p !== 'object' || ++depth > 8) { return false; }
        p = nextLayer(p);
    }
    let ip = p;
    let l4 = ip.payload;
    let extLength = 0;
    for (depth = 0; depth < 16; depth++) {
        if (l4 instanceof TCP) { break; }
        if (l4 instanceof IPv4 || l4 instanceof IPv6) { // IP-in-IP: track the inner connection
            ip = l4;
            l4 = ip.payload;
            extLength = 0;
            continue;
        }
        if (l4 === null || typeof l4 !== 'object' || ip instanceof IPv4) { return false; }
        // IPv6 extension header
        if (l4.fragmentOffset > 0) { return false; }
        extLength += typeof l4.headerLength === 'number' ? l4.headerLength : 0;
        l4 = l4.payload;
    }
    if (!(l4 instanceof TCP) || l4.flags === undefined) { return false; } // not TCP, or truncated header
    if (ip.daddr === undefined) { return false; }
    if (ip instanceof IPv4) {
        // not a TCP header (later fragment), or not really IPv4
        if (ip.fragmentOffset > 0 || ip.version !== 4 || !(ip.headerLength >= 20)) { return false; }
        out.v6 = false;
        out.ipHeaderLength = ip.headerLength;
    } else {
        if (ip.version !== 6) { return false; }
        out.v6 = true;
        out.ipHeaderLength = 40 + extLength;
    }
    out.ip = ip;
    out.tcp = l4;
    out.len = payloadLength(l4, packet.pcap_header);
    return true;
}

// The segment's payload length: tcp.dataLength (from the IP length), but never more
// than the frame carried on the wire (bytes captured plus bytes cut by the snap length).
function payloadLength(tcp, hdr) {
    const n = tcp.dataLength;
    if (!(n > 0)) { return 0; }
    const data = tcp.data;
    const have = data ? data.length : 0;
    if (have >= n) { return n; }
    const cut = hdr ? hdr.len - hdr.caplen : 0;
    const wire = cut > 0 ? have + cut : have;
    return wire < n ? wire : n;
}

function capTime(packet) {
    const h = packet.pcap_header;
    return h ? h.tv_sec + h.tv_usec / 1000000 : 0;
}

// ---------------------------------------------------------------------------
// Per-session sequence tables: node_pcap's send_/recv_ packets/acks/retrans maps
// (end sequence number -> capture time, or -> retransmit count).
//
// node_pcap keeps these as plain objects that grow with every data packet. Here each
// is a pair of Map generations: new keys go into the current one; when it holds
// `cap` keys it becomes the old one and the previous old one is dropped. So between
// cap and 2*cap recent keys are kept, lookups stay O(1) and nothing is deleted key
// by key. The session's public fields (session.send_packets, ...) are accessors that
// build a plain object from the table when read (cached until the next change).

function SeqTable(cap) {
    this.cap = cap;
    this.cur = new Map();
    this.old = null;
    this.curLast = 0;   // last key added to cur / old
    this.oldLast = 0;
    this.evicted = 0;   // last key of the newest dropped generation
    this.hasEvicted = false;
    this.view = null;   // cached plain-object view
}

// Keys are uint32 sequence numbers, stored as int32 (small integers hash fastest).
SeqTable.prototype.get = function (key) {
    const k = key | 0;
    const v = this.cur.get(k);
    if (v !== undefined || this.old === null) { return v; }
    return this.old.get(k);
};

SeqTable.prototype.set = function (key, value) {
    const k = key | 0;
    const cur = this.cur;
    if (cur.size >= this.cap && !cur.has(k)) {
        if (this.old !== null) {
            this.evicted = this.oldLast;
            this.hasEvicted = true;
        }
        this.old = cur;
        this.oldLast = this.curLast;
        this.cur = new Map();
        this.cur.set(k, value);
    } else {
        cur.set(k, value);
    }
    this.curLast = k;
    this.view = null;
};

// True when `key` is at or before the last key of a dropped generation: a segment
// that was seen and has been forgotten since.
SeqTable.prototype.forgotten = function (key) {
    return this.hasEvicted && ((key - this.evicted) | 0) <= 0;
};

SeqTable.prototype.toObject = function () {
    if (this.view !== null) { return this.view; }
    const obj = {};
    if (this.old !== null) { for (const [k, v] of this.old) { obj[k >>> 0] = v; } }
    for (const [k, v] of this.cur) { obj[k >>> 0] = v; }
    this.view = obj;
    return obj;
};

const T_SEND_PACKETS = 0;
const T_SEND_ACKS = 1;
const T_SEND_RETRANS = 2;
const T_RECV_PACKETS = 3;
const T_RECV_ACKS = 4;
const T_RECV_RETRANS = 5;
const TABLE_FIELDS = ['send_packets', 'send_acks', 'send_retrans', 'recv_packets', 'recv_acks', 'recv_retrans'];

function tableGet(t, slot, key) {
    const table = t.tables[slot];
    return table === null ? undefined : table.get(key);
}

function tableSet(t, slot, key, value) {
    let table = t.tables[slot];
    if (table === null) { table = t.tables[slot] = new SeqTable(t.history); }
    table.set(key, value);
}

function tableForgotten(t, slot, key) {
    const table = t.tables[slot];
    return table !== null && table.forgotten(key);
}

// Accessor descriptors for the six public fields (shared by every session).
// Reading gives a plain object {seq: value}; assigning an object replaces the table.
const TABLE_DESCRIPTORS = TABLE_FIELDS.map(function (name, slot) {
    return {
        enumerable: true,
        configurable: true,
        get: function () {
            const table = stateOf(this).tables[slot];
            return table === null ? {} : table.toObject();
        },
        set: function (value) {
            const t = stateOf(this);
            t.tables[slot] = null;
            if (value && typeof value === 'object') {
                for (const k of Object.keys(value)) {
                    const n = Number(k);
                    if (n >= 0 && n <= 0xffffffff && n === Math.floor(n)) { tableSet(t, slot, n, value[k]); }
                }
            }
        },
    };
});

// ---------------------------------------------------------------------------
// Reassembly state of one direction.

function Stream() {
    this.next = -1;     // next expected sequence number, -1 until known
    this.fin = -1;      // sequence number of the FIN, -1 if none seen
    this.pending = [];  // held out-of-order segments {seq, len, buf}, sorted by seq
    this.pendingBytes = 0;
}

function Held(seq, len, buf) {
    this.seq = seq;
    this.len = len;
    this.buf = buf;
}

// ---------------------------------------------------------------------------
// Per-session internal state (a non-enumerable `_t` property on the session).

function SessionState() {
    this.tracker = null;
    this.session = null;
    this.key = null;       // "ip:port-ip:port"
    this.v6 = false;
    this.ep = null;        // Int32Array(10) endpoints of the first packet (see fillEndpoints)
    this.hash = 0;
    this.chain = null;     // next session state with the same hash
    this.last = 0;         // capture time of the last packet
    this.prev = null;      // LRU list (tracker)
    this.next = null;
    this.linked = false;
    this.history = DEFAULTS.segmentHistory;
    this.tables = [null, null, null, null, null, null];
    this.reassemble = false;
    this.maxBufferedBytes = DEFAULTS.maxBufferedBytes;
    this.maxBufferedSegments = DEFAULTS.maxBufferedSegments;
    this.send = null;      // Stream, when reassembling
    this.recv = null;
    this.finished = false;
    // current packet
    this.pkt = null;
    this.ip = null;
    this.tcp = null;
    this.fromSrc = true;
    this.ipHeaderLength = 0;
    this.len = 0;
    this.parsed = null;
}

function stateOf(session) {
    let t = session._t;
    if (t === undefined) { // created by a subclass that skipped the constructor
        t = new SessionState();
        Object.defineProperty(session, '_t', { value: t, writable: true, configurable: true });
    }
    return t;
}

// Make sure t.ip/t.tcp/t.fromSrc describe `packet` (state methods may be called directly).
function current(session, packet) {
    const t = stateOf(session);
    if (t.pkt === packet && packet !== null) { return t; }
    if (t.parsed === null) { t.parsed = new Parsed(); }
    const parsed = t.parsed;
    t.pkt = packet;
    if (!parsePacket(packet, parsed)) {
        t.ip = null;
        t.tcp = null;
        return t;
    }
    t.ip = parsed.ip;
    t.tcp = parsed.tcp;
    t.ipHeaderLength = parsed.ipHeaderLength;
    t.len = parsed.len;
    const e = new Int32Array(10);
    fillEndpoints(e, parsed.v6, parsed.ip, parsed.tcp);
    const dir = t.ep === null ? 1 : t.v6 === parsed.v6 ? direction(t.ep, e) : 0;
    if (t.ep === null) {
        t.v6 = parsed.v6;
        t.ep = e;
        t.fromSrc = true;
    } else if (dir !== 0) {
        t.fromSrc = dir === 1;
    } else {
        debug('non-matching packet in session %s: %s', session.src + '-' + session.dst, packet);
        t.ip = null;
        t.tcp = null;
    }
    return t;
}

// ---------------------------------------------------------------------------
// TCPSession

function TCPSession() {
    this.src = null;
    this.src_name = null; // from DNS
    this.dst = null;
    this.dst_name = null; // from DNS

    this.state = null;
    this.current_cap_time = null;

    this.syn_time = null;
    this.missed_syn = null;
    this.connect_time = null;

    this.send_isn = null;
    this.send_window_scale = null;
    // send_packets: end sequence number (seqno + length) -> capture time
    Object.defineProperty(this, 'send_packets', TABLE_DESCRIPTORS[T_SEND_PACKETS]);
    Object.defineProperty(this, 'send_acks', TABLE_DESCRIPTORS[T_SEND_ACKS]);
    Object.defineProperty(this, 'send_retrans', TABLE_DESCRIPTORS[T_SEND_RETRANS]);
    this.send_next_seq = null;
    this.send_acked_seq = null;
    this.send_bytes_ip = null;
    this.send_bytes_tcp = null;
    this.send_bytes_payload = 0;

    this.recv_isn = null;
    this.recv_window_scale = null;
    Object.defineProperty(this, 'recv_packets', TABLE_DESCRIPTORS[T_RECV_PACKETS]);
    Object.defineProperty(this, 'recv_acks', TABLE_DESCRIPTORS[T_RECV_ACKS]);
    Object.defineProperty(this, 'recv_retrans', TABLE_DESCRIPTORS[T_RECV_RETRANS]);
    this.recv_next_seq = null;
    this.recv_acked_seq = null;
    this.recv_bytes_ip = 0;
    this.recv_bytes_tcp = 0;
    this.recv_bytes_payload = 0;

    EventEmitter.call(this);
    Object.defineProperty(this, '_t', { value: new SessionState(), writable: true, configurable: true });
}
util.inherits(TCPSession, EventEmitter);

// node_pcap entry point: track one decoded packet of this session.
TCPSession.prototype.track = function (packet) {
    const t = current(this, packet);
    if (t.tcp === null) { return; }
    this.current_cap_time = capTime(packet);
    t.last = this.current_cap_time;
    if (this.state === null) {
        this._begin(t);
        this._firstPacket(packet);
    } else {
        this._step(packet);
    }
};

// First packet: who is src/dst and the initial state (nothing is emitted here).
TCPSession.prototype._begin = function (t) {
    const ip = t.ip;
    const tcp = t.tcp;
    const now = this.current_cap_time;
    this.src = endpointText(t.v6, ip.saddr, tcp.sport);
    this.src_name = this.src;
    this.dst = endpointText(t.v6, ip.daddr, tcp.dport);
    this.dst_name = this.dst;

    if (tcp.flags.syn && !tcp.flags.ack) {
        this.state = 'SYN_SENT';
    } else { // joined a connection already in progress
        this.missed_syn = true;
        this.connect_time = now;
        this.state = 'ESTAB';
    }
    this.syn_time = now;
    this.send_isn = tcp.seqno;
    this.send_window_scale = tcp.options.window_scale || 1;
    this.send_next_seq = (tcp.seqno + 1) >>> 0;
    this.send_bytes_ip = t.ipHeaderLength;
    this.send_bytes_tcp = tcp.headerLength;
    if (t.reassemble) {
        t.send = new Stream();
        t.recv = new Stream();
        if (tcp.flags.syn) { t.send.next = (tcp.seqno + 1) >>> 0; }
    }
};

// The rest of the first packet, run after the tracker's `session` event so that
// listeners added there see its data, FIN or RST.
TCPSession.prototype._firstPacket = function (packet) {
    const t = current(this, packet);
    const tcp = t.tcp;
    if (tcp.flags.rst) {
        this._payloadBytes(t);
        this._finish('reset', t.fromSrc ? 'send' : 'recv');
        return;
    }
    this._payload(t);
    if (this.state === 'ESTAB' && tcp.flags.fin) {
        this._fin(t, tcp);
        this.state = 'FIN_WAIT';
    }
};

// Every later packet.
TCPSession.prototype._step = function (packet) {
    const t = current(this, packet);
    const tcp = t.tcp;
    if (t.fromSrc) {
        this.send_bytes_ip += t.ipHeaderLength;
        this.send_bytes_tcp += tcp.headerLength;
    } else {
        this.recv_bytes_ip += t.ipHeaderLength;
        this.recv_bytes_tcp += tcp.headerLength;
    }
    const flags = tcp.flags;
    if (flags.rst) {
        if (this.state === 'CLOSED') { return; }
        this._payloadBytes(t);
        this._finish('reset', t.fromSrc ? 'send' : 'recv');
        return;
    }
    if (flags.syn && !flags.ack) {
        this.emit('syn retry', this);
        this._payload(t);
        return;
    }
    this[this.state](packet);
};

TCPSession.prototype.SYN_SENT = function (packet) {
    const t = current(this, packet);
    const tcp = t.tcp;
    if (tcp === null) { return; }
    if (!t.fromSrc && tcp.flags.syn && tcp.flags.ack) {
        const now = this.current_cap_time;
        tableSet(t, T_RECV_PACKETS, (tcp.seqno + 1) >>> 0, now);
        tableSet(t, T_RECV_ACKS, tcp.ackno, now);
        this.recv_isn = tcp.seqno;
        this.recv_window_scale = tcp.options.window_scale || 1;
        if (t.recv !== null && t.recv.next === -1) { t.recv.next = (tcp.seqno + 1) >>> 0; }
        this.state = 'SYN_RCVD';
    }
    this._payload(t);
};

TCPSession.prototype.SYN_RCVD = function (packet) {
    const t = current(this, packet);
    const tcp = t.tcp;
    if (tcp === null) { return; }
    if (t.fromSrc && tcp.flags.ack) {
        tableSet(t, T_SEND_ACKS, tcp.ackno, this.current_cap_time);
        this.connect_time = this.current_cap_time;
        this.emit('start', this);
        this.state = 'ESTAB';
    }
    this._payload(t);
};

// ESTAB and the closing states: payload, ack times, FIN/close transitions.
function established(session, packet, closeState) {
    const t = current(session, packet);
    const tcp = t.tcp;
    if (tcp === null) { return; }
    session._payload(t);
    if (t.finished) { return; }
    session._acks(t, tcp);
    const fin = tcp.flags.fin;
    if (fin) { session._fin(t, tcp); }
    switch (closeState) {
    case 'ESTAB':
        if (fin) { session.state = t.fromSrc ? 'FIN_WAIT' : 'CLOSE_WAIT'; }
        break;
    case 'FIN_WAIT':
        if (fin && !t.fromSrc) { session.state = 'CLOSING'; }
        break;
    case 'CLOSE_WAIT':
        if (fin && t.fromSrc) { session.state = 'LAST_ACK'; }
        break;
    case 'LAST_ACK':
        if (!t.fromSrc) { session._finish('end', null); }
        break;
    case 'CLOSING':
        if (t.fromSrc) { session._finish('end', null); }
        break;
    }
}

TCPSession.prototype.ESTAB = function (packet) { established(this, packet, 'ESTAB'); };
TCPSession.prototype.FIN_WAIT = function (packet) { established(this, packet, 'FIN_WAIT'); };
TCPSession.prototype.CLOSE_WAIT = function (packet) { established(this, packet, 'CLOSE_WAIT'); };
TCPSession.prototype.LAST_ACK = function (packet) { established(this, packet, 'LAST_ACK'); };
TCPSession.prototype.CLOSING = function (packet) { established(this, packet, 'CLOSING'); };
TCPSession.prototype.CLOSED = function (/* packet */) {
    // closed: nothing to do
};

// Ack bookkeeping (round-trip times for session_stats).
TCPSession.prototype._acks = function (t, tcp) {
    const ackno = tcp.ackno;
    if (t.fromSrc) {
        if (tableGet(t, T_RECV_PACKETS, ackno) !== undefined) {
            tableSet(t, T_SEND_ACKS, ackno, this.current_cap_time);
        }
    } else if (tableGet(t, T_SEND_PACKETS, ackno) !== undefined) {
        tableSet(t, T_RECV_ACKS, ackno, this.current_cap_time);
    }
};

TCPSession.prototype._fin = function (t, tcp) {
    const st = t.fromSrc ? t.send : t.recv;
    if (st !== null && st.fin === -1) {
        st.fin = (tcp.seqno + t.len + (tcp.flags.syn ? 1 : 0)) >>> 0;
    }
};

// Only count the payload (RST segments: their payload is not stream data).
TCPSession.prototype._payloadBytes = function (t) {
    const len = t.len;
    if (len > 0) {
        if (t.fromSrc) { this.send_bytes_payload += len; } else { this.recv_bytes_payload += len; }
    }
};

// Payload of a segment: retransmit detection, data events, byte counts.
TCPSession.prototype._payload = function (t) {
    const tcp = t.tcp;
    const len = t.len;
    if (len === 0) { return; }
    const syn = tcp.flags.syn ? 1 : 0;
    const key = (tcp.seqno + syn + len) >>> 0;
    const now = this.current_cap_time;
    if (t.fromSrc) {
        if (tableGet(t, T_SEND_PACKETS, key) !== undefined || tableForgotten(t, T_SEND_PACKETS, key)) {
            this.emit('retransmit', this, 'send', key);
            tableSet(t, T_SEND_RETRANS, key, (tableGet(t, T_SEND_RETRANS, key) || 0) + 1);
        } else if (t.send === null) {
            this.emit('data send', this, tcp.data);
        }
        if (t.send !== null) { this._reassemble(t, t.send, 'data send', 'send', tcp, syn, len); }
        this.send_bytes_payload += len;
        tableSet(t, T_SEND_PACKETS, key, now);
    } else {
        if (tableGet(t, T_RECV_PACKETS, key) !== undefined || tableForgotten(t, T_RECV_PACKETS, key)) {
            this.emit('retransmit', this, 'recv', key);
            tableSet(t, T_RECV_RETRANS, key, (tableGet(t, T_RECV_RETRANS, key) || 0) + 1);
        } else if (t.recv === null) {
            this.emit('data recv', this, tcp.data);
        }
        if (t.recv !== null) { this._reassemble(t, t.recv, 'data recv', 'recv', tcp, syn, len); }
        this.recv_bytes_payload += len;
        tableSet(t, T_RECV_PACKETS, key, now);
    }
};

// ---------------------------------------------------------------------------
// Reassembly

// Deliver bytes [from, len) of a segment whose buffer may be shorter than len
// (truncated capture): the missing tail is reported as a gap.
TCPSession.prototype._deliver = function (event, dir, buf, from, len) {
    const avail = buf ? buf.length : 0;
    const end = avail < len ? avail : len;
    if (end > from) {
        this.emit(event, this, from === 0 && end === avail ? buf : buf.subarray(from, end));
    }
    const missing = len - (from > avail ? from : avail);
    if (missing > 0) { this.emit('gap', this, dir, missing); }
};

TCPSession.prototype._reassemble = function (t, st, event, dir, tcp, syn, len) {
    const seq = (tcp.seqno + syn) >>> 0;
    if (st.next === -1) { st.next = seq; }
    const d = (seq - st.next) | 0;
    if (d <= 0) {
        if (d + len <= 0) { return; } // all bytes already delivered
        st.next = (seq + len) >>> 0;
        this._deliver(event, dir, tcp.data, -d, len);
        if (st.pending.length > 0) { this._drain(st, event, dir); }
        return;
    }
    // Out of order: hold a copy until the hole before it is filled.
    const pending = st.pending;
    let i = pending.length;
    while (i > 0 && ((pending[i - 1].seq - seq) | 0) > 0) { i--; }
    if (i > 0 && pending[i - 1].seq === seq && pending[i - 1].len >= len) { return; } // duplicate
    const data = tcp.data;
    const copy = data ? Buffer.from(data.subarray(0, len)) : Buffer.alloc(0);
    pending.splice(i, 0, new Held(seq, len, copy));
    st.pendingBytes += len;
    while (st.pending.length > 0 &&
        (st.pendingBytes > t.maxBufferedBytes || st.pending.length > t.maxBufferedSegments)) {
        this._skip(st, event, dir);
    }
};

// Release held segments that now start at or before `next`.
TCPSession.prototype._drain = function (st, event, dir) {
    const pending = st.pending;
    while (pending.length > 0) {
        const h = pending[0];
        const d = (h.seq - st.next) | 0;
        if (d > 0) { return; }
        pending.shift();
        st.pendingBytes -= h.len;
        if (d + h.len > 0) {
            st.next = (h.seq + h.len) >>> 0;
            this._deliver(event, dir, h.buf, -d, h.len);
        }
    }
};

// Give up on the hole before the first held segment: report it and move on.
TCPSession.prototype._skip = function (st, event, dir) {
    const h = st.pending[0];
    const gap = (h.seq - st.next) | 0;
    if (gap > 0) {
        this.emit('gap', this, dir, gap);
        st.next = h.seq;
    }
    this._drain(st, event, dir);
};

// End of the session: deliver what is held (reporting holes) and report missing
// bytes before a FIN.
TCPSession.prototype._flush = function (t) {
    if (t.send !== null) { this._flushStream(t.send, 'data send', 'send'); }
    if (t.recv !== null) { this._flushStream(t.recv, 'data recv', 'recv'); }
};

TCPSession.prototype._flushStream = function (st, event, dir) {
    while (st.pending.length > 0) { this._skip(st, event, dir); }
    if (st.fin !== -1 && st.next !== -1) {
        const gap = (st.fin - st.next) | 0;
        if (gap > 0) {
            st.next = st.fin;
            this.emit('gap', this, dir, gap);
        }
    }
};

// ---------------------------------------------------------------------------
// End of a session: 'end' (FIN handshake), 'reset' (RST) or 'drop' (idle, limit, close).

TCPSession.prototype._finish = function (kind, arg) {
    const t = stateOf(this);
    if (t.finished) { return; }
    t.finished = true;
    if (t.send !== null || t.recv !== null) { this._flush(t); }
    this.close_time = this.current_cap_time;
    this.state = 'CLOSED';
    const tracker = t.tracker;
    if (tracker !== null) { tracker._remove(this, kind === 'end' || kind === 'reset'); }
    if (kind === 'end') {
        this.emit('end', this);
    } else if (kind === 'reset') {
        this.emit('reset', this, arg);
    } else {
        this.emit('drop', this, arg);
        if (tracker !== null) { tracker.emit('drop', this, arg); }
    }
};

// A stray packet after the session ended (within timeWait): count it, nothing else.
TCPSession.prototype._straggler = function (fromSrc, ipHeaderLength, tcp, len) {
    if (fromSrc) {
        this.send_bytes_ip += ipHeaderLength;
        this.send_bytes_tcp += tcp.headerLength;
        this.send_bytes_payload += len;
    } else {
        this.recv_bytes_ip += ipHeaderLength;
        this.recv_bytes_tcp += tcp.headerLength;
        this.recv_bytes_payload += len;
    }
};

TCPSession.prototype.session_stats = function () {
    const stats = {};
    const self = {
        send_packets: this.send_packets, send_acks: this.send_acks,
        recv_packets: this.recv_packets, recv_acks: this.recv_acks,
    };

    stats.recv_times = {};
    Object.keys(self.send_acks).forEach(function (k) {
        const v = +k;
        if (self.recv_packets[v]) {
            stats.recv_times[v] = self.send_acks[v] - self.recv_packets[v];
        }
    });

    stats.send_times = {};
    Object.keys(self.recv_acks).forEach(function (k) {
        const v = +k;
        if (self.send_packets[v]) {
            stats.send_times[v] = self.recv_acks[v] - self.send_packets[v];
        }
    });

    stats.send_retrans = Object.assign({}, this.send_retrans);
    stats.recv_retrans = Object.assign({}, this.recv_retrans);

    stats.connect_duration = this.connect_time - this.syn_time;
    stats.total_time = this.close_time - this.syn_time;
    stats.send_overhead = this.send_bytes_ip + this.send_bytes_tcp;
    stats.send_payload = this.send_bytes_payload;
    stats.send_total = stats.send_overhead + stats.send_payload;
    stats.recv_overhead = this.recv_bytes_ip + this.recv_bytes_tcp;
    stats.recv_payload = this.recv_bytes_payload;
    stats.recv_total = stats.recv_overhead + stats.recv_payload;
    return stats;
};

// ---------------------------------------------------------------------------
// TCPTracker

function TrackerState(options) {
    this.options = options;
    this.index = new Map();  // pairHash -> session state (chained through .chain)
    this.e = new Int32Array(10); // endpoints of the current packet
    this.closed = new Map(); // key -> ended session, for timeWait
    this.count = 0;
    this.head = null;        // least recently active session state
    this.tail = null;
    this.now = 0;            // capture time of the last packet
    this.wallAtNow = 0;      // Date.now() when it was processed
    this.nextClosedSweep = 0;
    this.parsed = new Parsed();
}

function TCPTracker(options) {
    this.sessions = {};
    EventEmitter.call(this);
    this.options = readOptions(options);
    Object.defineProperty(this, '_s', {
        value: new TrackerState(this.options), writable: true, configurable: true,
    });
}
util.inherits(TCPTracker, EventEmitter);

TCPTracker.prototype.track_packet = function (packet) {
    const s = this._s;
    const parsed = s.parsed;
    if (!parsePacket(packet, parsed)) {
        return; // not TCP over IPv4/IPv6: ignored, as in node_pcap
    }
    const ip = parsed.ip;
    const tcp = parsed.tcp;
    const v6 = parsed.v6;
    const now = capTime(packet);
    s.now = now;
    const opts = s.options;
    if (opts.idleTimeout > 0) {
        s.wallAtNow = Date.now();
        this._expireIdle(now);
    }

    const e = s.e;
    fillEndpoints(e, v6, ip, tcp);
    const hash = pairHash(e);
    let found = s.index.get(hash);
    let dir = 0;
    while (found !== undefined && found !== null) {
        if (found.v6 === v6) {
            dir = direction(found.ep, e);
            if (dir !== 0) { break; }
        }
        found = found.chain;
    }

    let session;
    if (found !== undefined && found !== null) {
        const t = found;
        session = t.session;
        if (this.sessions[t.key] !== session) {
            // removed from tracker.sessions by the user: forget it silently
            this._unlink(t);
            session = undefined;
        } else {
            t.pkt = packet;
            t.ip = ip;
            t.tcp = tcp;
            t.ipHeaderLength = parsed.ipHeaderLength;
            t.len = parsed.len;
            t.fromSrc = dir === 1;
            t.last = now;
            session.current_cap_time = now;
            if (t !== s.tail) { this._touch(t); }
            session._step(packet);
            return;
        }
    }

    // A packet without a live session.
    const srcText = endpointText(v6, ip.saddr, tcp.sport);
    const dstText = endpointText(v6, ip.daddr, tcp.dport);
    const key = srcText < dstText ? srcText + '-' + dstText : dstText + '-' + srcText;

    if (s.closed.size > 0) {
        if (now >= s.nextClosedSweep) { this._expireClosed(now); }
        const old = s.closed.get(key);
        if (old !== undefined) {
            const freshSyn = tcp.flags.syn && !tcp.flags.ack;
            if (!freshSyn && now - old.close_time <= opts.timeWait / 1000) {
                old._straggler(direction(old._t.ep, e) === 1, parsed.ipHeaderLength, tcp, parsed.len);
                return;
            }
            s.closed.delete(key);
        }
    }

    if (opts.maxSessions > 0) {
        while (s.count >= opts.maxSessions && s.head !== null) {
            this._drop(s.head, 'limit');
        }
    }

    session = new TCPSession();
    const t = session._t;
    t.tracker = this;
    t.session = session;
    t.key = key;
    t.v6 = v6;
    t.ep = Int32Array.from(e);
    t.hash = hash;
    t.last = now;
    t.history = opts.segmentHistory;
    t.reassemble = opts.reassemble;
    t.maxBufferedBytes = opts.maxBufferedBytes;
    t.maxBufferedSegments = opts.maxBufferedSegments;
    t.pkt = packet;
    t.ip = ip;
    t.tcp = tcp;
    t.ipHeaderLength = parsed.ipHeaderLength;
    t.len = parsed.len;
    t.fromSrc = true;

    const head = s.index.get(hash);
    t.chain = head === undefined ? null : head;
    s.index.set(hash, t);
    this.sessions[key] = session;
    s.count++;
    this._append(t);

    session.current_cap_time = now;
    session._begin(t);
    this.emit('session', session);
    if (!t.finished && t.pkt === packet) { session._firstPacket(packet); }
};

// LRU list maintenance
TCPTracker.prototype._append = function (t) {
    const s = this._s;
    t.prev = s.tail;
    t.next = null;
    if (s.tail !== null) { s.tail.next = t; } else { s.head = t; }
    s.tail = t;
    t.linked = true;
};

TCPTracker.prototype._touch = function (t) {
    const s = this._s;
    // unlink (t is not the tail)
    if (t.prev !== null) { t.prev.next = t.next; } else { s.head = t.next; }
    t.next.prev = t.prev;
    // append
    t.prev = s.tail;
    t.next = null;
    s.tail.next = t;
    s.tail = t;
};

// Remove a session from every index (no events).
TCPTracker.prototype._unlink = function (t) {
    const s = this._s;
    if (!t.linked) { return; }
    t.linked = false;
    if (t.prev !== null) { t.prev.next = t.next; } else { s.head = t.next; }
    if (t.next !== null) { t.next.prev = t.prev; } else { s.tail = t.prev; }
    t.prev = null;
    t.next = null;
    const head = s.index.get(t.hash);
    if (head === t) {
        if (t.chain === null) { s.index.delete(t.hash); } else { s.index.set(t.hash, t.chain); }
    } else if (head !== undefined) {
        let p = head;
        while (p.chain !== null && p.chain !== t) { p = p.chain; }
        if (p.chain === t) { p.chain = t.chain; }
    }
    t.chain = null;
    s.count--;
};

TCPTracker.prototype._remove = function (session, linger) {
    const t = session._t;
    const s = this._s;
    const wasLinked = t.linked;
    this._unlink(t);
    if (this.sessions[t.key] === session) { delete this.sessions[t.key]; }
    if (linger && wasLinked && s.options.timeWait > 0 && s.options.maxClosed > 0) {
        s.closed.delete(t.key);
        s.closed.set(t.key, session);
        if (s.closed.size === 1) { s.nextClosedSweep = s.now + s.options.timeWait / 1000; }
        if (s.closed.size > s.options.maxClosed) {
            s.closed.delete(s.closed.keys().next().value);
        }
    }
};

TCPTracker.prototype._drop = function (t, reason) {
    t.session._finish('drop', reason);
    if (t.linked) { this._unlink(t); } // already finished: make sure the loop advances
};

TCPTracker.prototype._expireIdle = function (now) {
    const s = this._s;
    const limit = s.options.idleTimeout / 1000;
    let dropped = 0;
    while (s.head !== null && now - s.head.last > limit) {
        this._drop(s.head, 'idle');
        dropped++;
    }
    return dropped;
};

TCPTracker.prototype._expireClosed = function (now) {
    const s = this._s;
    const wait = s.options.timeWait / 1000;
    for (const [key, session] of s.closed) {
        if (now - session.close_time <= wait) { break; }
        s.closed.delete(key);
    }
    s.nextClosedSweep = now + wait / 4;
};

// Drop sessions idle for longer than idleTimeout. `now` is a capture time in seconds;
// by default the time of the last packet plus the wall-clock time since it was tracked,
// so a live capture can call this from a timer while no packets arrive.
// Returns the number of sessions dropped.
TCPTracker.prototype.expire = function (now) {
    const s = this._s;
    if (now === undefined) {
        now = s.wallAtNow === 0 ? s.now : s.now + (Date.now() - s.wallAtNow) / 1000;
    }
    if (s.closed.size > 0) { this._expireClosed(now); }
    if (!(s.options.idleTimeout > 0)) { return 0; }
    return this._expireIdle(now);
};

// End of input: every open session is flushed (reassembly) and dropped with reason
// 'close'; ended-session records are forgotten. The tracker stays usable.
TCPTracker.prototype.close = function () {
    const s = this._s;
    while (s.head !== null) {
        this._drop(s.head, 'close');
    }
    s.closed.clear();
};

exports.TCPSession = TCPSession;
exports.TCPTracker = TCPTracker;
