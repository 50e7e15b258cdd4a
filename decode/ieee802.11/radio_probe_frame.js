'use strict';
var radioUtils = require('./radio_utils');

// Probe request body: tags only.
function RadioProbeFrame() {
  this.tags = undefined;
}

RadioProbeFrame.prototype.decode = function (raw_packet, offset) {
  this.tags = radioUtils.parseTags(raw_packet, offset);
  return this;
};

module.exports = RadioProbeFrame;
