#!/usr/bin/env node
'use strict';

// Flow records from a capture file or a live interface, metered on the capture thread:
// one line per flow on the terminal, JSON lines to a file or standard output, and/or IPFIX
// to a collector (nfcapd, pmacct, GoFlow2, ...).
//
//   node examples/flows.js -r trace.pcap
//   node examples/flows.js -r trace.pcap --ipfix 127.0.0.1:2055 --json flows.jsonl
//   sudo node examples/flows.js -i eth0 --json - 'tcp or udp'

const fs = require('fs');
const cli = require('./lib/cli');
const flowText = require('../lib/flows');

const PROG = 'flows';
const OPTIONS = cli.CAPTURE_OPTIONS.concat([
  { name: 'ipfix', arg: 'HOST:PORT', help: 'export IPFIX over UDP to this collector' },
  { name: 'json', arg: 'FILE', help: 'write one JSON object per flow to FILE (- for standard output)' },
  { name: 'idle', arg: 'SECONDS', number: true, help: 'idle timeout (default 15)' },
  { name: 'active', arg: 'SECONDS', number: true, help: 'active timeout (default 1800)' },
  { name: 'max-flows', arg: 'N', number: true, help: 'most flows held at once (default 100000)' },
  { name: 'uniflow', help: 'one record per direction instead of one per connection' },
  { name: 'quiet', short: 'q', help: 'no flow lines on the terminal' },
]);

function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }

cli.run(PROG, 'flows.js [-i IFACE | -r FILE] [--ipfix HOST:PORT] [--json FILE|-] [options] [BPF filter]',
  'Meters flows (one record per connection: packets, bytes, TCP flags, handshake RTT,\n' +
  'retransmissions, TLS SNI, DNS name, HTTP Host) and prints, writes or exports them.\n' +
  'Reads a whole file, exports its last flows, then exits; live captures run until Ctrl-C.',
  OPTIONS, (opts, rest) => {
    const pcap = cli.loadPcap();
    const filter = opts.filter !== undefined ? opts.filter : rest.join(' ');
    if (opts.interface !== undefined && opts.read !== undefined) throw cli.usageError('give -i IFACE or -r FILE, not both');
    const flowOpts = { biflow: !opts.uniflow };
    if (opts.ipfix !== undefined) {
      if (!/^.+:\d{1,5}$/.test(opts.ipfix)) throw cli.usageError('--ipfix wants HOST:PORT, not ' + JSON.stringify(opts.ipfix));
      flowOpts.ipfix = opts.ipfix;
    }
    if (opts.idle !== undefined) flowOpts.idleTimeout = opts.idle;
    if (opts.active !== undefined) flowOpts.activeTimeout = opts.active;
    if (opts['max-flows'] !== undefined) flowOpts.maxFlows = opts['max-flows'];

    // Where records go: JSON (file or stdout), text lines on stdout unless stdout takes JSON.
    let json = null;
    if (opts.json === '-') {
      json = process.stdout;
    } else if (opts.json !== undefined) {
      json = fs.createWriteStream(opts.json);
      json.on('error', (e) => {
        process.stderr.write(cli.errorLine(PROG, e) + '\n');
        process.exit(1);
      });
    }
    const text = !opts.quiet && json !== process.stdout;
    const live = opts.read === undefined;
    const options = { filter, flows: flowOpts, packets: false };
    const session = live
      ? pcap.createSession(opts.interface || '', Object.assign({ buffer_timeout: 100 }, options))
      : pcap.createOfflineSession(opts.read, options);

    const write = (f) => {
      if (json) json.write(flowText.toJSONLine(f) + '\n');
      if (text) process.stdout.write(flowText.toText(f) + '\n');
    };
    // Records are decoded only when they go somewhere (IPFIX leaves from the capture thread).
    if (json || text) session.on('flow', write);

    // Progress on standard error while a file takes longer than a second.
    const started = Date.now();
    let shown = false;
    const progress = setInterval(() => {
      const s = session.flowStats();
      if (!s) return;
      const line = PROG + ': ' + s.packets.toLocaleString('en-US') + ' packets, ' +
        s.flows.toLocaleString('en-US') + ' flows (' + s.active.toLocaleString('en-US') + ' active), ' +
        ((Date.now() - started) / 1000).toFixed(1) + ' s';
      if (process.stderr.isTTY) {
        process.stderr.write('\r' + line + '\x1b[K');
        shown = true;
      } else if (!live) {
        process.stderr.write(line + '\n');
      }
    }, live ? 5000 : 1000);
    progress.unref();

    let done = false;
    const finish = (interrupted) => {
      if (done) return;
      done = true;
      clearInterval(progress);
      if (shown) process.stderr.write('\r\x1b[K');
      const stats = session.flowStats();
      // Ctrl-C on a live capture: the flows still open are written as they are now.
      if (interrupted) {
        for (const f of session.flows()) {
          f.reason = 'end';
          write(f);
        }
      }
      session.close();
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      const summary = () => {
        if (stats) {
          process.stderr.write(PROG + ': ' + plural(stats.records, 'flow') + ' from ' + plural(stats.packets, 'packet') +
            (stats.non_ip ? ' (' + stats.non_ip + ' not IP)' : '') +
            (stats.evicted ? ', ' + stats.evicted + ' evicted' : '') +
            (flowOpts.ipfix ? ', ' + plural(stats.ipfix_messages, 'IPFIX message') + ' to ' + flowOpts.ipfix +
              (stats.ipfix_errors ? ' (' + stats.ipfix_errors + ' refused)' : '') : '') + '\n');
        }
      };
      if (json && json !== process.stdout) json.end(summary);
      else summary();
    };
    const onSignal = () => finish(true);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    session.on('error', (err) => {
      process.stderr.write(cli.errorLine(PROG, err) + '\n');
      process.exitCode = 1;
    });
    // After the last flow of a file (they all precede `complete`).
    session.on('complete', () => finish(false));
    if (live) {
      process.stderr.write(PROG + ': metering ' + (opts.interface || session.device_name) + ', link-type ' +
        session.link_type + (filter ? ', filter "' + filter + '"' : '') + '\n');
    }
  });
