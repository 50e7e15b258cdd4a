/// <reference types="node" />
// Types of `require('pcap/decode/websocket')`: a hixie-76 WebSocket text frame parser.
import { EventEmitter } from 'events';

declare class WebSocketParser extends EventEmitter {
    /** `"draft76"` first skips the 16-byte handshake response body. */
    constructor(flag?: 'draft76' | string);
    buffer: Buffer & { end: number };
    state: string;
    frame: { type: number | null; data: string };
    skipped_bytes?: number;
    /** Feeds bytes; emits `message` with the text of each complete frame. */
    execute(incoming_buf: Buffer): void;
    on(event: 'message', listener: (text: string) => void): this;
    once(event: 'message', listener: (text: string) => void): this;
}

export = WebSocketParser;
