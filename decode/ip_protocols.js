'use strict';
// IP protocol number -> decoder constructor. A mutable 256-slot array: users may
// register their own decoders with `protocols[n] = Ctor`.
// https://www.iana.org/assignments/protocol-numbers/protocol-numbers.xhtml

var protocols = new Array(256);
// Exported before the decoders are loaded: they require this module themselves.
module.exports = protocols;

var HeaderExtension = require('./ipv6headers/header_extension');

protocols[0] = HeaderExtension;                                   // IPv6 Hop-by-Hop
protocols[1] = require('./icmp');
protocols[2] = require('./igmp');
protocols[4] = require('./ipv4');                                 // IPv4 in IPv4
protocols[6] = require('./tcp');
protocols[17] = require('./udp');
protocols[41] = require('./ipv6');                                // IPv6 in IP
protocols[43] = HeaderExtension;                                  // Routing
protocols[44] = require('./ipv6headers/fragment');                // Fragment
protocols[50] = require('./ipv6headers/esp');                     // ESP
protocols[51] = require('./ipv6headers/authentication_header');   // AH
protocols[58] = require('./icmpv6');
protocols[59] = require('./ipv6headers/no_next');
protocols[60] = HeaderExtension;                                  // Destination Options
protocols[135] = HeaderExtension;                                 // Mobility
protocols[139] = HeaderExtension;                                 // HIP
protocols[140] = HeaderExtension;                                 // Shim6
