'use strict';

// TCPSession: one TCP connection as node_pcap 3.1.0 presented it (fields, state names and
// state methods, events), with bounded per-session tables and, when the tracker reassembles,
// one Reassembler per direction whose results become `data send`/`data recv`/`gap` events.

const EventEmitter = require('events').EventEmitter;
const util = require('util');
const { seqAdd, seqAfter } = require('./seq');
const { endpointText, fillEndpoints, direction } = require('./endpoints');
const { Parsed, parsePacket, capTime } = require('./parse');
const { newTable } = require('./seqtable');
const { Reassembler, IN_ORDER } = require('./reassembler');
const { DEFAULT_OPTIONS } = require('./options');

const debug = util.debuglog('pcap');

// ---------------------------------------------------------------------------
// The six send_/recv_ tables (lib/tracker/seqtable.js), created with their first key.

const T_SEND_PACKETS = 0;
const T_SEND_ACKS = 1;
const T_SEND_RETRANS = 2;
const T_RECV_PACKETS = 3;
const T_RECV_ACKS = 4;
const T_RECV_RETRANS = 5;
const TABLE_FIELDS = ['send_packets', 'send_acks', 'send_retrans', 'recv_packets', 'recv_acks', 'recv_retrans'];

function tableGet(t, slot, key) {
  const tables = t.tables;
  if (tables === null) { return undefined; }
  const table = tables[slot];
  return table === null ? undefined : table.get(key);
}

function tableSet(t, slot, key, value) {
  let tables = t.tables;
  if (tables === null) { tables = t.tables = [null, null, null, null, null, null]; }
  let table = tables[slot];
  if (table === null) { table = tables[slot] = newTable(t.opts.segmentHistory); }
  table.set(key, value);
}

function tableForgotten(t, slot, key) {
  const tables = t.tables;
  if (tables === null) { return false; }
  const table = tables[slot];
  return table !== null && table.forgotten(key);
}

// Accessor descriptors for the six public fields (shared by every session).
// Reading gives a plain object {seq: value}; assigning an object replaces the table.
const TABLE_DESCRIPTORS = TABLE_FIELDS.map(function (name, slot) {
  return {
    enumerable: true,
    configurable: true,
    get: function () {
      const tables = stateOf(this).tables;
      const table = tables === null ? null : tables[slot];
      return table === null ? {} : table.toObject();
    },
    set: function (value) {
      const t = stateOf(this);
      if (t.tables !== null) { t.tables[slot] = null; }
      if (value && typeof value === 'object') {
        for (const k of Object.keys(value)) {
          const n = Number(k);
          if (n >= 0 && n <= 0xffffffff && n === Math.floor(n)) { tableSet(t, slot, n, value[k]); }
        }
        if (t.tables !== null && t.tables[slot] !== null) { t.tables[slot].ordered = false; }
      }
    },
  };
});

// ---------------------------------------------------------------------------
// Per-session internal state (a private field of the session, see stateOf).

function SessionState() {
  this.tracker = null;
  this.session = null;
  this.opts = DEFAULT_OPTIONS;
  this.tables = null;    // [6] SeqTable or null, created with the first key
  this.budget = null;    // the tracker's Budget of held bytes (reassembly)
  this.send = null;      // Reassembler, when reassembling
  this.recv = null;
  this.finished = false;
  this.finSend = null;   // capture time of the first FIN from each side (see _finTime)
  this.finRecv = null;
  // current packet (cleared when the tracker is done with it)
  this.pkt = null;
  this.ip = null;
  this.tcp = null;
  this.fromSrc = true;
  this.ipHeaderLength = 0;
  this.len = 0;
  this.parsed = null;    // for session.track() without a tracker
  // endpoints of the first packet (see fillEndpoints)
  this.hasEnds = false;
  this.v6 = false;
  this.a0 = 0; this.a1 = 0; this.a2 = 0; this.a3 = 0;
  this.b0 = 0; this.b1 = 0; this.b2 = 0; this.b3 = 0;
  this.ports = 0;
  // the tracker's bookkeeping
  this.key = null;       // key in tracker.sessions
  this.serial = 0;       // creation order (see publishSessions)
  this.hash = 0;
  this.chain = undefined; // next live session with the same hash
  this.last = 0;         // capture time of the last packet
  this.prev = null;      // LRU list
  this.next = null;
  this.linked = false;   // in the LRU list and the index
}

function setEnds(t, p) {
  t.hasEnds = true;
  t.v6 = p.v6;
  t.a0 = p.a0; t.a1 = p.a1; t.a2 = p.a2; t.a3 = p.a3;
  t.b0 = p.b0; t.b1 = p.b1; t.b2 = p.b2; t.b3 = p.b3;
  t.ports = p.ports;
}

// The state is kept in a private field, stamped onto the session by a constructor that
// returns the object it is given: invisible to Object.keys, JSON.stringify, util.inspect
// and for-in, and much cheaper to add than a non-enumerable property.
class Stamp {
  constructor(o) { return o; }
}

class StateSlot extends Stamp {
  #t;
  constructor(o, t) {
    super(o);
    this.#t = t;
  }

  static of(o) { return #t in o ? o.#t : undefined; }
}

function stateOf(session) {
  let t = StateSlot.of(session);
  if (t === undefined) { // created by a subclass that skipped the constructor
    t = new SessionState();
    t.session = session;
    new StateSlot(session, t);
  }
  return t;
}

// Make sure t.ip/t.tcp/t.fromSrc describe `packet` (state methods may be called directly).
function current(session, packet) {
  const t = stateOf(session);
  if (t.pkt === packet && packet !== null) { return t; }
  if (t.parsed === null) { t.parsed = new Parsed(); }
  const p = t.parsed;
  t.pkt = packet;
  if (!parsePacket(packet, p)) {
    t.ip = null;
    t.tcp = null;
    return t;
  }
  t.ip = p.ip;
  t.tcp = p.tcp;
  t.ipHeaderLength = p.ipHeaderLength;
  t.len = p.len;
  fillEndpoints(p);
  if (!t.hasEnds) {
    setEnds(t, p);
    t.fromSrc = true;
    return t;
  }
  const dir = direction(t, p);
  if (dir !== 0) {
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
  const t = new SessionState();
  t.session = this;
  new StateSlot(this, t);
}
util.inherits(TCPSession, EventEmitter);

// node_pcap entry point: track one decoded packet of this session.
TCPSession.prototype.track = function (packet) {
  const t = current(this, packet);
  if (t.tcp === null) { return; }
  this.current_cap_time = capTime(packet);
  if (this.state === null) {
    this._begin(t, null, null);
    this._firstPacket(packet);
  } else {
    this._step(packet);
  }
  t.pkt = null;
  t.ip = null;
  t.tcp = null;
};

// First packet: who is src/dst and the initial state (nothing is emitted here).
// `src`/`dst`: the endpoint texts when the caller has them already.
TCPSession.prototype._begin = function (t, src, dst) {
  const ip = t.ip;
  const tcp = t.tcp;
  const now = this.current_cap_time;
  if (src === null) {
    const v6 = t.v6;
    src = endpointText(v6, ip.saddr, tcp.sport);
    dst = endpointText(v6, ip.daddr, tcp.dport);
  }
  this.src = src;
  this.src_name = src;
  this.dst = dst;
  this.dst_name = dst;

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
  this.send_next_seq = seqAdd(tcp.seqno, 1);
  this.send_bytes_ip = t.ipHeaderLength;
  this.send_bytes_tcp = tcp.headerLength;
  if (t.opts.reassemble) {
    t.send = newReassembler(t, 'send');
    t.recv = newReassembler(t, 'recv');
    if (tcp.flags.syn) { t.send.start(seqAdd(tcp.seqno, 1)); }
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
  // node_pcap: this[this.state](packet). Named calls for the known states find the same
  // method (an override on the session or a subclass included), with cheaper lookups.
  switch (this.state) {
    case 'ESTAB': this.ESTAB(packet); break;
    case 'SYN_SENT': this.SYN_SENT(packet); break;
    case 'SYN_RCVD': this.SYN_RCVD(packet); break;
    case 'FIN_WAIT': this.FIN_WAIT(packet); break;
    case 'CLOSE_WAIT': this.CLOSE_WAIT(packet); break;
    case 'LAST_ACK': this.LAST_ACK(packet); break;
    case 'CLOSING': this.CLOSING(packet); break;
    case 'CLOSED': this.CLOSED(packet); break;
    default: this[this.state](packet);
  }
};

TCPSession.prototype.SYN_SENT = function (packet) {
  const t = current(this, packet);
  const tcp = t.tcp;
  if (tcp === null) { return; }
  if (!t.fromSrc && tcp.flags.syn && tcp.flags.ack) {
    const now = this.current_cap_time;
    tableSet(t, T_RECV_PACKETS, seqAdd(tcp.seqno, 1), now);
    tableSet(t, T_RECV_ACKS, tcp.ackno, now);
    this.recv_isn = tcp.seqno;
    this.recv_window_scale = tcp.options.window_scale || 1;
    if (t.recv !== null) { t.recv.start(seqAdd(tcp.seqno, 1)); }
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
  // The ACK may show bytes of the other direction that the capture lost (Reassembler.ack);
  // read before this packet's payload, which the peer's bytes precede.
  const peer = t.fromSrc ? t.recv : t.send;
  if (peer !== null && peer.ackGrace > 0 && tcp.flags.ack && peer.ack(tcp.ackno) > 0) { session._results(t, peer); }
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
  if (t.fromSrc) {
    if (t.finSend === null) { t.finSend = this.current_cap_time; }
  } else if (t.finRecv === null) {
    t.finRecv = this.current_cap_time;
  }
  const r = t.fromSrc ? t.send : t.recv;
  if (r !== null) { r.setFin(seqAdd(tcp.seqno, t.len + (tcp.flags.syn ? 1 : 0))); }
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
  const key = seqAdd(tcp.seqno, syn + len);
  const now = this.current_cap_time;
  if (t.fromSrc) {
    if (tableGet(t, T_SEND_PACKETS, key) !== undefined || tableForgotten(t, T_SEND_PACKETS, key)) {
      this.emit('retransmit', this, 'send', key);
      tableSet(t, T_SEND_RETRANS, key, (tableGet(t, T_SEND_RETRANS, key) || 0) + 1);
    } else if (t.send === null) {
      this.emit('data send', this, tcp.data);
    }
    if (t.send !== null) { this._reassemble(t, t.send, 'data send', tcp, syn, len); }
    this.send_bytes_payload += len;
    tableSet(t, T_SEND_PACKETS, key, now);
  } else {
    if (tableGet(t, T_RECV_PACKETS, key) !== undefined || tableForgotten(t, T_RECV_PACKETS, key)) {
      this.emit('retransmit', this, 'recv', key);
      tableSet(t, T_RECV_RETRANS, key, (tableGet(t, T_RECV_RETRANS, key) || 0) + 1);
    } else if (t.recv === null) {
      this.emit('data recv', this, tcp.data);
    }
    if (t.recv !== null) { this._reassemble(t, t.recv, 'data recv', tcp, syn, len); }
    this.recv_bytes_payload += len;
    tableSet(t, T_RECV_PACKETS, key, now);
  }
};

// ---------------------------------------------------------------------------
// Reassembly

// The Reassembler of one direction (lib/tracker/reassembler.js): it charges what it holds
// to the tracker's budget, and its results become this session's events.
function newReassembler(t, dir) {
  const o = t.opts;
  const r = new Reassembler(o.maxBufferedBytes, o.maxBufferedSegments, t.budget);
  r.ackGrace = o.ackGrace;
  r.owner = t;
  r.dir = dir;
  return r;
}

TCPSession.prototype._reassemble = function (t, r, event, tcp, syn, len) {
  const n = r.push(seqAdd(tcp.seqno, syn), len, tcp.data);
  if (n === IN_ORDER) {
    this.emit(event, this, tcp.data);
    return;
  }
  if (n > 0) { this._results(t, r); }
  const budget = t.budget;
  if (budget !== null && budget.over() && t.tracker !== null) { t.tracker._enforce(); }
};

// Turn the reassembler's queued results into events, in stream order.
TCPSession.prototype._results = function (t, r) {
  const dir = r.dir;
  const event = dir === 'send' ? 'data send' : 'data recv';
  while (r.nextOutput()) {
    const data = r.outData;
    if (data !== null) {
      this.emit(event, this, data);
    } else {
      this._gap(t, dir, r.outLen, r.outReason, r.outSeq);
    }
  }
};

// A consumer of `dir` needs what its peer already acknowledged (HTTP: a response is parsed,
// the requests the server had must be known first): a hole the peer's ACKs passed is given up
// now, without the grace. Returns true when something was delivered or given up.
TCPSession.prototype._catchUp = function (dir) {
  const t = stateOf(this);
  const r = dir === 'send' ? t.send : t.recv;
  if (r === null || r.ackPast === 0 || !seqAfter(r.acked, r.next)) { return false; }
  if (r._lost() > 0) { this._results(t, r); }
  return true;
};

// The ACK number of the packet being tracked, when it comes from `dir` and has one; else -1.
TCPSession.prototype._ackOf = function (dir) {
  const t = stateOf(this);
  const tcp = t.tcp;
  if (tcp === null || !tcp.flags.ack || t.fromSrc !== (dir === 'send')) { return -1; }
  return tcp.ackno >>> 0;
};

// Capture time of the first FIN sent from `dir`'s sender ('send': src), or null if none seen
// (a body read until close ends there, not at the last ACK of the closing handshake).
TCPSession.prototype._finTime = function (dir) {
  const t = stateOf(this);
  return dir === 'send' ? t.finSend : t.finRecv;
};

// `gap` (session, direction, bytes, reason, seq): on the session, then on the tracker.
TCPSession.prototype._gap = function (t, dir, bytes, reason, seq) {
  const tracker = t.tracker;
  if (tracker !== null) { tracker._countGap(reason, bytes); }
  this.emit('gap', this, dir, bytes, reason, seq);
  if (tracker !== null) { tracker.emit('gap', this, dir, bytes, reason, seq); }
};

// End of the session: deliver what is held (reporting holes) and report missing
// bytes before a FIN.
TCPSession.prototype._flush = function (t) {
  if (t.send !== null && t.send.flush('end') > 0) { this._results(t, t.send); }
  if (t.recv !== null && t.recv.flush('end') > 0) { this._results(t, t.recv); }
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

module.exports = { TCPSession, stateOf, setEnds };
