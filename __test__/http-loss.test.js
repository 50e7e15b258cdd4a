'use strict';
// Issue 17: HTTPTracker under capture loss, scored exchange by exchange against a capture whose
// every byte is known (built by __test__/helpers/httploss.js), clean and damaged from seeds,
// and compared with tshark on the same files.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./helpers/httploss');

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'pcap-http-loss-'));
const corpus = h.build();

test('clean capture: every request and response right, nothing wrong', () => {
  const file = path.join(TMP, 'clean.pcap');
  h.writePcap(file, corpus.segs);
  const s = h.scoreOurs(file, corpus.truth);
  assert.ok(corpus.truth.length > 250);
  assert.deepStrictEqual(s.requests, { right: corpus.truth.length, of: corpus.truth.length, wrong: 0, unflagged: 0 });
  assert.strictEqual(s.responses.right, s.responses.of);
  assert.strictEqual(s.responses.wrong, 0);
  assert.strictEqual(s.errors, 0);
});

for (const seed of [17, 18, 19]) {
  test(`damaged capture (seed ${seed}): no wrong answer without a flag, at least tshark's right answers`, () => {
    const file = path.join(TMP, `lossy-${seed}.pcap`);
    const bad = h.damage(corpus, seed);
    assert.ok(bad.segs.length !== corpus.segs.length, 'damaged');
    h.writePcap(file, bad.segs);
    const ours = h.scoreOurs(file, corpus.truth);
    const shark = h.scoreTshark(file, corpus.truth);
    assert.strictEqual(ours.requests.unflagged + ours.responses.unflagged, 0, JSON.stringify(ours));
    assert.ok(ours.requests.right >= shark.requests.right, `requests: ours ${ours.requests.right}, tshark ${shark.requests.right}`);
    assert.ok(ours.responses.right >= shark.responses.right, `responses: ours ${ours.responses.right}, tshark ${shark.responses.right}`);
    assert.ok(ours.requests.right < ours.requests.of || ours.responses.right < ours.responses.of, 'the damage cost something');
  });
}

test.after(() => fs.rmSync(TMP, { recursive: true, force: true }));
