'use strict';
// Helpers for 802.11 management frame bodies.
var RadioManagementFrameTag = require('./radio_management_frame_tag');

// Reads tags from offset while at least 6 bytes remain (as node_pcap does,
// which also keeps a trailing FCS from being read as a tag).
exports.parseTags = function parseTags(raw_packet, offset) {
  var tags = [];
  while (raw_packet.length - offset >= 6) {
    var tag = new RadioManagementFrameTag().decode(raw_packet, offset);
    tags.push(tag);
    offset += tag.length + 2;
  }
  return tags;
};
