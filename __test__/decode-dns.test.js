'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const b = require('./helpers/bytes');
const DNS = require('../decode/dns');
const decode = require('../decode').decode;

function rr(name, type, cls, ttl, rdata) {
  return Buffer.concat([name, b.u16(type), b.u16(cls), b.u32(ttl), b.u16(rdata.length), rdata]);
}

// Response to "example.com A?" with one record of each supported type.
function response() {
  const header = b.hex('abcd 8580 0001 0009 0000 0001');
  const q = Buffer.concat([b.dnsName('example.com'), b.u16(1), b.u16(1)]);
  const ptr = b.hex('c00c'); // -> example.com at offset 12
  const answers = [
    rr(ptr, 1, 1, 300, b.hex('5db8d822')),
    rr(ptr, 28, 1, 300, b.hex('20010db8000000000000000000000001')),
    rr(ptr, 2, 1, 60, b.dnsName('ns1.example.com')),
    rr(ptr, 5, 1, 60, Buffer.concat([b.hex('03777777'), ptr])),
    rr(ptr, 15, 1, 60, Buffer.concat([b.u16(10), b.dnsName('mail.example.com')])),
    rr(ptr, 16, 1, 60, b.hex('0568656c6c6f 00 03616263')),
    rr(ptr, 6, 1, 60, Buffer.concat([b.dnsName('ns1.example.com'), b.dnsName('admin.example.com'),
      b.u32(2024010101), b.u32(7200), b.u32(3600), b.u32(1209600), b.u32(300)])),
    rr(ptr, 33, 1, 60, Buffer.concat([b.u16(1), b.u16(5), b.u16(5060), b.dnsName('sip.example.com')])),
    rr(ptr, 12, 1, 60, b.dnsName('host.example.com'))
  ];
  const opt = rr(b.hex('00'), 41, 1232, 0x00008000, b.hex('000a 0002 abcd'));
  return Buffer.concat([header, q].concat(answers).concat([opt]));
}

test('DNS response: header flags, field order, every supported record type', function () {
  const d = new DNS().decode(response(), 0);
  assert.deepEqual(Object.keys(d), ['emitter', 'header', 'question', 'answer', 'authority', 'additional', '_error',
    'raw_packet', 'offset', 'id', 'qdcount', 'ancount', 'nscount', 'arcount']);
  assert.equal(d._error, undefined);
  assert.equal(d.id, 0xabcd);
  assert.deepEqual(Object.keys(d.header), ['isResponse', 'opcode', 'isAuthority', 'isTruncated',
    'isRecursionDesired', 'isRecursionAvailible', 'z', 'responseCode']);
  assert.deepEqual([d.header.isResponse, d.header.isAuthority, d.header.isRecursionDesired,
    d.header.isRecursionAvailible, d.header.z, d.header.responseCode], [true, true, true, true, 0, 0]);
  assert.equal(String(d.header), '{ isResponse:true opcode:0 isAuthority:true isTruncated:false ' +
        'isRecursionDesired:true isRecursionAvailible:true z:0 responseCode:0 }');
  const q = d.question.rrs[0];
  assert.deepEqual(Object.keys(q), ['name', 'type', 'class', 'ttl', 'rdlength', 'rdata', 'is_question']);
  assert.equal(String(q), 'example.com A IN');
  const a = d.answer.rrs;
  assert.equal(a.length, 9);
  assert.equal(String(a[0]), 'example.com A IN 300 93.184.216.34');
  assert.equal(String(a[1].rdata), '2001:0db8:0000:0000:0000:0000:0000:0001');
  assert.equal(a[1].data, a[1].rdata);
  assert.equal(a[2].rdata, 'ns1.example.com');
  assert.equal(a[3].rdata, 'www.example.com');
  assert.equal(a[4].rdata.preference, 10);
  assert.equal(a[4].rdata.exchange, 'mail.example.com');
  assert.equal(String(a[4]), 'example.com MX IN 60 10 mail.example.com');
  assert.deepEqual(a[5].rdata, ['hello', '', 'abc']);
  assert.deepEqual([a[6].rdata.mname, a[6].rdata.rname, a[6].rdata.serial, a[6].rdata.minimum],
    ['ns1.example.com', 'admin.example.com', 2024010101, 300]);
  assert.deepEqual([a[7].rdata.priority, a[7].rdata.weight, a[7].rdata.port, a[7].rdata.target],
    [1, 5, 5060, 'sip.example.com']);
  assert.equal(String(a[7]), 'example.com SRV IN 60 1 5 5060 sip.example.com');
  assert.equal(a[8].rdata, 'host.example.com');
  const opt = d.additional.rrs[0].rdata;
  assert.deepEqual([opt.udpPayloadSize, opt.version, opt.dnssecOk], [1232, 0, true]);
  assert.deepEqual(opt.options, [{ code: 10, data: b.hex('abcd') }]);
});

test('DNS z bit is (byte & 0x70) >> 4, not the RCODE bits', function () {
  const d = new DNS().decode(b.hex('0001 0123 0000 0000 0000 0000'), 0);
  assert.equal(d.header.z, 2);
  assert.equal(d.header.responseCode, 3);
  assert.equal(d.header.opcode, 0);
});

test('DNS inside UDP toString (port 53)', function () {
  const query = Buffer.concat([b.hex('1234 0100 0001 0000 0000 0000'), b.dnsName('www.tcpdump.org'), b.u16(1), b.u16(1)]);
  const p = decode(b.pkt('LINKTYPE_ETHERNET', b.eth(0x0800, b.ipv4(17, b.udp(43966, 53, query)))));
  assert.equal(String(p.payload.payload.payload), 'UDP 43966->53 len 41 DNS { isResponse:false opcode:0 ' +
        'isAuthority:false isTruncated:false isRecursionDesired:true isRecursionAvailible:false z:0 responseCode:0 }' +
        '\n  question:www.tcpdump.org A IN');
});

test('DNS: pointer loops, forward pointers, absurd counts and truncation stop with _error', function () {
  const loop = Buffer.concat([b.hex('0000 8000 0001 0000 0000 0000'), b.hex('c00c'), b.u16(1), b.u16(1)]);
  const d1 = new DNS().decode(loop, 0);
  assert.match(d1._error, /compression pointer loop/);
  assert.equal(d1.question.rrs.length, 0);
  assert.match(String(d1), /^ DNS \{/);
  // two names pointing at each other
  const mutual = Buffer.concat([b.hex('0000 8000 0001 0000 0000 0000'), b.hex('01 61 c0 10'), b.hex('01 62 c0 0c'),
    b.u16(1), b.u16(1)]);
  assert.match(new DNS().decode(mutual, 0)._error, /compression pointer/);
  const absurd = new DNS().decode(b.hex('0000 8000 ffff 0000 0000 0000'), 0);
  assert.equal(absurd._error, 'Malformed DNS packet: too many RRs at offset 12');
  assert.equal(absurd.question, undefined);
  const shortRr = Buffer.concat([b.hex('0000 8000 0000 0002 0000 0000'), rr(b.hex('00'), 1, 1, 1, b.hex('01020304')),
    b.hex('00 0001')]);
  const d3 = new DNS().decode(shortRr, 0);
  assert.match(d3._error, /truncated type\/class/);
  assert.equal(d3.answer.rrs.length, 1);
  assert.equal(String(d3.answer.rrs[0].rdata), '1.2.3.4');
  const label = new DNS().decode(Buffer.concat([b.hex('0000 0000 0001 0000 0000 0000'), b.hex('4061')]), 0);
  assert.match(label._error, /length is too large/);
  const tiny = new DNS().decode(b.hex('00'), 0);
  assert.equal(tiny._error, 'truncated DNS header');
  assert.equal(typeof String(tiny), 'string');
});
