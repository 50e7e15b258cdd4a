// A class-based capture service written against node_pcap 3.1.0's pcap.d.ts, as TypeScript code
// bases wrap it: a Promise around an offline session, an EventEmitter around a live one, a test
// double typed as PcapSession. Type-checked only (__test__/types-compat.test.js), never run.
import { EventEmitter } from 'events';
import pcap = require('pcap');
import { CaptureStats, Device, LinkType, LiveSessionOptions, PacketWithHeader, PcapSession } from 'pcap';

export interface Frame {
    seconds: number;
    micros: number;
    length: number;
    data: Buffer;
}

export function frameOf(raw: PacketWithHeader): Frame {
    // node_pcap's header: tv_sec, tv_usec, caplen, len (little-endian)
    return {
        seconds: raw.header.readUInt32LE(0),
        micros: raw.header.readUInt32LE(4),
        length: raw.header.readUInt32LE(12),
        data: raw.buf.slice(0, raw.header.readUInt32LE(8)),
    };
}

/** Every frame of a capture file. */
export function readFile(path: string, filter?: string): Promise<Frame[]> {
    return new Promise((resolve, reject) => {
        const frames: Frame[] = [];
        let session: PcapSession;
        try {
            session = filter ? pcap.createOfflineSession(path, { filter }) : pcap.createOfflineSession(path);
        } catch (e) {
            reject(e);
            return;
        }
        session.on('packet', (raw: PacketWithHeader) => frames.push(frameOf(raw)));
        session.on('error', (err: Error) => reject(err));
        session.once('complete', () => {
            session.removeAllListeners();
            session.close();
            resolve(frames);
        });
    });
}

export class CaptureService extends EventEmitter {
    private session: PcapSession | null = null;
    private linkType: LinkType | null = null;
    private readonly previousHandler = pcap.warningHandler;

    constructor(private readonly options: LiveSessionOptions = { buffer_timeout: 100 }) {
        super();
        pcap.warningHandler = (text) => {
            this.emit('warning', text);
            this.previousHandler(text);
        };
    }

    static devices(): Device[] {
        return pcap.findalldevs().filter((d) => d.flags !== 'PCAP_IF_LOOPBACK' && (d.addresses || []).length > 0);
    }

    start(device: string, filter = ''): LinkType {
        this.stop();
        const session = pcap.createSession(device, { ...this.options, filter });
        session.on('packet', this.onPacket);
        this.session = session;
        this.linkType = session.link_type;
        return this.linkType;
    }

    stats(): CaptureStats | null {
        return this.session ? this.session.stats() : null;
    }

    send(frame: Buffer): boolean {
        if (!this.session) return false;
        this.session.inject(frame);
        return true;
    }

    stop(): void {
        if (this.session) {
            this.session.removeListener('packet', this.onPacket);
            this.session.close();
            this.session = null;
        }
    }

    private readonly onPacket = (raw: PacketWithHeader): void => {
        const decoded = pcap.decode.packet(raw);
        this.emit('frame', frameOf(raw), decoded, this.linkType);
    };
}

// In unit tests: a session that emits what the test gives it.
export function fakeSession(): PcapSession {
    const fake = new EventEmitter() as unknown as PcapSession;
    const stats: CaptureStats = { ps_recv: 0, ps_drop: 0, ps_ifdrop: 0 };
    (fake as any).stats = () => stats;
    return fake;
}
