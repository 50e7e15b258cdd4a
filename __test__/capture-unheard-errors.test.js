'use strict';

// A session error nobody listens to is not lost (issue 16, item 3), and `opened` turns false when a
// capture stops on an error.
//
// What node_pcap 3.1.0 did, and so what this package does when the session has no `error`
// listener (EventEmitter would throw; lib/unhandled.js says why it does not here):
// - a truncated or damaged capture file: its dispatch loop stopped at libpcap's -1 exactly as at
//   the end of the file, emitted `complete` and nothing else (measured: a copy of
//   http-loopback.pcap cut 30 bytes short gave 3,999 packets, `complete`, exit 0). Throwing would
//   crash scripts that completed under node_pcap: a process warning instead, then `complete`.
// - a live interface that disappears: node_pcap counted each failed dispatch in `empty_reads`,
//   never emitted or threw, and `opened` stayed true (capture-errors.test.js runs that case): a
//   process warning too.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { tcpdumpRead } = require('./helpers/pcapfile');

const ROOT = path.resolve(__dirname, '..');
const HTTP = path.join(__dirname, 'fixtures', 'http-loopback.pcap');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-unheard-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

// http-loopback.pcap cut in the middle of its last record.
function truncatedCopy(name) {
  const data = fs.readFileSync(HTTP);
  const file = path.join(dir, name);
  fs.writeFileSync(file, data.subarray(0, data.length - 30));
  return file;
}

// Runs `script` in a child node (with `pcap` and `file` defined); returns its stdout lines and stderr.
function child(script, file) {
  const r = spawnSync(process.execPath, ['-e', `
    const pcap = require(${JSON.stringify(ROOT)});
    const file = ${JSON.stringify(file)};
    const out = (s) => process.stdout.write(s + '\\n');
    ${script}`], { encoding: 'utf8', timeout: 20000 });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
  return { lines: r.stdout.trim().split('\n'), stderr: r.stderr };
}

test('a truncated file without an error listener: its packets, one process warning with the code, complete, opened false', () => {
  const file = truncatedCopy('cut.pcap');
  const ref = tcpdumpRead(file);
  assert.ok(!ref.ok && ref.packets.length > 1000, 'tcpdump reports the damage: ' + ref.stderr);
  const { lines, stderr } = child(`
    let n = 0;
    process.on('warning', (w) => out('warning ' + w.name + ' ' + w.code + ' ' + w.message));
    const s = pcap.createOfflineSession(file);
    s.on('packet', () => n++);
    s.on('complete', () => {
      out('complete ' + n + ' opened=' + s.opened);
      setImmediate(() => out('after opened=' + s.opened));
    });`, file);
  assert.deepStrictEqual(lines.filter((l) => l.startsWith('complete')), ['complete ' + ref.packets.length + ' opened=false']);
  const warnings = lines.filter((l) => l.startsWith('warning'));
  assert.strictEqual(warnings.length, 1, lines.join('\n'));
  assert.match(warnings[0], /^warning PcapWarning EREAD reading .*cut\.pcap failed: .*truncated/);
  assert.ok(lines.includes('after opened=false'));
  // Node's default handler prints it once, with the code and the advice.
  assert.strictEqual(stderr.match(/\[EREAD\] PcapWarning: reading .*cut\.pcap failed/g).length, 1, stderr);
  assert.match(stderr, /no 'error' listener/);
});

test('with an error listener: the error event (opened already false), then complete, and no warning', () => {
  const file = truncatedCopy('cut2.pcap');
  const { lines, stderr } = child(`
    process.on('warning', (w) => out('warning ' + w.name));
    const s = pcap.createOfflineSession(file);
    s.on('error', (e) => out('error ' + e.code + ' opened=' + s.opened));
    s.on('complete', () => out('complete opened=' + s.opened));`, file);
  assert.deepStrictEqual(lines, ['error EREAD opened=false', 'complete opened=false']);
  assert.doesNotMatch(stderr, /Warning/);
});

test('for await over a truncated file: the packets, then the loop throws the error (no warning)', () => {
  const file = truncatedCopy('cut3.pcap');
  const { lines, stderr } = child(`
    process.on('warning', (w) => out('warning ' + w.name));
    (async () => {
      let n = 0;
      try {
        for await (const raw of pcap.createOfflineSession(file)) { if (raw.buf.length) n++; }
        out('ended quietly');
      } catch (e) { out('threw ' + e.code + ' after ' + n); }
    })();`, file);
  assert.deepStrictEqual(lines, ['threw EREAD after ' + tcpdumpRead(file).packets.length]);
  assert.doesNotMatch(stderr, /Warning/);
});

test('a clean end of file changes nothing: complete, opened stays true until close() (node_pcap), no warning', () => {
  const { lines, stderr } = child(`
    process.on('warning', (w) => out('warning ' + w.name));
    const s = pcap.createOfflineSession(file);
    s.on('complete', () => { out('complete opened=' + s.opened); s.close(); out('closed opened=' + s.opened); });`, HTTP);
  assert.deepStrictEqual(lines, ['complete opened=true', 'closed opened=false']);
  assert.doesNotMatch(stderr, /Warning/);
});

test('one warning per session and code: two damaged files, two warnings; a repeated code on one session, one', () => {
  const a = truncatedCopy('a.pcap');
  const b = truncatedCopy('b.pcap');
  const { lines } = child(`
    const { emitError } = require(${JSON.stringify(path.join(ROOT, 'lib', 'unhandled.js'))});
    const path = require('path');
    const seen = [];
    process.on('warning', (w) => seen.push(w.code + ' ' + path.basename(w.message.split(' ')[1])));
    let done = 0;
    for (const f of [file, ${JSON.stringify(b)}]) {
      pcap.createOfflineSession(f).on('complete', () => { if (++done === 2) setImmediate(next); });
    }
    function next() {
      // The same emitter reporting the same code twice, then another code.
      const EventEmitter = require('events');
      const em = new EventEmitter();
      const e = (code) => Object.assign(new Error('x ' + code), { code });
      emitError(em, e('EIO'));
      emitError(em, e('EIO'));
      emitError(em, e('ENOSPC'));
      setImmediate(() => { for (const s of seen) out(s); });
    }`, a);
  assert.deepStrictEqual(lines.sort(), ['EIO EIO', 'ENOSPC ENOSPC', 'EREAD a.pcap', 'EREAD b.pcap']);
});

// An outfile write error (item 1 of the same issue; node_pcap never checked pcap_dump) goes the
// same way: the capture goes on, and without a listener the error is a process warning.
test('an outfile write error without an error listener (RLIMIT_FSIZE): one warning EFBIG, every packet still delivered', () => {
  const out = path.join(dir, 'fsize.pcap');
  const r = spawnSync('prlimit', ['--fsize=100000', 'sh', '-c', 'trap "" XFSZ; exec "$@"', 'sh', process.execPath, '-e', `
    const pcap = require(${JSON.stringify(ROOT)});
    let n = 0;
    process.on('warning', (w) => console.log('warning ' + w.name + ' ' + w.code));
    const s = pcap.createOfflineSession(${JSON.stringify(HTTP)}, { outfile: ${JSON.stringify(out)} });
    s.on('packet', () => n++);
    s.on('complete', () => console.log('complete ' + n + ' opened=' + s.opened));`], { encoding: 'utf8', timeout: 30000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(r.stdout.trim().split('\n'), ['warning PcapWarning EFBIG', 'complete ' + tcpdumpRead(HTTP).packets.length + ' opened=true']);
  assert.match(r.stderr, /\[EFBIG\] PcapWarning: .*File too large/);
  assert.ok(fs.statSync(out).size <= 100000);
});
