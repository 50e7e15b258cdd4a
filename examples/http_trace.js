#!/usr/bin/env node
'use strict';

// http_trace, again: HTTP/1.x requests and responses seen on the wire, one line per exchange
// (request and its response), from pcap.HTTPTracker on reassembled TCP streams.
//
//   sudo node examples/http_trace.js -i lo -p 8080 --headers
//   node examples/http_trace.js -r trace.pcap --method POST --url '^/api/' --bodies

const cli = require('./lib/cli');
const { escapeText, jsonText } = require('./lib/escape');
const HTTPTracker = require('../lib/http').HTTPTracker;

const PROG = 'http_trace';
const OPTIONS = cli.CAPTURE_OPTIONS.concat([
  { name: 'port', short: 'p', arg: 'PORT', multi: true, help: 'only TCP port PORT (repeatable; default: all TCP)' },
  { name: 'method', short: 'm', arg: 'METHOD', multi: true, help: 'only requests with this method (repeatable)' },
  { name: 'host', arg: 'HOST', help: 'only requests whose Host is HOST or a subdomain of it' },
  { name: 'url', short: 'u', arg: 'REGEX', help: 'only requests whose URL matches REGEX' },
  { name: 'headers', help: 'print request and response headers' },
  { name: 'bodies', help: 'print request and response bodies (text; see --max-body)' },
  { name: 'max-body', arg: 'BYTES', number: true, default: 1024, help: 'bytes of each body printed (default 1024)' },
  { name: 'json', help: 'one JSON object per exchange instead of text' },
  { name: 'errors', help: 'also report streams that are not HTTP at all' },
  { name: 'count', short: 'c', arg: 'N', number: true, help: 'stop after N exchanges' },
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

function ms(seconds) {
  return seconds === null || seconds === undefined ? '-' : (seconds * 1000).toFixed(3) + ' ms';
}

cli.run(PROG, 'http_trace.js [-i IFACE | -r FILE] [options] [BPF filter]',
  'Prints HTTP/1.x exchanges (request and response) found in TCP traffic, IPv4 and IPv6:\n' +
  'method, URL, status, body sizes (as decoded: chunked framing removed) and timing.\n' +
  'Keep-alive and pipelined requests are matched to their responses in order.',
  OPTIONS, (opts, rest) => {
    const pcap = cli.loadPcap();
    let url = null;
    if (opts.url !== undefined) {
      try { url = new RegExp(opts.url); } catch (e) { throw cli.usageError('--url: ' + e.message); }
    }
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

    const report = (ex, unanswered) => {
      if (!wanted(ex)) { return; }
      printed++;
      const req = ex.request;
      const res = ex.response;
      if (opts.json) {
        const m = (x) => x && Object.assign({}, x, { trailers: x.trailers || undefined });
        out.push(jsonText({
          client: ex.client, server: ex.server, request: m(req), response: m(res),
          response_time: ex.response_time, total_time: ex.total_time, unanswered: unanswered || undefined,
        }) + '\n');
      } else {
        const start = req ? req.start_time : res.start_time;
        let line = cli.secondsText(start) + ' ' + ex.client + ' -> ' + ex.server + ' ';
        line += req ? req.method + ' ' + req.url + ' HTTP/' + req.http_version + ' (' + req.body_len + ' B)' : '(request not seen)';
        if (res) {
          line += ' => ' + res.status_code + (res.status_message ? ' ' + res.status_message : '') + ' (' + res.body_len + ' B' +
            (res.chunked ? ', chunked' : '') + (res.body_lost ? ', ' + res.body_lost + ' B lost' : '') + ')';
          if (req) { line += ' ' + ms(ex.total_time) + ' (first byte ' + ms(ex.response_time) + ')'; }
        } else {
          line += unanswered ? ' => no response' : '';
        }
        out.push(escapeText(line) + '\n');
        const b = bodies.get(ex);
        if (opts.headers && req) {
          for (let i = 0; i < req.rawHeaders.length; i += 2) { out.push(escapeText('    > ' + req.rawHeaders[i] + ': ' + req.rawHeaders[i + 1]) + '\n'); }
        }
        if (wantBodies && req && b && b.req.length) { out.push(indent('    > ', bodyText(b.req, req.body_len, maxBody))); }
        if (opts.headers && res) {
          for (let i = 0; i < res.rawHeaders.length; i += 2) { out.push(escapeText('    < ' + res.rawHeaders[i] + ': ' + res.rawHeaders[i + 1]) + '\n'); }
        }
        if (wantBodies && res && b && b.res.length) { out.push(indent('    < ', bodyText(b.res, res.body_len, maxBody))); }
      }
      if (out.length >= 64) { flush(); }
      if (opts.count !== undefined && printed >= opts.count && run) { run.stop(); }
    };

    tracker.on('http request body', (s, ex, data) => keep(ex, 'req', data));
    tracker.on('http response body', (s, ex, data) => keep(ex, 'res', data));
    tracker.on('http response complete', (s, ex) => report(ex, false));
    tracker.on('http unanswered', (s, ex) => report(ex, true));
    tracker.on('http error', (s, dir, err) => {
      if (err.code === 'HPE_NOT_HTTP' && !opts.errors) { return; }
      parseErrors++;
      const from = dir === 'send' ? s.src : s.dst;
      const to = dir === 'send' ? s.dst : s.src;
      out.push(escapeText(cli.secondsText(s.current_cap_time || 0) + ' ' + from + ' -> ' + to + ' ! ' + err.code + ': ' + err.message) + '\n');
    });

    run = cli.openSession(PROG, pcap, opts, filter, (raw) => {
      tracker.track_packet(pcap.decode.packet(raw));
    }, (info) => {
      tracker.close(); // ends open connections: bodies read until close, unanswered requests
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
