'use strict';

// TCPTracker options and their defaults (docs/tracker.md).
const options_ = require('../options');

const DEFAULTS = {
  reassemble: false,       // deliver each direction's payload once and in sequence order
  idleTimeout: 0,          // ms of capture time without packets before a session is dropped; 0 = never
  maxSessions: 100000,     // open sessions kept at most (least recently active is dropped); 0 = no limit
  segmentHistory: 128,     // entries kept per send_/recv_ packets/acks/retrans map
  maxBufferedBytes: 1048576, // reassembly: out-of-order bytes held per direction
  maxBufferedSegments: 256,  // reassembly: out-of-order segments held per direction
  maxBufferedBytesTotal: 67108864, // reassembly: out-of-order bytes held by all sessions together
  maxBufferedSegmentsTotal: 65536, // reassembly: out-of-order segments held by all sessions together
  ackGrace: 8,             // reassembly: packets of the peer acknowledging past a hole before it is given up; 0 = never
  timeWait: 60000,         // ms of capture time during which stray packets of an ended session are ignored
  maxClosed: 16384,        // ended-session records kept for timeWait
};

function readOptions(options) {
  const o = options_.readOptions(options, DEFAULTS);
  o.reassemble = Boolean(o.reassemble);
  options_.requireNumbers(o, ['idleTimeout', 'maxSessions', 'segmentHistory', 'maxBufferedBytes',
    'maxBufferedSegments', 'maxBufferedBytesTotal', 'maxBufferedSegmentsTotal', 'timeWait', 'maxClosed',
    'ackGrace'],
  0, 'TCPTracker');
  if (o.segmentHistory < 1) { o.segmentHistory = 1; }
  if (o.maxBufferedSegments < 1) { o.maxBufferedSegments = 1; }
  return o;
}

const DEFAULT_OPTIONS = readOptions(undefined);

module.exports = { DEFAULTS, DEFAULT_OPTIONS, readOptions };
