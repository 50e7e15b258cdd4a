// Types of `require('pcap/tcp_tracker')`: the same classes as `require('pcap').TCPTracker`/`.TCPSession`.
export {
    TCPTracker,
    TCPSession,
    TCPTrackerOptions,
    TCPTrackerEvents,
    TCPSessionEvents,
    TCPSessionStats,
    TCPState,
    TCPDirection,
    TCPDropReason,
    TCPGapReason,
    TCPTrackerStats,
    DecodedPacketLike,
} from './index';
