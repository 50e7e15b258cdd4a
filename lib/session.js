'use strict';

const EventEmitter = require('events');
const util = require('util');
const native = require('./native');
const errors = require('./errors');
const structure = require('./structure');
const L = require('./layout');
const { emitError } = require('./unhandled');

// A batch record (src/queue.rs, lib/layout.js): the pcap header (PCAP_HEADER bytes, caplen at
// RECORD_CAPLEN), the layer map at RECORD_MAP, the packet's data at RECORD_DATA.
const PCAP_HEADER = L.PCAP_HEADER;
const RECORD_CAPLEN = L.RECORD_CAPLEN;
const RECORD_MAP = L.RECORD_MAP;
const RECORD_DATA = L.RECORD_DATA;

// Event-loop turns to poll for the next batch before waiting to be woken.
const MAX_POLLS = 16;
// Longest run of packet events before other callbacks get a turn.
const BUDGET_MS = 2;

// node_pcap's writable `warningHandler` lives in index.js; it gives us a way to reach it.
let warn = (text) => console.warn('warning: %s - this may not actually work', text);
function setWarningSink(fn) {
  warn = fn;
}

// What a `packet` event carries: node_pcap's {buf, header, link_type} (lib/structure.js).
const PacketWithHeader = structure.PacketWithHeader;
// The packet being emitted (decode.packet finds its layer map there).
const emitting = structure.emitting;

// Packet views: genuine Buffers made the cheap way (lib/structure.js).
const PacketBuffer = structure.PacketBuffer;

function roundOr(v, dflt) {
  return typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : dflt;
}

// filter and outfile: empty when falsy (node_pcap's `filter || ""`), otherwise a string (node_pcap's
// binding threw a TypeError for anything else).
function stringOption(name, v) {
  if (!v) return '';
  if (typeof v !== 'string') throw errors.argError(name + ' must be a string, got ' + errors.describe(v));
  return v;
}

// This package's size options: absent, or a number in [min, max].
function sizeOption(name, v, min, max) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !(v >= min && v <= max)) {
    throw errors.argError(name + ' must be a number of bytes from ' + min + ' to ' + max + ', got ' + errors.describe(v));
  }
  return v;
}

// node_pcap's PcapSession (C-010): (is_live, device_name, filter, buffer_size, snap_length,
// outfile, is_monitor, buffer_timeout, promiscuous). The tenth argument carries this package's
// own options (app_buffer_size, batch_size, nanosecond).
function PcapSession(is_live, device_name, filter, buffer_size, snap_length, outfile, is_monitor,
  buffer_timeout, promiscuous, extra) {
  if (!(this instanceof PcapSession)) {
    return new PcapSession(is_live, device_name, filter, buffer_size, snap_length, outfile,
      is_monitor, buffer_timeout, promiscuous, extra);
  }
  extra = extra || {};
  this.is_live = !!is_live;
  this.device_name = device_name;
  this.filter = stringOption('filter', filter);
  this.buffer_size = roundOr(buffer_size, this.is_live ? L.DEFAULT_BUFFER_SIZE : 0);
  this.snap_length = roundOr(snap_length, L.DEFAULT_SNAP_LENGTH);
  this.outfile = stringOption('outfile', outfile);
  this.is_monitor = !!is_monitor;
  this.buffer_timeout = roundOr(buffer_timeout, L.DEFAULT_BUFFER_TIMEOUT_MS);
  this.promiscuous = typeof promiscuous === 'undefined' ? L.DEFAULT_PROMISCUOUS : promiscuous;
  this.link_type = null;
  this.opened = false;
  this.empty_reads = 0;
  this.packets_read = null;
  this.session = null;

  if (typeof this.device_name !== 'string') {
    throw errors.argError((this.is_live ? 'the device name' : 'the capture file path') +
      ' must be a string, got ' + errors.describe(this.device_name));
  }
  if (this.device_name === '') {
    throw errors.pcapError('EINVAL', this.is_live
      ? 'a device name is required (pcap.findalldevs() lists them)'
      : 'a capture file path is required');
  }
  const appBufferSize = sizeOption('app_buffer_size', extra.app_buffer_size, L.MIN_APP_BUFFER_BYTES, L.MAX_APP_BUFFER_BYTES);
  const batchSize = sizeOption('batch_size', extra.batch_size, L.MIN_BATCH_BYTES, L.MAX_BATCH_BYTES);
  const signal = extra.signal;
  if (signal && typeof signal.addEventListener !== 'function') {
    throw errors.argError('signal must be an AbortSignal, got ' + errors.describe(signal));
  }

  Object.defineProperty(this, '_batch', { value: null, writable: true });
  Object.defineProperty(this, '_off', { value: 0, writable: true });
  Object.defineProperty(this, '_scheduled', { value: false, writable: true });
  Object.defineProperty(this, '_polls', { value: 0, writable: true });
  Object.defineProperty(this, '_paused', { value: false, writable: true });
  Object.defineProperty(this, '_onClose', { value: [] });
  Object.defineProperty(this, '_ended', { value: false, writable: true });
  Object.defineProperty(this, '_structure', { value: null, writable: true });
  Object.defineProperty(this, '_source', { value: null, writable: true });
  // Set by every listener change (see the methods below) so the packet loop re-reads its listener.
  Object.defineProperty(this, '_listenersChanged', { value: true, writable: true });
  const drain = () => this._drain();
  Object.defineProperty(this, '_drainFn', { value: drain });
  const onWake = () => {
    if (!this._scheduled) this._drain();
  };

  // EventEmitter's own fields after node_pcap's (Object.keys, util.inspect show its order).
  EventEmitter.call(this);
  if (signal && signal.aborted) {
    // Already aborted: nothing is opened (no capture, no outfile created); a closed session.
    return;
  }
  if (this.is_live) {
    this.session = native.NativeSession.openLive({
      device: this.device_name,
      filter: this.filter,
      bufferSize: this.buffer_size,
      snapLength: this.snap_length,
      bufferTimeout: this.buffer_timeout,
      monitor: this.is_monitor,
      promiscuous: !!this.promiscuous,
      outfile: this.outfile || undefined,
      appBufferSize: appBufferSize,
      batchSize: batchSize,
    }, onWake);
  } else {
    this.session = native.NativeSession.openOffline({
      path: this.device_name,
      filter: this.filter,
      outfile: this.outfile || undefined,
      batchSize: batchSize,
      nanosecond: extra.nanosecond === true || extra.tstamp_precision === 'nano',
    }, onWake);
  }
  this.link_type = native.linkTypeName(this.session.linkType);
  this._structure = { native: this.session, link: this.link_type, enabled: false };
  this.opened = true;
  try {
    for (const w of this.session.warnings()) warn(w);
    if (signal) {
      if (signal.aborted) {
        this.close();
      } else {
        const onAbort = () => this.close();
        signal.addEventListener('abort', onAbort, { once: true });
        this._onClose.push(() => signal.removeEventListener('abort', onAbort));
      }
    }
  } catch (e) {
    // The capture runs already, and the caller gets no session to close: stop it here (a
    // warningHandler that throws, as node_pcap's open failed then).
    this.close();
    throw e;
  }
}
util.inherits(PcapSession, EventEmitter);

// Pulls batches and emits their packets for up to BUDGET_MS, then yields to the event loop and
// goes on from a setImmediate until the queue is empty.
PcapSession.prototype._drain = function () {
  this._scheduled = false;
  const deadline = performance.now() + BUDGET_MS;
  for (;;) {
    if (!this.opened || this._ended || this._paused) return;
    let batch = this._batch;
    if (batch === null) {
      // Right after a batch, poll a few event-loop turns for the next one: cheaper than having
      // the capture thread wake us (a system call and a thread switch) for every batch.
      // Written so that an empty queue runs no operation that a batch does not also run: the
      // first empty poll would otherwise meet operations without type feedback and throw away
      // this function's optimized code (with everything inlined into it) to compile it again.
      const polls = this._polls;
      const polling = polls < MAX_POLLS;
      const r = this.session.take(polling);
      const got = r !== null && typeof r !== 'string';
      const next = polls + 1;
      this._polls = got ? 0 : next;
      if (!got) {
        if (r !== null) {
          this._end(r);
          return;
        }
        if (!polling) return; // the capture thread wakes us for the next batch
      } else if (r.code !== undefined) {
        // A write error of the outfile, in its place among the packets (src/capture/reader.rs).
        if (!this._scheduled) {
          this._scheduled = true;
          setImmediate(this._drainFn);
        }
        this._outfileError(r);
        return;
      } else {
        batch = this._batch = r;
        this._off = 0;
        this._source = { batch, state: this._structure, ab: batch.buffer, base: batch.byteOffset };
      }
    }
    // Schedule the continuation first, so that a throwing listener does not stall the session.
    if (!this._scheduled) {
      this._scheduled = true;
      setImmediate(this._drainFn);
    }
    if (batch === null) return; // polling: the continuation is scheduled
    const link_type = this.link_type;
    let listener = this._events.packet;
    this._listenersChanged = false;
    const source = this._source;
    const mapsOn = this._structure.enabled;
    const ab = batch.buffer;
    const base = batch.byteOffset;
    const end = batch.length;
    let off = this._off;
    while (off < end) {
      const at = off + RECORD_CAPLEN;
      const caplen = (batch[at] | (batch[at + 1] << 8) | (batch[at + 2] << 16)) + batch[at + 3] * 0x1000000;
      const start = off + RECORD_DATA;
      const stop = start + caplen;
      this._off = stop;
      const buf = new PacketBuffer(ab, base + start, caplen);
      const raw = new PacketWithHeader(buf, new PacketBuffer(ab, base + off, PCAP_HEADER), link_type);
      // Where decode.packet finds the packet's layer map: every packet once this session's packets
      // are decoded (maps on), otherwise the first of each batch, which turns them on when decoded.
      if (mapsOn || off === 0) {
        emitting.buf = buf;
        emitting.at = off + RECORD_MAP;
        emitting.source = source;
      }
      off = stop;
      // emit('packet') without EventEmitter's generic path when there is exactly one listener
      // (the usual case). The listener table (a dictionary-mode object: ~80 instructions per
      // read) is read again only after a listener was added or removed, e.g. by a listener.
      if (this._listenersChanged) {
        this._listenersChanged = false;
        listener = this._events.packet;
      }
      if (typeof listener === 'function') listener.call(this, raw);
      else if (listener !== undefined) this.emit('packet', raw);
      if (!this.opened || this._paused) return;
    }
    this._batch = null;
    // Let go of this batch's last noted packet (it would keep the whole batch alive).
    if (emitting.source === source) {
      emitting.buf = null;
      emitting.source = null;
    }
    if (performance.now() >= deadline) return; // the continuation is scheduled
  }
};

// EventEmitter's listener-changing methods, noting the change for the packet loop. (`on` and
// `addListener`, `off` and `removeListener` are the same functions in EventEmitter; `once` and
// `prependOnceListener` go through `on`/`prependListener`, and a once-wrapper through
// `removeListener`.)
for (const [name, alias] of [['addListener', 'on'], ['prependListener'], ['removeListener', 'off'],
  ['removeAllListeners']]) {
  const base = EventEmitter.prototype[name];
  const fn = { [name](...args) {
    this._listenersChanged = true;
    return base.apply(this, args);
  } }[name];
  for (const key of alias ? [name, alias] : [name]) {
    Object.defineProperty(PcapSession.prototype, key, { value: fn, writable: true, configurable: true });
  }
}

PcapSession.prototype._end = function (message) {
  this._ended = true;
  structure.forget(this._structure);
  const wasOpen = this.opened;
  if (message) {
    // The capture stopped: no longer open (close() still releases it), and the error is never
    // lost: an `error` event, or a process warning when nobody listens (lib/unhandled.js).
    this.opened = false;
    emitError(this, errors.pcapError('EREAD', (this.is_live ? 'capture on ' : 'reading ') +
      this.device_name + ' failed: ' + message));
  }
  if (!this.is_live && wasOpen) this.emit('complete');
};

// A write error of the outfile ({code, message} from the addon): emitted as `error` (a process
// warning when nobody listens, lib/unhandled.js); the capture goes on, the outfile is no longer
// written (stats().outfile_written says what it holds).
PcapSession.prototype._outfileError = function (fault) {
  emitError(this, errors.pcapError(fault.code, fault.message));
};

// node_pcap's close(): opened = false and every listener removed (kept), and, unlike node_pcap,
// the handle and the thread are released now rather than at the next packet.
PcapSession.prototype.close = function () {
  this.opened = false;
  this.removeAllListeners();
  if (this.session) this.session.close();
  this._batch = null;
  structure.forget(this._structure);
  const hooks = this._onClose.splice(0);
  for (const fn of hooks) fn();
};

// Stops delivering packets until resume(). A paused file session stops reading (nothing is
// lost); a paused live session keeps capturing into the application buffer (app_buffer_size).
PcapSession.prototype.pause = function () {
  this._paused = true;
  return this;
};

PcapSession.prototype.resume = function () {
  if (this._paused) {
    this._paused = false;
    if (this.opened && !this._scheduled) {
      this._scheduled = true;
      setImmediate(this._drainFn);
    }
  }
  return this;
};

PcapSession.prototype.isPaused = function () {
  return this._paused;
};

// `for await (const raw of session)`: the packets as `packet` events carry them, until the end
// of a file or close(). Reading pauses the session while HIGH_WATER packets wait, so a slow loop
// holds a file back instead of buffering it; breaking out of the loop closes the session.
const HIGH_WATER = 1024;
PcapSession.prototype[Symbol.asyncIterator] = function () {
  const session = this;
  const queue = [];
  let head = 0;
  let done = !this.opened;
  let error = null;
  let wake = null;
  const notify = () => {
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  };
  this.on('packet', (raw) => {
    queue.push(raw);
    if (queue.length - head >= HIGH_WATER) session.pause();
    notify();
  });
  this.on('complete', () => { done = true; notify(); });
  this.on('error', (e) => { error = e; notify(); });
  this._onClose.push(() => { done = true; notify(); });
  return {
    next() {
      return new Promise((resolve, reject) => {
        const attempt = () => {
          if (head < queue.length) {
            const value = queue[head];
            queue[head++] = undefined;
            if (head > 4096 && head * 2 > queue.length) {
              queue.splice(0, head);
              head = 0;
            }
            if (session._paused && queue.length - head <= HIGH_WATER / 2) session.resume();
            resolve({ value, done: false });
          } else if (error) {
            const e = error;
            error = null;
            done = true;
            // The loop ends here (an outfile error leaves the capture running): release it.
            if (session.opened) session.close();
            reject(e);
          } else if (done) {
            if (session.opened) session.close(); // the file is finished: release it
            resolve({ value: undefined, done: true });
          } else {
            wake = attempt;
          }
        };
        attempt();
      });
    },
    return() {
      done = true;
      session.close();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
};

PcapSession.prototype.stats = function () {
  if (!this.session) throw errors.pcapError('ECLOSED', 'pcap session already closed');
  // {ps_recv, ps_drop, ps_ifdrop, app_drop}, and with an outfile {outfile_written, outfile_dropped},
  // made by the addon (src/napi/mod.rs SessionStats).
  return this.session.stats();
};

PcapSession.prototype.inject = function (data) {
  if (arguments.length !== 1) throw new TypeError('Inject takes exactly one argument');
  if (!Buffer.isBuffer(data)) throw new TypeError('First argument must be a buffer');
  if (!this.session) throw errors.pcapError('ECLOSED', 'pcap session already closed');
  this.session.inject(data);
};

module.exports = { PcapSession, PacketWithHeader, setWarningSink };
