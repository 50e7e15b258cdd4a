'use strict';
var Buffer = require('buffer').Buffer;
// Parser for hixie-76 ("draft 76") WebSocket text frames: 0x00 <utf8> 0xFF.
// Emits "message" with each frame's text. Not wired into anything (as in node_pcap).
var EventEmitter = require('events').EventEmitter;
var util = require('util');

var MAX_MESSAGE = 64 * 1024;

function WebSocketFrame() {
  this.type = null;
  this.data = '';
}

function WebSocketParser(flag) {
  EventEmitter.call(this);
  this.buffer = Buffer.alloc(MAX_MESSAGE);
  this.buffer.end = 0;
  if (flag === 'draft76') {
    this.state = 'skip_response'; // the 16-byte handshake response body
    this.skipped_bytes = 0;
  } else {
    this.state = 'frame_type';
  }
  this.frame = new WebSocketFrame();
}
util.inherits(WebSocketParser, EventEmitter);

WebSocketParser.prototype.execute = function (incoming_buf) {
  var pos = 0;
  var n = incoming_buf.length;
  while (pos < n) {
    if (this.state === 'skip_response') {
      this.skipped_bytes += 1;
      if (this.skipped_bytes === 16) { this.state = 'frame_type'; }
      pos += 1;
    } else if (this.state === 'frame_type') {
      this.frame.type = incoming_buf[pos];
      pos += 1;
      this.state = 'read_until_marker';
    } else {
      var b = incoming_buf[pos];
      pos += 1;
      if (b === 0xff) {
        this.frame.data = this.buffer.toString('utf8', 0, this.buffer.end);
        this.buffer.end = 0;
        this.state = 'frame_type';
        this.emit('message', this.frame.data);
      } else if (this.buffer.end < MAX_MESSAGE) {
        this.buffer[this.buffer.end] = b;
        this.buffer.end += 1;
      }
      // bytes beyond the maximum message size are dropped
    }
  }
};

module.exports = WebSocketParser;
