'use strict';
// examples/http_trace.js on built captures (every byte known): issue 17's capture of varied
// HTTP/1.x traffic (__test__/helpers/httploss.js), clean and damaged, and small conversations
// made here: exchanges cut off by an error or by loss are printed and flagged, 1xx responses
// and trailers shown, request order by default (--order completion), read-until-close bodies
// ending at the server's FIN.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const h = require('./helpers/httploss');
const { conversation } = require('./helpers/packets');
const { HTTPTracker } = require('../lib/http');
const pcap = require('..');

const TOOL = path.join(__dirname, '..', 'examples', 'http_trace.js');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-http-trace-'));
const corpus = h.build();
const CLEAN = path.join(TMP, 'clean.pcap');
const LOSSY = path.join(TMP, 'lossy.pcap');
h.writePcap(CLEAN, corpus.segs);
h.writePcap(LOSSY, h.damage(corpus, 17).segs);

function trace(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [TOOL, ...args], { timeout: 60000, maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const lines = (s) => s.split('\n').filter(Boolean);
const json = (s) => lines(s).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)); // parse errors: text lines
const xid = (m) => m && m.headers['X-Id'];

// What HTTPTracker itself reports on a file: every exchange any event carried, each with how
// it ended ('complete' | 'unanswered' | 'cut': an error ended its response).
function trackerView(file) {
  const { rawPackets } = require('./helpers/pcapfile');
  const tracker = new HTTPTracker();
  const all = new Map();
  tracker.on('http request', (s, x) => { if (!all.has(x)) { all.set(x, 'open'); } });
  tracker.on('http response', (s, x) => { if (!all.has(x)) { all.set(x, 'open'); } });
  tracker.on('http response complete', (s, x) => all.set(x, 'complete'));
  tracker.on('http unanswered', (s, x) => all.set(x, 'unanswered'));
  tracker.on('http error', (s, d, err) => { if (err.exchange) { all.set(err.exchange, all.get(err.exchange) || 'open'); } });
  for (const raw of rawPackets(fs.readFileSync(file))) { tracker.track_packet(pcap.decode.packet(raw)); }
  tracker.close();
  return all;
}

test('clean capture: every exchange once, request order, 1xx, trailers, read-until-close ends at the FIN', async () => {
  const r = await trace(['-r', CLEAN, '--json']);
  assert.strictEqual(r.code, 0, r.stderr);
  const xs = json(r.stdout);
  assert.deepStrictEqual(xs.map((x) => x.request.url).sort(), corpus.truth.map((t) => t.url).sort());
  // request order: the requests' start times never go back
  for (let i = 1; i < xs.length; i++) { assert.ok(xs[i].request.start_time >= xs[i - 1].request.start_time, i); }
  const byUrl = new Map(corpus.truth.map((t) => [t.url, t]));
  let conts = 0;
  let eofs = 0;
  for (const x of xs) {
    const t = byUrl.get(x.request.url);
    assert.strictEqual(xid(x.response), t.id);
    assert.strictEqual(x.response.body_len, t.resBody);
    assert.strictEqual(x.pairing, 'known');
    assert.strictEqual(x.error, undefined);
    if (t.cont) {
      conts++;
      assert.deepStrictEqual(x.informational.map((m) => [m.status_code, xid(m)]), [[100, t.id + '/100']]);
    } else {
      assert.strictEqual(x.informational, undefined);
    }
    assert.deepStrictEqual(x.response.trailers, t.trailers ? { 'X-Sum': String(t.resBody) } : undefined);
    if (x.request.http_version === '1.0') { // read until close: ends at the server's FIN
      eofs++;
      const segs = corpus.segs.filter((s) => s.conn === t.conn);
      const fin = segs.find((s) => s.sport === 80 && s.flags.includes('F'));
      assert.ok(fin.time < segs[segs.length - 1].time);
      assert.ok(Math.abs(x.response.end_time - fin.time) < 1e-6, `${x.response.end_time} ${fin.time}`);
    }
  }
  assert.ok(conts > 5 && eofs > 5, `${conts} ${eofs}`);

  // completion order: the responses' end times never go back, and the order differs
  const c = json((await trace(['-r', CLEAN, '--json', '--order', 'completion'])).stdout);
  assert.strictEqual(c.length, xs.length);
  for (let i = 1; i < c.length; i++) { assert.ok(c[i].response.end_time >= c[i - 1].response.end_time, i); }
  assert.notDeepStrictEqual(c.map((x) => x.request.url), xs.map((x) => x.request.url));

  // text: 1xx on the exchange's line; with --headers, 1xx headers and trailers
  const text = await trace(['-r', CLEAN, '--headers', '--url', '/continue$|/chunked$']);
  assert.strictEqual(text.code, 0, text.stderr);
  const cont = corpus.truth.find((t) => t.cont);
  assert.match(text.stdout, new RegExp(` POST ${cont.url} HTTP/1\\.1 \\(${cont.reqBody} B\\) => 100 Continue => 200 OK \\(${cont.resBody} B\\) `));
  assert.match(text.stdout, new RegExp(`\\n {4}< \\(100\\) X-Id: ${cont.id}/100\\n`));
  const ch = corpus.truth.find((t) => t.trailers);
  assert.match(text.stdout, new RegExp(` GET ${ch.url} HTTP/1\\.1 \\(0 B\\) => 200 OK \\(${ch.resBody} B, chunked\\) [^\\n]*\\n(?: {4}[^\\n]*\\n)*? {4}< \\(trailer\\) X-Sum: ${ch.resBody}\\n`));
});

test('damaged capture: every exchange the tracker saw is printed; each wrong one is flagged', async () => {
  const r = await trace(['-r', LOSSY, '--json']);
  assert.strictEqual(r.code, 0, r.stderr);
  const xs = json(r.stdout);
  const view = trackerView(LOSSY);
  assert.strictEqual(xs.length, view.size);
  const key = (req, res, info) => (req ? req.url : '-') + ' ' + (res ? xid(res) + ' ' + res.body_len : '-') + ' ' + (info || []).length;
  assert.deepStrictEqual(xs.map((x) => key(x.request, x.response, x.informational)).sort(),
    [...view.keys()].map((x) => key(x.request, x.response, x.informational)).sort());

  const byUrl = new Map(corpus.truth.map((t) => [t.url, t]));
  const byId = new Map(corpus.truth.map((t) => [t.id, t]));
  let wrong = 0;
  for (const x of xs) {
    const flagged = x.error !== undefined || x.pairing === 'unknown' || x.unanswered || x.cut ||
      (x.request && (x.request.body_lost > 0 || x.request.end_time === null)) ||
      (x.response && (x.response.body_lost > 0 || x.response.end_time === null));
    const t = x.request ? byUrl.get(x.request.url) : null;
    const right = t && x.response && byId.get(xid(x.response)) === t && x.response.body_len === t.resBody &&
      x.request.body_len === t.reqBody;
    if (!right) {
      wrong++;
      assert.ok(flagged, JSON.stringify(x).slice(0, 400));
    }
  }
  assert.ok(wrong > 0);
  // the flags in the text output
  const text = lines((await trace(['-r', LOSSY])).stdout);
  const has = (re) => assert.ok(text.some((l) => re.test(l)), String(re));
  has(/ => no response \[HPE_LOST_DATA\]$/);
  has(/\(request not seen\) => \d{3} [^[]*\[pairing unknown\]$/);
  has(/, \d+ B lost\)/);
  has(/ ! HPE_LOST_DATA: \d+ bytes missing from the capture/);
});

// Two connections: A's request first, its response ends after B's whole exchange; then
// connections whose response an error cuts off (a short body before the FIN, a bad chunk).
function small() {
  const segs = [];
  const a = conversation({ cport: 41000, time: 2000, step: 0.001 });
  const b = conversation({ cport: 41001, time: 2000.0005, step: 0.001 });
  a.handshake();
  b.handshake();
  a.c('PA', 'GET /slow HTTP/1.1\r\nHost: a\r\n\r\n');
  b.c('PA', 'GET /fast HTTP/1.1\r\nHost: b\r\n\r\n');
  b.s('PA', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  b.close();
  for (let i = 0; i < 8; i++) { a.s('A'); } // time passes on A
  a.s('PA', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow');
  a.close();
  const c = conversation({ cport: 41002, time: 2001, step: 0.001 });
  c.handshake();
  c.c('PA', 'GET /short HTTP/1.1\r\nHost: c\r\n\r\n');
  c.s('PA', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b');
  c.s('FA');
  c.c('FA');
  c.s('A');
  const d = conversation({ cport: 41003, time: 2002, step: 0.001 });
  d.handshake();
  d.c('PA', 'GET /badchunk HTTP/1.1\r\nHost: d\r\n\r\n');
  d.s('PA', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n');
  d.c('PA', 'GET /after HTTP/1.1\r\nHost: d\r\n\r\n');
  d.close();
  for (const x of [a, b, c, d]) { segs.push(...x.segs); }
  segs.sort((x, y) => x.time - y.time);
  return segs;
}

test('request order by default, --order completion; responses cut by an error printed and flagged', async () => {
  const file = path.join(TMP, 'small.pcap');
  h.writePcap(file, small());
  const urls = (out) => lines(out).filter((l) => !/ ! /.test(l)).map((l) => / (GET|POST) (\S+)/.exec(l)[2]);
  const r = await trace(['-r', file]);
  assert.strictEqual(r.code, 0, r.stderr);
  assert.deepStrictEqual(urls(r.stdout), ['/slow', '/fast', '/short', '/badchunk', '/after']);
  const c = await trace(['-r', file, '--order', 'completion']);
  assert.deepStrictEqual(urls(c.stdout).slice(0, 2), ['/fast', '/slow']);
  // --window 1: /fast does not wait for /slow
  const w = await trace(['-r', file, '--window', '1']);
  assert.deepStrictEqual(urls(w.stdout).slice(0, 2), ['/fast', '/slow']);
  assert.deepStrictEqual(urls(w.stdout).sort(), urls(r.stdout).sort());
  const out = lines(r.stdout);
  const line = (u) => out.find((l) => l.includes(` GET ${u} `));
  assert.match(line('/short'), / => 200 OK \(10 B, cut\) \[HPE_INVALID_EOF_STATE\]$/);
  assert.match(line('/badchunk'), / => 200 OK \(5 B, chunked, cut\) \[HPE_INVALID_CHUNK_SIZE\]$/);
  assert.match(line('/after'), / => no response$/);
  assert.ok(out.some((l) => / ! HPE_INVALID_CHUNK_SIZE: /.test(l)));
  // the error line comes after the exchanges before it, in request order
  assert.ok(out.findIndex((l) => / ! HPE_INVALID_EOF_STATE/.test(l)) > out.indexOf(line('/short')) - 1);

  const j = json((await trace(['-r', file, '--json', '--url', 'short|badchunk'])).stdout);
  assert.deepStrictEqual(j.map((x) => [x.request.url, x.cut, x.error, x.response.end_time]),
    [['/short', true, 'HPE_INVALID_EOF_STATE', null], ['/badchunk', true, 'HPE_INVALID_CHUNK_SIZE', null]]);

  const bad = await trace(['-r', file, '--order', 'sideways']);
  assert.strictEqual(bad.code, 2);
  assert.match(bad.stderr, /--order wants 'request' or 'completion'/);
  assert.match((await trace(['--help'])).stdout, /--order ORDER\s+'request' \(default\)/);
});

test.after(() => fs.rmSync(TMP, { recursive: true, force: true }));
