// node_pcap 3.1.0's README snippets and examples (network_grep, tcp_metrics, multiple_interfaces)
// as they read when a JavaScript project moved to TypeScript without `strict`: no annotations,
// the listeners' parameters are whatever the declarations give them. 3.1.0's pcap.d.ts accepts
// this only with `strict` off (implicit any), so it is checked in the non-strict configurations.
import pcap = require('pcap');
import util = require('util');

var matcher = /safari/i;
var grep_session = pcap.createSession('', { filter: 'tcp' });

grep_session.on('packet', function (raw_packet) {
    var packet = pcap.decode.packet(raw_packet),
        data = packet.payload.payload.payload.data;

    if (data && matcher.test(data.toString())) {
        console.log(packet);
        console.log(data.toString());
    }
});

var tcp_tracker = new pcap.TCPTracker(),
    pcap_session = pcap.createSession('en0', { filter: 'ip proto \\tcp' });

tcp_tracker.on('session', function (session) {
    console.log('Start of session between ' + session.src_name + ' and ' + session.dst_name);
    session.on('data send', function (session, data) {
        console.log(session.src_name + ' -> ' + session.dst_name + ' data send ' + session.send_bytes_payload + ' + ' + data.length + ' bytes');
    });
    session.on('data recv', function (session, data) {
        console.log(session.dst_name + ' -> ' + session.src_name + ' data recv ' + session.recv_bytes_payload + ' + ' + data.length + ' bytes');
    });
    session.on('end', function (session) {
        console.log('End of TCP session between ' + session.src_name + ' and ' + session.dst_name);
        console.log('Set stats for session: ', session.session_stats());
    });
});

pcap_session.on('packet', function (raw_packet) {
    var packet = pcap.decode.packet(raw_packet);
    tcp_tracker.track_packet(packet);
});

pcap_session.on('complete', function () {
    console.log('pcap session complete.');
});

process.argv.slice(2).forEach(function (dev) {
    var session = pcap.createSession(dev);
    session.on('packet', function (raw_packet) {
        var packet = pcap.decode.packet(raw_packet);
        console.log(dev + ':', util.inspect(packet, { depth: 6 }));
    });
});

// the decoded layers by hand
function ports(packet) {
    var ip = packet.payload.payload;
    if (ip.protocol === 6 || ip.protocol === 17) {
        return ip.saddr + ':' + ip.payload.sport + ' -> ' + ip.daddr + ':' + ip.payload.dport;
    }
    return ip.saddr + ' -> ' + ip.daddr;
}

var offline = pcap.createOfflineSession('trace.pcap', { filter: 'ip' });
offline.on('packet', function (raw_packet) {
    var packet = pcap.decode.packet(raw_packet);
    console.log(ports(packet), packet.payload.payload.payload.flags);
});

var cache = new pcap.DNSCache();
console.log(cache.ptr('127.0.0.1'), pcap.lib_version);
pcap.warningHandler = function (x) {
    console.log('pcap warning: ' + x);
};
