'use strict';

// The HTTP/1.x message parser of one direction of a connection: a strict, incremental parser
// of RFC 9112 framing that never throws on its input (a malformed stream gives one error and
// parsing of that direction stops). It reports to its connection (lib/http.js), which pairs
// requests with responses and emits the events:
//   conn.tracker.options         maxHeaderSize, maxHeldBytes
//   conn.now()                   capture time of the current packet
//   conn.request(d, msg, size)   a request head was parsed (size: bytes of the head); returns
//                                its exchange
//   conn.response(d, msg)        a response head; returns its exchange
//   conn.requestComplete(d, x), conn.responseComplete(d, x, switched), conn.body(d, x, data)
//   conn.error(d, err)           the direction failed (err.code: llhttp-style HPE_*)
//   conn.charge(bytes, 0)        bytes the direction holds changed (partial heads and lines,
//                                bytes held after an Upgrade/CONNECT request)

// ---------------------------------------------------------------------------
// Message parser (one per direction)

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\s]+) HTTP\/(\d)\.(\d)$/;
const STATUS_LINE = /^HTTP\/(\d)\.(\d) (\d{3})(?: ([^\r\n]*))?$/;
const HEADER_LINE = /^([^:\s]+):[ \t]*(.*?)[ \t]*$/;
const CTL = /[\x00-\x08\x0a-\x1f\x7f]/; // eslint-disable-line no-control-regex
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[ \t]*(;.*)?$/;
const DIGITS = /^[0-9]{1,15}$/;
// A whole request or status line at the start of a delivery (resuming after a gap).
const RESUME_REQUEST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20} [^\s]{1,8000} HTTP\/1\.[01]\r?$/;
const RESUME_STATUS = /^HTTP\/1\.[01] [1-5][0-9][0-9](?: [^\r\n]*)?\r?$/;

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
const S_LOST = 11;      // after bytes lost by the capture: waiting for a delivery that starts a message

function parseError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

// `a` (or nothing) then `b`, in memory of its own, for bytes kept across packets: a small
// Buffer.from/Buffer.concat result is a slice of Node's shared 8 KiB pool block and would keep
// the whole block alive (see lib/tracker/reassembler.js).
function ownCopy(a, b) {
  const out = Buffer.allocUnsafeSlow((a === null ? 0 : a.length) + b.length);
  if (a !== null) { a.copy(out, 0); }
  b.copy(out, a === null ? 0 : a.length);
  return out;
}

// Raw bytes shown in an error message: JSON-quoted, control and non-ASCII bytes escaped.
function printable(buf, max) {
  const s = buf.toString('latin1', 0, Math.min(buf.length, max));
  return JSON.stringify(s).replace(/[\x7f-\xff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function quoted(text) {
  return printable(Buffer.from(text, 'latin1'), text.length);
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
  this.lastTime = null;    // capture time of the last bytes delivered (set by the connection)
  this.held = [];          // S_WAIT: buffers held
  this.heldBytes = 0;
  this.buffered = 0;       // bytes of head, line and held last charged to the connection
  this.lossy = false;      // bytes of this direction were lost: a parse error resumes too
  this.peek = false;       // a response whose request is unknown: body or not, see _peek
  this.lostStarts = false; // S_LOST: the lost bytes surely held a message start
  this.pos = -1;           // stream position of the next byte (known after a gap), uint32
}

// Charge the connection with what this direction holds now (partial head or chunk line,
// bytes held after an Upgrade/CONNECT request).
Direction.prototype._account = function () {
  const n = (this.head === null ? 0 : this.head.length) + (this.line === null ? 0 : this.line.length) +
    (this.held.length === 0 ? 0 : this.heldBytes);
  if (n !== this.buffered) {
    const delta = n - this.buffered;
    this.buffered = n;
    this.conn.charge(delta, 0);
  }
};

// Feeds bytes of this direction, in stream order. Returns nothing; errors become events.
// `at`: the stream position of buf's first byte (-1 or undefined: not known).
Direction.prototype.feed = function (buf, at) {
  let off = 0;
  const len = buf.length;
  if (this.state === S_LOST) {
    if (!this._startsMessage(buf)) { return; }
    this.state = S_START;
    this.startTime = this.conn.now();
    const starts = this.lostStarts;
    this.lostStarts = false;
    this.conn.resumed(this, at === undefined ? -1 : at, starts);
    if (this.state !== S_START) { return; } // dropped meanwhile
  }
  while (off < len) {
    if (this.peek && !this._peek(buf, off)) { continue; }
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
        this.held.push(ownCopy(null, rest));
        this._account();
        return;
      }
      default: // S_TUNNEL, S_DEAD, S_LOST
        return;
    }
  }
};

// After a gap, parsing resumes at a delivery (the reassembler delivers whole segments) that
// starts with a whole request line (status line) for this direction's role.
Direction.prototype._startsMessage = function (buf) {
  const nl = buf.indexOf(0x0a);
  if (nl === -1 || nl > 8100) { return false; }
  const line = buf.toString('latin1', 0, nl);
  if (this.role !== 'response' && RESUME_REQUEST.test(line)) { return true; }
  return this.role !== 'request' && RESUME_STATUS.test(line);
};

// A response whose request is unknown (not seen, or the pairing is not sure) and whose head
// announces a body: if the next bytes are a status line, it answered a HEAD (no body);
// otherwise the body is read as its headers say. Returns false when it completed the message.
Direction.prototype._peek = function (buf, off) {
  this.peek = false;
  if (buf.length - off >= 7 && buf.toString('latin1', off, off + 7) === 'HTTP/1.') {
    this._complete();
    return false;
  }
  return true;
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
    this.head = ownCopy(null, data);
    this._account();
    return buf.length;
  }
  if (end > limit) {
    this._fail(parseError('HPE_HEADER_OVERFLOW', 'header block larger than ' + limit + ' bytes'));
    return buf.length;
  }
  const size = end;
  let text = data.toString('latin1', 0, end);
  if (text.endsWith('\r')) { text = text.slice(0, -1); }
  this.head = null;
  if (prev !== 0) { this._account(); }
  const consumed = bodyStart - prev; // bytes of `buf` (after off) that belonged to the head
  this._parseHead(text, size);
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

Direction.prototype._parseHead = function (text, size) {
  const lines = text.split(/\r?\n/);
  const first = lines[0];
  const now = this.conn.now();
  let msg;
  if (this.role !== 'request' && first.startsWith('HTTP/')) {
    const m = STATUS_LINE.exec(first);
    if (m === null) {
      this._fail(parseError('HPE_INVALID_STATUS', 'bad status line ' + quoted(first.slice(0, 80))));
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
      this._fail(parseError('HPE_INVALID_CONSTANT', 'bad request line ' + quoted(first.slice(0, 80))));
      return;
    }
    this.role = 'request';
    msg = newMessage({
      method: m[1],
      url: m[2],
      http_version: m[3] + '.' + m[4],
    }, this.startTime, now);
  } else {
    this._fail(parseError('HPE_INVALID_CONSTANT', 'expected a status line, got ' + quoted(first.slice(0, 80))));
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
          this._fail(parseError('HPE_INVALID_CONTENT_LENGTH', 'bad Content-Length ' + quoted(value)));
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
        'request Transfer-Encoding does not end in chunked: ' + quoted(te)));
      return;
    }
    msg.upgrade = msg.method === 'CONNECT' || (upgrade && /(^|,)\s*upgrade\s*(,|$)/.test(connection));
    this.exchange = conn.request(this, msg, size);
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
  if ((req !== null && req.method === 'HEAD' && exchange.pairing !== 'unknown') || sc === 204 || sc === 304) {
    this._complete();
    return;
  }
  if (req === null || exchange.pairing === 'unknown') {
    // Maybe an answer to HEAD: look at what follows the head before taking a body (_peek).
    this.peek = chunked || (te === null && cl !== null && cl > 0);
  }
  if (chunked) {
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
    this.line = ownCopy(this.line, part);
    this._account();
    return buf.length;
  }
  let line = (this.line === null ? part : Buffer.concat([this.line, part])).toString('latin1');
  if (this.line !== null) {
    this.line = null;
    this._account();
  }
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
      this._fail(parseError('HPE_INVALID_CHUNK_SIZE', 'bad chunk size line ' + quoted(line.slice(0, 40))));
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
  err.exchange = this.exchange;
  if (this.exchange !== null && this.exchange.error === null) { this.exchange.error = err.code; }
  this.msg = null;
  this.exchange = null;
  this.peek = false;
  // After lost bytes a parse error may be a wrong resume point: resume again.
  this.state = this.lossy ? S_LOST : S_DEAD;
  this.head = null;
  this.line = null;
  this.held = [];
  this._account();
  this.conn.error(this, err);
};

// Bytes lost in the capture: a body of known size (or read until close) goes on; otherwise
// the message in progress is cut (its body_lost counts the bytes, its exchange gets error
// HPE_LOST_DATA), an `http error` says so, the connection's pairing becomes uncertain, and
// parsing resumes at the next delivery that starts a message (S_LOST).
Direction.prototype.gap = function (bytes) {
  // the lost bytes surely start a message: at a message boundary, or past the known end of one
  const starts = this.state === S_START || (this.state === S_LENGTH && bytes > this.remaining) ||
    (this.state === S_HEAD && this.head === null);
  switch (this.state) {
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
    case S_LOST: // more lost: it may hold more message starts, not surely
      return;
    default:
      break;
  }
  if (this.msg !== null) { this.msg.body_lost += bytes; }
  const where = this.role === null ? ' before the first message' : this.msg !== null ? ' inside a message' : ' between messages';
  this.lossy = true;
  this.lostStarts = starts;
  this.conn.lost(this);
  this._fail(parseError('HPE_LOST_DATA', bytes + ' bytes missing from the capture' + where +
    ' (parsing resumes at the next ' + (this.role === 'request' ? 'request' : this.role === 'response' ? 'response' : 'message') + ')'));
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

module.exports = {
  Direction, parseError, S_START, S_HEAD, S_WAIT, S_TUNNEL, S_DEAD, S_LOST,
};
