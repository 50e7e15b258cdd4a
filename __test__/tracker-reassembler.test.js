'use strict';
// The Reassembler on its own (lib/tracker/reassembler.js): segments in, results out, no events.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const crypto = require('node:crypto');

const LIB = path.resolve(__dirname, '..', 'lib', 'tracker');
const { Reassembler, IN_ORDER } = require(path.join(LIB, 'reassembler'));
const { Budget } = require(path.join(LIB, 'budget'));
const { seqAdd, seqDiff, seqAfter, seqBefore } = require(path.join(LIB, 'seq'));

// Every queued result: {data: text, seq} or {gap: bytes, seq, reason}.
function results(r) {
  const out = [];
  while (r.nextOutput()) {
    if (r.outData !== null) {
      assert.strictEqual(r.outData.length, r.outLen);
      out.push({ data: r.outData.toString('latin1'), seq: r.outSeq });
    } else {
      out.push({ gap: r.outLen, seq: r.outSeq, reason: r.outReason });
    }
  }
  return out;
}

// push(seq, text) and what it delivered: the results it queued, or the segment itself when
// push() says IN_ORDER.
function push(r, seq, text, len) {
  const data = Buffer.from(text, 'latin1');
  const n = r.push(seq >>> 0, len === undefined ? data.length : len, data);
  const out = results(r);
  if (n === IN_ORDER) {
    assert.strictEqual(out.length, 0, 'IN_ORDER: nothing queued');
    return [{ data: text, seq: seq >>> 0 }];
  }
  assert.strictEqual(out.length, n, 'push returns the number of results it queued');
  return out;
}

const texts = (out) => out.map((o) => (o.data !== undefined ? o.data : { gap: o.gap, reason: o.reason }));

test('sequence helpers wrap at 2^32', () => {
  assert.strictEqual(seqAdd(0xffffffff, 1), 0);
  assert.strictEqual(seqAdd(0xfffffff0, 0x20), 0x10);
  assert.strictEqual(seqDiff(0x10, 0xfffffff0), 0x20);
  assert.strictEqual(seqDiff(0xfffffff0, 0x10), -0x20);
  assert.strictEqual(seqAfter(5, 0xffffffff), true);
  assert.strictEqual(seqBefore(0xffffffff, 5), true);
  assert.strictEqual(seqAfter(7, 7), false);
  // int32 (stored) and uint32 (decoded) forms of the same number compare equal
  assert.strictEqual(seqDiff(0xfffffffe | 0, 0xfffffffe), 0);
});

test('in-order segments are delivered as they come, the same buffers', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(1000);
  const a = Buffer.from('hello ');
  assert.strictEqual(r.push(1000, a.length, a), IN_ORDER, 'the common case queues nothing');
  assert.strictEqual(r.nextOutput(), false);
  assert.strictEqual(r.next, 1006);
  // a segment overlapping the stream is queued: its new part, a view of the same bytes
  const b = Buffer.from('o world');
  assert.strictEqual(r.push(1005, b.length, b), 1);
  assert.ok(r.nextOutput());
  assert.strictEqual(r.outData.buffer, b.buffer, 'a view, not a copy');
  assert.strictEqual(r.outData.toString(), ' world');
  assert.strictEqual(r.outSeq, 1006);
  assert.strictEqual(r.outLen, 6);
  assert.strictEqual(r.nextOutput(), false);
  assert.strictEqual(r.outData, null, 'no buffer kept after the last result');
  assert.strictEqual(r.next, 1012);
});

test('without start() the stream starts at the first segment', () => {
  const r = new Reassembler(1 << 20, 256, null);
  assert.deepStrictEqual(texts(push(r, 500, 'abc')), ['abc']);
  assert.deepStrictEqual(texts(push(r, 490, 'old')), [], 'bytes before the start are old');
});

test('out-of-order segments are held and released in order', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(0);
  assert.deepStrictEqual(push(r, 8, 'IJKL'), []);
  assert.deepStrictEqual(push(r, 4, 'EFGH'), []);
  assert.strictEqual(r.pending.length, 2);
  assert.strictEqual(r.pendingBytes, 8);
  assert.deepStrictEqual(push(r, 0, 'ABCD'), [
    { data: 'ABCD', seq: 0 }, { data: 'EFGH', seq: 4 }, { data: 'IJKL', seq: 8 }]);
  assert.strictEqual(r.pending.length, 0);
  assert.strictEqual(r.pendingBytes, 0);
});

test('held segments are copies: the caller may reuse its buffer', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(0);
  const buf = Buffer.from('late');
  r.push(4, 4, buf);
  buf.fill(0x78);
  assert.deepStrictEqual(texts(push(r, 0, 'soon')), ['soon', 'late']);
});

test('overlaps: only the new bytes of a segment are delivered', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(0);
  push(r, 0, 'ABCDEF');
  assert.deepStrictEqual(push(r, 3, 'DEFGHI'), [{ data: 'GHI', seq: 6 }]);
  // held segments that overlap each other and the stream
  assert.deepStrictEqual(push(r, 12, 'MNOP'), []);
  assert.deepStrictEqual(push(r, 10, 'KLMN'), []);
  assert.deepStrictEqual(push(r, 8, 'IJK'), [
    { data: 'JK', seq: 9 }, { data: 'LMN', seq: 11 }, { data: 'OP', seq: 14 }]);
});

test('duplicates and retransmissions are not delivered again', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(0);
  push(r, 0, 'abcd');
  assert.deepStrictEqual(push(r, 0, 'abcd'), []);
  assert.deepStrictEqual(push(r, 2, 'cd'), []);
  // a duplicate of a held segment is not held twice
  push(r, 8, 'ijkl');
  push(r, 8, 'ijkl');
  push(r, 8, 'ij');
  assert.strictEqual(r.pending.length, 1);
  assert.deepStrictEqual(texts(push(r, 4, 'efgh')), ['efgh', 'ijkl']);
});

test('a retransmission with different bytes: the bytes seen first win', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(0);
  push(r, 0, 'AAAA');
  assert.deepStrictEqual(push(r, 0, 'BBBB'), [], 'delivered bytes stay delivered');
  assert.deepStrictEqual(push(r, 2, 'BBCC'), [{ data: 'CC', seq: 4 }], 'only the bytes beyond are new');
  // held: same place and length, different bytes: the first copy stays
  push(r, 10, 'DDDD');
  push(r, 10, 'EEEE');
  // held: same place, longer: held too; its extra bytes follow the first copy's
  push(r, 10, 'FFFFFF');
  // held: starts inside an earlier held segment: the earlier one's bytes win on the overlap
  push(r, 12, 'GGGGGG');
  assert.deepStrictEqual(texts(push(r, 6, 'HHHH')), ['HHHH', 'DDDD', 'FF', 'GG']);
  assert.strictEqual(r.next, 18);
});

test('bytes cut by the capture are a gap after the captured part', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(100);
  assert.deepStrictEqual(push(r, 100, 'abc', 10), [
    { data: 'abc', seq: 100 }, { gap: 7, seq: 103, reason: 'snaplen' }]);
  assert.strictEqual(r.next, 110);
  // held and cut: the gap comes when it is released
  push(r, 120, 'xy', 5);
  assert.deepStrictEqual(push(r, 110, '0123456789'), [
    { data: '0123456789', seq: 110 }, { data: 'xy', seq: 120 }, { gap: 3, seq: 122, reason: 'snaplen' }]);
  // nothing captured at all
  assert.deepStrictEqual(push(r, 125, '', 4), [{ gap: 4, seq: 125, reason: 'snaplen' }]);
  const n = r.push(129, 2, null);
  assert.strictEqual(n, 1);
  assert.deepStrictEqual(results(r), [{ gap: 2, seq: 129, reason: 'snaplen' }]);
});

test('flush gives up every hole, delivers what is held, and reports bytes missing before the FIN', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(0);
  push(r, 0, 'AAAAA');
  push(r, 10, 'CCCCC');
  push(r, 20, 'EEEEE');
  r.setFin(30);
  r.setFin(99); // the first FIN wins
  const n = r.flush('end');
  assert.deepStrictEqual(results(r), [
    { gap: 5, seq: 5, reason: 'end' }, { data: 'CCCCC', seq: 10 },
    { gap: 5, seq: 15, reason: 'end' }, { data: 'EEEEE', seq: 20 },
    { gap: 5, seq: 25, reason: 'end' }]);
  assert.strictEqual(n, 5);
  assert.strictEqual(r.next, 30);
  assert.strictEqual(r.flush('end'), 0, 'a second flush has nothing left');
});

test('skip gives up only the first hole; flushTo declares everything before a sequence number lost', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(0);
  push(r, 10, 'bb');
  push(r, 12, 'cc');
  push(r, 20, 'dd');
  push(r, 30, 'ee');
  assert.deepStrictEqual(texts((r.skip('lost'), results(r))), [{ gap: 10, reason: 'lost' }, 'bb', 'cc']);
  assert.strictEqual(r.next, 14);
  // up to 25: the hole before 20 and 20..21 delivered, then 22..25 lost; 30 still held
  assert.deepStrictEqual((r.flushTo(25, 'lost'), results(r)), [
    { gap: 6, seq: 14, reason: 'lost' }, { data: 'dd', seq: 20 }, { gap: 3, seq: 22, reason: 'lost' }]);
  assert.strictEqual(r.next, 25);
  assert.strictEqual(r.pending.length, 1);
  assert.deepStrictEqual(push(r, 20, 'zzzzz'), [], 'bytes before the new start are old');
  // flushTo reaching into held data continues after it
  assert.deepStrictEqual(texts((r.flushTo(31, 'lost'), results(r))), [{ gap: 5, reason: 'lost' }, 'ee']);
  assert.strictEqual(r.next, 32);
  assert.strictEqual(r.flushTo(10, 'lost'), 0, 'a point already passed changes nothing');
  const fresh = new Reassembler(1 << 20, 256, null);
  assert.strictEqual(fresh.flushTo(77, 'lost'), 0);
  assert.deepStrictEqual(push(fresh, 77, 'x'), [{ data: 'x', seq: 77 }], 'an unknown stream starts there');
});

test('the per-direction limits: the first hole is given up (reason "limit") and delivery goes on', () => {
  const bytes = new Reassembler(10, 256, null);
  bytes.start(0);
  assert.deepStrictEqual(push(bytes, 5, 'aaaaa'), []);
  assert.deepStrictEqual(push(bytes, 15, 'bbbbb'), []);
  assert.deepStrictEqual(push(bytes, 25, 'c'), [
    { gap: 5, seq: 0, reason: 'limit' }, { data: 'aaaaa', seq: 5 }]);
  assert.strictEqual(bytes.pendingBytes, 6);
  const segs = new Reassembler(1 << 20, 2, null);
  segs.start(0);
  push(segs, 2, 'x');
  push(segs, 4, 'y');
  assert.deepStrictEqual(texts(push(segs, 6, 'z')), [{ gap: 2, reason: 'limit' }, 'x']);
  assert.strictEqual(segs.pending.length, 2);
  // a limit of 0 bytes holds nothing: every out-of-order segment is delivered after its gap
  const none = new Reassembler(0, 256, null);
  none.start(0);
  assert.deepStrictEqual(texts(push(none, 3, 'q')), [{ gap: 3, reason: 'limit' }, 'q']);
});

test('sequence numbers wrap at 2^32: in order, held across the wrap, gaps across it', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.start(0xfffffffa);
  assert.deepStrictEqual(push(r, 0xfffffffa, 'abcd'), [{ data: 'abcd', seq: 0xfffffffa }]);
  assert.deepStrictEqual(push(r, 0x00000002, 'ghij'), [], 'after the wrap: held');
  assert.deepStrictEqual(push(r, 0xfffffffe, 'ef'), [{ data: 'ef', seq: 0xfffffffe }],
    'the hole is only 0xfffffffe..0xffffffff: 0 and 1 are still missing');
  assert.strictEqual(r.next, 0);
  assert.deepStrictEqual(push(r, 0, 'XY'), [{ data: 'XY', seq: 0 }, { data: 'ghij', seq: 2 }]);
  assert.strictEqual(r.next, 6);
  const g = new Reassembler(1 << 20, 256, null);
  g.start(0xfffffff0);
  push(g, 0x10, 'late');
  r.setFin(0);
  g.setFin(0x20);
  assert.deepStrictEqual(texts((g.flush('end'), results(g))), [{ gap: 0x20, reason: 'end' }, 'late', { gap: 12, reason: 'end' }]);
});

test('randomised: any order, duplicates and re-cut retransmissions give back the exact stream', () => {
  let seed = 12345;
  const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32; };
  for (let round = 0; round < 200; round++) {
    const stream = crypto.randomBytes(1 + Math.floor(rnd() * 3000));
    const isn = Math.floor(rnd() * 2 ** 32); // anywhere, the wrap included
    const segs = [];
    for (let off = 0; off < stream.length;) {
      const n = 1 + Math.floor(rnd() * 200);
      segs.push([off, Math.min(stream.length, off + n)]);
      off += n;
    }
    for (let i = 0; i < 10; i++) {
      const a = Math.floor(rnd() * stream.length);
      segs.push([a, Math.min(stream.length, a + 1 + Math.floor(rnd() * 300))]);
    }
    for (let i = segs.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [segs[i], segs[j]] = [segs[j], segs[i]];
    }
    const r = new Reassembler(1 << 20, 1 << 16, null);
    r.start(isn);
    const got = [];
    let expect = isn;
    const take = (n, data) => {
      if (n === IN_ORDER) {
        assert.strictEqual(seqAdd(isn, data.byteOffset - stream.byteOffset), expect);
        expect = seqAdd(expect, data.length);
        got.push(Buffer.from(data));
        return;
      }
      while (r.nextOutput()) {
        assert.strictEqual(r.outData === null, false, 'no gap when nothing was lost');
        assert.strictEqual(r.outSeq, expect, 'results are contiguous');
        expect = seqAdd(expect, r.outLen);
        got.push(Buffer.from(r.outData));
      }
    };
    for (const [a, b] of segs) {
      const data = stream.subarray(a, b);
      take(r.push(seqAdd(isn, a), b - a, data), data);
    }
    take(r.flush('end'));
    assert.deepStrictEqual(Buffer.concat(got), stream, 'round ' + round);
    assert.strictEqual(r.pending.length, 0);
  }
});

test('a budget counts what every reassembler holds and lists the holders oldest first', () => {
  const budget = new Budget(100, 3);
  const a = new Reassembler(1 << 20, 256, budget);
  const b = new Reassembler(1 << 20, 256, budget);
  a.start(0);
  b.start(0);
  push(a, 10, 'aaaa');
  push(b, 10, 'bbbbbb');
  push(a, 20, 'cc');
  assert.deepStrictEqual([budget.bytes, budget.items, budget.holders], [12, 3, 2]);
  assert.strictEqual(budget.first, a);
  assert.strictEqual(budget.last, b);
  assert.strictEqual(budget.over(), false);
  push(b, 30, 'd');
  assert.strictEqual(budget.over(), true, '4 segments > 3');
  // the owner makes the oldest holder give something up
  assert.deepStrictEqual(texts((budget.first.skip('total'), results(a))), [{ gap: 10, reason: 'total' }, 'aaaa']);
  assert.deepStrictEqual([budget.bytes, budget.items, budget.over()], [9, 3, false]);
  assert.strictEqual(budget.first, a, 'a still holds');
  push(a, 0, '0123456789');
  push(a, 14, '012345');
  assert.deepStrictEqual([budget.bytes, budget.items, budget.first, budget.holders], [7, 2, b, 1], 'a left the list');
  push(a, 40, 'z');
  assert.strictEqual(budget.last, a, 'and joins it at the end again');
  b.release();
  a.flush('end');
  results(a);
  assert.deepStrictEqual([budget.bytes, budget.items, budget.holders, budget.first], [0, 0, 0, null]);
  assert.deepStrictEqual([budget.peakBytes, budget.peakItems], [13, 4]);
});

test('ack: a hole the peer acknowledged is given up on the second ACK past it, exactly once', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.ackGrace = 2;
  r.start(1000);
  assert.deepStrictEqual(texts(push(r, 1000, 'aaaa')), ['aaaa']);
  // 1004..1009 lost by the capture; the next segment is held behind the hole
  assert.deepStrictEqual(push(r, 1010, 'cccc'), []);
  assert.strictEqual(r.ack(1004), 0, 'an ACK up to next shows no loss');
  assert.strictEqual(r.ack(1014), 0, 'the first ACK past the hole is a grace (capture reordering)');
  assert.strictEqual(r.ack(1014), 2);
  assert.deepStrictEqual(results(r), [
    { gap: 6, seq: 1004, reason: 'acked' },
    { data: 'cccc', seq: 1010 },
  ]);
  assert.strictEqual(r.ack(1014), 0, 'reported once');
  assert.strictEqual(r.ack(1014), 0);
  // the lost bytes arriving late are old: nothing more
  assert.deepStrictEqual(push(r, 1004, 'bbbbbb'), []);
  assert.deepStrictEqual(texts(push(r, 1014, 'dd')), ['dd']);
});

test('ack: a segment the capture shows after its ACK still fills the hole', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.ackGrace = 2;
  r.start(1);
  push(r, 1, 'ab');
  assert.deepStrictEqual(push(r, 5, 'ef'), []);
  assert.strictEqual(r.ack(7), 0);
  assert.deepStrictEqual(texts(push(r, 3, 'cd')), ['cd', 'ef']);
  assert.strictEqual(r.ack(7), 0, 'caught up: no gap');
  assert.strictEqual(r.outputs(), 0);
});

test('ack: a lost tail with nothing held behind it, and the ACK of a FIN', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.ackGrace = 2;
  r.start(100);
  push(r, 100, 'x'.repeat(10));
  r.ack(130);
  assert.strictEqual(r.ack(130), 0, 'nothing held behind the hole: nothing waits, nothing given up');
  assert.deepStrictEqual(push(r, 130, 'next'), [{ gap: 20, seq: 110, reason: 'acked' }, { data: 'next', seq: 130 }],
    'the next segment is not held: the acknowledged hole is given up at once');
  r.setFin(134);
  assert.strictEqual(r.ack(135), 0);
  assert.strictEqual(r.ack(135), 0, 'the ACK of the FIN is not a lost byte');
  // an ACK absurdly far ahead is not believed
  const q = new Reassembler(1 << 20, 256, null);
  q.ackGrace = 2;
  r.ackGrace = 2;
  q.start(0);
  q.ack(0x50000000);
  assert.strictEqual(q.ack(0x50000000), 0);
  assert.deepStrictEqual(push(q, 9, 'z'), []);
  assert.strictEqual(q.ack(5), 0, 'first ACK past the hole: grace');
  assert.strictEqual(q.ack(5), 1);
  assert.deepStrictEqual(results(q), [{ gap: 5, seq: 0, reason: 'acked' }]);
  assert.strictEqual(q.ack(10), 0);
  assert.strictEqual(q.ack(10), 2, 'the rest of the hole, up to the held byte, then the byte');
  assert.deepStrictEqual(results(q), [{ gap: 4, seq: 5, reason: 'acked' }, { data: 'z', seq: 9 }]);
});

test('ack: gap ranges across the 2^32 wrap, holes between held segments one at a time', () => {
  const r = new Reassembler(1 << 20, 256, null);
  r.ackGrace = 2;
  r.start(0xfffffff0);
  push(r, 0xfffffff0, 'a'.repeat(8));               // up to 0xfffffff8
  push(r, 0x4, 'bbbb');                              // hole 0xfffffff8..0x4 (12 bytes)
  push(r, 0x10, 'cccc');                             // hole 0x8..0x10
  const unknown = new Reassembler(1 << 20, 256, null);
  r.ackGrace = 2;
  assert.strictEqual(unknown.ack(50), 0, 'a direction not started has no holes');
  r.ack(0x8);
  assert.strictEqual(r.ack(0x8), 2);
  assert.deepStrictEqual(results(r), [
    { gap: 12, seq: 0xfffffff8, reason: 'acked' },
    { data: 'bbbb', seq: 0x4 },
  ]);
  r.ack(0x14);
  assert.strictEqual(r.ack(0x14), 2);
  assert.deepStrictEqual(results(r), [{ gap: 8, seq: 0x8, reason: 'acked' }, { data: 'cccc', seq: 0x10 }]);
});
