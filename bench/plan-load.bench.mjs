// What the plan validator costs a CLI start: in fresh node processes, the import of zod, of the plan
// schema (zod plus the declaration), and the first validatePlan of the default plan; then the whole
// CLI as a process: `--version` (never loads the validator) and `plan --json` (loads a plan).
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { machine, summary } from './support.mjs';

const RUNS = 21;
const root = fileURLToPath(new URL('..', import.meta.url));
const BIN = `${root}bin/redis-migrate.js`;

const PROBE = `
const t0 = performance.now();
await import('zod');
const t1 = performance.now();
const { validatePlan } = await import('./dist/src/plan/schema.js');
const t2 = performance.now();
const { defaultPlanDocument } = await import('./dist/src/plan/default-plan.js');
const document = defaultPlanDocument();
const t3 = performance.now();
if (!validatePlan(document).ok) throw new Error('default plan invalid');
const t4 = performance.now();
process.stdout.write(JSON.stringify({ zod: t1 - t0, declaration: t2 - t1, firstValidate: t4 - t3 }));
`;

const parts = { zod: [], declaration: [], firstValidate: [] };
const cli = { '--version': [], 'plan --json': [] };
for (let i = 0; i < RUNS; i++) {
  const sample = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: root, encoding: 'utf8' }));
  for (const key of Object.keys(parts)) parts[key].push(sample[key]);
  for (const [name, args] of [
    ['--version', ['--version']],
    ['plan --json', ['plan', '--json', '--redis-url', 'redis://127.0.0.1:1']],
  ]) {
    const start = performance.now();
    try {
      execFileSync(process.execPath, [BIN, ...args], { cwd: root, stdio: 'ignore' });
    } catch {
      // `plan` exits non-zero when Redis is unreachable; its start-up is what is timed.
    }
    cli[name].push(performance.now() - start);
  }
}

console.log(
  `machine: ${machine()}, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}, ${RUNS} processes each`,
);
for (const [name, values] of Object.entries(parts)) console.log(`${name.padEnd(16)} ms`, summary(values));
for (const [name, values] of Object.entries(cli)) console.log(`cli ${name.padEnd(12)} ms`, summary(values));
