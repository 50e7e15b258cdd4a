'use strict';
// Sessions and payload bytes per direction against tshark's tcp.stream / tcp.len.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { readDecoded, tsharkStreams, filesWithTcp } = require('./helpers-tracker/capture');

const { TCPTracker } = require(path.resolve(__dirname, '..', 'tcp_tracker'));
const FIXTURES = '/work/shared/fixtures';

test('against tshark: every capture with TCP, and http-loopback', async (t) => {
    const dir = path.join(FIXTURES, 'captures');
    const files = [path.join(FIXTURES, 'http-loopback.pcap')].concat(
        await filesWithTcp(fs.readdirSync(dir).map((f) => path.join(dir, f))));
    assert.ok(files.length >= 30, files.length + ' files');
    for (const file of files) {
        for (const reassemble of [false, true]) {
            await t.test(`${path.basename(file)}${reassemble ? ' (reassemble)' : ''}: sessions and bytes per direction`, async () => {
                const packets = await readDecoded(file);
                const tracker = new TCPTracker({ reassemble });
                const sessions = [];
                tracker.on('session', (s) => sessions.push(s));
                for (const p of packets) { tracker.track_packet(p); }
                tracker.close();
                const streams = tsharkStreams(file);
                assert.strictEqual(sessions.length, streams.length, 'number of sessions = tshark tcp.stream count');
                streams.forEach((st, i) => {
                    const s = sessions[i];
                    const key = s.src < s.dst ? s.src + '-' + s.dst : s.dst + '-' + s.src;
                    assert.strictEqual(key, st.key, 'stream ' + st.stream);
                    assert.strictEqual(s.send_bytes_payload, st.bytes[s.src], 'stream ' + st.stream + ' ' + s.src + ' bytes');
                    assert.strictEqual(s.recv_bytes_payload, st.bytes[s.dst], 'stream ' + st.stream + ' ' + s.dst + ' bytes');
                });
            });
        }
    }
});

test('http-loopback: IPv4 and IPv6 sessions are both present', async () => {
    const packets = await readDecoded(path.join(FIXTURES, 'http-loopback.pcap'));
    const tracker = new TCPTracker();
    const srcs = [];
    tracker.on('session', (s) => srcs.push(s.src));
    for (const p of packets) { tracker.track_packet(p); }
    assert.ok(srcs.some((s) => s.startsWith('[::1]:')));
    assert.ok(srcs.some((s) => s.startsWith('127.0.0.1:')));
});
