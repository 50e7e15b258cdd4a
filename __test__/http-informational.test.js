'use strict';
// HTTPTracker: a 1xx response whose request the capture lost is not dropped: it goes with the
// next final response, whose exchange then has pairing 'unknown'; and a body read until close
// ends at the server's FIN, not at the last ACK of the closing handshake.
const test = require('node:test');
const assert = require('node:assert');
const { conversation, decode, frame } = require('./helpers/packets');
const { HTTPTracker } = require('../lib/http');

function run(segs) {
  const tracker = new HTTPTracker();
  const done = [];
  const errors = [];
  tracker.on('http response complete', (s, x) => done.push(x));
  tracker.on('http unanswered', (s, x) => done.push(x));
  tracker.on('http error', (s, dir, err) => errors.push(err.code));
  for (const seg of segs) { tracker.track_packet(decode(frame(seg))); }
  tracker.close();
  return { done, errors };
}

test('a 100 Continue whose request was lost goes with the next final response, pairing unknown', () => {
  const c = conversation({ cport: 42000 });
  c.handshake();
  c.c('PA', 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n');
  c.s('PA', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na');
  const lost = c.c('PA', 'POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n');
  c.s('PA', 'HTTP/1.1 100 Continue\r\nX-Id: b/100\r\n\r\n');
  c.c('PA', 'xyz');
  c.s('PA', 'HTTP/1.1 201 Created\r\nX-Id: b\r\nContent-Length: 2\r\n\r\nok');
  c.c('PA', 'GET /c HTTP/1.1\r\nHost: h\r\n\r\n');
  c.s('PA', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc');
  c.close();
  const whole = run(c.segs);
  assert.deepStrictEqual(whole.done.map((x) => [x.request.url, x.informational.map((m) => m.status_code), x.pairing]),
    [['/a', [], 'known'], ['/b', [100], 'known'], ['/c', [], 'known']]);

  const r = run(c.segs.filter((s) => s !== lost));
  assert.deepStrictEqual(r.errors, ['HPE_LOST_DATA']);
  assert.deepStrictEqual(r.done.map((x) => [x.request && x.request.url, x.informational.map((m) => m.headers['X-Id']),
    x.response.status_code, x.response.body_len, x.pairing]),
  [['/a', [], 200, 1, 'known'], [null, ['b/100'], 201, 2, 'unknown'], ['/c', [], 200, 1, 'known']]);
});

test('a body read until close ends at the server\'s FIN', () => {
  const c = conversation({ cport: 42001, step: 0.01 });
  c.handshake();
  c.c('PA', 'GET /eof HTTP/1.0\r\n\r\n');
  c.s('PA', 'HTTP/1.0 200 OK\r\n\r\nsome');
  c.s('PA', 'body');
  const fin = c.s('FA');
  c.c('A');
  c.c('FA');
  const last = c.s('A');
  const r = run(c.segs);
  assert.strictEqual(r.done.length, 1);
  const res = r.done[0].response;
  assert.strictEqual(res.body_len, 8);
  assert.ok(last.time > fin.time);
  assert.ok(Math.abs(res.end_time - fin.time) < 1e-6, `${res.end_time} vs FIN ${fin.time}`);

  // no FIN from the server (reset): the end is when the connection ended
  const d = conversation({ cport: 42002, step: 0.01 });
  d.handshake();
  d.c('PA', 'GET /eof HTTP/1.0\r\n\r\n');
  d.s('PA', 'HTTP/1.0 200 OK\r\n\r\nsome');
  const rst = d.c('R');
  const x = run(d.segs).done[0];
  assert.strictEqual(x.response.body_len, 4);
  assert.ok(Math.abs(x.response.end_time - rst.time) < 1e-6);
});
