#!/usr/bin/env node
'use strict';

// http_trace, again: HTTP/1.x requests and responses seen on the wire, one line per exchange
// (request, any 1xx, its response), from pcap.HTTPTracker on reassembled TCP streams. Every
// exchange is printed, those cut off by an error or by capture loss too, flagged.
//
//   sudo node examples/http_trace.js -i lo -p 8080 --headers
//   node examples/http_trace.js -r trace.pcap --method POST --url '^/api/' --bodies
//   node examples/http_trace.js -r trace.pcap --order completion

const cli = require('./lib/cli');
const { escapeText, jsonText } = require('./lib/escape');
const HTTPTracker = require('../lib/http').HTTPTracker;

const PROG = 'http_trace';
const OPTIONS = cli.CAPTURE_OPTIONS.concat([
  { name: 'port', short: 'p', arg: 'PORT', multi: true, help: 'only TCP port PORT (repeatable; default: all TCP)' },
  { name: 'method', short: 'm', arg: 'METHOD', multi: true, help: 'only requests with this method (repeatable)' },
  { name: 'host', arg: 'HOST', help: 'only requests whose Host is HOST or a subdomain of it' },
  { name: 'url', short: 'u', arg: 'REGEX', help: 'only requests whose URL matches REGEX' },
  { name: 'headers', help: 'print request and response headers (1xx headers as "< (100) ...", trailers as "< (trailer) ...")' },
  { name: 'bodies', help: 'print request and response bodies (text; see --max-body)' },
  { name: 'max-body', arg: 'BYTES', number: true, default: 1024, help: 'bytes of each body printed (default 1024)' },
  { name: 'json', help: 'one JSON object per exchange instead of text, with informational, pairing, error and ' +
    'unanswered/cut/dropped (parse errors stay text lines)' },
  { name: 'errors', help: 'also report streams that are not HTTP at all' },
  { name: 'count', short: 'c', arg: 'N', number: true, help: 'stop after N exchanges' },
  { name: 'order', arg: 'ORDER', default: 'request', help: "'request' (default): exchanges in the order their requests were seen " +
    "(one waits for the exchanges before it to end); 'completion': each as soon as it ends" },
  { name: 'window', arg: 'N', number: true, default: 10000, help: 'request order: at most N exchanges wait for an earlier ' +
    'one to end (default 10000; beyond, the earliest unfinished one is printed when it ends, out of order)' },
]);

function header(msg, name) {
  if (!msg) { return undefined; }
  const raw = msg.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === name) { return raw[i + 1]; }
  }
  return undefined;
}

function hostOf(req) {
  const h = header(req, 'host');
  if (h === undefined) { return ''; }
  return h.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function bodyText(chunks, size, max) {
  const buf = Buffer.concat(chunks);
  let s = '';
  for (const c of buf) {
    if (c === 0x0a) { s += '\n'; } else if (c === 0x09) { s += '\t'; } else if (c >= 0x20 && c < 0x7f) { s += String.fromCharCode(c); } else if (c !== 0x0d) { s += '.'; }
  }
  return s + (size > max ? '\n[... ' + (size - max) + ' more bytes]' : '');
}

// Header lines of a message (raw name/value pairs), or of trailers (an object once complete,
// pairs when cut inside them), one per line after `prefix`.
function headerLines(prefix, pairs) {
  const out = [];
  if (Array.isArray(pairs)) {
    for (let i = 0; i + 1 < pairs.length; i += 2) { out.push(escapeText(prefix + pairs[i] + ': ' + pairs[i + 1]) + '\n'); }
  } else if (pairs) {
    for (const k of Object.keys(pairs)) { out.push(escapeText(prefix + k + ': ' + pairs[k]) + '\n'); }
  }
  return out.join('');
}

// What the tracker cannot vouch for in an exchange.
function flagsOf(ex, how) {
  const flags = [];
  if (ex.error) { flags.push(ex.error); }
  if (ex.pairing === 'unknown') { flags.push('pairing unknown'); }
  if (how === 'dropped') { flags.push('dropped by the tracker limits'); }
  return flags;
}

// "(N B, chunked, N B lost, cut)" of a message.
function sizeText(m) {
  return '(' + m.body_len + ' B' + (m.chunked ? ', chunked' : '') + (m.body_lost ? ', ' + m.body_lost + ' B lost' : '') +
    (m.end_time === null ? ', cut' : '') + ')';
}

function ms(seconds) {
  return seconds === null || seconds === undefined ? '-' : (seconds * 1000).toFixed(3) + ' ms';
}

cli.run(PROG, 'http_trace.js [-i IFACE | -r FILE] [options] [BPF filter]',
  'Prints HTTP/1.x exchanges (request and response) found in TCP traffic, IPv4 and IPv6:\n' +
  'method, URL, 1xx and final status, body sizes (as decoded: chunked framing removed) and timing.\n' +
  'Keep-alive and pipelined requests are matched to their responses in order. Exchanges cut off\n' +
  'by an error or by bytes missing from the capture are printed too, flagged in [...]: the error\n' +
  '(HPE_LOST_DATA: bytes lost), "pairing unknown" (the response may answer another request), and\n' +
  '"N B lost" / "cut" on a message. Output is in request order unless --order completion.',
  OPTIONS, (opts, rest) => {
    const pcap = cli.loadPcap();
    let url = null;
    if (opts.url !== undefined) {
      try { url = new RegExp(opts.url); } catch (e) { throw cli.usageError('--url: ' + e.message); }
    }
    if (opts.order !== 'request' && opts.order !== 'completion') {
      throw cli.usageError("--order wants 'request' or 'completion', not " + JSON.stringify(opts.order));
    }
    const ordered = opts.order === 'request';
    const methods = opts.method ? opts.method.map((m) => m.toUpperCase()) : null;
    const host = opts.host !== undefined ? opts.host.toLowerCase() : null;
    const ports = (opts.port || []).map((p) => {
      if (!/^\d{1,5}$/.test(p) || +p > 65535) { throw cli.usageError('--port wants a port number, not ' + JSON.stringify(p)); }
      return 'tcp port ' + p;
    });
    const parts = ['tcp'];
    if (ports.length) { parts.push('(' + ports.join(' or ') + ')'); }
    if (opts.filter) { parts.push('(' + opts.filter + ')'); }
    if (rest.length) { parts.push('(' + rest.join(' ') + ')'); }
    const filter = parts.join(' and ');
    const maxBody = opts['max-body'];
    const wantBodies = Boolean(opts.bodies);

    const tracker = new HTTPTracker();
    const bodies = new WeakMap(); // exchange -> { req: [], res: [], reqBytes, resBytes }
    let printed = 0;
    let parseErrors = 0;
    const out = [];
    const flush = () => { if (out.length) { process.stdout.write(out.join('')); out.length = 0; } };
    let run = null;
    let stopped = false;

    // Request order: an entry per exchange when its request (or, request unseen, its response)
    // is seen, and per error line; entries are printed from the front once done.
    const queue = [];
    let qHead = 0;
    const entries = new Map(); // exchange -> its queue entry
    const reported = new WeakSet();
    const open = new Map(); // session -> exchanges seen, not reported yet

    const wanted = (ex) => {
      const req = ex.request;
      if (methods || host !== null || url) {
        if (!req) { return false; }
        if (methods && !methods.includes(req.method)) { return false; }
        if (host !== null) {
          const h = hostOf(req);
          if (h !== host && !h.endsWith('.' + host)) { return false; }
        }
        if (url && !url.test(req.url)) { return false; }
      }
      return true;
    };

    const keep = (ex, which, data) => {
      if (!wantBodies) { return; }
      let b = bodies.get(ex);
      if (!b) { b = { req: [], res: [], reqBytes: 0, resBytes: 0 }; bodies.set(ex, b); }
      const have = b[which + 'Bytes'];
      if (have < maxBody) { b[which].push(Buffer.from(data.subarray(0, maxBody - have))); }
      b[which + 'Bytes'] = have + Math.min(data.length, Math.max(0, maxBody - have));
    };

    // The text of one exchange; how: 'complete' | 'unanswered' | 'cut' | 'dropped'.
    const render = (ex, how) => {
      const req = ex.request;
      const res = ex.response;
      const info = ex.informational;
      const flags = flagsOf(ex, how);
      if (opts.json) {
        const m = (x) => x && Object.assign({}, x, { trailers: x.trailers || undefined });
        return jsonText({
          client: ex.client, server: ex.server, request: m(req), informational: info.length ? info.map(m) : undefined,
          response: m(res), response_time: ex.response_time, total_time: ex.total_time,
          unanswered: how === 'unanswered' || undefined, cut: how === 'cut' || undefined, dropped: how === 'dropped' || undefined,
          pairing: ex.pairing, error: ex.error || undefined,
        }) + '\n';
      }
      const start = req ? req.start_time : res ? res.start_time : info.length ? info[0].start_time : null;
      let line = (start === null ? '-' : cli.secondsText(start)) + ' ' + ex.client + ' -> ' + ex.server + ' ';
      line += req ? req.method + ' ' + req.url + ' HTTP/' + req.http_version + ' ' + sizeText(req) : '(request not seen)';
      for (const i of info) { line += ' => ' + i.status_code + (i.status_message ? ' ' + i.status_message : ''); }
      if (res) {
        line += ' => ' + res.status_code + (res.status_message ? ' ' + res.status_message : '') + ' ' + sizeText(res);
        if (req && res.end_time !== null) { line += ' ' + ms(ex.total_time) + ' (first byte ' + ms(ex.response_time) + ')'; }
      } else if (how !== 'complete') {
        line += ' => no response';
      }
      if (flags.length) { line += ' [' + flags.join(', ') + ']'; }
      const text = [escapeText(line) + '\n'];
      const b = bodies.get(ex);
      if (opts.headers && req) {
        text.push(headerLines('    > ', req.rawHeaders));
        text.push(headerLines('    > (trailer) ', req.trailers));
      }
      if (wantBodies && req && b && b.req.length) { text.push(indent('    > ', bodyText(b.req, req.body_len, maxBody))); }
      if (opts.headers) {
        for (const i of info) { text.push(headerLines('    < (' + i.status_code + ') ', i.rawHeaders)); }
        if (res) { text.push(headerLines('    < ', res.rawHeaders)); }
      }
      if (wantBodies && res && b && b.res.length) { text.push(indent('    < ', bodyText(b.res, res.body_len, maxBody))); }
      if (opts.headers && res) { text.push(headerLines('    < (trailer) ', res.trailers)); }
      return text.join('');
    };

    const emit = (text) => {
      if (stopped || text === null) { return; }
      out.push(text);
      if (out.length >= 64) { flush(); }
      if (opts.count !== undefined && ++printed >= opts.count && run) { stopped = true; run.stop(); }
    };

    const drain = () => {
      while (qHead < queue.length && (queue[qHead].done || queue.length - qHead > opts.window)) {
        const e = queue[qHead];
        queue[qHead++] = null;
        if (e.ex !== null) { entries.delete(e.ex); } // if not done: printed when it ends (report)
        if (!e.done) { continue; }
        if (e.error) { out.push(e.text); } else { emit(e.text); }
      }
      if (qHead > 1024 && qHead * 2 > queue.length) { queue.splice(0, qHead); qHead = 0; }
    };

    // An exchange seen (its place in request order).
    const seen = (s, ex) => {
      if (entries.has(ex) || reported.has(ex)) { return; }
      if (ordered) {
        const e = { ex, done: false, text: null, error: false };
        queue.push(e);
        entries.set(ex, e);
      }
      let set = open.get(s);
      if (!set) { set = new Set(); open.set(s, set); }
      set.add(ex);
    };

    // An exchange ended (once).
    const report = (s, ex, how) => {
      if (reported.has(ex)) { return; }
      reported.add(ex);
      const set = open.get(s);
      if (set) { set.delete(ex); }
      const text = wanted(ex) ? render(ex, how) : null;
      const e = entries.get(ex);
      if (!ordered || !e) { emit(text); return; }
      e.done = true;
      e.text = text;
      drain();
    };

    tracker.on('http request', (s, ex) => seen(s, ex));
    tracker.on('http response', (s, ex) => { if (ex.request === null) { seen(s, ex); } });
    tracker.on('http request body', (s, ex, data) => keep(ex, 'req', data));
    tracker.on('http response body', (s, ex, data) => keep(ex, 'res', data));
    tracker.on('http response complete', (s, ex) => report(s, ex, 'complete'));
    tracker.on('http unanswered', (s, ex) => report(s, ex, 'unanswered'));
    tracker.on('http drop', (s, info) => { for (const ex of info.pending) { report(s, ex, 'dropped'); } });
    tracker.on('http error', (s, dir, err) => {
      const from = dir === 'send' ? s.src : s.dst;
      const to = dir === 'send' ? s.dst : s.src;
      if (err.code !== 'HPE_NOT_HTTP' || opts.errors) {
        parseErrors++;
        const text = escapeText(cli.secondsText(s.current_cap_time || 0) + ' ' + from + ' -> ' + to + ' ! ' + err.code + ': ' + err.message) + '\n';
        if (ordered) {
          queue.push({ ex: null, done: true, text, error: true });
          drain();
        } else {
          out.push(text);
        }
      }
      // A response cut off ends its exchange here (a request cut off still waits for its answer).
      const ex = err.exchange;
      if (ex && ex.response !== null && ex.response.end_time === null && from === ex.server) { report(s, ex, 'cut'); }
    });
    // After the tracker's own handlers (added first): what a finished connection left unreported
    // (a connection dropped by the tracker limits, cut in the middle of a message) is cut.
    tracker.tcpTracker.on('session', (session) => {
      const done = () => {
        const set = open.get(session);
        if (!set) { return; }
        open.delete(session);
        for (const ex of set) { report(session, ex, 'cut'); }
      };
      session.on('end', done);
      session.on('reset', done);
      session.on('drop', done);
    });

    run = cli.openSession(PROG, pcap, opts, filter, (raw) => {
      tracker.track_packet(pcap.decode.packet(raw));
    }, (info) => {
      tracker.close(); // ends open connections: bodies read until close, unanswered requests
      for (const [s, set] of open) { for (const ex of set) { report(s, ex, 'cut'); } }
      open.clear();
      flush();
      const st = tracker.stats;
      process.stderr.write(st.requests + ' requests, ' + st.responses + ' responses, ' + st.unanswered +
        ' unanswered, ' + parseErrors + ' parse errors, ' + st.sessions + ' TCP connections; ' +
        cli.dropsText(info.stats) + '\n');
    });
  });

function indent(prefix, text) {
  return text.split('\n').map((l) => prefix + l).join('\n') + '\n';
}
