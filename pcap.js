'use strict';

// node_pcap's main file was pcap.js; `require('pcap/pcap')` keeps working.
module.exports = require('./index');
