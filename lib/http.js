'use strict';

// HTTPTracker: HTTP/1.x requests and responses decoded from the ordered byte streams of a
// TCPTracker created with { reassemble: true } (node_pcap 2.x's "http request" family of
// events, which http_trace consumed, without Node's internal http_parser binding).
//
// Each direction of a connection is read by the strict HTTP/1.x parser of lib/http-parser.js;
// a Connection pairs its requests with responses and emits the events. What all connections
// hold together (requests waiting for their response, partial heads) is bounded by a budget
// (lib/tracker/budget.js): over its limits the connection holding the oldest data is dropped.

const EventEmitter = require('events').EventEmitter;
const util = require('util');
const options_ = require('./options');
const { Budget, Holder } = require('./tracker/budget');
const { Direction, parseError, S_START, S_HEAD, S_WAIT, S_TUNNEL, S_DEAD } = require('./http-parser');

const debug = util.debuglog('pcap');
const MAX_ORPHANS = 16; // 1xx responses kept per connection while no request waits

const DEFAULTS = {
  maxHeaderSize: 65536, // bytes of a start line plus header block
  maxPending: 1024,     // requests waiting for their response, per connection
  maxHeldBytes: 1048576, // bytes held after an Upgrade/CONNECT request until the answer
  maxPendingTotal: 65536, // requests waiting for their response, all connections together
  // bytes held by all connections: heads of waiting requests, partial heads and chunk lines,
  // bytes held after Upgrade/CONNECT
  maxBufferedTotal: 67108864,
  sessionEvents: true,  // also emit the events on the TCPSession (node_pcap 2.x did)
};

// ---------------------------------------------------------------------------
// One TCP connection

function Connection(tracker, session) {
  this.tracker = tracker;
  this.session = session;
  this.send = new Direction(this, 'send');
  this.recv = new Direction(this, 'recv');
  this.pending = [];   // exchanges whose response has not started
  this.pendingSizes = []; // bytes of each one's request head
  // for each: the client's ACK in the packet that carried the request (how much of the
  // response stream it had received when it sent it), -1 when not known
  this.pendingAcks = [];
  this.closed = false;
  this.uncertain = false; // bytes lost: requests or responses may be missing (pairing unknown)
  this.clock = null;    // capture time to use instead of the current packet's (see end())
  this.orphans = null;  // 1xx responses seen while no request waited (see response())
  Holder(this);        // of the tracker's budget
}

// A direction lost bytes it could not skip over. Requests lost: which response answers which
// request is no longer known (pairing 'unknown') until a clean turn (a request starting while
// none waits and the response direction is between messages). Responses: see resumed().
Connection.prototype.lost = function (d) {
  if (!this.isResponse(d)) { this.uncertain = true; }
};

Connection.prototype.isResponse = function (d) {
  return d.role === 'response' || (d.role === null && this.other(d).role === 'request');
};

// The response direction resumes at stream position `at` (-1: unknown) after losing bytes
// (`starts`: the lost bytes surely held the start of a response). A final response lost there
// answered a request the client had finished sending before it received `at` (its ACK then is
// before `at`): none such, the pairing stays known; exactly one and a response surely started
// in the loss: that request's response is lost (`http unanswered`, error HPE_LOST_DATA);
// otherwise the pairing becomes unknown.
Connection.prototype.resumed = function (d, at, starts) {
  if (!this.isResponse(d)) { return; }
  // Requests the server had are known first (a hole the server's ACKs passed is given up).
  if (typeof this.session._catchUp === 'function') { this.session._catchUp(this.other(d).dir); }
  const acks = this.pendingAcks;
  let n = 0;
  while (n < acks.length && (acks[n] === -1 || at === -1 || ((acks[n] - at) | 0) < 0)) { n++; }
  if (n === 0) { return; }
  if (n === 1 && starts && !this.uncertain) {
    const exchange = this.pending.shift();
    this.charge(-this.pendingSizes.shift(), -1);
    acks.shift();
    exchange.error = 'HPE_LOST_DATA';
    this.tracker.stats.unanswered++;
    this.emit('http unanswered', exchange);
    return;
  }
  this.uncertain = true;
};

// What this connection holds changed by `bytes` and `items` (waiting requests).
Connection.prototype.charge = function (bytes, items) {
  const tracker = this.tracker;
  const budget = tracker._budget;
  budget.charge(this, bytes, items);
  if ((bytes > 0 || items > 0) && budget.over()) { tracker._enforce(); }
};

// Drop the connection (the tracker-wide limits): everything it holds is forgotten, its
// waiting requests are reported in `http drop`, and nothing more of it is parsed.
Connection.prototype.drop = function (reason) {
  const bytes = this.chargedBytes;
  const pending = this.pending;
  this.closed = true;
  this.pending = [];
  this.pendingSizes = [];
  this.pendingAcks = [];
  this.orphans = null;
  for (const d of [this.send, this.recv]) {
    d.state = S_DEAD;
    d.head = null;
    d.line = null;
    d.held = [];
    d.heldBytes = 0;
    d.buffered = 0;
  }
  this.tracker._budget.release(this);
  this.tracker.stats.dropped++;
  this.emit('http drop', { reason, bytes, pending });
};

Connection.prototype.now = function () {
  if (this.clock !== null) { return this.clock; }
  const t = this.session.current_cap_time;
  return typeof t === 'number' ? t : 0;
};

// When direction `d`'s sender closed its side: the time of its FIN, or of the last bytes it
// delivered if they came later (reordered); null when no FIN was seen (reset, idle, close()).
Connection.prototype.finTime = function (d) {
  if (typeof this.session._finTime !== 'function') { return null; }
  const fin = this.session._finTime(d.dir);
  if (fin === null || fin === undefined) { return null; }
  return d.lastTime !== null && d.lastTime > fin ? d.lastTime : fin;
};

Connection.prototype.other = function (d) {
  return d === this.send ? this.recv : this.send;
};

Connection.prototype.emit = function (event, a, b) {
  const tr = this.tracker;
  if (tr._sessionEvents) {
    if (b === undefined) { this.session.emit(event, this.session, a); } else { this.session.emit(event, this.session, a, b); }
  }
  if (b === undefined) { tr.emit(event, this.session, a); } else { tr.emit(event, this.session, a, b); }
};

// Bytes of a message's head as kept (status text, header names and values).
function headBytes(msg) {
  let n = msg.status_message ? msg.status_message.length : 0;
  for (const x of msg.rawHeaders) { n += x.length; }
  return n;
}

// One request and its response. client/server: "ip:port" as in session.src/dst.
function newExchange(conn, requestDir, request) {
  const s = conn.session;
  const fromSrc = requestDir === conn.send;
  return {
    client: fromSrc ? s.src : s.dst,
    server: fromSrc ? s.dst : s.src,
    request, response: null, response_time: null, total_time: null, informational: [],
    // 'known': the response answers this request; 'unknown': bytes were lost on this
    // connection and messages may be missing, so the tracker cannot vouch for the pairing
    pairing: conn.uncertain ? 'unknown' : 'known',
    error: null, // the HPE_* code of an `http error` that cut this exchange off
  };
}

Connection.prototype.request = function (d, msg, size) {
  if (this.uncertain && this.pending.length === 0 && this.other(d).state === S_START) {
    this.uncertain = false;
  }
  const exchange = newExchange(this, d, msg);
  if (this.pending.length >= this.tracker.options.maxPending) {
    d._fail(parseError('HPE_PENDING_OVERFLOW', 'more than ' + this.tracker.options.maxPending +
      ' requests without a response'));
    return exchange;
  }
  this.pending.push(exchange);
  this.pendingSizes.push(size);
  this.pendingAcks.push(typeof this.session._ackOf === 'function' ? this.session._ackOf(d.dir) : -1);
  this.charge(size, 1);
  if (this.closed) { return exchange; } // dropped by the tracker-wide limits: reported there
  this.tracker.stats.requests++;
  this.emit('http request', exchange);
  return exchange;
};

Connection.prototype.requestComplete = function (d, exchange) {
  const i = this.pending.lastIndexOf(exchange);
  if (i !== -1 && typeof this.session._ackOf === 'function') {
    const ack = this.session._ackOf(d.dir);
    if (ack !== -1) { this.pendingAcks[i] = ack; }
  }
  this.emit('http request complete', exchange);
  if (exchange.request.upgrade && d.state === S_START && !this.closed) {
    // The protocol may switch after the response: hold what follows until then.
    if (exchange.response === null) {
      d.state = S_WAIT;
      d.waitFor = exchange;
    }
  }
};

Connection.prototype.response = function (d, msg) {
  const sc = msg.status_code;
  let exchange;
  if (sc >= 100 && sc < 200 && sc !== 101) {
    exchange = this.pending.length > 0 ? this.pending[0] : null;
    if (exchange !== null) {
      exchange.informational.push(msg);
      if (this.uncertain) { exchange.pairing = 'unknown'; }
      return exchange;
    }
    // No request waits (lost by the capture, or still held behind a hole): the 1xx goes with
    // the next final response, whose pairing is then unknown. The latest MAX_ORPHANS are kept,
    // their header bytes charged to the budget.
    if (this.orphans === null) { this.orphans = []; }
    if (this.orphans.length >= MAX_ORPHANS) { this.charge(-headBytes(this.orphans.shift()), 0); }
    this.orphans.push(msg);
    this.charge(headBytes(msg), 0);
    if (this.closed) { return newExchange(this, this.other(d), null); } // dropped by the budget
    exchange = newExchange(this, this.other(d), null);
    exchange.informational.push(msg);
    exchange.pairing = 'unknown';
    return exchange;
  }
  // The server answers requests it has: bytes of the request direction its ACKs passed are
  // lost by the capture; declaring them now delivers the requests held behind them first.
  // (Not for a 1xx: measured, it gave up a request head the capture showed a few packets late.)
  if (typeof this.session._catchUp === 'function') { this.session._catchUp(this.other(d).dir); }
  exchange = this.pending.shift();
  if (exchange === undefined) {
    exchange = newExchange(this, this.other(d), null);
    exchange.pairing = 'unknown';
  } else {
    this.charge(-this.pendingSizes.shift(), -1);
    this.pendingAcks.shift();
    if (this.uncertain) { exchange.pairing = 'unknown'; }
  }
  if (this.orphans !== null) {
    exchange.informational = this.orphans.concat(exchange.informational);
    exchange.pairing = 'unknown';
    for (const m of this.orphans) { this.charge(-headBytes(m), 0); }
    this.orphans = null;
  }
  exchange.response = msg;
  const req = exchange.request;
  if (req !== null && req.end_time !== null) {
    exchange.response_time = msg.start_time - req.end_time;
  }
  this.tracker.stats.responses++;
  this.emit('http response', exchange);
  return exchange;
};

Connection.prototype.responseComplete = function (d, exchange, switched) {
  const req = exchange.request;
  const res = exchange.response;
  if (req !== null) {
    if (exchange.response_time === null && req.end_time !== null) {
      exchange.response_time = res.start_time - req.end_time;
    }
    exchange.total_time = res.end_time - req.start_time;
  }
  this.emit('http response complete', exchange);
  const reqDir = this.other(d);
  if (switched) {
    d.state = S_TUNNEL;
    reqDir.state = S_TUNNEL;
    reqDir.held = [];
    reqDir._account();
    this.emit('http upgrade', exchange);
    return;
  }
  if (reqDir.state === S_WAIT && reqDir.waitFor === exchange) {
    // Not switched: parse what the client sent meanwhile.
    const held = reqDir.held;
    reqDir.held = [];
    reqDir.heldBytes = 0;
    reqDir.waitFor = null;
    reqDir.state = S_START;
    reqDir._account();
    for (const b of held) { reqDir.feed(b); }
  }
};

Connection.prototype.body = function (d, exchange, data) {
  this.emit(d.role === 'request' ? 'http request body' : 'http response body', exchange, data);
};

Connection.prototype.error = function (d, err) {
  err.direction = d.dir;
  this.tracker.stats.errors++;
  debug('http %s %s: %s', this.session.src + '-' + this.session.dst, d.dir, err.message);
  this.emit('http error', d.dir, err);
};

Connection.prototype.data = function (dir, buf) {
  const d = dir === 'send' ? this.send : this.recv;
  const now = this.now();
  if (d.state === S_START || (d.state === S_HEAD && d.head === null)) {
    d.startTime = now;
  }
  d.lastTime = now;
  const at = d.pos;
  if (at !== -1) { d.pos = (at + buf.length) >>> 0; }
  d.feed(buf, at);
};

Connection.prototype.end = function () {
  if (this.closed) { return; }
  this.closed = true;
  // Responses first: a body read until close completes before requests are declared unanswered.
  const first = this.send.role === 'response' ? this.send : this.recv;
  const second = first === this.send ? this.recv : this.send;
  // A body read until close ends when the server closed (its FIN), not at the last ACK.
  this.clock = this.finTime(first);
  first.eof();
  this.clock = null;
  second.eof();
  const pending = this.pending;
  this.pending = [];
  this.pendingSizes = [];
  this.pendingAcks = [];
  this.orphans = null; // 1xx never followed by a final response: not reported
  this.tracker._budget.release(this);
  for (const exchange of pending) {
    this.tracker.stats.unanswered++;
    this.emit('http unanswered', exchange);
  }
};

// ---------------------------------------------------------------------------
// HTTPTracker

function readOptions(options) {
  const o = options_.readOptions(options, DEFAULTS);
  options_.requireNumbers(o, ['maxHeaderSize', 'maxPending', 'maxHeldBytes'], 1, 'HTTPTracker');
  options_.requireNumbers(o, ['maxPendingTotal', 'maxBufferedTotal'], 0, 'HTTPTracker');
  o.sessionEvents = Boolean(o.sessionEvents);
  return o;
}

function isTracker(x) {
  return x !== null && typeof x === 'object' && typeof x.track_packet === 'function' &&
    typeof x.on === 'function';
}

// new HTTPTracker()                         its own TCPTracker({ reassemble: true })
// new HTTPTracker(options)                  same; options.tcp goes to the TCPTracker
// new HTTPTracker(tcpTracker[, options])    attach to a TCPTracker created with { reassemble: true }
function HTTPTracker(trackerOrOptions, options) {
  if (!(this instanceof HTTPTracker)) { return new HTTPTracker(trackerOrOptions, options); }
  EventEmitter.call(this);
  let tracker;
  let opts;
  if (isTracker(trackerOrOptions)) {
    tracker = trackerOrOptions;
    opts = options;
    if (!(tracker.options && tracker.options.reassemble)) {
      const err = new TypeError('HTTPTracker needs a TCPTracker created with { reassemble: true } ' +
        '(HTTP needs each direction in order and exactly once)');
      err.code = 'EINVAL';
      throw err;
    }
  } else {
    opts = trackerOrOptions;
    const TCPTracker = require('../tcp_tracker').TCPTracker;
    const tcp = Object.assign({}, opts && opts.tcp, { reassemble: true });
    tracker = new TCPTracker(tcp);
  }
  this.options = readOptions(opts);
  this.tcpTracker = tracker;
  const budget = new Budget(this.options.maxBufferedTotal, this.options.maxPendingTotal);
  this.stats = newStats(budget);
  Object.defineProperty(this, '_budget', { value: budget });
  Object.defineProperty(this, '_sessionEvents', { value: this.options.sessionEvents, writable: true });
  Object.defineProperty(this, '_conns', { value: new Map(), writable: true });
  const self = this;
  Object.defineProperty(this, '_onSession', {
    value: function (session) { self._attach(session); }, writable: true,
  });
  tracker.on('session', this._onSession);
}
util.inherits(HTTPTracker, EventEmitter);

// Counters: connections seen and dropped, messages, errors; and, read from the budget, what
// all connections hold now and at most (waiting requests, bytes).
function newStats(budget) {
  const stats = { sessions: 0, requests: 0, responses: 0, unanswered: 0, errors: 0, dropped: 0 };
  const live = {
    pending: () => budget.items,
    bufferedBytes: () => budget.bytes,
    peakPending: () => budget.peakItems,
    peakBufferedBytes: () => budget.peakBytes,
  };
  for (const name of Object.keys(live)) {
    Object.defineProperty(stats, name, { get: live[name], enumerable: true });
  }
  return stats;
}

// Over the tracker-wide limits: drop the connection that has been holding data longest
// (lib/tracker/budget.js says why the oldest) until the totals are within the limits.
HTTPTracker.prototype._enforce = function () {
  const budget = this._budget;
  while (budget.over() && budget.first !== null) { budget.first.drop('total'); }
};

HTTPTracker.prototype._attach = function (session) {
  const conn = new Connection(this, session);
  const conns = this._conns;
  conns.set(session, conn);
  this.stats.sessions++;
  session.on('data send', (s, data) => { if (!conn.closed) { conn.data('send', data); } });
  session.on('data recv', (s, data) => { if (!conn.closed) { conn.data('recv', data); } });
  session.on('gap', (s, dir, bytes, reason, seq) => {
    if (conn.closed) { return; }
    const d = dir === 'send' ? conn.send : conn.recv;
    d.pos = (seq + bytes) >>> 0;
    d.gap(bytes);
  });
  const done = () => {
    conns.delete(session);
    conn.end();
  };
  session.on('end', done);
  session.on('reset', done);
  session.on('drop', done);
};

// Decoded packets (pcap.decode.packet(raw)) go to the TCP tracker.
HTTPTracker.prototype.track_packet = function (packet) {
  this.tcpTracker.track_packet(packet);
};

// End of input: the TCP tracker's close() (open connections end: bodies read until close
// complete, requests still waiting are reported as `http unanswered`).
HTTPTracker.prototype.close = function () {
  this.tcpTracker.close();
};

// Stop listening to the TCP tracker (connections in progress are forgotten).
HTTPTracker.prototype.detach = function () {
  this.tcpTracker.removeListener('session', this._onSession);
  for (const conn of this._conns.values()) {
    conn.closed = true;
    this._budget.release(conn);
  }
  this._conns.clear();
};

exports.HTTPTracker = HTTPTracker;
exports.DEFAULTS = DEFAULTS;
