'use strict';

const native = require('./native');
const errors = require('./errors');

// Writes packets to a pcap file: `pcap.createWriter(path, {link_type})`, then `write(packet)`
// with a `packet` event's {buf, header} (or a Buffer, stamped with the current time).
class PcapWriter {
  constructor(path, options) {
    options = options || {};
    let lt = options.link_type === undefined ? 'LINKTYPE_ETHERNET' : options.link_type;
    if (typeof lt === 'string') {
      const n = native.linkTypeNumber(lt);
      if (n === null) throw errors.pcapError('EINVAL', 'unknown link type ' + JSON.stringify(lt));
      lt = n;
    }
    if (typeof path !== 'string' || path === '') throw new TypeError('path must be a non-empty string');
    this.path = path;
    this.link_type = native.linkTypeName(lt);
    this.packets_written = 0;
    Object.defineProperty(this, '_w', { value: errors.call((p, l) => new native.NativeWriter(p, l), null, [path, lt]) });
  }

  write(packet) {
    let buf, sec, usec, len;
    if (Buffer.isBuffer(packet) || packet instanceof Uint8Array) {
      const now = Date.now();
      buf = packet;
      sec = Math.floor(now / 1000);
      usec = (now % 1000) * 1000;
      len = buf.length;
    } else if (packet && (Buffer.isBuffer(packet.buf) || packet.buf instanceof Uint8Array)) {
      const h = packet.header;
      if (!h || h.length < 16) throw new TypeError('packet.header must be the 16-byte pcap header');
      const hb = Buffer.from(h.buffer, h.byteOffset, 16);
      sec = hb.readUInt32LE(0);
      usec = hb.readUInt32LE(4);
      const caplen = hb.readUInt32LE(8);
      len = hb.readUInt32LE(12);
      buf = packet.buf.length > caplen ? packet.buf.subarray(0, caplen) : packet.buf;
    } else {
      throw new TypeError('write() takes a Buffer or a {buf, header} packet');
    }
    errors.call(this._w.write, this._w, [sec, usec, len, buf]);
    this.packets_written++;
  }

  flush() {
    errors.call(this._w.flush, this._w, []);
  }

  close() {
    errors.call(this._w.close, this._w, []);
  }
}

function createWriter(path, options) {
  return new PcapWriter(path, options);
}

module.exports = { PcapWriter, createWriter };
