'use strict';

// `require('pcap')`: node_pcap 3.1.0's API (compat.md §2.1), on a Rust capture engine.
const native = require('./lib/native');
const errors = require('./lib/errors');
const sessionLib = require('./lib/session');
const writerLib = require('./lib/writer');

const { PcapSession } = sessionLib;

function defaultDevice() {
  // Errors of the native layer pass through as they are: an Error with its `code` (src/error.rs).
  const dev = native.defaultDevice();
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
  const list = native.findAllDevs();
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
// These assignments name the exports for ESM's `import { decode } from 'pcap'` (Node finds
// CommonJS export names by reading the source; accessors are invisible to it unless written in one
// fixed form) and fix their order: node_pcap's, this package's additions last. The lazy ones are
// replaced by the accessors at the end.
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
// Until first read these are accessors that load their module; reading or assigning one turns it
// into the plain writable property node_pcap had (so stubbing libraries, which want a data
// property, work once it has been read, and later reads cost a plain property load).
function lazyExport(name, load) {
  const settle = (value) => {
    Object.defineProperty(exports, name, { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  return { enumerable: true, configurable: true, get() { return settle(load()); }, set: settle };
}
Object.defineProperties(exports, {
  decode: lazyExport('decode', () => require('./decode').decode),
  TCPTracker: lazyExport('TCPTracker', () => require('./tcp_tracker').TCPTracker),
  TCPSession: lazyExport('TCPSession', () => require('./tcp_tracker').TCPSession),
  DNSCache: lazyExport('DNSCache', () => require('./dns_cache')),
  HTTPTracker: lazyExport('HTTPTracker', () => require('./lib/http').HTTPTracker),
});
