'use strict';
// Seeds the fuzzer with real packets: every packet of the fixture captures whose link type the
// structure pass maps, as [link-type pick byte | packet bytes] (see fuzz_targets/structure.rs).
// Usage: node fuzz/make-corpus.js [out dir] (default fuzz/corpus/structure)
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const pcap = require('..');
const native = require('../lib/native');
const L = require('../lib/layout');

// The link types to fuzz: every DLT_ constant of lib/layout.js (generated from src/layout.rs), in
// the file's order. fuzz_targets/structure.rs reads the same lines of the same file, so a seed's
// pick byte names the same link type on both sides.
const DLTS = Object.keys(L).filter((k) => k.startsWith('DLT_')).map((k) => L[k]);
const out = path.resolve(process.argv[2] || path.join(__dirname, 'corpus', 'structure'));
const fixtures = path.join(__dirname, '..', '__test__', 'fixtures');
fs.mkdirSync(out, { recursive: true });

const files = [path.join(fixtures, 'http-loopback.pcap')];
const dir = path.join(fixtures, 'captures');
for (const f of fs.readdirSync(dir).sort()) files.push(path.join(dir, f));

let written = 0;
function next(i) {
  if (i >= files.length) {
    console.log(`${written} seeds in ${out}`);
    return;
  }
  let session;
  try {
    session = pcap.createOfflineSession(files[i], {});
  } catch (e) {
    next(i + 1);
    return;
  }
  const pick = DLTS.indexOf(native.linkTypeNumber(session.link_type));
  let n = 0;
  session.on('packet', (raw) => {
    if (pick < 0 || n++ >= 200) return;
    const seed = Buffer.concat([Buffer.from([pick]), raw.buf]);
    const name = crypto.createHash('sha1').update(seed).digest('hex');
    fs.writeFileSync(path.join(out, name), seed);
    written++;
  });
  session.on('complete', () => {
    session.close();
    next(i + 1);
  });
}
next(0);
