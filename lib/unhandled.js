'use strict';

// An `error` a session emits when nobody listens to `error`.
//
// EventEmitter's convention is to throw it. node_pcap 3.1.0 never did: its sessions had no runtime
// error at all. A truncated capture file ended its dispatch loop like the end of the file
// (`complete`, no error), and a live interface that disappeared made every later dispatch return
// -1, counted in `empty_reads`, while `opened` stayed true. Throwing now would turn programs that
// ran to their end under node_pcap into crashes, so an unheard error becomes a process warning
// (`process.on('warning')`, printed on stderr by default) with the error's code, once per session
// and code; a listener on the session's `error` event takes it over, as for any EventEmitter.

const util = require('util');

const debug = util.debuglog('pcap');

// session -> Set of codes already warned about.
const warned = new WeakMap();

function emitError(session, err) {
  if (session.listenerCount('error') > 0) {
    session.emit('error', err);
    return;
  }
  debug('%s', err.message);
  let codes = warned.get(session);
  if (codes === undefined) {
    codes = new Set();
    warned.set(session, codes);
  }
  if (codes.has(err.code)) return;
  codes.add(err.code);
  process.emitWarning(err.message, {
    type: 'PcapWarning',
    code: err.code,
    detail: 'The session has no \'error\' listener; add one (session.on(\'error\', ...)) to handle this.',
  });
}

module.exports = { emitError };
