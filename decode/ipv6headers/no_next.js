'use strict';

// IPv6 "No Next Header" (59): nothing follows.
function NoNext() {
  this._error = undefined;
}

NoNext.prototype.decode = function (raw_packet, offset, len) {
  var remainingLength = typeof len === 'number' ? len : raw_packet.length - offset;
  if (remainingLength > 0) {
    this._error = 'There is more packet left to be parse,' +
            'but NoNext.decode was called with ' + remainingLength + ' bytes left.';
  }
  return this;
};

NoNext.prototype.toString = function () {
  return '';
};

module.exports = NoNext;
