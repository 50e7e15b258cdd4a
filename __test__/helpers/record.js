'use strict';
// Record everything a tracker emits, in a form that can be compared across implementations.

function describeArg(a, session) {
  if (a === session) { return '<session>'; }
  if (Buffer.isBuffer(a)) { return 'buf:' + a.toString('hex'); }
  if (a === null) { return 'null'; }
  return String(a);
}

const SESSION_EVENTS = ['start', 'data send', 'data recv', 'retransmit', 'syn retry', 'reset', 'end', 'gap', 'drop'];

// Attach to a tracker; returns {sessions: [{session, key, events: [[name, ...args]]}], log: [...]}.
// `copyData` keeps a copy of each data buffer (for reassembly checks).
function record(tracker) {
  const out = { sessions: [], log: [] };
  tracker.on('session', (session) => {
    const entry = { session, src: session.src, dst: session.dst, events: [], send: [], recv: [], gaps: { send: 0, recv: 0 } };
    out.sessions.push(entry);
    out.log.push(['session', session.src, session.dst]);
    for (const name of SESSION_EVENTS) {
      session.on(name, function () {
        const args = Array.prototype.slice.call(arguments);
        const ev = [name].concat(args.map((a) => describeArg(a, session)));
        entry.events.push(ev);
        out.log.push([session.src + '-' + session.dst].concat(ev));
        if (name === 'data send') { entry.send.push(Buffer.from(args[1] || [])); }
        if (name === 'data recv') { entry.recv.push(Buffer.from(args[1] || [])); }
        if (name === 'gap') { entry.gaps[args[1]] += args[2]; }
      });
    }
  });
  return out;
}

module.exports = { record, SESSION_EVENTS };
