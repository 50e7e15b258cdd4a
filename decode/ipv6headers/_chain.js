'use strict';
// Internal: shared logic of the IPv6 extension header decoders.
var shared = require('../_util');
// Exported before requiring ip_protocols: that loads the extension header classes, which read
// extensionToString from here (a deep require of one of them comes round to this module first).
module.exports = { decodeNext: decodeNext, extensionToString: extensionToString };
var protocols = require('../ip_protocols');

// Shared by the extension header classes: decode what follows this header.
function decodeNext(self, raw_packet, offset, len) {
  var Decoder = protocols[self.nextHeader];
  if (Decoder === undefined) {
    self.protocolName = 'Unknown';
  } else if (offset > raw_packet.length) {
    self._error = 'truncated extension header: ' + (offset - raw_packet.length) + ' bytes missing';
  } else if (shared.nesting.depth >= shared.MAX_DEPTH) {
    self._error = 'too many nested headers';
  } else {
    shared.nesting.depth++;
    self.payload = new Decoder(self.emitter).decode(raw_packet, offset, len);
    shared.nesting.depth--;
  }
  return self;
}

function extensionToString() {
  var p = this.payload;
  var ret = (p === undefined || p === null) ? 'proto ' + this.nextHeader : p.constructor.name;
  return ret + ' ' + p;
}
