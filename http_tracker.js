'use strict';

// require('pcap/http_tracker'): HTTPTracker (HTTP/1.x on reassembled TCP streams).
module.exports = require('./lib/http');
