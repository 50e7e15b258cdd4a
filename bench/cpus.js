'use strict';

// `--cpus 1|2` for the benchmarks: the `taskset -c LIST` prefix that pins a process to the last
// one or two CPUs this process may use (`others`: a prefix for the remaining CPUs, [] when none
// remain), and the rest of the arguments.
const { spawnSync } = require('child_process');

// Splits argv into {cpus, pin, pos}: pin is [] when unpinned, else ['taskset', '-c', LIST].
function parse(argv) {
  let cpus = 0;
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cpus') cpus = Number(argv[++i]);
    else if (argv[i].startsWith('--cpus=')) cpus = Number(argv[i].slice(7));
    else pos.push(argv[i]);
  }
  if (!cpus) return { cpus, pin: [], others: [], pos, where: 'unpinned' };
  if (![1, 2].includes(cpus)) {
    console.error('--cpus takes 1 or 2');
    process.exit(2);
  }
  const r = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error('taskset is needed for --cpus (util-linux)');
    process.exit(2);
  }
  const list = [];
  for (const part of r.stdout.split(':').pop().trim().split(',')) {
    const [a, b] = part.split('-').map(Number);
    for (let c = a; c <= (b === undefined ? a : b); c++) list.push(c);
  }
  if (list.length < cpus) {
    console.error(`--cpus ${cpus}: only ${list.length} CPU(s) available`);
    process.exit(2);
  }
  const set = list.slice(-cpus).join(',');
  const rest = list.slice(0, -cpus).join(',');
  return {
    cpus,
    pin: ['taskset', '-c', set],
    others: rest ? ['taskset', '-c', rest] : [],
    pos,
    where: `pinned to ${cpus} CPU${cpus > 1 ? 's' : ''} (taskset -c ${set})`,
  };
}

module.exports = { parse };
