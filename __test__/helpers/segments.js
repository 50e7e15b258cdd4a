'use strict';
// Older name for the TCP segment builders of helpers/packets.js (the one packet builder).
const p = require('./packets');

module.exports = { frame: p.frame, decode: p.decode, conversation: p.conversation, ipv6Bytes: p.ipv6Bytes };
