// entry-imports: what importing an app-facing entry point costs, by package name as an app imports
// it: wall time of the import and the process's resident memory after it, beside a process that
// imports nothing. Each measurement is a fresh `node` process; medians over BENCH_RUNS (15).
// ENTRY_ROOT measures another built checkout of the package (e.g. one with entry points this one lacks).
//   node bench/run.mjs entry-imports
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const root = process.env.ENTRY_ROOT || fileURLToPath(new URL('..', import.meta.url));
// ioredis alone: the floor every entry point shares (each opens Redis connections with it).
const entries = [
  ['(nothing)', null],
  ['ioredis', 'node_modules/ioredis/package.json'],
  ['redis-migrate/flags', 'dist/src/flags/index.js'],
  ['redis-migrate/queues', 'dist/src/adapters/queues/index.js'],
  ['redis-migrate/redis', 'dist/src/adapters/redis/index.js'],
];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function measure(specifier) {
  const script = `const t = performance.now(); ${specifier ? `await import('${specifier}');` : ''} const ms = performance.now() - t; console.log(JSON.stringify({ ms, rss: process.memoryUsage().rss }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
}

console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
);
let baseRss = 0;
for (const [name, built] of entries) {
  if (built && !existsSync(`${root}/${built}`)) {
    console.log(`${name.padEnd(22)} not on this branch`);
    continue;
  }
  const runs = Array.from({ length: RUNS }, () => measure(built ? name : null));
  const ms = median(runs.map((run) => run.ms));
  const rss = median(runs.map((run) => run.rss)) / 2 ** 20;
  if (!built) baseRss = rss;
  console.log(
    `${name.padEnd(22)} import ${ms.toFixed(1).padStart(6)} ms (median of ${RUNS}), resident ${rss.toFixed(1)} MiB${built ? ` (+${(rss - baseRss).toFixed(1)} MiB over an empty process)` : ''}`,
  );
}
