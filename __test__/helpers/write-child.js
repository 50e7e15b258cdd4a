'use strict';

// Child process of __test__/write-errors.test.js: one write scenario per run, its result as one
// JSON line on standard output. Run directly, or by runInTmpfs (helpers/tmpfs.js) inside a
// private mount namespace where the output directory is a small tmpfs.
//
//   node write-child.js MODE ARGS...
const fs = require('fs');
const path = require('path');
const dgram = require('dgram');
const pcap = require('../..');
const { parsePcap } = require('./pcapfile');

const HTTP = path.resolve(__dirname, '..', 'fixtures', 'http-loopback.pcap');

// The fixture's packets as `packet` events carry them: {buf, header}.
function fixturePackets(count) {
  const out = [];
  const { packets } = parsePcap(fs.readFileSync(HTTP));
  for (let i = 0; out.length < count; i = (i + 1) % packets.length) {
    const p = packets[i];
    const header = Buffer.alloc(16);
    header.writeUInt32LE(p.tv_sec, 0);
    header.writeUInt32LE(p.tv_usec, 4);
    header.writeUInt32LE(p.caplen, 8);
    header.writeUInt32LE(p.len, 12);
    out.push({ buf: p.data, header });
  }
  return out;
}

const codeOf = (fn) => {
  try {
    fn();
    return null;
  } catch (e) {
    return e.code || String(e);
  }
};

const report = (value) => process.stdout.write(JSON.stringify(value) + '\n');

// Leaves about `room` bytes free on the file system of `dir`.
function fill(dir, room) {
  const st = fs.statfsSync(dir);
  const free = st.bavail * st.bsize;
  fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(Math.max(0, free - room)));
}

const modes = {
  // A file session with an outfile: packets, `error` events and `complete` in order, the counters.
  'outfile-file'(input, out, copy) {
    const events = [];
    let n = 0;
    const s = pcap.createOfflineSession(input, { outfile: out });
    s.on('packet', () => { n++; });
    s.on('error', (e) => { events.push({ event: 'error', code: e.code, message: e.message, at: n, stats: s.stats() }); });
    s.on('complete', () => {
      events.push({ event: 'complete', at: n });
      const stats = s.stats();
      s.close();
      fs.copyFileSync(out, copy);
      report({ n, events, stats });
    });
  },

  // `for await` over a file session whose outfile fails: the loop rejects, the session closes.
  iterate(input, out) {
    const s = pcap.createOfflineSession(input, { outfile: out });
    let n = 0;
    (async () => {
      try {
        for await (const raw of s) n += raw ? 1 : 0;
        report({ n, code: null, opened: s.opened });
      } catch (e) {
        report({ n, code: e.code, message: e.message, opened: s.opened });
      }
    })();
  },

  // A live session on lo with an outfile: COUNT datagrams to a port of our own, in bounded bursts.
  'outfile-live'(out, copy, count) {
    count = Number(count);
    const events = [];
    let n = 0;
    const sink = dgram.createSocket('udp4');
    const tx = dgram.createSocket('udp4');
    const payload = Buffer.alloc(400, 0x61);
    const deadline = Date.now() + 20000;
    sink.bind(0, '127.0.0.1', () => {
      const port = sink.address().port;
      const s = pcap.createSession('lo', { filter: `udp dst port ${port} and src host 127.0.0.1`, buffer_timeout: 0, outfile: out });
      s.on('packet', () => { n++; });
      s.on('error', (e) => { events.push({ event: 'error', code: e.code, message: e.message, at: n, stats: s.stats() }); });
      let sent = 0;
      const burst = () => {
        for (let i = 0; i < 50 && sent < count; i++, sent++) tx.send(payload, port, '127.0.0.1');
        if (sent < count) return setTimeout(burst, 2);
        const wait = () => {
          if (n < count && Date.now() < deadline) return setTimeout(wait, 10);
          // A moment for the capture thread's next flush, then the counters it published.
          setTimeout(() => {
            const stats = s.stats();
            s.close();
            tx.close();
            sink.close();
            fs.copyFileSync(out, copy);
            report({ n, sent, events, stats });
          }, 200);
        };
        wait();
      };
      burst();
    });
  },

  // createWriter: write fixture packets until a write throws.
  'writer-fill'(out, copy) {
    const w = pcap.createWriter(out);
    const packets = fixturePackets(20000);
    let thrown = null;
    let at = 0;
    for (; at < packets.length && !thrown; at++) thrown = codeOf(() => w.write(packets[at]));
    const written = w.packets_written;
    const again = codeOf(() => w.write(packets[0]));
    const flush = codeOf(() => w.flush());
    const close = codeOf(() => w.close());
    fs.copyFileSync(out, copy);
    report({ thrown, at, written, again, flush, close, after: w.packets_written });
  },

  // createWriter: ~60 KiB of packets in one turn into ~16 KiB of room; the scheduled flush at the
  // end of the turn fails, the next write throws.
  'writer-turn'(out, copy, room) {
    fill(path.dirname(out), Number(room));
    const w = pcap.createWriter(out);
    const packets = fixturePackets(90);
    let sameTurn = null;
    for (const p of packets) sameTurn = sameTurn || codeOf(() => w.write(p));
    const queued = w.packets_written;
    setImmediate(() => {
      const next = codeOf(() => w.write(packets[0]));
      const written = w.packets_written;
      const close = codeOf(() => w.close());
      fs.copyFileSync(out, copy);
      report({ sameTurn, queued, next, written, close });
    });
  },

  // createWriter: the same, closed in the same turn: close() reports the failed final flush.
  'writer-close'(out, copy, room) {
    fill(path.dirname(out), Number(room));
    const w = pcap.createWriter(out);
    const packets = fixturePackets(90);
    let sameTurn = null;
    for (const p of packets) sameTurn = sameTurn || codeOf(() => w.write(p));
    const close = codeOf(() => w.close());
    const again = codeOf(() => w.close());
    fs.copyFileSync(out, copy);
    report({ sameTurn, close, again, written: w.packets_written });
  },

  // Open errors: /dev/full for a writer and for an outfile.
  'dev-full'(input) {
    const writer = codeOf(() => pcap.createWriter('/dev/full'));
    let outfile = null;
    try {
      pcap.createOfflineSession(input, { outfile: '/dev/full' }).close();
    } catch (e) {
      outfile = e.code;
    }
    report({ writer, outfile });
  },

  // COUNT packets written in one turn, then (ending) the process is killed, exits or throws.
  signal(out, count) {
    const w = pcap.createWriter(out);
    for (const p of fixturePackets(Number(count))) w.write(p);
    setTimeout(() => report({ ready: true, written: w.packets_written }), 20);
    setInterval(() => {}, 1000);
  },
  exit(out, count) {
    const w = pcap.createWriter(out);
    for (const p of fixturePackets(Number(count))) w.write(p);
    process.exit(0);
  },
  throw(out, count) {
    const w = pcap.createWriter(out);
    for (const p of fixturePackets(Number(count))) w.write(p);
    throw new Error('uncaught on purpose');
  },
};

const [mode, ...args] = process.argv.slice(2);
modes[mode](...args);
