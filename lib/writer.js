'use strict';

const native = require('./native');
const errors = require('./errors');
const L = require('./layout');

// libpcap's MAXIMUM_SNAPLEN: the default, and the most it reads back (it refuses longer records).
const MAX_SNAPLEN = L.MAXIMUM_SNAPLEN;

// Writes packets to a pcap file: `pcap.createWriter(path, {link_type, snap_length, nanosecond})`,
// then `write(packet)` with a `packet` event's {buf, header} (or a Buffer, stamped with the
// current time). Packets longer than snap_length are cut to it, as a capture would (caplen =
// snap_length, len kept). `nanosecond: true` (or `tstamp_precision: 'nano'`) writes a
// nanosecond file: use it for the packets of a session opened with `nanosecond: true`.
//
// Packets are gathered in a 128 KiB buffer (src/writer.rs) that is written out when it is full,
// by flush() and close(), and once at the end of every event-loop turn in which something was
// written (a setImmediate), so that a process killed by a signal loses at most the packets of its
// last turn; process.exit() and an uncaught exception lose nothing (a process 'exit' listener
// writes out the writers written to in the last turn). Write errors throw with the system's code (ENOSPC,
// EDQUOT, EFBIG, EIO, EPIPE, ...): from the write() or flush() that meets them, else from the next
// write(), flush() or close() (an error found by the end-of-turn flush). After an error nothing
// more is written: the file holds its first `packets_written` packets as a valid capture (a
// partial last record is cut off a regular file), every later write() and flush() throws the same
// error, and close() closes the file without throwing it again.
class PcapWriter {
  constructor(path, options) {
    options = options || {};
    const snap = options.snap_length === undefined ? MAX_SNAPLEN : options.snap_length;
    if (!Number.isInteger(snap) || snap < 1 || snap > MAX_SNAPLEN) {
      throw errors.pcapError('EINVAL', 'snap_length must be an integer from 1 to ' + MAX_SNAPLEN +
        ' (libpcap reads no longer records back), got ' + String(snap));
    }
    const { nanosecond, tstamp_precision: precision } = options;
    if (nanosecond !== undefined && typeof nanosecond !== 'boolean') {
      throw errors.pcapError('EINVAL', 'nanosecond must be true or false, got ' + String(nanosecond));
    }
    if (precision !== undefined && precision !== 'micro' && precision !== 'nano') {
      throw errors.pcapError('EINVAL', "tstamp_precision must be 'micro' or 'nano', got " + String(precision));
    }
    if (nanosecond !== undefined && precision !== undefined && nanosecond !== (precision === 'nano')) {
      throw errors.pcapError('EINVAL', 'nanosecond and tstamp_precision disagree');
    }
    const nano = nanosecond === true || precision === 'nano';
    let lt = options.link_type === undefined ? L.DLT_ETHERNET : options.link_type;
    if (typeof lt === 'string') {
      const n = native.linkTypeNumber(lt);
      if (n === null) throw errors.pcapError('EINVAL', 'unknown link type ' + JSON.stringify(lt));
      lt = n;
    } else if (!Number.isInteger(lt) || lt < 0 || lt > 0xffff) {
      throw errors.pcapError('EINVAL', 'link_type must be a LINKTYPE_ name or a DLT number from 0 to 65535, got ' +
        errors.describe(lt));
    }
    if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
    this.path = path;
    this.link_type = native.linkTypeName(lt);
    this.snap_length = snap;
    this.nanosecond = nano;
    this.packets_written = 0;
    Object.defineProperty(this, '_w', {
      value: new native.NativeWriter(path, lt, snap, nano),
    });
    // An end-of-turn flush is scheduled.
    Object.defineProperty(this, '_flushing', { value: false, writable: true });
  }

  write(packet) {
    let buf, sec, usec, len;
    if (Buffer.isBuffer(packet) || packet instanceof Uint8Array) {
      const now = Date.now();
      buf = packet;
      sec = Math.floor(now / 1000);
      usec = (now % 1000) * (this.nanosecond ? 1000000 : 1000);
      len = buf.length;
    } else if (packet && (Buffer.isBuffer(packet.buf) || packet.buf instanceof Uint8Array)) {
      const h = packet.header;
      if (!h || h.length < L.PCAP_HEADER) throw new TypeError('packet.header must be the 16-byte pcap header');
      const hb = Buffer.from(h.buffer, h.byteOffset, L.PCAP_HEADER);
      sec = hb.readUInt32LE(L.RECORD_TV_SEC);
      usec = hb.readUInt32LE(L.RECORD_TV_USEC);
      const caplen = hb.readUInt32LE(L.RECORD_CAPLEN);
      len = hb.readUInt32LE(L.RECORD_LEN);
      buf = packet.buf.length > caplen ? packet.buf.subarray(0, caplen) : packet.buf;
    } else {
      throw new TypeError('write() takes a Buffer or a {buf, header} packet');
    }
    if (buf.length > this.snap_length) buf = buf.subarray(0, this.snap_length);
    let n;
    try {
      n = this._w.write(sec, usec, len, buf);
    } catch (e) {
      this.packets_written = this._w.packetsWritten;
      throw e;
    }
    this.packets_written = n;
    if (!this._flushing) {
      this._flushing = true;
      unflushed.add(this);
      if (!exitHook) {
        exitHook = true;
        process.on('exit', flushAtExit);
      }
      setImmediate(flushAtTurnEnd, this);
    }
  }

  flush() {
    try {
      this._w.flush();
    } finally {
      this.packets_written = this._w.packetsWritten;
    }
  }

  close() {
    try {
      this._w.close();
    } finally {
      this.packets_written = this._w.packetsWritten;
    }
  }
}

// Writers written to in this turn (held until its end-of-turn flush, so never for long).
const unflushed = new Set();
let exitHook = false;

// The end-of-turn flush: an error is left for the writer's next call to throw.
function flushAtTurnEnd(writer) {
  writer._flushing = false;
  unflushed.delete(writer);
  writer.packets_written = writer._w.flushQuietly();
}

// process.exit() or an uncaught exception: no later turn comes. (A signal with its default
// action ends the process without running JavaScript: the packets of that turn are lost.)
function flushAtExit() {
  for (const writer of unflushed) writer._w.flushQuietly();
  unflushed.clear();
}

function createWriter(path, options) {
  return new PcapWriter(path, options);
}

module.exports = { PcapWriter, createWriter };
