'use strict';

// Reassembler: one direction of a TCP connection turned into its byte stream, each byte
// delivered once and in sequence order. It emits nothing: push/flush/skip/flushTo queue
// their results (deliveries and gaps, in stream order) and return how many they queued;
// the caller reads them with nextOutput() and turns them into events (TCPSession does).
//
//   const r = new Reassembler(maxBytes, maxSegments, budget);  // budget: a Budget or null
//   r.start(isn + 1);                 // optional: where the stream starts (after a SYN)
//   const n = r.push(seq, len, data); // a segment: seq of its first byte, its length on the
//                                     // wire, the captured bytes (may be shorter than len)
//   if (n === IN_ORDER) use(data);    // the common case: exactly the next bytes, nothing queued
//   else while (r.nextOutput()) {
//     if (r.outData !== null) use(r.outData);           // bytes [outSeq, outSeq + outLen)
//     else gap(r.outSeq, r.outLen, r.outReason);        // outLen bytes lost at outSeq
//   }
//   r.ack(ackno);                     // the peer acknowledged every byte before ackno
//   r.setFin(seq); r.flush('end');    // end of the connection: give up every hole
//
// Bytes that arrive before `next` (the next byte expected) are old: a retransmission or an
// overlap; what was delivered first stays delivered, even if the new bytes differ. A segment
// after `next` is copied and held (sorted by sequence number) until the hole before it fills.
// When more than maxBytes or maxSegments are held, the hole before the first held segment is
// given up (a gap, reason "limit") and what follows it is delivered. Sequence numbers wrap at
// 2^32 (lib/tracker/seq.js): holes and held data must stay within 2^31 bytes of `next`.
//
// Gap reasons: "snaplen" (bytes the capture cut off), "acked" (the peer acknowledged bytes the
// capture does not have: they cannot come any more, see ack()), "limit" (this direction held
// too much), "end" (flush), or what the caller passes to skip/flushTo (the tracker passes
// "total" when the tracker-wide budget is over its limit).
//
// A reassembler is a holder of its budget (lib/tracker/budget.js): it charges each held
// segment's length and one item while the segment is held.

const { seqAdd, seqDiff, seqAfter, seqBefore } = require('./seq');
const { Holder } = require('./budget');

function Held(seq, len, buf) {
  this.seq = seq;   // sequence number of its first byte (uint32)
  this.len = len;   // length on the wire
  this.buf = buf;   // copy of the captured bytes (may be shorter than len)
}

function Reassembler(maxBytes, maxSegments, budget) {
  this.next = -1;        // next expected sequence number (uint32), -1 until known
  this.fin = -1;         // sequence number of the FIN, -1 if none seen
  this.pending = [];     // held segments (Held), sorted by sequence number
  this.pendingBytes = 0;
  this.maxBytes = maxBytes;
  this.maxSegments = maxSegments;
  this.budget = budget;
  Holder(this);
  // Queued results: [data (Buffer, or null for a gap), seq, length, reason] per result.
  this.out = null;
  this.outHead = 0;
  this.outTail = 0;
  // The result nextOutput() moved out of the queue.
  this.outData = null;
  this.outSeq = 0;
  this.outLen = 0;
  this.outReason = null;
  // ack(): ACKs from the peer seen passing `next` since the stream last caught up, and the
  // highest of them.
  this.ackPast = 0;
  this.acked = 0;
  this.ackGrace = 8;     // ACKs past a hole before it is given up (the owner sets it)
  // For the owner's use (TCPSession: its state and "send"/"recv").
  this.owner = null;
  this.dir = null;
}

// The stream starts at `seq` (the byte after the SYN), unless already known.
Reassembler.prototype.start = function (seq) {
  if (this.next === -1) { this.next = seq; }
};

// The FIN comes after the byte before `seq` (first FIN seen wins).
Reassembler.prototype.setFin = function (seq) {
  if (this.fin === -1) { this.fin = seq; }
};

// Results queued and not yet read.
Reassembler.prototype.outputs = function () {
  return (this.outTail - this.outHead) >> 2;
};

// Move the next result into outData/outSeq/outLen/outReason; false when there is none.
Reassembler.prototype.nextOutput = function () {
  const i = this.outHead;
  if (i === this.outTail) {
    this.outHead = 0;
    this.outTail = 0;
    this.outData = null;
    return false;
  }
  const out = this.out;
  this.outData = out[i];
  this.outSeq = out[i + 1];
  this.outLen = out[i + 2];
  this.outReason = out[i + 3];
  out[i] = null; // keep no buffer once it has been handed out
  this.outHead = i + 4;
  return true;
};

Reassembler.prototype._out = function (data, seq, len, reason) {
  let out = this.out;
  if (out === null) { out = this.out = []; }
  const i = this.outTail;
  out[i] = data;
  out[i + 1] = seq;
  out[i + 2] = len;
  out[i + 3] = reason;
  this.outTail = i + 4;
};

// push() found the segment to be exactly the next bytes of the stream, wholly captured, with
// nothing held and no result waiting: nothing is queued and `data` is the delivery. (Most
// segments; queueing each of them cost ~2% of a whole reassembling run, measured.)
const IN_ORDER = -1;

// A segment: `len` bytes starting at sequence number `seq`, of which `data` holds the
// captured ones (null or shorter when the capture cut them). Returns the number of results
// queued, or IN_ORDER.
Reassembler.prototype.push = function (seq, len, data) {
  if (this.next === -1) { this.next = seq; }
  const d = seqDiff(seq, this.next);
  if (d === 0 && this.pending.length === 0 && this.outHead === this.outTail &&
      data && data.length === len) {
    this.next = seqAdd(seq, len);
    return IN_ORDER;
  }
  if (d <= 0) {
    if (d + len <= 0) { return this.outputs(); } // all bytes already delivered
    this.next = seqAdd(seq, len);
    this._deliver(data, seq, -d, len);
    if (this.pending.length > 0) { this._drain(); }
    return this.outputs();
  }
  this._hold(seq, len, data);
  if (this.ackPast >= this.ackGrace && this.ackPast > 0 && seqAfter(this.acked, this.next)) { this._lost(); }
  const pending = this.pending;
  while (pending.length > 0 && (this.pendingBytes > this.maxBytes || pending.length > this.maxSegments)) {
    this._skip('limit');
  }
  return this.outputs();
};

// Give up the hole before the first held segment and deliver what follows it (up to the
// next hole). Returns the results queued (none when nothing is held).
Reassembler.prototype.skip = function (reason) {
  if (this.pending.length > 0) { this._skip(reason); }
  return this.outputs();
};

// Declare every byte before `seq` lost: holes before it become gaps, held data before it is
// delivered, and the stream continues at `seq` (or after, if held data reaches further).
Reassembler.prototype.flushTo = function (seq, reason) {
  if (this.next === -1) {
    this.next = seq;
    return this.outputs();
  }
  const pending = this.pending;
  while (pending.length > 0 && seqBefore(pending[0].seq, seq)) { this._skip(reason); }
  const gap = seqDiff(seq, this.next);
  if (gap > 0) {
    this._out(null, this.next, gap, reason);
    this.next = seq;
    if (pending.length > 0) { this._drain(); }
  }
  return this.outputs();
};

// End of the stream: deliver everything held, giving up every hole, and report the bytes
// missing before the FIN.
Reassembler.prototype.flush = function (reason) {
  while (this.pending.length > 0) { this._skip(reason); }
  if (this.fin !== -1 && this.next !== -1) {
    const gap = seqDiff(this.fin, this.next);
    if (gap > 0) {
      this._out(null, this.next, gap, reason);
      this.next = this.fin;
    }
  }
  return this.outputs();
};

// The peer acknowledged every byte before `ackno`: bytes the peer has and this direction has
// not delivered were lost by the capture (a sender only goes on past what the receiver
// acknowledged; they will not come again). Once `ackGrace` packets of the peer have
// acknowledged past the hole before the first held segment, the hole is given up (a gap,
// reason "acked") and the data behind it delivered. The grace (TCPTracker option ackGrace,
// default 8): a capture may show a data segment a few packets after the ACKs that cover it
// (capture reordering; the tests shuffle within windows of 5-6 packets, measured: 6 was the
// least that kept the rewritten loopback captures exact), and such a segment still fills it. A hole with nothing held behind it stalls nothing: it is given
// up only when a segment after it arrives (push) or at the end. An ACK of the FIN counts up to
// the FIN; an ACK more than 2^30 bytes ahead is not believed. Returns the results queued.
Reassembler.prototype.ack = function (ackno) {
  const next = this.next;
  if (next === -1) { return 0; }
  let to = ackno;
  if (this.fin !== -1 && seqAfter(to, this.fin)) { to = this.fin; }
  const d = seqDiff(to, next);
  if (d <= 0 || d > 0x40000000) {
    this.ackPast = 0;
    return 0;
  }
  if (this.ackPast === 0 || seqAfter(to, this.acked)) { this.acked = to; }
  if (++this.ackPast < this.ackGrace || this.pending.length === 0) { return 0; }
  return this._lost();
};

// Give up what the peer acknowledged (ack() decided it is lost).
Reassembler.prototype._lost = function () {
  this.ackPast = 0;
  return this.flushTo(this.acked, 'acked');
};

// Drop everything held, without results (the owner is being discarded).
Reassembler.prototype.release = function () {
  if (this.budget !== null) { this.budget.release(this); }
  this.pending = [];
  this.pendingBytes = 0;
};

// Bytes [from, len) of a segment whose buffer may be shorter than len (truncated capture):
// the part captured, then the missing tail as a gap.
Reassembler.prototype._deliver = function (buf, seq, from, len) {
  const avail = buf ? buf.length : 0;
  const end = avail < len ? avail : len;
  if (end > from) {
    this._out(from === 0 && end === avail ? buf : buf.subarray(from, end), seqAdd(seq, from), end - from, null);
  }
  const cut = from > avail ? from : avail;
  if (len > cut) { this._out(null, seqAdd(seq, cut), len - cut, 'snaplen'); }
};

// A copy of the first `len` bytes of `data` in memory of its own: a small copy from Node's
// shared 8 KiB pool (Buffer.from) would keep the whole pool block alive for as long as it is
// held, whatever else the block holds (measured: 100,000 held 100-byte copies interleaved with
// other small buffers kept 58 MB of ArrayBuffers for 6.3 MB of data).
function copyOf(data, len) {
  if (!data) { return Buffer.alloc(0); }
  const n = data.length < len ? data.length : len;
  const copy = Buffer.allocUnsafeSlow(n);
  data.copy(copy, 0, 0, n);
  return copy;
}

// Hold a copy of an out-of-order segment, unless a held one at the same place covers it.
Reassembler.prototype._hold = function (seq, len, data) {
  const pending = this.pending;
  let i = pending.length;
  while (i > 0 && seqAfter(pending[i - 1].seq, seq)) { i--; }
  if (i > 0 && pending[i - 1].seq === seq && pending[i - 1].len >= len) { return; } // duplicate
  pending.splice(i, 0, new Held(seq, len, copyOf(data, len)));
  this.pendingBytes += len;
  if (this.budget !== null) { this.budget.charge(this, len, 1); }
};

// Release held segments that now start at or before `next`.
Reassembler.prototype._drain = function () {
  const pending = this.pending;
  while (pending.length > 0) {
    const h = pending[0];
    const d = seqDiff(h.seq, this.next);
    if (d > 0) { return; }
    pending.shift();
    this.pendingBytes -= h.len;
    if (this.budget !== null) { this.budget.charge(this, -h.len, -1); }
    if (d + h.len > 0) {
      this.next = seqAdd(h.seq, h.len);
      this._deliver(h.buf, h.seq, -d, h.len);
    }
  }
};

// Give up the hole before the first held segment, then release what follows it.
Reassembler.prototype._skip = function (reason) {
  const h = this.pending[0];
  const gap = seqDiff(h.seq, this.next);
  if (gap > 0) {
    this._out(null, this.next, gap, reason);
    this.next = h.seq;
  }
  this._drain();
};

module.exports = { Reassembler, IN_ORDER };
