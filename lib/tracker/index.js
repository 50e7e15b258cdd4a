'use strict';

// The TCP tracker (node_pcap's `require('pcap/tcp_tracker')`; docs/tracker.md), in rooms:
//   seq.js          sequence-number arithmetic (mod 2^32)
//   endpoints.js    endpoint text, the int32 endpoint words, hashing, direction
//   parse.js        finding the IP layer and TCP segment of a decoded packet
//   seqtable.js     the bounded send_/recv_ packets/acks/retrans tables
//   closed.js       ended connections remembered for timeWait
//   budget.js       bytes held by many holders, oldest holder first
//   reassembler.js  one direction's ordered byte stream (push/flush, results, no events)
//   session.js      TCPSession: node_pcap's states and events
//   tracker.js      TCPTracker: sessions by endpoints, limits, the shared budget
//   options.js      options and defaults
const { TCPTracker, TCPSession } = require('./tracker');

module.exports = { TCPTracker, TCPSession };
