'use strict';

// A capture full of terminal escapes (DNS names and TXT, HTTP request targets, status lines,
// header values, parse errors quoting packet bytes) through every tool and output mode: nothing
// they print can drive a terminal. The rule (examples/lib/escape.js): C0 controls, DEL and C1
// controls are escaped as tshark escapes them; raw TAB and LF appear only where a tool puts them
// (LF ends each line, --bodies keeps a body's TAB and line breaks); --json stays valid JSON.
const test = require('node:test');
const assert = require('node:assert');
const { execFile, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { writeHostileCapture, TITLE, CLEAR } = require('./helpers/escapes');

const ROOT = path.resolve(__dirname, '..');
const pcap = require(ROOT);
const DecodeDNS = require('../decode/dns');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-escapes-'));
const FILE = path.join(TMP, 'hostile.pcap');
const made = writeHostileCapture(pcap, FILE);
test.after(() => fs.rmSync(TMP, { recursive: true, force: true }));

function tool(name, args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'examples', name), ...args],
      { timeout: 20000, encoding: 'buffer' }, (err, stdout, stderr) => {
        resolve({ code: err ? err.code : 0, stdout, stderr });
      });
  });
}

// Offsets of bytes a terminal acts on: C0 controls other than TAB and LF, DEL, and C1 controls
// (in UTF-8: 0xC2 0x80-0x9F). TAB is reported too unless `tabOk`.
function unsafeBytes(buf, tabOk) {
  const bad = [];
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if ((c < 0x20 && c !== 0x0a && !(tabOk && c === 0x09)) || c === 0x7f ||
        (c === 0xc2 && i + 1 < buf.length && buf[i + 1] >= 0x80 && buf[i + 1] <= 0x9f)) {
      bad.push(i + ': ' + JSON.stringify(buf.subarray(Math.max(0, i - 10), i + 10).toString('latin1')));
    }
  }
  return bad;
}

const RUNS = [
  ['print.js', []],
  ['print.js', ['-t']],
  ['dns_trace.js', []],
  ['dns_trace.js', ['--answers']],
  ['http_trace.js', ['--errors']],
  ['http_trace.js', ['--headers', '--errors']],
  ['http_trace.js', ['--headers', '--bodies', '--errors']],
  ['http_trace.js', ['--json', '--errors']],
  ['demo.js', []], // prints each packet's toString(), multi-line for DNS as node_pcap's
];

test('every tool, every output mode: no control byte reaches stdout or stderr, the escaped forms do', async () => {
  for (const [name, args] of RUNS) {
    const what = name + ' ' + args.join(' ');
    const r = await tool(name, name === 'demo.js' ? [FILE] : ['-r', FILE, ...args]);
    assert.strictEqual(r.code, 0, what + ': ' + r.stderr);
    const tabOk = args.includes('--bodies');
    assert.deepStrictEqual(unsafeBytes(r.stdout, tabOk), [], what + ' stdout');
    assert.deepStrictEqual(unsafeBytes(r.stderr, false), [], what + ' stderr');
    const out = r.stdout.toString('utf8');
    // The escaped forms are there: ESC, BEL, a C1 CSI, DEL.
    if (args.includes('--json')) {
      assert.match(out, /\\u001b\]0;pwned\\u0007/, what);
      assert.match(out, /\\u009b31m/, what);
      assert.match(out, /\\u007f/, what);
    } else {
      assert.ok(out.includes('\\x1b]0;pwned\\a'), what + ': ' + out.slice(0, 300));
      assert.ok(out.includes('\\x1b[2J'), what);
      assert.ok(out.includes('\\u009b'), what);
      assert.ok(out.includes('\\x7f'), what);
    }
  }
});

test('the hostile fields were printed, escaped, not dropped: DNS names and records, HTTP lines, headers, errors', async () => {
  const dns = (await tool('dns_trace.js', ['-r', FILE])).stdout.toString();
  const qname = made.ASCII_LABELS.join('.');
  const esc = (s) => s.replace(/[\x00-\x1f\x7f-\x9f]/g, (ch) => { // eslint-disable-line no-control-regex
    const c = ch.charCodeAt(0);
    const named = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r' }[c];
    return c >= 0x80 ? '\\u00' + c.toString(16) : named ? '\\' + named : '\\x' + c.toString(16).padStart(2, '0');
  });
  const lines = dns.trim().split('\n');
  assert.strictEqual(lines.length, 4, dns);
  assert.ok(lines[0].endsWith('query #4660 TXT ' + esc(qname)), lines[0]);
  const other = esc(made.C1_LABELS.concat(made.ASCII_LABELS.slice(0, 2)).join('.'));
  for (const part of ['CNAME ' + other, 'PTR ' + other, 'MX 10 ' + other, 'SRV 1 2 5060 ' + other,
    'SOA ' + other + ' host\\x1b[2J.master\\u009b 1 2 3 4 5', 'TXT "\\u001b]0;pwned\\u0007" "\\u001b[2Jx" "tab\\there"']) {
    assert.ok(lines[1].includes(part), part + ' in ' + lines[1]);
  }
  const http = (await tool('http_trace.js', ['-r', FILE, '--headers', '--errors'])).stdout.toString();
  for (const part of [
    'GET ' + esc(made.URL_ASCII) + ' HTTP/1.1 (0 B) => 200 ' + esc(made.STATUS) + ' (12 B)',
    'GET ' + esc(made.URL_C1) + ' HTTP/1.1 (0 B) => 404 N\\x1b]0;pwned\\a (0 B)',
    '    > X-Tab: a\\tb\n', '    > X-C1: z\\u009b31m\\u0085\n', '    < X-Reply: r\\u009b2J\\u0085\n',
    '! HPE_INVALID_HEADER_TOKEN: malformed header line in GET /e\\x1b]0;pwned\\a\\u009b\n',
    '! HPE_NOT_HTTP: not HTTP: stream starts with "\\u009b2J\\u001b]0;pwned\\u0007\\u0085 junk"\n',
  ]) {
    assert.ok(http.includes(part), JSON.stringify(part) + ' in\n' + http);
  }
  // --json: valid JSON whose strings are the packet's own text, byte for byte.
  const json = (await tool('http_trace.js', ['-r', FILE, '--json'])).stdout.toString().trim().split('\n')
    .filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)); // parse errors are text lines
  assert.deepStrictEqual(json.map((x) => x.request.url), [made.URL_ASCII, made.URL_C1]);
  assert.strictEqual(json[0].response.status_message, made.STATUS);
  assert.deepStrictEqual(json[0].request.rawHeaders.slice(2), ['X-Tab', 'a\tb', 'X-C1', 'z\x9b31m\x85']);
  assert.strictEqual(json[1].response.status_message, 'N' + TITLE);
  // print: one line per packet, however many line breaks the names hold.
  const print = (await tool('print.js', ['-r', FILE])).stdout.toString();
  assert.strictEqual(print.trim().split('\n').length, 34);
  assert.ok(print.includes('question:' + esc(qname) + ' TXT IN'));
});

test('the escapes are tshark\'s: its Info column shows the same DNS name and request line (octal where we write \\xHH)', async () => {
  const r = spawnSync('tshark', ['-r', FILE, '-T', 'fields', '-e', '_ws.col.Info'], { encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  const info = r.stdout.split('\n');
  const hex = (s) => s.replace(/\\([0-3][0-7]{2})/g, (m, o) => '\\x' + parseInt(o, 8).toString(16).padStart(2, '0'));
  const query = info.find((l) => l.startsWith('Standard query 0x1234 TXT '));
  const request = info.find((l) => l.startsWith('GET /t'));
  assert.ok(query && request, r.stdout);
  const name = hex(query.slice('Standard query 0x1234 TXT '.length));
  assert.ok((await tool('dns_trace.js', ['-r', FILE])).stdout.toString().includes('query #4660 TXT ' + name + '\n'), name);
  const line = hex(request.trim());
  assert.ok((await tool('http_trace.js', ['-r', FILE])).stdout.toString().includes(line + ' (0 B)'), line);
});

test('toString() escapes only what is not printable: DNS records keep node_pcap\'s text, controls become escapes', () => {
  const orig = require('./helpers/original')('decode/dns');
  const b = require('./helpers/bytes');
  const msg = (labels) => Buffer.concat([b.hex('abcd01000001000000000000'),
    Buffer.concat(labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]))), b.hex('00 0001 0001')]);
  // Printable names (Latin-1 included): the same text as node_pcap 3.1.0.
  for (const labels of [['www', 'example', 'com'], ['caf\xe9', 'x-y_z', '\\backslash'], ['a b', '~!@#$%^&*()']]) {
    const m = msg(labels);
    assert.strictEqual(String(new DecodeDNS().decode(m, 0).question.rrs[0]),
      String(new orig().decode(m, 0).question.rrs[0]));
  }
  // Control characters: escaped, where node_pcap printed them raw.
  const m = msg(['a' + TITLE, CLEAR, 'x\x9by', 'tab\t', 'del\x7f']);
  const ours = String(new DecodeDNS().decode(m, 0).question.rrs[0]);
  const theirs = String(new orig().decode(m, 0).question.rrs[0]);
  assert.ok(theirs.includes('\x1b]0;'), 'node_pcap printed ESC raw');
  assert.strictEqual(ours, 'a\\x1b]0;pwned\\a.\\x1b[2J.x\\u009by.tab\\t.del\\x7f A IN');
  assert.deepStrictEqual(unsafeBytes(Buffer.from(ours), false), []);
  // The decoded fields themselves keep the packet's bytes.
  assert.strictEqual(new DecodeDNS().decode(m, 0).question.rrs[0].name, ['a' + TITLE, CLEAR, 'x\x9by', 'tab\t', 'del\x7f'].join('.'));
});

test('escapeText and jsonText: the rules, and idempotent', () => {
  const { escapeText, jsonText } = require('../examples/lib/escape');
  const { printable } = require('../decode/_internal');
  let all = '';
  for (let c = 0; c < 0x100; c++) all += String.fromCharCode(c);
  const e = escapeText(all);
  assert.strictEqual(printable(all), e, 'the decoders and the tools escape alike');
  assert.strictEqual(escapeText(e), e);
  assert.ok(e.startsWith('\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\a\\b\\t\\n\\v\\f\\r\\x0e'));
  assert.ok(e.includes(' !"#$%&\'()*+,-./0123456789'));
  assert.ok(e.includes('|}~\\x7f\\u0080\\u0081'));
  assert.ok(e.endsWith('\\u009e\\u009f\xa0¡¢' + all.slice(0xa3)));
  assert.deepStrictEqual(unsafeBytes(Buffer.from(e), false), []);
  const j = jsonText({ s: all });
  assert.deepStrictEqual(JSON.parse(j), { s: all });
  assert.deepStrictEqual(unsafeBytes(Buffer.from(j), false), []);
  assert.strictEqual(escapeText('plain text, café'), 'plain text, café');
  assert.strictEqual(escapeText(undefined), 'undefined');
});

test('error lines are escaped too: a path holding escapes, a damaged hostile capture (exit 1)', async () => {
  const missing = path.join(TMP, 'no' + TITLE + CLEAR + '.pcap');
  const damaged = path.join(TMP, 'cut' + TITLE + '.pcap');
  const data = fs.readFileSync(FILE);
  fs.writeFileSync(damaged, data.subarray(0, data.length - 20));
  for (const name of ['print.js', 'dns_trace.js', 'http_trace.js']) {
    const r = await tool(name, ['-r', missing]);
    assert.strictEqual(r.code, 1, name);
    // The package escapes its messages itself (lib/errors.js: BEL as \x07), the tools keep that.
    assert.match(r.stderr.toString(), /ENOENT: .*no\\x1b\]0;pwned(\\a|\\x07)\\x1b\[2J\.pcap/, name);
    assert.deepStrictEqual(unsafeBytes(r.stderr, false), [], name);
    const d = await tool(name, ['-r', damaged]);
    assert.strictEqual(d.code, 1, name + ': ' + d.stderr);
    assert.match(d.stderr.toString(), /EREAD: reading .*cut\\x1b\]0;pwned(\\a|\\x07)\.pcap failed/, name);
    assert.deepStrictEqual(unsafeBytes(d.stdout, false), [], name);
    assert.deepStrictEqual(unsafeBytes(d.stderr, false), [], name);
  }
});
