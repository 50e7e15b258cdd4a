//! TCP health of a flow, as Wireshark's TCP sequence analysis defines it (its
//! `tcp.analysis.*` flags: retransmission, fast and spurious retransmission, out-of-order,
//! zero window, duplicate ACK; and `tcp.analysis.initial_rtt`). Only the state those flags need
//! is kept: no list of unacknowledged segments, a fixed 40 bytes per direction.

use super::key::{tcpflag, TcpSeg};

/// Analysis flags of one segment (Wireshark's `TCP_A_*` meaning, our own values).
pub mod af {
    pub const RETRANSMISSION: u16 = 0x0001;
    pub const FAST_RETRANSMISSION: u16 = 0x0002;
    pub const SPURIOUS_RETRANSMISSION: u16 = 0x0004;
    pub const OUT_OF_ORDER: u16 = 0x0008;
    pub const ZERO_WINDOW: u16 = 0x0010;
    pub const ZERO_WINDOW_PROBE: u16 = 0x0020;
    pub const ZERO_WINDOW_PROBE_ACK: u16 = 0x0040;
    pub const DUPLICATE_ACK: u16 = 0x0080;
    pub const KEEP_ALIVE: u16 = 0x0100;
    pub const KEEP_ALIVE_ACK: u16 = 0x0200;
    pub const LOST_SEGMENT: u16 = 0x0400;
    pub const ACKED_UNSEEN: u16 = 0x0800;
    /// Any of the three kinds that Wireshark also marks `tcp.analysis.retransmission`.
    pub const ANY_RETRANSMISSION: u16 =
        RETRANSMISSION | FAST_RETRANSMISSION | SPURIOUS_RETRANSMISSION;
}

const BASE_SET: u8 = 1;
/// Window scale: not known yet.
const WS_UNKNOWN: i8 = -1;
/// Window scale: known not to be in use.
const WS_OFF: i8 = -2;

/// One direction's sequence state.
#[derive(Clone, Copy, Debug)]
pub struct TcpDir {
    pub next_seq: u32,
    pub last_ack: u32,
    pub max_seq_to_ack: u32,
    /// Last window seen (scaled once the scale is known), `u32::MAX` before the first segment.
    pub window: u32,
    pub base_seq: u32,
    pub next_seq_ns: u64,
    pub last_ack_ns: u64,
    pub dup_acks: i32,
    pub last_flags: u16,
    pub state: u8,
    pub win_scale: i8,
}

impl Default for TcpDir {
    fn default() -> Self {
        TcpDir {
            next_seq: 0,
            last_ack: 0,
            max_seq_to_ack: 0,
            window: u32::MAX,
            base_seq: 0,
            next_seq_ns: 0,
            last_ack_ns: 0,
            dup_acks: 0,
            last_flags: 0,
            state: 0,
            win_scale: WS_UNKNOWN,
        }
    }
}

#[inline]
fn gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

#[inline]
fn lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

#[inline]
fn le(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// Whether a pure SYN (`seg`) in direction `fwd` starts a new connection on the same ports
/// (Wireshark's "port numbers reused": a SYN whose sequence number differs from the one the
/// direction started with).
pub fn is_new_connection(fwd: &TcpDir, seg: &TcpSeg) -> bool {
    seg.flags & (tcpflag::SYN | tcpflag::ACK) == tcpflag::SYN
        && fwd.state & BASE_SET != 0
        && seg.seq != fwd.base_seq
}

/// Handshake timing of a connection (nanoseconds; 0 = not seen).
#[derive(Clone, Copy, Debug, Default)]
pub struct Handshake {
    /// Most recent SYN without ACK.
    pub syn_ns: u64,
    /// Most recent SYN+ACK.
    pub synack_ns: u64,
    /// SYN to the first ACK without SYN (Wireshark's `tcp.analysis.initial_rtt`).
    pub rtt_ns: u64,
    /// SYN+ACK to that ACK: the round trip between the capture point and the client.
    pub client_ns: u64,
    /// SYN to SYN+ACK: the round trip between the capture point and the server.
    pub server_ns: u64,
}

/// Window scale options of a SYN or SYN+ACK (Wireshark's `verify_tcp_window_scaling`).
fn note_window_scale(fwd: &mut TcpDir, rev: &mut TcpDir, seg: &TcpSeg) {
    if seg.wscale >= 0 {
        fwd.win_scale = seg.wscale;
    }
    let synack = seg.flags & tcpflag::ACK != 0;
    if fwd.win_scale == WS_UNKNOWN {
        fwd.win_scale = WS_OFF;
        rev.win_scale = WS_OFF;
    } else if synack && rev.win_scale == WS_OFF {
        fwd.win_scale = WS_OFF;
    }
}

/// Analyses one segment sent in direction `fwd` at `ts` ns and returns its flags (`af`).
pub fn analyze(
    fwd: &mut TcpDir,
    rev: &mut TcpDir,
    hs: &mut Handshake,
    seg: &TcpSeg,
    ts: u64,
) -> u16 {
    let f = seg.flags;
    let syn = f & tcpflag::SYN != 0;
    let ack_flag = f & tcpflag::ACK != 0;
    let sfr = tcpflag::SYN | tcpflag::FIN | tcpflag::RST;
    if syn {
        note_window_scale(fwd, rev, seg);
        if ack_flag {
            hs.synack_ns = ts;
        } else {
            hs.syn_ns = ts;
        }
    } else if ack_flag && f & (tcpflag::FIN | tcpflag::RST) == 0 && hs.syn_ns != 0 && hs.rtt_ns == 0
    {
        // The handshake's last ACK (or the first ACK in either direction after a SYN).
        hs.rtt_ns = ts.saturating_sub(hs.syn_ns);
        if hs.synack_ns >= hs.syn_ns && hs.synack_ns != 0 && hs.rtt_ns != 0 {
            hs.server_ns = hs.synack_ns - hs.syn_ns;
            hs.client_ns = ts.saturating_sub(hs.synack_ns);
        }
    }
    let window = if !syn && fwd.win_scale >= 0 {
        u32::from(seg.window) << fwd.win_scale
    } else {
        u32::from(seg.window)
    };
    let (seq, ack, seglen) = (seg.seq, seg.ack, seg.seglen);

    if fwd.state & BASE_SET == 0 {
        fwd.base_seq = if syn { seq } else { seq.wrapping_sub(1) };
        fwd.state |= BASE_SET;
    }
    if rev.state & BASE_SET == 0 && ack_flag {
        rev.base_seq = ack.wrapping_sub(1);
        rev.state |= BASE_SET;
    }

    let mut fl = 0u16;
    'fwd: {
        if seglen == 1 && seq == fwd.next_seq && rev.window == 0 {
            fl |= af::ZERO_WINDOW_PROBE;
            break 'fwd;
        }
        if window == 0 && f & sfr == 0 {
            fl |= af::ZERO_WINDOW;
        }
        if fwd.next_seq != 0 && gt(seq, fwd.next_seq) && f & tcpflag::RST == 0 {
            fl |= af::LOST_SEGMENT;
        }
        if seglen <= 1 && seq == fwd.next_seq.wrapping_sub(1) && f & sfr == 0 {
            fl |= af::KEEP_ALIVE;
        }
        let same = seglen == 0
            && window == fwd.window
            && seq == fwd.next_seq
            && ack == fwd.last_ack
            && f & sfr == 0;
        if same && window != 0 && rev.last_flags & af::KEEP_ALIVE != 0 {
            fl |= af::KEEP_ALIVE_ACK;
            break 'fwd;
        }
        if same && window == 0 && rev.last_flags & af::ZERO_WINDOW_PROBE != 0 {
            fl |= af::ZERO_WINDOW_PROBE_ACK;
            break 'fwd;
        }
        if same && window != 0 {
            fwd.dup_acks = if fwd.dup_acks == -1 {
                1
            } else {
                fwd.dup_acks + 1
            };
            fl |= af::DUPLICATE_ACK;
        }
    }
    if ack != fwd.last_ack {
        fwd.dup_acks = 0;
    }
    if rev.max_seq_to_ack != 0 && gt(ack, rev.max_seq_to_ack) && ack_flag {
        if rev.max_seq_to_ack > rev.next_seq {
            rev.max_seq_to_ack = rev.next_seq;
            fl |= af::ACKED_UNSEEN;
        } else {
            if rev.dup_acks == 0 {
                fl |= af::ACKED_UNSEEN;
            }
            rev.dup_acks = -1;
        }
    }

    let syn_fin = f & (tcpflag::SYN | tcpflag::FIN) != 0;
    if (seglen > 0 || syn_fin) && fl & af::KEEP_ALIVE == 0 {
        let mut not_advanced = fwd.next_seq != 0 && lt(seq, fwd.next_seq);
        if seglen > 1 && fwd.next_seq.wrapping_sub(1) == seq {
            not_advanced = false;
        }
        let end = seq.wrapping_add(seglen).wrapping_add(u32::from(syn_fin));
        if seglen > 0 && rev.last_ack != 0 && le(seq.wrapping_add(seglen), rev.last_ack) {
            fl |= af::SPURIOUS_RETRANSMISSION;
        } else if not_advanced
            && rev.dup_acks >= 2
            && rev.last_ack == seq
            && ts.saturating_sub(rev.last_ack_ns) < 20_000_000
        {
            fl |= af::FAST_RETRANSMISSION;
        } else {
            let threshold = if hs.rtt_ns == 0 { 3_000_000 } else { hs.rtt_ns };
            if not_advanced && ts.saturating_sub(fwd.next_seq_ns) < threshold && fwd.next_seq != end
            {
                fl |= af::OUT_OF_ORDER;
            } else if not_advanced {
                fl |= af::RETRANSMISSION;
            }
        }
    }

    let next = seq.wrapping_add(seglen).wrapping_add(u32::from(syn_fin));
    let probe = fl & af::ZERO_WINDOW_PROBE != 0;
    if (gt(next, fwd.next_seq) || fwd.next_seq == 0) && !probe {
        fwd.next_seq = next;
        fwd.next_seq_ns = ts;
    }
    if (seq == fwd.max_seq_to_ack || fwd.max_seq_to_ack == 0) && !probe {
        fwd.max_seq_to_ack = fwd.next_seq;
    }
    fwd.window = window;
    fwd.last_ack = ack;
    fwd.last_ack_ns = ts;
    fwd.last_flags = fl;
    fl
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(seq: u32, ack: u32, flags: u8, seglen: u32) -> TcpSeg {
        TcpSeg {
            seq,
            ack,
            flags,
            window: 1000,
            seglen,
            mss: 0,
            wscale: -1,
        }
    }

    const A: u8 = tcpflag::ACK;
    const S: u8 = tcpflag::SYN;

    #[test]
    fn handshake_rtt_split() {
        let (mut c, mut s, mut hs) = (TcpDir::default(), TcpDir::default(), Handshake::default());
        analyze(&mut c, &mut s, &mut hs, &seg(100, 0, S, 0), 1_000);
        analyze(&mut s, &mut c, &mut hs, &seg(500, 101, S | A, 0), 4_000);
        analyze(&mut c, &mut s, &mut hs, &seg(101, 501, A, 0), 10_000);
        assert_eq!(
            (hs.rtt_ns, hs.server_ns, hs.client_ns),
            (9_000, 3_000, 6_000)
        );
    }

    #[test]
    fn retransmission_dup_acks_and_fast_retransmission() {
        let (mut c, mut s, mut hs) = (TcpDir::default(), TcpDir::default(), Handshake::default());
        let ms = 1_000_000;
        analyze(&mut c, &mut s, &mut hs, &seg(100, 0, S, 0), 0);
        analyze(&mut s, &mut c, &mut hs, &seg(500, 101, S | A, 0), ms);
        analyze(&mut c, &mut s, &mut hs, &seg(101, 501, A, 0), 2 * ms);
        assert_eq!(
            analyze(&mut c, &mut s, &mut hs, &seg(101, 501, A, 100), 3 * ms),
            0
        );
        // Same data again, long after: a retransmission.
        let f = analyze(&mut c, &mut s, &mut hs, &seg(101, 501, A, 100), 500 * ms);
        assert_eq!(f & af::ANY_RETRANSMISSION, af::RETRANSMISSION);
        // Server acks 201, then a hole: three duplicate ACKs of 201 and the fast retransmission.
        analyze(&mut s, &mut c, &mut hs, &seg(501, 201, A, 0), 501 * ms);
        analyze(&mut c, &mut s, &mut hs, &seg(301, 501, A, 100), 502 * ms);
        for i in 0..3 {
            let f = analyze(
                &mut s,
                &mut c,
                &mut hs,
                &seg(501, 201, A, 0),
                (503 + i) * ms,
            );
            assert_eq!(f & af::DUPLICATE_ACK, af::DUPLICATE_ACK, "dup ack {i}");
        }
        let f = analyze(&mut c, &mut s, &mut hs, &seg(201, 501, A, 100), 507 * ms);
        assert_eq!(f & af::ANY_RETRANSMISSION, af::FAST_RETRANSMISSION);
    }

    #[test]
    fn zero_window_and_new_connection() {
        let (mut c, mut s, mut hs) = (TcpDir::default(), TcpDir::default(), Handshake::default());
        analyze(&mut c, &mut s, &mut hs, &seg(100, 0, S, 0), 0);
        let mut z = seg(500, 101, A, 0);
        z.window = 0;
        assert_eq!(analyze(&mut s, &mut c, &mut hs, &z, 10), af::ZERO_WINDOW);
        assert!(!is_new_connection(&c, &seg(100, 0, S, 0)));
        assert!(is_new_connection(&c, &seg(7, 0, S, 0)));
        assert!(!is_new_connection(&c, &seg(7, 0, S | A, 0)));
    }
}
