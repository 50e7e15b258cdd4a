'use strict';

// DNSCache: reverse DNS names for addresses (compat.md §2.9, C-171/C-172).
// ptr(ip) returns the cached name, or the address itself at once while a
// dns.reverse() lookup runs in the background. Unlike node_pcap the cache is
// bounded (maxEntries, oldest entry out first) and entries can expire (ttl).

const dns = require('dns');
const util = require('util');

const debug = util.debuglog('pcap');

const DEFAULT_MAX_ENTRIES = 10000;

function DNSCache(options) {
  this.cache = {};
  this.requests = {};
  const o = options && typeof options === 'object' ? options : {};
  const maxEntries = o.maxEntries === undefined || o.maxEntries === null ?
    DEFAULT_MAX_ENTRIES : Number(o.maxEntries);
  const ttl = o.ttl === undefined || o.ttl === null ? 0 : Number(o.ttl);
  if (!(maxEntries >= 1)) { throw new TypeError('DNSCache option maxEntries must be a number >= 1'); }
  if (!(ttl >= 0)) { throw new TypeError('DNSCache option ttl must be a number >= 0 (ms, 0 = never)'); }
  if (o.reverse !== undefined && typeof o.reverse !== 'function') {
    throw new TypeError('DNSCache option reverse must be a function (ip, callback)');
  }
  // Non-enumerable so that util.inspect shows node_pcap's {cache, requests}.
  Object.defineProperty(this, '_opts', {
    value: { maxEntries: maxEntries, ttl: ttl, reverse: o.reverse || null },
    writable: true, configurable: true,
  });
  // ip -> time stored (ms), in insertion order: the eviction order.
  Object.defineProperty(this, '_stored', { value: new Map(), writable: true, configurable: true });
  Object.defineProperty(this, '_pending', { value: 0, writable: true, configurable: true });
}

DNSCache.prototype.ptr = function (ip) {
  const name = this.cache[ip];
  if (name) {
    const stored = this._stored.get(ip);
    const ttl = this._opts.ttl;
    if (stored === undefined || ttl === 0 || Date.now() - stored <= ttl) {
      return name; // (an entry the caller put in `cache` itself never expires)
    }
    this._forget(ip); // expired: look it up again
  }

  if (this.requests[ip] === undefined && this._pending < this._opts.maxEntries) {
    this.requests[ip] = true;
    this._pending++;
    const self = this;
    const reverse = this._opts.reverse || dns.reverse;
    try {
      reverse(ip, function (err, domains) {
        self._pending--;
        delete self.requests[ip];
        self.on_ptr(err, ip, domains);
      });
    } catch (e) { // e.g. not an IP address: dns.reverse throws synchronously
      this._pending--;
      delete this.requests[ip];
      this.on_ptr(e, ip, null);
    }
  }

  return ip;
};

DNSCache.prototype.on_ptr = function (err, ip, domains) {
  let name = ip;
  if (err) {
    debug('DNSCache: reverse lookup of %s failed: %s', ip, err && err.code || err);
  } else if (domains && domains.length > 0 && domains[0]) {
    name = domains[0];
  }
  this._store(ip, name);
};

DNSCache.prototype._store = function (ip, name) {
  const stored = this._stored;
  if (stored.has(ip)) { stored.delete(ip); }
  stored.set(ip, Date.now());
  this.cache[ip] = name;
  while (stored.size > this._opts.maxEntries) {
    this._forget(stored.keys().next().value);
  }
};

DNSCache.prototype._forget = function (ip) {
  this._stored.delete(ip);
  delete this.cache[ip];
};

module.exports = DNSCache;
