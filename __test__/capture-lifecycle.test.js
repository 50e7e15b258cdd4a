'use strict';

// close() semantics, process exit, worker threads and resource leaks (issue: capture engine,
// item 5; compat.md C-043, Q-19).
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const pcap = require('..');
const { sleep, waitFor } = require('./helpers/session');

const ROOT = path.resolve(__dirname, '..');
const HTTP = path.resolve(__dirname, 'fixtures/http-loopback.pcap');

test('close() inside a packet handler: no further packet, not even from the same batch', async () => {
  const s = pcap.createOfflineSession(HTTP);
  let n = 0;
  let completes = 0;
  s.on('packet', () => {
    n++;
    if (n === 10) s.close();
  });
  s.on('complete', () => { completes++; });
  await sleep(300);
  assert.strictEqual(n, 10);
  assert.strictEqual(completes, 0);
  assert.strictEqual(s.opened, false);
  assert.strictEqual(s.listenerCount('packet'), 0, 'close() removes all listeners as node_pcap did');
  s.close(); // idempotent
  s.close();
});

test('a listener that throws behaves as an uncaught exception, and the session goes on', async () => {
  const r = spawnSync(process.execPath, ['-e', `
    const pcap = require(${JSON.stringify(ROOT)});
    let n = 0, caught = 0;
    process.on('uncaughtException', () => { caught++; });
    const s = pcap.createOfflineSession(${JSON.stringify(HTTP)});
    s.on('packet', () => { n++; if (n % 1000 === 0) throw new Error('boom'); });
    s.on('complete', () => console.log(n + ' ' + caught));`], { encoding: 'utf8', timeout: 10000 });
  assert.strictEqual(r.stdout.trim(), '4000 4', r.stderr);
});

// Runs `body` in a child process that prints `closed <ms>` when it closed its sessions, and
// returns how long the process took to exit after that.
function exitDelay(body) {
  const r = spawnSync(process.execPath, ['-e', `
    const pcap = require(${JSON.stringify(ROOT)});
    const closed = () => process.stdout.write('closed ' + Date.now() + '\\n');
    ${body}`], { encoding: 'utf8', timeout: 15000 });
  const end = Date.now();
  const m = /closed (\d+)/.exec(r.stdout);
  assert.ok(m, 'child said closed: ' + r.stdout + r.stderr);
  assert.strictEqual(r.status, 0, r.stderr);
  return end - Number(m[1]);
}

test('a script whose sessions are closed exits by itself within a second (live and file)', () => {
  const live = exitDelay(`
    const s = pcap.createSession('lo', { filter: 'udp port 9 and host 127.0.0.254' });
    s.on('packet', () => {});
    setTimeout(() => { s.close(); closed(); }, 100);`);
  assert.ok(live < 1000, 'live: exited ' + live + ' ms after close');
  const file = exitDelay(`
    const s = pcap.createOfflineSession(${JSON.stringify(HTTP)});
    let n = 0;
    s.on('packet', () => { if (++n === 5) { s.close(); closed(); } });`);
  assert.ok(file < 1000, 'file closed mid-read: exited ' + file + ' ms after close');
  const finished = exitDelay(`
    const s = pcap.createOfflineSession(${JSON.stringify(HTTP)});
    s.on('packet', () => {});
    s.on('complete', closed); // finished, never closed`);
  assert.ok(finished < 1000, 'finished file: exited ' + finished + ' ms after complete');
});

test('an open live session keeps the process alive', () => {
  const r = spawnSync(process.execPath, ['-e', `
    const s = require(${JSON.stringify(ROOT)}).createSession('lo', { filter: 'udp port 9 and host 127.0.0.254' });
    setTimeout(() => { console.log('still alive'); s.close(); }, 700).unref();`], { encoding: 'utf8', timeout: 10000 });
  assert.strictEqual(r.stdout.trim(), 'still alive', r.stderr);
});

function threads() {
  return fs.readdirSync('/proc/self/task').length;
}
function fds() {
  return fs.readdirSync('/proc/self/fd').length;
}

test('1,000 open/close cycles leak no file descriptor or thread', async () => {
  await sleep(200);
  const t0 = threads();
  const f0 = fds();
  for (let i = 0; i < 1000; i++) {
    const s = i % 2 === 0
      ? pcap.createOfflineSession(HTTP)
      : pcap.createSession('lo', { filter: 'udp port 9 and host 127.0.0.254', buffer_size: 1 << 20 });
    s.on('packet', () => {});
    if (i % 4 === 0) await new Promise((r) => setImmediate(r)); // some get to deliver first
    s.close();
  }
  await waitFor(() => threads() <= t0 && fds() <= f0, 5000, 'threads and fds to return to baseline')
    .catch(() => {});
  assert.ok(threads() <= t0, 'threads ' + threads() + ' > ' + t0);
  assert.ok(fds() <= f0, 'fds ' + fds() + ' > ' + f0);
});

test('the addon loads in worker_threads, and a worker\'s sessions (live, paused file) stop when it exits', () => {
  const r = spawnSync(process.execPath, ['-e', `
    const { Worker } = require('worker_threads');
    const fs = require('fs');
    const code = \`
      const { parentPort } = require('worker_threads');
      const pcap = require(${JSON.stringify(ROOT)});
      const live = pcap.createSession('lo', { filter: 'udp port 9 and host 127.0.0.254' });
      live.on('packet', () => {});
      // A paused file session: its reader thread waits for queue space when the worker goes.
      const held = pcap.createOfflineSession(${JSON.stringify(HTTP)});
      held.on('packet', () => held.pause());
      let n = 0;
      const s = pcap.createOfflineSession(${JSON.stringify(HTTP)});
      s.on('packet', () => { n++; });
      s.on('complete', () => parentPort.postMessage(n));\`;
    const base = fs.readdirSync('/proc/self/task').length;
    const w = new Worker(code, { eval: true });
    w.on('message', (n) => {
      console.log('worker read ' + n);
      w.terminate(); // the live session is still open
    });
    w.on('exit', () => {
      const t0 = Date.now();
      (function check() {
        const now = fs.readdirSync('/proc/self/task').length;
        if (now <= base) { console.log('threads back'); return; }
        if (Date.now() - t0 > 3000) { console.log('threads left ' + (now - base)); return; }
        setTimeout(check, 20);
      })();
    });`], { encoding: 'utf8', timeout: 20000 });
  assert.match(r.stdout, /worker read 4000/, r.stdout + r.stderr);
  assert.match(r.stdout, /threads back/, r.stdout + r.stderr);
  assert.strictEqual(r.status, 0);
});

test('a worker\'s session on a FIFO that waits for input stops when the worker exits', () => {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'pcap-wfifo-'));
  const fifo = path.join(dir, 'in.pcap');
  try {
    assert.strictEqual(spawnSync('mkfifo', [fifo]).status, 0);
    const r = spawnSync(process.execPath, ['-e', `
      const { Worker } = require('worker_threads');
      const fs = require('fs');
      const file = fs.readFileSync(${JSON.stringify(HTTP)});
      let end = 24;
      for (let i = 0; i < 3; i++) end += 16 + file.readUInt32LE(end + 8);
      // Held open for writing (O_RDWR does not wait for a reader): the input never ends.
      const wfd = fs.openSync(${JSON.stringify(fifo)}, fs.constants.O_RDWR);
      fs.writeSync(wfd, file.subarray(0, end));
      const pcapThreads = () => fs.readdirSync('/proc/self/task').filter((t) => {
        try { return fs.readFileSync('/proc/self/task/' + t + '/comm', 'utf8').startsWith('pcap'); } catch { return false; }
      }).length;
      const w = new Worker(\`
        const pcap = require(${JSON.stringify(ROOT)});
        const s = pcap.createOfflineSession(${JSON.stringify(fifo)});
        let n = 0;
        s.on('packet', () => { if (++n === 3) require('worker_threads').parentPort.postMessage(n); });\`, { eval: true });
      w.on('message', (n) => {
        console.log('worker read ' + n + ', capture threads ' + pcapThreads());
        w.terminate();
      });
      w.on('exit', () => {
        const t0 = Date.now();
        (function check() {
          if (pcapThreads() === 0) { console.log('capture thread gone'); fs.closeSync(wfd); return; }
          if (Date.now() - t0 > 3000) { console.log('capture thread left'); process.exit(3); }
          setTimeout(check, 20);
        })();
      });`], { encoding: 'utf8', timeout: 20000 });
    assert.match(r.stdout, /worker read 3, capture threads 1/, r.stdout + r.stderr);
    assert.match(r.stdout, /capture thread gone/, r.stdout + r.stderr);
    assert.strictEqual(r.status, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('decoders and trackers load on first use only; then the exports are plain properties', () => {
  const r = spawnSync(process.execPath, ['-e', `
    const pcap = require(${JSON.stringify(ROOT)});
    const loaded = () => Object.keys(require.cache).filter((f) => /[\\\\/](decode|tcp_tracker\\.js|dns_cache\\.js)/.test(f)).length;
    const before = loaded();
    const s = pcap.createOfflineSession(${JSON.stringify(HTTP)});
    let n = 0;
    s.on('packet', () => { n++; });
    s.on('complete', () => {
      const afterCapture = loaded();
      const accessor = typeof Object.getOwnPropertyDescriptor(pcap, 'decode').get === 'function';
      const decode = pcap.decode;
      const d = Object.getOwnPropertyDescriptor(pcap, 'decode');
      console.log(JSON.stringify({ n, before, afterCapture, accessor, afterRead: loaded() > 0, data: d.value === decode && d.writable }));
    });`], { encoding: 'utf8', timeout: 20000 });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.deepStrictEqual(JSON.parse(r.stdout), { n: 4000, before: 0, afterCapture: 0, accessor: true, afterRead: true, data: true });
});
