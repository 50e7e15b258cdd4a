'use strict';
// Issue 17's scoring: a capture of varied HTTP/1.x traffic built segment by segment (so every
// request and response is known byte for byte), damaged reproducibly from a seed, and
// HTTPTracker and tshark scored on it exchange by exchange against that truth.
//
//   const { build, damage, writePcap, scoreOurs, scoreTshark } = require('./httploss');
//   const corpus = build();                 // {frames, truth}
//   const bad = damage(corpus, 17);         // frames with data segments dropped/reordered/duplicated
//
// Every response carries `X-Id: c<conn>/r<n>` (100 Continue: `c<conn>/r<n>/100`), so a reported
// response is recognised whatever request it was paired with; every request has its own URL.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { frame, conversation } = require('./segments');

const ROOT = path.resolve(__dirname, '..', '..');

function prng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

function bodyOf(n, tag) {
  const unit = Buffer.from(`${tag}:0123456789abcdefghijklmnopqrstuvwxyz|`);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) { out[i] = unit[i % unit.length]; }
  return out;
}

function chunked(body, size, trailers) {
  const parts = [];
  for (let off = 0; off < body.length; off += size) {
    const c = body.subarray(off, off + size);
    parts.push(Buffer.from(c.length.toString(16) + '\r\n'), c, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n' + (trailers ? 'X-Sum: ' + body.length + '\r\n' : '') + '\r\n'));
  return Buffer.concat(parts);
}

// One connection: the conversation helper, with writes cut into MSS-sized segments and the
// receiver acknowledging every second segment and the end of each write.
function connection(k, time) {
  const v6 = k % 3 === 2;
  const c = conversation(v6
    ? { client: 'fd00::1', server: 'fd00::2', cport: 40000 + k, sport: 80, time, step: 0.0001, cisn: 1000 + k * 7919, sisn: 900000 + k * 104729 }
    : { client: '10.0.0.1', server: '10.0.0.2', cport: 40000 + k, sport: 80, time, step: 0.0001, cisn: 1000 + k * 7919, sisn: 900000 + k * 104729 });
  const mss = v6 ? 1428 : 1448;
  c.handshake();
  const write = (fromClient, bytes) => {
    let n = 0;
    for (let off = 0; off < bytes.length; off += mss) {
      (fromClient ? c.c : c.s)('PA', bytes.subarray(off, off + mss));
      if (++n % 2 === 0) { (fromClient ? c.s : c.c)('A'); }
    }
    if (n % 2 === 1) { (fromClient ? c.s : c.c)('A'); }
  };
  return { c, write };
}

// Request and response texts of one exchange. kind: 'cl' | 'head' | '204' | '304' | 'chunked' |
// 'continue' | 'eof' (HTTP/1.0, read until close).
function exchangeOf(k, i, kind, size) {
  const id = `c${k}/r${i}`;
  const url = `/${id}/${kind}`;
  const method = kind === 'head' ? 'HEAD' : kind === 'continue' ? 'POST' : 'GET';
  const version = kind === 'eof' ? '1.0' : '1.1';
  const reqBody = kind === 'continue' ? bodyOf(size, 'q' + id) : Buffer.alloc(0);
  let reqHead = `${method} ${url} HTTP/${version}\r\nHost: example.test\r\nUser-Agent: loss-test\r\n`;
  if (kind === 'continue') { reqHead += `Content-Length: ${reqBody.length}\r\nExpect: 100-continue\r\n`; }
  reqHead += '\r\n';
  const body = bodyOf(kind === 'head' || kind === '204' || kind === '304' ? 0 : size, id);
  const status = kind === '204' ? 204 : kind === '304' ? 304 : 200;
  let head = `HTTP/${version} ${status} ${status === 200 ? 'OK' : status === 204 ? 'No Content' : 'Not Modified'}\r\nX-Id: ${id}\r\n`;
  let wire;
  if (kind === 'chunked') {
    head += 'Transfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n';
    wire = chunked(body, 4000, true);
  } else if (kind === 'eof') {
    head += 'Connection: close\r\n\r\n';
    wire = body;
  } else {
    if (kind === 'head') { head += `Content-Length: ${size}\r\n`; }
    if (kind === 'cl' || kind === 'continue') { head += `Content-Length: ${body.length}\r\n`; }
    if (kind === '304') { head += 'ETag: "x"\r\n'; }
    head += '\r\n';
    wire = kind === 'cl' || kind === 'continue' ? body : Buffer.alloc(0);
  }
  return {
    truth: { id, url, method, reqBody: reqBody.length, status, resBody: body.length, trailers: kind === 'chunked', cont: kind === 'continue' },
    request: Buffer.from(reqHead), reqBody,
    response: Buffer.concat([Buffer.from(head), wire]),
  };
}

const KINDS = ['cl', 'head', 'cl', '204', 'chunked', '304', 'continue', 'cl'];

// The clean capture: `connections` connections of varied kinds, interleaved in time.
function build(connections = 42, seed = 1) {
  const rnd = prng(seed);
  const all = [];
  const truth = [];
  for (let k = 0; k < connections; k++) {
    const { c, write } = connection(k, 1000 + k * 0.013);
    const style = k % 6;
    const n = style === 4 ? 1 : 6 + Math.floor(rnd() * 8);
    const xs = [];
    for (let i = 0; i < n; i++) {
      const kind = style === 4 ? 'eof' : style === 2 ? (i % 2 ? 'chunked' : 'cl') : KINDS[(i + k) % KINDS.length];
      const size = Math.floor(rnd() * (rnd() < 0.3 ? 30000 : 3000));
      xs.push(exchangeOf(k, i, kind, size));
    }
    if (style === 1) { // pipelined: requests written together, responses written together
      for (let i = 0; i < xs.length; i += 4) {
        const group = xs.slice(i, i + 4).filter((x) => !x.truth.cont);
        write(true, Buffer.concat(group.map((x) => x.request)));
        write(false, Buffer.concat(group.map((x) => x.response)));
      }
      for (const x of xs) { if (x.truth.cont) { x.skip = true; } }
    } else {
      for (const x of xs) {
        write(true, x.request);
        if (x.truth.cont) {
          write(false, Buffer.from(`HTTP/1.1 100 Continue\r\nX-Id: ${x.truth.id}/100\r\n\r\n`));
          write(true, x.reqBody);
        }
        write(false, x.response);
      }
    }
    if (style === 4) { c.s('FA'); c.c('FA'); c.s('A'); } else { c.close(); }
    for (const x of xs) { if (!x.skip) { truth.push(Object.assign({ conn: k }, x.truth)); } }
    all.push(...c.segs.map((s) => Object.assign(s, { conn: k })));
  }
  all.sort((a, b) => a.time - b.time);
  return { segs: all, truth };
}

// Damage from a seed: drop 2% of the data segments, move 3% of them 1-3 packets later,
// duplicate 1%; and lose the first response of connection 0 and a segment from the middle of
// the first large chunked body.
function damage(corpus, seed, rates = { drop: 0.02, reorder: 0.03, duplicate: 0.01 }) {
  const rnd = prng(seed);
  const segs = corpus.segs;
  const drop = new Set();
  const firstResp = segs.filter((s) => s.conn === 0 && s.sport === 80 && s.data.length > 0);
  drop.add(firstResp[0]);
  const chunkedSegs = segs.filter((s) => s.sport === 80 && s.data.length > 0 && s.data.includes('Transfer-Encoding: chunked'));
  const start = chunkedSegs.find((s) => {
    const body = segs.filter((t) => t.conn === s.conn && t.sport === 80 && t.seq > s.seq && t.data.length > 1000);
    return body.length >= 6;
  });
  if (start) {
    const body = segs.filter((t) => t.conn === start.conn && t.sport === 80 && t.seq > start.seq && t.data.length > 0);
    drop.add(body[2]);
  }
  let out = [];
  for (const s of segs) {
    if (drop.has(s)) { continue; }
    if (s.data.length > 0) {
      const r = rnd();
      if (r < rates.drop) { continue; }
      out.push(s);
      if (r < rates.drop + rates.duplicate) { out.push(s); }
    } else {
      out.push(s);
    }
  }
  out = out.map((s) => ({ s, key: 0 }));
  for (let i = 0; i < out.length; i++) {
    if (out[i].s.data.length > 0 && out[i].key === 0 && rnd() < rates.reorder) {
      const j = Math.min(out.length - 1, i + 1 + Math.floor(rnd() * 3));
      const [m] = out.splice(i, 1);
      m.key = 1;
      out.splice(j, 0, m);
    }
  }
  return { segs: out.map((o) => o.s), truth: corpus.truth };
}

function writePcap(file, segs) {
  const parts = [Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex')];
  for (const s of segs) {
    const f = frame(s);
    parts.push(f.header, f.buf);
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

// ---- scoring ----

function newScore(truth) {
  const nReq = truth.length;
  const nRes = truth.length + truth.filter((t) => t.cont).length;
  // unflaggedBy: wrong answers without a flag, by what is wrong: 'bodies' (a message's status,
  // method or body), 'pairings' (a response reported for another request, or for none)
  return {
    requests: { right: 0, of: nReq, wrong: 0, unflagged: 0 }, responses: { right: 0, of: nRes, wrong: 0, unflagged: 0 },
    unflaggedBy: { bodies: 0, pairings: 0 },
  };
}

// HTTPTracker over the file.
function scoreOurs(file, truth) {
  const pcap = require(ROOT);
  const { HTTPTracker } = require(path.join(ROOT, 'lib', 'http'));
  const tracker = new HTTPTracker();
  const seen = new Set();
  const errors = [];
  tracker.on('http request', (s, x) => seen.add(x));
  tracker.on('http response', (s, x) => seen.add(x));
  tracker.on('http error', (s, dir, err) => { errors.push(err); if (err.exchange) { seen.add(err.exchange); } });
  const buf = fs.readFileSync(file);
  const { rawPackets } = require('./pcapfile');
  const packets = rawPackets(buf);
  const t0 = process.hrtime.bigint();
  for (const raw of packets) { tracker.track_packet(pcap.decode.packet(raw)); }
  tracker.close();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const byUrl = new Map(truth.map((t) => [t.url, t]));
  const byId = new Map(truth.map((t) => [t.id, t]));
  const score = newScore(truth);
  const flagged = (x, m) => x.error !== null || x.pairing !== 'known' || (m && m.body_lost > 0) || (m && m.end_time === null);
  const rightReq = new Set();
  const rightRes = new Set();
  for (const x of seen) {
    const q = x.request;
    if (q) {
      const t = byUrl.get(q.url);
      if (t && q.method === t.method && q.body_len === t.reqBody && q.body_lost === 0 && q.end_time !== null && !rightReq.has(t)) {
        rightReq.add(t);
      } else {
        score.requests.wrong++;
        if (!flagged(x, q)) { score.requests.unflagged++; score.unflaggedBy.bodies++; }
      }
    }
    const msgs = x.informational.concat(x.response ? [x.response] : []);
    for (const m of msgs) {
      const xid = m.headers['X-Id'] || '';
      const info = xid.endsWith('/100');
      const t = byId.get(info ? xid.slice(0, -4) : xid);
      const ok = t && (info ? t.cont && m.status_code === 100
        : m.status_code === t.status && m.body_len === t.resBody && m.body_lost === 0 && m.end_time !== null) &&
        q && q.url === t.url;
      const key = xid;
      if (ok && !rightRes.has(key)) {
        rightRes.add(key);
      } else {
        score.responses.wrong++;
        if (!flagged(x, info ? null : m)) {
          score.responses.unflagged++;
          score.unflaggedBy[t && q && q.url === t.url ? 'bodies' : 'pairings']++;
        }
      }
    }
  }
  score.requests.right = rightReq.size;
  score.responses.right = rightRes.size;
  score.ms = ms;
  score.errors = errors.length;
  return score;
}

// Every value of `key` anywhere inside a (tshark -T json) object, and every string anywhere.
function walk(o, out) {
  if (Array.isArray(o)) { for (const v of o) { walk(v, out); } return out; }
  if (o === null || typeof o !== 'object') { return out; }
  for (const k of Object.keys(o)) {
    const v = o[k];
    out.keys.push(k);
    if (typeof v === 'string') {
      (out.values[k] || (out.values[k] = [])).push(v);
      out.strings.push(v);
    } else if (Array.isArray(v) && v.every((e) => typeof e === 'string')) {
      (out.values[k] || (out.values[k] = [])).push(...v);
      out.strings.push(...v);
    } else {
      walk(v, out);
    }
  }
  return out;
}

// tshark over the file, scored the same way, message by message (`-J http`: one object per
// HTTP message of a frame). tshark flags nothing: each of its wrong answers is unflagged.
function scoreTshark(file, truth) {
  const r = spawnSync('tshark', ['-r', file, '-Y', 'http', '-T', 'json', '--no-duplicate-keys', '-J', 'http',
    '-o', 'tcp.desegment_tcp_streams:TRUE', '-o', 'http.desegment_headers:TRUE', '-o', 'http.desegment_body:TRUE',
    '-o', 'http.dechunk_body:TRUE'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) { throw new Error('tshark failed: ' + r.stderr); }
  const rows = JSON.parse(r.stdout);
  const byUrl = new Map(truth.map((t) => [t.url, t]));
  const byId = new Map(truth.map((t) => [t.id, t]));
  const score = newScore(truth);
  const rightReq = new Set();
  const rightRes = new Set();
  for (const row of rows) {
    const http = row._source.layers.http;
    for (const pdu of Array.isArray(http) ? http : [http]) {
      const w = walk(pdu, { keys: [], values: {}, strings: [] });
      const one = (k) => (w.values[k] ? w.values[k][0] : undefined);
      const data = one('http.file_data');
      const body = data === undefined ? 0 : Buffer.from(data, 'latin1').length;
      if (one('http.request.method') !== undefined) {
        const t = byUrl.get(one('http.request.uri'));
        if (t && t.method === one('http.request.method') && body === t.reqBody && !rightReq.has(t)) {
          rightReq.add(t);
        } else {
          score.requests.wrong++;
          score.requests.unflagged++;
          score.unflaggedBy.bodies++;
        }
      }
      if (one('http.response.code') !== undefined) {
        const x = w.strings.concat(w.keys).find((v) => v.startsWith('X-Id: '));
        const xid = x ? x.slice(6).replace(/\\r\\n|\r\n/g, '').trim() : '';
        const info = xid.endsWith('/100');
        const t = byId.get(info ? xid.slice(0, -4) : xid);
        const code = +one('http.response.code');
        const paired = t && (one('http.response_for.uri') || '').endsWith(t.url);
        const ok = paired && (info ? code === 100 : code === t.status && body === t.resBody);
        if (ok && !rightRes.has(xid)) {
          rightRes.add(xid);
        } else {
          score.responses.wrong++;
          score.responses.unflagged++;
          score.unflaggedBy[paired ? 'bodies' : 'pairings']++;
        }
      }
    }
  }
  score.requests.right = rightReq.size;
  score.responses.right = rightRes.size;
  return score;
}

module.exports = { build, damage, writePcap, scoreOurs, scoreTshark, prng };
