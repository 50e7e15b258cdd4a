/// <reference types="node" />
// Types of lib/http.js: `require('pcap').HTTPTracker`, HTTP/1.x messages decoded from the ordered
// byte streams of a TCPTracker created with { reassemble: true }.
import { EventEmitter } from 'events';
import type { TCPTracker, TCPTrackerOptions, TCPSession, TCPDirection, DecodedPacketLike } from '../index';

export interface HTTPTrackerOptions {
    /** Bytes of a start line plus header block (default 65536); more is an `HPE_HEADER_OVERFLOW` error. */
    maxHeaderSize?: number;
    /** Requests waiting for their response, per connection (default 1024). */
    maxPending?: number;
    /** Bytes held after an Upgrade/CONNECT request until its response (default 1 MiB). */
    maxHeldBytes?: number;
    /** Requests waiting for their response, across all connections (default 65536). */
    maxPendingTotal?: number;
    /** Bytes of waiting heads, partial heads, chunk lines and held Upgrade/CONNECT bytes, across all
     * connections (default 64 MiB). Over either total the connection holding something longest is
     * dropped (`http drop`). */
    maxBufferedTotal?: number;
    /** Also emit the events on the TCPSession, as node_pcap 2.x did (default true). */
    sessionEvents?: boolean;
    /** Options of the TCPTracker created when none is given (`reassemble` is always true). */
    tcp?: TCPTrackerOptions;
}

/** Fields of both requests and responses. Times are capture times in seconds. */
export interface HTTPMessageBase {
    /** e.g. `"1.1"`. */
    http_version: string;
    /** Names as sent; repeated fields joined with ", " (Set-Cookie with "\n"). */
    headers: Record<string, string>;
    /** [name, value, name, value, ...] as sent. */
    rawHeaders: string[];
    /** Trailer fields of a chunked body, or null. */
    trailers: Record<string, string> | null;
    chunked: boolean;
    /** From Content-Length (null without one, or with Transfer-Encoding). */
    content_length: number | null;
    /** Body bytes seen. */
    body_len: number;
    /** Body bytes missing from the capture. */
    body_lost: number;
    start_time: number;
    headers_time: number;
    /** null until the message is complete. */
    end_time: number | null;
}

export interface HTTPRequest extends HTTPMessageBase {
    method: string;
    url: string;
    /** CONNECT, or an Upgrade request. */
    upgrade: boolean;
}

export interface HTTPResponse extends HTTPMessageBase {
    status_code: number;
    status_message: string;
}

/** One request and its response. */
export interface HTTPExchange {
    /** `"ip:port"` as in `session.src`/`session.dst`. */
    client: string;
    server: string;
    /** null for a response whose request was not captured. */
    request: HTTPRequest | null;
    response: HTTPResponse | null;
    /** Seconds from the end of the request to the start of the response. */
    response_time: number | null;
    /** Seconds from the start of the request to the end of the response. */
    total_time: number | null;
    /** 1xx responses (other than 101) before the final one. */
    informational: HTTPResponse[];
    /** `'unknown'`: bytes were lost on this connection before the pairing was settled, so messages
     * may be missing and the tracker cannot vouch that `response` answers `request`. */
    pairing: 'known' | 'unknown';
    /** The `HPE_*` code of the `http error` that cut this exchange off (`'HPE_LOST_DATA'` when
     * the capture lost its bytes), or null. */
    error: string | null;
}

/** A parse error: `code` is an `HPE_*` name (as Node's http parser), `direction` the stream. */
export interface HTTPParseError extends Error {
    code: string;
    direction: TCPDirection;
    /** The exchange the error cut off, or null. */
    exchange?: HTTPExchange | null;
}

/** The HTTP events, on the HTTPTracker (and on the TCPSession unless `sessionEvents: false`). */
export interface HTTPEvents {
    'http request': [session: TCPSession, exchange: HTTPExchange];
    'http request body': [session: TCPSession, exchange: HTTPExchange, data: Buffer];
    'http request complete': [session: TCPSession, exchange: HTTPExchange];
    'http response': [session: TCPSession, exchange: HTTPExchange];
    'http response body': [session: TCPSession, exchange: HTTPExchange, data: Buffer];
    'http response complete': [session: TCPSession, exchange: HTTPExchange];
    /** 101 Switching Protocols or a CONNECT 2xx: the rest of the connection is not HTTP. */
    'http upgrade': [session: TCPSession, exchange: HTTPExchange];
    /** A request still waiting for its response when the connection ended. */
    'http unanswered': [session: TCPSession, exchange: HTTPExchange];
    /** A message was cut: by a parse error (parsing of that direction stops) or, with code
     * `HPE_LOST_DATA`, by bytes the capture lost (parsing resumes at the next start line). */
    'http error': [session: TCPSession, direction: TCPDirection, err: HTTPParseError];
    /** A global limit was hit: nothing more of this connection is parsed. */
    'http drop': [session: TCPSession, info: { reason: 'total'; bytes: number; pending: HTTPExchange[] }];
}

export interface HTTPTrackerStats {
    sessions: number;
    requests: number;
    responses: number;
    unanswered: number;
    errors: number;
    /** Connections dropped by `maxPendingTotal`/`maxBufferedTotal`. */
    dropped: number;
    /** Requests waiting now, and bytes held now; their peaks. */
    pending: number;
    bufferedBytes: number;
    peakPending: number;
    peakBufferedBytes: number;
}

export declare class HTTPTracker extends EventEmitter {
    /** With its own `TCPTracker({ ...options.tcp, reassemble: true })`. */
    constructor(options?: HTTPTrackerOptions);
    /** On a TCPTracker created with `{ reassemble: true }` (else a TypeError with code `EINVAL`). */
    constructor(tcpTracker: TCPTracker, options?: HTTPTrackerOptions);
    readonly options: Required<Omit<HTTPTrackerOptions, 'tcp'>>;
    readonly tcpTracker: TCPTracker;
    readonly stats: HTTPTrackerStats;
    /** Passes a decoded packet to the TCP tracker. */
    track_packet(packet: DecodedPacketLike): void;
    /** End of input: closes the TCP tracker (bodies read until close complete; waiting requests are `http unanswered`). */
    close(): void;
    /** Stops listening to the TCP tracker. */
    detach(): void;
    on<E extends keyof HTTPEvents>(event: E, listener: (...args: HTTPEvents[E]) => void): this;
    once<E extends keyof HTTPEvents>(event: E, listener: (...args: HTTPEvents[E]) => void): this;
    addListener<E extends keyof HTTPEvents>(event: E, listener: (...args: HTTPEvents[E]) => void): this;
    prependListener<E extends keyof HTTPEvents>(event: E, listener: (...args: HTTPEvents[E]) => void): this;
    prependOnceListener<E extends keyof HTTPEvents>(event: E, listener: (...args: HTTPEvents[E]) => void): this;
    off<E extends keyof HTTPEvents>(event: E, listener: (...args: HTTPEvents[E]) => void): this;
    removeListener<E extends keyof HTTPEvents>(event: E, listener: (...args: HTTPEvents[E]) => void): this;
}

export declare const DEFAULTS: Readonly<Required<Omit<HTTPTrackerOptions, 'tcp'>>>;
