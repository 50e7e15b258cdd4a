'use strict';

// node_pcap 3.1.0's JavaScript (its decoders and tracker), for the differential tests:
// require('./helpers/original')('decode') is require('pcap-original/decode').
module.exports = require('../../bench/original').load;
