// A TCP report tool from a JavaScript code base moved to TypeScript without `strict` (3.1.0's
// declarations accept its unannotated listeners only then): connection times, retransmissions and
// resets per host pair, printed every ten seconds. Type-checked only, never run.
import pcap = require('pcap');

var dns = new pcap.DNSCache();
var tracker = new pcap.TCPTracker();
var report = {};
var session = pcap.createSession(process.argv[2] || '', { filter: 'tcp', buffer_timeout: 0 });

function entry(s) {
    var key = dns.ptr(s.src.split(':')[0]) + ' -> ' + dns.ptr(s.dst.split(':')[0]);
    if (!report[key]) report[key] = { sessions: 0, retrans: 0, resets: 0, bytes: 0, connect: [] };
    return report[key];
}

tracker.on('session', function (s) {
    entry(s).sessions += 1;
    if (s.missed_syn) console.log('joined ' + s.src + ' mid-stream in state ' + s.state);
    s.on('start', function (s) {
        entry(s).connect.push(s.connect_time - s.syn_time);
    });
    s.on('retransmit', function (s, direction, seqno) {
        entry(s).retrans += 1;
        if (process.env.VERBOSE) console.log(s.src + ' ' + direction + ' retransmits ' + seqno);
    });
    s.on('syn retry', function (s) {
        console.log('SYN retry from ' + s.src);
    });
    s.on('reset', function (s, direction) {
        entry(s).resets += 1;
        console.log(s.src + ' reset by ' + direction + ' after ' + (s.current_cap_time - s.syn_time) + 's');
    });
    s.on('end', function (s) {
        var stats = s.session_stats();
        entry(s).bytes += stats.send_payload + stats.recv_payload;
        console.log(s.src + ' closed: ' + s.send_bytes_payload + '/' + s.recv_bytes_payload + ' bytes, ' +
            Object.keys(s.send_retrans).length + ' retransmitted segments');
    });
});

session.on('packet', function (raw) {
    tracker.track_packet(pcap.decode.packet(raw));
});

setInterval(function () {
    var open = Object.keys(tracker.sessions).length;
    console.log(new Date().toISOString() + ' ' + open + ' open sessions, ' + session.stats().ps_drop + ' dropped');
    Object.keys(report).forEach(function (k) {
        var r = report[k];
        var avg = r.connect.length ? r.connect.reduce(function (a, b) { return a + b; }, 0) / r.connect.length : 0;
        console.log('  ' + k + ': ' + r.sessions + ' sessions, ' + r.retrans + ' retrans, ' + r.resets + ' resets, ' +
            r.bytes + ' bytes, connect ' + (avg * 1000).toFixed(1) + ' ms');
    });
}, 10000);
