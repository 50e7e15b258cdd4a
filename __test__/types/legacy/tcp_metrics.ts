// node_pcap 3.1.0's examples/tcp_metrics as a TypeScript user wrote it against 3.1.0's pcap.d.ts,
// where `decode`, `TCPTracker`, `TCPSession` and `DNSCache` were `any`: under `strict` the
// listeners given to the tracker need an annotation, and `any` was the obvious one.
// Type-checked only (__test__/types-legacy.test.js), never run.
import * as pcap from 'pcap';

const tcp_tracker = new pcap.TCPTracker();

if (process.argv.length !== 4) {
    console.error('usage: tcp_metrics interface filter');
    console.error("  tcp_metrics '' \"tcp port 80\"");
    process.exit(1);
}

const pcap_session: pcap.PcapSession = pcap.createSession(process.argv[2], { filter: process.argv[3] });

// listen for packets, decode them, and feed TCP to the tracker
pcap_session.on('packet', (raw_packet: pcap.PacketWithHeader) => {
    const packet = pcap.decode.packet(raw_packet);
    tcp_tracker.track_packet(packet);
});

pcap_session.on('complete', () => {
    console.log('pcap session complete.');
});

// tracker emits sessions, and sessions emit data
tcp_tracker.on('session', (session: any) => {
    console.log('Start of TCP session between ' + session.src_name + ' and ' + session.dst_name);
    session.on('data send', (session: any, data: Buffer) => {
        console.log(session.src_name + ' -> ' + session.dst_name + ' data send ' + session.send_bytes_payload + ' + ' + data.length + ' bytes');
    });
    session.on('data recv', (session: any, data: Buffer) => {
        console.log(session.dst_name + ' -> ' + session.src_name + ' data recv ' + session.recv_bytes_payload + ' + ' + data.length + ' bytes');
    });
    session.on('end', (session: any) => {
        console.log('End of TCP session between ' + session.src_name + ' and ' + session.dst_name);
        console.log('Set stats for session: ', session.session_stats());
    });
});

process.on('SIGINT', () => {
    const stats: pcap.CaptureStats = pcap_session.stats();
    console.log(`${stats.ps_recv} received, ${stats.ps_drop} dropped, ${stats.ps_ifdrop} dropped by the interface`);
    pcap_session.close();
});
