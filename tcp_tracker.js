'use strict';

// require('pcap/tcp_tracker'): node_pcap 3.1.0's TCPTracker and TCPSession (compat.md §2.8),
// with IPv6, removal of ended sessions, bounded memory and optional stream reassembly.
// The code lives in lib/tracker/ (see lib/tracker/index.js); differences from node_pcap
// are listed in docs/tracker.md.
const { TCPTracker, TCPSession } = require('./lib/tracker');

exports.TCPSession = TCPSession;
exports.TCPTracker = TCPTracker;
