'use strict';

// Shared plumbing of the example tools: option parsing, opening a live or file session,
// one-line errors with the error code, and a clean stop on Ctrl-C / SIGTERM / end of file.

const path = require('path');
const { escapeText } = require('./escape');

// The examples ship inside the package: load it from there (a copy of a tool elsewhere
// would use require('pcap')).
function loadPcap() {
  return require('../..');
}

// Parses argv against a table of options:
//   { name: 'interface', short: 'i', arg: 'IFACE', help: '...' }   (value option)
//   { name: 'headers', help: '...' }                                (flag)
// Returns { opts, rest } or throws a usage error (err.usage = true).
function parseArgs(argv, table) {
  const opts = {};
  const rest = [];
  const byLong = new Map();
  const byShort = new Map();
  for (const o of table) {
    byLong.set(o.name, o);
    if (o.short) { byShort.set(o.short, o); }
    if (o.arg && o.default !== undefined) { opts[o.name] = o.default; }
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { rest.push(...argv.slice(i + 1)); break; }
    let o;
    let value;
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      o = byLong.get(name);
      if (!o) { throw usageError('unknown option --' + name); }
      if (eq !== -1) {
        if (!o.arg) { throw usageError('option --' + name + ' takes no value'); }
        value = a.slice(eq + 1);
      }
    } else if (a.startsWith('-') && a.length > 1) {
      o = byShort.get(a[1]);
      if (!o) { throw usageError('unknown option ' + a); }
      if (a.length > 2) {
        if (!o.arg) { throw usageError('option -' + a[1] + ' takes no value'); }
        value = a.slice(2);
      }
    } else {
      rest.push(a);
      continue;
    }
    if (o.arg) {
      if (value === undefined) {
        if (i + 1 >= argv.length) { throw usageError('option --' + o.name + ' needs ' + o.arg); }
        value = argv[++i];
      }
      if (o.number) {
        const n = Number(value);
        if (!Number.isFinite(n) || n < 0) { throw usageError('--' + o.name + ' wants a number, not ' + JSON.stringify(value)); }
        value = n;
      }
      if (o.multi) { (opts[o.name] = opts[o.name] || []).push(value); } else { opts[o.name] = value; }
    } else {
      opts[o.name] = true;
    }
  }
  return { opts, rest };
}

function usageError(message) {
  const err = new Error(message);
  err.usage = true;
  return err;
}

function helpText(usage, description, table) {
  const lines = ['Usage: ' + usage, '', description, '', 'Options:'];
  const left = table.map((o) => (o.short ? '-' + o.short + ', ' : '    ') + '--' + o.name + (o.arg ? ' ' + o.arg : ''));
  const w = Math.max(...left.map((s) => s.length)) + 2;
  table.forEach((o, i) => lines.push('  ' + left[i].padEnd(w) + o.help));
  return lines.join('\n') + '\n';
}

// Formats an error as one line: "prog: CODE: message" (the package's errors have a code), its
// control characters escaped (a message may quote a path or packet bytes).
function errorLine(prog, err) {
  const msg = String(err && err.message !== undefined ? err.message : err).replace(/\s*\n\s*/g, ' ');
  return prog + ': ' + (err && err.code ? err.code + ': ' : '') + escapeText(msg);
}

// Runs a tool: main(ctx) sets things up; errors thrown there end the process with one line.
// Exit codes: 0 done, 1 capture/runtime error, 2 usage error.
function run(prog, usage, description, table, main) {
  const fullTable = table.concat([{ name: 'help', short: 'h', help: 'show this help and exit' }]);
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2), fullTable);
  } catch (e) {
    process.stderr.write(prog + ': ' + e.message + '\nTry \'' + prog + ' --help\'.\n');
    process.exitCode = 2;
    return;
  }
  if (parsed.opts.help) {
    process.stdout.write(helpText(usage, description, fullTable));
    return;
  }
  try {
    main(parsed.opts, parsed.rest);
  } catch (e) {
    process.stderr.write((e && e.usage ? prog + ': ' + e.message + '\nTry \'' + prog + ' --help\'.' : errorLine(prog, e)) + '\n');
    process.exitCode = e && e.usage ? 2 : 1;
  }
}

// Options shared by every tool.
const CAPTURE_OPTIONS = [
  { name: 'interface', short: 'i', arg: 'IFACE', help: 'capture live on IFACE (root, or setcap cap_net_raw on node)' },
  { name: 'read', short: 'r', arg: 'FILE', help: 'read packets from a pcap or pcapng file' },
  { name: 'filter', short: 'f', arg: 'EXPR', help: 'BPF filter (also: the words after the options)' },
];

// Opens the session described by opts (-i / -r / filter) and wires the end of the run:
//   onPacket(raw) for each packet; finish(info) once, after the last packet (end of file,
//   Ctrl-C, SIGTERM or `count`), with info = { stats, live, interrupted }.
// Returns { session, stop } (stop() ends the run as Ctrl-C does).
function openSession(prog, pcap, opts, filter, onPacket, finish) {
  if (opts.interface !== undefined && opts.read !== undefined) {
    throw usageError('give -i IFACE or -r FILE, not both');
  }
  const live = opts.read === undefined;
  const session = live
    ? pcap.createSession(opts.interface || '', { filter, buffer_timeout: opts.buffer_timeout === undefined ? 100 : opts.buffer_timeout, outfile: opts.write })
    : pcap.createOfflineSession(opts.read, { filter, outfile: opts.write });
  let done = false;
  let hadError = false;
  const stop = (interrupted) => {
    if (done) { return; }
    done = true;
    let stats = null;
    try { stats = session.stats(); } catch (e) { /* closed already */ }
    session.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    finish({ stats, live, interrupted: Boolean(interrupted) });
    if (hadError && !process.exitCode) { process.exitCode = 1; }
  };
  const onSignal = () => stop(true);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  session.on('packet', (raw) => { if (!done) { onPacket(raw); } });
  session.on('error', (err) => {
    hadError = true;
    process.stderr.write(errorLine(prog, err) + '\n');
  });
  session.on('complete', () => stop(false));
  if (live) {
    process.stderr.write(prog + ': listening on ' + (opts.interface || session.device_name || 'the default device') +
      ', link-type ' + session.link_type + (filter ? ', filter "' + filter + '"' : '') + '\n');
  }
  return { session, stop: () => stop(true) };
}

// "HH:MM:SS.uuuuuu" of a pcap header (local time, as tcpdump prints it).
function timeText(header) {
  const d = new Date(header.tv_sec * 1000);
  const p = (n, w) => String(n).padStart(w, '0');
  return p(d.getHours(), 2) + ':' + p(d.getMinutes(), 2) + ':' + p(d.getSeconds(), 2) + '.' + p(header.tv_usec, 6);
}

function secondsText(t) {
  const d = new Date(Math.floor(t) * 1000);
  const p = (n, w) => String(n).padStart(w, '0');
  return p(d.getHours(), 2) + ':' + p(d.getMinutes(), 2) + ':' + p(d.getSeconds(), 2) + '.' +
    p(Math.round((t - Math.floor(t)) * 1e6) % 1000000, 6);
}

function dropsText(stats) {
  if (!stats) { return 'drops: unknown'; }
  return 'drops: ' + (stats.ps_drop || 0) + ' by the kernel, ' + (stats.ps_ifdrop || 0) +
    ' by the interface, ' + (stats.app_drop || 0) + ' by the application buffer';
}

module.exports = {
  loadPcap, parseArgs, helpText, errorLine, run, usageError, openSession, CAPTURE_OPTIONS,
  timeText, secondsText, dropsText, progName: (file) => path.basename(file, '.js'),
};
