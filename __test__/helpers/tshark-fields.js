'use strict';
// Older name for the per-packet tshark fields of helpers/tshark.js (the one tshark runner).
const tshark = require('./tshark');

module.exports = { FIELDS: tshark.FIELDS, available: tshark.available, run: tshark.perPacket, flagged: tshark.flagged };
