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
  // buffer_timeout and promiscuous left to their defaults (1000, true), as node_pcap reports them.
  return new PcapSession(false, path, opts.filter, 0, null, opts.outfile || null, false, undefined,
    undefined, opts);
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

sessionLib.setWarningSink((text) => exports.warningHandler(text));

// The decoders and the tracker load on first use: a capture-only program does not pay for them.
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
// These assignments name the exports for ESM's `import { decode } from 'pcap'` (Node finds
// CommonJS export names by reading the source; accessors with setters are invisible to it). The
// accessors below replace them: node_pcap's exports were plain writable properties, so assigning
// or redefining one (a wrapper, sinon/jest stubs) works here too. In node_pcap's order, this
// package's additions last.
exports.decode = undefined;
exports.TCPTracker = undefined;
exports.TCPSession = undefined;
exports.DNSCache = undefined;
// node_pcap's writable `warningHandler`, read at each use as node_pcap read it at each open.
exports.warningHandler = function warningHandler(x) {
  console.warn('warning: %s - this may not actually work', x);
};
exports.lib_version = native.libVersion();
exports.findalldevs = findalldevs;
exports.Pcap = PcapSession;
exports.PcapSession = PcapSession;
exports.createSession = createSession;
exports.createOfflineSession = createOfflineSession;
exports.HTTPTracker = undefined;
exports.PacketWithHeader = sessionLib.PacketWithHeader;
exports.createWriter = writerLib.createWriter;
exports.PcapWriter = writerLib.PcapWriter;
// Assigning a lazy export replaces the accessor with the assigned value. (One getter per name, each
// reading a fixed property: `pcap.decode` is read for every packet in many programs.)
function lazyExport(get, name) {
  return {
    enumerable: true,
    configurable: true,
    get,
    set(value) {
      Object.defineProperty(exports, name, { value, writable: true, enumerable: true, configurable: true });
    },
  };
}
Object.defineProperties(exports, {
  decode: lazyExport(function () { return lazy.decode; }, 'decode'),
  TCPTracker: lazyExport(function () { return lazy.TCPTracker; }, 'TCPTracker'),
  TCPSession: lazyExport(function () { return lazy.TCPSession; }, 'TCPSession'),
  DNSCache: lazyExport(function () { return lazy.DNSCache; }, 'DNSCache'),
  HTTPTracker: lazyExport(function () { return lazy.HTTPTracker; }, 'HTTPTracker'),
});
