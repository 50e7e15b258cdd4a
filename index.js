'use strict';

// `require('pcap')`: node_pcap 3.1.0's API (compat.md §2.1), on a Rust capture engine.
const native = require('./lib/native');
const errors = require('./lib/errors');
const sessionLib = require('./lib/session');
const writerLib = require('./lib/writer');

const { PcapSession } = sessionLib;

function defaultDevice() {
  const dev = errors.call(native.defaultDevice, null, []);
  if (!dev) {
    throw errors.pcapError('ENODEV',
      'no default capture device: no interface other than loopback has an IPv4 address; ' +
      'name one (pcap.findalldevs() lists them)');
  }
  return dev;
}

// createSession(device, options) as 3.x, or node_pcap 2.x's positional
// createSession(device, filter, buffer_size, monitor) that http_trace and redis_trace still use.
function createSession(device, options) {
  let opts;
  if (typeof options === 'string' || arguments.length > 2) {
    opts = { filter: options || '', buffer_size: arguments[2], monitor: arguments[3] };
  } else {
    opts = options || {};
  }
  const dev = device || defaultDevice();
  return new PcapSession(true, dev, opts.filter, opts.buffer_size, opts.snap_length,
    opts.outfile || null, opts.monitor, opts.buffer_timeout, opts.promiscuous, opts);
}

// createOfflineSession(path, options) as 3.x; a string second argument is the filter.
function createOfflineSession(path, options) {
  const opts = typeof options === 'string' ? { filter: options } : (options || {});
  return new PcapSession(false, path, opts.filter, 0, null, opts.outfile || null, false, 0,
    false, opts);
}

// node_pcap's device list (C-049): flags only ever "PCAP_IF_LOOPBACK"; description only when set.
function findalldevs() {
  const list = errors.call(native.findAllDevs, null, []);
  if (list.length === 0) throw new TypeError('pcap_findalldevs didn\'t find any devs');
  return list.map((d) => {
    const dev = { name: d.name };
    if (d.description != null) dev.description = d.description;
    dev.addresses = d.addresses.map((a) => {
      const addr = { addr: a.addr };
      if (a.netmask != null) addr.netmask = a.netmask;
      if (a.broadaddr != null) addr.broadaddr = a.broadaddr;
      if (a.dstaddr != null) addr.dstaddr = a.dstaddr;
      return addr;
    });
    if (d.loopback) dev.flags = 'PCAP_IF_LOOPBACK';
    return dev;
  });
}

let warningHandler = function (x) {
  console.warn('warning: %s - this may not actually work', x);
};
sessionLib.setWarningSink((text) => warningHandler(text));

// The decoders and the tracker load on first use: a capture-only program does not pay for them.
// (Getters of the form `return lazy.X` keep them visible as named ESM exports.)
const lazy = {};
// A getter on `lazy` that loads the module once, then replaces itself with a plain value.
function lazyGetter(name, load) {
  return {
    configurable: true,
    get() {
      const value = load();
      Object.defineProperty(lazy, name, { value, enumerable: true });
      return value;
    },
  };
}
Object.defineProperties(lazy, {
  decode: lazyGetter('decode', () => require('./decode').decode),
  TCPTracker: lazyGetter('TCPTracker', () => require('./tcp_tracker').TCPTracker),
  TCPSession: lazyGetter('TCPSession', () => require('./tcp_tracker').TCPSession),
  DNSCache: lazyGetter('DNSCache', () => require('./dns_cache')),
  HTTPTracker: lazyGetter('HTTPTracker', () => require('./lib/http').HTTPTracker),
});
Object.defineProperty(exports, 'decode', { enumerable: true, get: function () { return lazy.decode; } });
Object.defineProperty(exports, 'TCPTracker', { enumerable: true, get: function () { return lazy.TCPTracker; } });
Object.defineProperty(exports, 'TCPSession', { enumerable: true, get: function () { return lazy.TCPSession; } });
Object.defineProperty(exports, 'DNSCache', { enumerable: true, get: function () { return lazy.DNSCache; } });
Object.defineProperty(exports, 'HTTPTracker', { enumerable: true, get: function () { return lazy.HTTPTracker; } });
Object.defineProperty(exports, 'warningHandler', {
  enumerable: true,
  get() { return warningHandler; },
  set(fn) { warningHandler = fn; },
});
exports.lib_version = native.libVersion();
exports.findalldevs = findalldevs;
exports.Pcap = PcapSession;
exports.PcapSession = PcapSession;
exports.PacketWithHeader = sessionLib.PacketWithHeader;
exports.createSession = createSession;
exports.createOfflineSession = createOfflineSession;
exports.createWriter = writerLib.createWriter;
exports.PcapWriter = writerLib.PcapWriter;
