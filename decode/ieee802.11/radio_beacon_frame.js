'use strict';
var radioUtils = require('./radio_utils');

// Beacon body: timestamp (8), beacon interval (2), capabilities (2), then tags.
function RadioBeaconFrame() {
  this.tags = [];
}

RadioBeaconFrame.prototype.decode = function (raw_packet, offset) {
  this.tags = radioUtils.parseTags(raw_packet, offset + 12);
  return this;
};

module.exports = RadioBeaconFrame;
