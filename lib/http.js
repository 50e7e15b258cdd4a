'use strict';

// HTTPTracker: HTTP/1.x requests and responses decoded from the ordered byte streams of a
// TCPTracker created with { reassemble: true } (node_pcap 2.x's "http request" family of
// events, which http_trace consumed, without Node's internal http_parser binding).
//
// The parser below is a strict, incremental HTTP/1.x message parser (RFC 9112 framing). It
// never throws on its input: a malformed stream gives one `http error` event and parsing of
// that direction stops.

const EventEmitter = require('events').EventEmitter;
const util = require('util');
const options_ = require('./options');

const debug = util.debuglog('pcap');

const DEFAULTS = {
  maxHeaderSize: 65536, // bytes of a start line plus header block
  maxPending: 1024,     // requests waiting for their response, per connection
  maxHeldBytes: 1048576, // bytes held after an Upgrade/CONNECT request until the answer
  sessionEvents: true,  // also emit the events on the TCPSession (node_pcap 2.x did)
};

// ---------------------------------------------------------------------------
// Message parser (one per direction)

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\s]+) HTTP\/(\d)\.(\d)$/;
const STATUS_LINE = /^HTTP\/(\d)\.(\d) (\d{3})(?: ([^\r\n]*))?$/;
const HEADER_LINE = /^([^:\s]+):[ \t]*(.*?)[ \t]*$/;
const CTL = /[\x00-\x08\x0a-\x1f\x7f]/; // eslint-disable-line no-control-regex
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[ \t]*(;.*)?$/;
const DIGITS = /^[0-9]{1,15}$/;

// Parser states
const S_START = 0;      // before a start line (empty lines are skipped)
const S_HEAD = 1;       // reading start line + headers
const S_LENGTH = 2;     // Content-Length body
const S_CHUNK_SIZE = 3;
const S_CHUNK_DATA = 4;
const S_CHUNK_END = 5;  // CRLF after chunk data
const S_TRAILERS = 6;
const S_EOF = 7;        // body until the connection closes
const S_WAIT = 8;       // after an Upgrade/CONNECT request: hold bytes until the response
const S_TUNNEL = 9;     // after 101 / CONNECT 2xx: not HTTP any more
const S_DEAD = 10;      // after an error

function parseError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

function printable(buf, max) {
  const s = buf.toString('latin1', 0, Math.min(buf.length, max));
  return JSON.stringify(s);
}

function Direction(conn, dir) {
  this.conn = conn;
  this.dir = dir;          // 'send' | 'recv'
  this.role = null;        // 'request' | 'response', from the first message
  this.state = S_START;
  this.head = null;        // Buffer: bytes of the head read so far
  this.line = null;        // Buffer: partial chunk-size / trailer line
  this.remaining = 0;      // body or chunk bytes still to come
  this.msg = null;         // message being read
  this.exchange = null;    // exchange of `msg`
  this.held = [];          // S_WAIT: buffers held
  this.heldBytes = 0;
}

// Feeds bytes of this direction, in stream order. Returns nothing; errors become events.
Direction.prototype.feed = function (buf) {
  let off = 0;
  const len = buf.length;
  while (off < len) {
    switch (this.state) {
      case S_START: {
        while (off < len && (buf[off] === 0x0d || buf[off] === 0x0a)) { off++; }
        if (off < len) {
          this.state = S_HEAD;
          this.head = null;
        }
        break;
      }
      case S_HEAD:
        off = this._head(buf, off);
        break;
      case S_LENGTH: {
        const n = Math.min(this.remaining, len - off);
        this.remaining -= n;
        this._body(buf.subarray(off, off + n));
        off += n;
        if (this.remaining === 0) { this._complete(); }
        break;
      }
      case S_CHUNK_SIZE:
      case S_CHUNK_END:
      case S_TRAILERS:
        off = this._chunkLine(buf, off);
        break;
      case S_CHUNK_DATA: {
        const n = Math.min(this.remaining, len - off);
        this.remaining -= n;
        this._body(buf.subarray(off, off + n));
        off += n;
        if (this.remaining === 0) { this.state = S_CHUNK_END; }
        break;
      }
      case S_EOF:
        this._body(buf.subarray(off));
        off = len;
        break;
      case S_WAIT: {
        const rest = buf.subarray(off);
        this.heldBytes += rest.length;
        if (this.heldBytes > this.conn.tracker.options.maxHeldBytes) {
          this.held = [];
          this._fail(parseError('HPE_HELD_OVERFLOW',
            'more than ' + this.conn.tracker.options.maxHeldBytes +
            ' bytes after an Upgrade/CONNECT request before its response'));
          return;
        }
        this.held.push(Buffer.from(rest));
        return;
      }
      default: // S_TUNNEL, S_DEAD
        return;
    }
  }
};

// Head: accumulate until the blank line, then parse the whole block.
Direction.prototype._head = function (buf, off) {
  const prev = this.head === null ? 0 : this.head.length;
  const data = this.head === null ? buf.subarray(off) : Buffer.concat([this.head, buf.subarray(off)]);
  const from = prev > 3 ? prev - 3 : 0;
  let end = -1;
  let bodyStart = -1;
  for (let i = from; i < data.length; i++) {
    if (data[i] !== 0x0a) { continue; }
    if (i + 1 < data.length && data[i + 1] === 0x0a) { end = i; bodyStart = i + 2; break; }
    if (i + 2 < data.length && data[i + 1] === 0x0d && data[i + 2] === 0x0a) {
      end = i; bodyStart = i + 3; break;
    }
  }
  const limit = this.conn.tracker.options.maxHeaderSize;
  if (end === -1) {
    if (data.length > limit) {
      this._fail(parseError('HPE_HEADER_OVERFLOW', 'header block larger than ' + limit + ' bytes'));
      return buf.length;
    }
    // Decide early that this is not HTTP at all (binary protocols, TLS, ...).
    if (prev < 16 && !this._looksLikeHttp(data)) {
      this._fail(parseError(this.role === null ? 'HPE_NOT_HTTP' : 'HPE_INVALID_CONSTANT',
        'not HTTP: ' + (this.role === null ? 'stream' : 'message') + ' starts with ' + printable(data, 24)));
      return buf.length;
    }
    this.head = prev === 0 ? Buffer.from(data) : data;
    return buf.length;
  }
  if (end > limit) {
    this._fail(parseError('HPE_HEADER_OVERFLOW', 'header block larger than ' + limit + ' bytes'));
    return buf.length;
  }
  let text = data.toString('latin1', 0, end);
  if (text.endsWith('\r')) { text = text.slice(0, -1); }
  this.head = null;
  const consumed = bodyStart - prev; // bytes of `buf` (after off) that belonged to the head
  this._parseHead(text);
  return off + consumed;
};

// The first bytes of a stream: a method token and a space, or "HTTP/".
Direction.prototype._looksLikeHttp = function (data) {
  const n = Math.min(data.length, 16);
  const s = data.toString('latin1', 0, n);
  if (this.role !== 'request' && ('HTTP/'.startsWith(s.slice(0, 5)) || s.startsWith('HTTP/'))) { return true; }
  if (this.role === 'response') { return false; }
  const sp = s.indexOf(' ');
  const tok = sp === -1 ? s : s.slice(0, sp);
  if (tok.length > 0 && !TOKEN.test(tok)) { return false; }
  return sp !== -1 || s.length < 16;
};

// A request or response: its start line's fields, then the fields every message has.
function newMessage(startLine, startTime, now) {
  return Object.assign(startLine, {
    headers: {},
    rawHeaders: [],
    trailers: null,
    chunked: false,
    content_length: null,
    body_len: 0,
    body_lost: 0,
    start_time: startTime !== undefined ? startTime : now,
    headers_time: now,
    end_time: null,
  });
}

Direction.prototype._parseHead = function (text) {
  const lines = text.split(/\r?\n/);
  const first = lines[0];
  const now = this.conn.now();
  let msg;
  if (this.role !== 'request' && first.startsWith('HTTP/')) {
    const m = STATUS_LINE.exec(first);
    if (m === null) {
      this._fail(parseError('HPE_INVALID_STATUS', 'bad status line ' + JSON.stringify(first.slice(0, 80))));
      return;
    }
    this.role = 'response';
    msg = newMessage({
      http_version: m[1] + '.' + m[2],
      status_code: +m[3],
      status_message: m[4] || '',
    }, this.startTime, now);
  } else if (this.role !== 'response') {
    const m = REQUEST_LINE.exec(first);
    if (m === null) {
      this._fail(parseError('HPE_INVALID_CONSTANT', 'bad request line ' + JSON.stringify(first.slice(0, 80))));
      return;
    }
    this.role = 'request';
    msg = newMessage({
      method: m[1],
      url: m[2],
      http_version: m[3] + '.' + m[4],
    }, this.startTime, now);
  } else {
    this._fail(parseError('HPE_INVALID_CONSTANT', 'expected a status line, got ' + JSON.stringify(first.slice(0, 80))));
    return;
  }
  this.startTime = undefined;
  if (!readHeaders(lines, 1, msg.rawHeaders)) {
    this._fail(parseError('HPE_INVALID_HEADER_TOKEN', 'malformed header line in ' +
      (this.role === 'request' ? msg.method + ' ' + msg.url : 'response ' + msg.status_code)));
    return;
  }
  msg.headers = headerObject(msg.rawHeaders);

  // Framing (RFC 9112 section 6).
  let te = null;
  let cl = null;
  let connection = '';
  let upgrade = false;
  const raw = msg.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    if (name === 'transfer-encoding') {
      te = te === null ? value : te + ',' + value;
    } else if (name === 'content-length') {
      for (const part of value.split(',')) {
        const v = part.trim();
        if (!DIGITS.test(v) || (cl !== null && cl !== +v)) {
          this._fail(parseError('HPE_INVALID_CONTENT_LENGTH', 'bad Content-Length ' + JSON.stringify(value)));
          return;
        }
        cl = +v;
      }
    } else if (name === 'connection') {
      connection += ',' + value.toLowerCase();
    } else if (name === 'upgrade') {
      upgrade = true;
    }
  }
  let chunked = false;
  if (te !== null) {
    const codings = te.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
    chunked = codings.length > 0 && codings[codings.length - 1] === 'chunked';
  }
  msg.chunked = chunked;
  msg.content_length = te === null ? cl : null;
  this.msg = msg;
  const conn = this.conn;

  if (this.role === 'request') {
    if (te !== null && !chunked) {
      this._fail(parseError('HPE_INVALID_TRANSFER_ENCODING',
        'request Transfer-Encoding does not end in chunked: ' + JSON.stringify(te)));
      return;
    }
    msg.upgrade = msg.method === 'CONNECT' || (upgrade && /(^|,)\s*upgrade\s*(,|$)/.test(connection));
    this.exchange = conn.request(this, msg);
    if (this.state === S_DEAD) { return; }
    if (chunked) {
      this.state = S_CHUNK_SIZE;
    } else if (te === null && cl !== null && cl > 0) {
      this.state = S_LENGTH;
      this.remaining = cl;
    } else {
      this._complete();
    }
    return;
  }

  // Response: the framing depends on the request it answers.
  const sc = msg.status_code;
  const exchange = conn.response(this, msg);
  this.exchange = exchange;
  if (this.state === S_DEAD) { return; }
  const req = exchange.request;
  if (sc >= 100 && sc < 200 && sc !== 101) {
    this.msg = null;
    this.exchange = null;
    this.state = S_START;
    return;
  }
  if (sc === 101 || (req !== null && req.method === 'CONNECT' && sc >= 200 && sc < 300)) {
    msg.end_time = now;
    conn.responseComplete(this, exchange, true);
    return;
  }
  if ((req !== null && req.method === 'HEAD') || sc === 204 || sc === 304) {
    this._complete();
  } else if (chunked) {
    this.state = S_CHUNK_SIZE;
  } else if (te !== null) {
    this.state = S_EOF;
  } else if (cl !== null) {
    if (cl === 0) {
      this._complete();
    } else {
      this.state = S_LENGTH;
      this.remaining = cl;
    }
  } else {
    this.state = S_EOF;
  }
};

function readHeaders(lines, from, out) {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) { continue; }
    if (line[0] === ' ' || line[0] === '\t') { // obsolete line folding
      if (out.length === 0 || CTL.test(line)) { return false; }
      out[out.length - 1] += ' ' + line.trim();
      continue;
    }
    const m = HEADER_LINE.exec(line);
    if (m === null || !TOKEN.test(m[1]) || CTL.test(m[2])) { return false; }
    out.push(m[1], m[2]);
  }
  return true;
}

// node_pcap 2.x kept headers as an object with the names as sent; repeated fields are joined
// with ", " (Set-Cookie with "\n", as they cannot be joined).
function headerObject(raw) {
  const h = {};
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i];
    if (Object.prototype.hasOwnProperty.call(h, k)) {
      h[k] += (k.toLowerCase() === 'set-cookie' ? '\n' : ', ') + raw[i + 1];
    } else {
      h[k] = raw[i + 1];
    }
  }
  return h;
}

// Chunk-size lines, the CRLF after chunk data, and trailers.
Direction.prototype._chunkLine = function (buf, off) {
  const nl = buf.indexOf(0x0a, off);
  const part = nl === -1 ? buf.subarray(off) : buf.subarray(off, nl);
  const have = this.line === null ? 0 : this.line.length;
  if (have + part.length > 8192) {
    this._fail(parseError(this.state === S_TRAILERS ? 'HPE_HEADER_OVERFLOW' : 'HPE_INVALID_CHUNK_SIZE',
      'chunk line longer than 8192 bytes'));
    return buf.length;
  }
  if (nl === -1) {
    this.line = this.line === null ? Buffer.from(part) : Buffer.concat([this.line, part]);
    return buf.length;
  }
  let line = (this.line === null ? part : Buffer.concat([this.line, part])).toString('latin1');
  this.line = null;
  if (line.endsWith('\r')) { line = line.slice(0, -1); }
  const next = nl + 1;
  if (this.state === S_CHUNK_END) {
    if (line !== '') {
      this._fail(parseError('HPE_STRICT', 'no CRLF after chunk data'));
      return buf.length;
    }
    this.state = S_CHUNK_SIZE;
    return next;
  }
  if (this.state === S_CHUNK_SIZE) {
    const m = CHUNK_SIZE.exec(line);
    if (m === null) {
      this._fail(parseError('HPE_INVALID_CHUNK_SIZE', 'bad chunk size line ' + JSON.stringify(line.slice(0, 40))));
      return buf.length;
    }
    const size = parseInt(m[1], 16);
    if (size === 0) {
      this.state = S_TRAILERS;
    } else {
      this.state = S_CHUNK_DATA;
      this.remaining = size;
    }
    return next;
  }
  // S_TRAILERS
  if (line === '') {
    this._complete();
    return next;
  }
  const msg = this.msg;
  if (msg.trailers === null) { msg.trailers = []; }
  if (!readHeaders([line], 0, msg.trailers)) {
    this._fail(parseError('HPE_INVALID_HEADER_TOKEN', 'malformed trailer line'));
    return buf.length;
  }
  return next;
};

Direction.prototype._body = function (data) {
  if (data.length === 0) { return; }
  this.msg.body_len += data.length;
  this.conn.body(this, this.exchange, data);
};

Direction.prototype._complete = function () {
  const msg = this.msg;
  const exchange = this.exchange;
  msg.end_time = this.conn.now();
  if (msg.trailers !== null) { msg.trailers = headerObject(msg.trailers); }
  this.msg = null;
  this.exchange = null;
  this.state = S_START;
  if (this.role === 'request') {
    this.conn.requestComplete(this, exchange);
  } else {
    this.conn.responseComplete(this, exchange, false);
  }
};

Direction.prototype._fail = function (err) {
  this.state = S_DEAD;
  this.head = null;
  this.line = null;
  this.held = [];
  this.conn.error(this, err);
};

// Bytes lost in the capture: a body of known size can go on, anything else cannot.
Direction.prototype.gap = function (bytes) {
  switch (this.state) {
    case S_START:
      if (this.role === null) { return; } // nothing parsed yet: start at the next message... unknown
      break;
    case S_LENGTH:
    case S_CHUNK_DATA:
      if (bytes <= this.remaining) {
        this.remaining -= bytes;
        this.msg.body_lost += bytes;
        if (this.remaining === 0) {
          if (this.state === S_LENGTH) { this._complete(); } else { this.state = S_CHUNK_END; }
        }
        return;
      }
      break;
    case S_EOF:
      this.msg.body_lost += bytes;
      return;
    case S_TUNNEL:
    case S_DEAD:
      return;
    default:
      break;
  }
  this._fail(parseError('HPE_LOST_DATA', bytes + ' bytes missing from the capture'));
};

// The TCP connection is over: a body read until close is complete; anything else is cut.
Direction.prototype.eof = function () {
  if (this.state === S_EOF) {
    this._complete();
  } else if (this.state === S_HEAD || this.state === S_LENGTH || this.state === S_CHUNK_SIZE ||
    this.state === S_CHUNK_DATA || this.state === S_CHUNK_END || this.state === S_TRAILERS) {
    this._fail(parseError('HPE_INVALID_EOF_STATE', 'connection ended inside a message'));
  }
};

// ---------------------------------------------------------------------------
// One TCP connection

function Connection(tracker, session) {
  this.tracker = tracker;
  this.session = session;
  this.send = new Direction(this, 'send');
  this.recv = new Direction(this, 'recv');
  this.pending = [];   // exchanges whose response has not started
  this.closed = false;
}

Connection.prototype.now = function () {
  const t = this.session.current_cap_time;
  return typeof t === 'number' ? t : 0;
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

// One request and its response. client/server: "ip:port" as in session.src/dst.
function newExchange(conn, requestDir, request) {
  const s = conn.session;
  const fromSrc = requestDir === conn.send;
  return {
    client: fromSrc ? s.src : s.dst,
    server: fromSrc ? s.dst : s.src,
    request, response: null, response_time: null, total_time: null, informational: [],
  };
}

Connection.prototype.request = function (d, msg) {
  const exchange = newExchange(this, d, msg);
  if (this.pending.length >= this.tracker.options.maxPending) {
    d._fail(parseError('HPE_PENDING_OVERFLOW', 'more than ' + this.tracker.options.maxPending +
      ' requests without a response'));
    return exchange;
  }
  this.pending.push(exchange);
  this.tracker.stats.requests++;
  this.emit('http request', exchange);
  return exchange;
};

Connection.prototype.requestComplete = function (d, exchange) {
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
    if (exchange !== null) { exchange.informational.push(msg); }
    return exchange || { request: null, response: null, informational: [msg] };
  }
  exchange = this.pending.shift();
  if (exchange === undefined) { exchange = newExchange(this, this.other(d), null); }
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
  if (d.state === S_START || (d.state === S_HEAD && d.head === null)) {
    d.startTime = this.now();
  }
  d.feed(buf);
};

Connection.prototype.end = function () {
  if (this.closed) { return; }
  this.closed = true;
  // Responses first: a body read until close completes before requests are declared unanswered.
  const first = this.send.role === 'response' ? this.send : this.recv;
  const second = first === this.send ? this.recv : this.send;
  first.eof();
  second.eof();
  const pending = this.pending;
  this.pending = [];
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
  this.stats = { sessions: 0, requests: 0, responses: 0, unanswered: 0, errors: 0 };
  Object.defineProperty(this, '_sessionEvents', { value: this.options.sessionEvents, writable: true });
  Object.defineProperty(this, '_conns', { value: new Map(), writable: true });
  const self = this;
  Object.defineProperty(this, '_onSession', {
    value: function (session) { self._attach(session); }, writable: true,
  });
  tracker.on('session', this._onSession);
}
util.inherits(HTTPTracker, EventEmitter);

HTTPTracker.prototype._attach = function (session) {
  const conn = new Connection(this, session);
  const conns = this._conns;
  conns.set(session, conn);
  this.stats.sessions++;
  session.on('data send', (s, data) => { if (!conn.closed) { conn.data('send', data); } });
  session.on('data recv', (s, data) => { if (!conn.closed) { conn.data('recv', data); } });
  session.on('gap', (s, dir, bytes) => {
    if (!conn.closed) { (dir === 'send' ? conn.send : conn.recv).gap(bytes); }
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
  for (const conn of this._conns.values()) { conn.closed = true; }
  this._conns.clear();
};

exports.HTTPTracker = HTTPTracker;
exports.DEFAULTS = DEFAULTS;
