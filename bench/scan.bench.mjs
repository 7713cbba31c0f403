// `redis-migrate scan` on a generated 1,000-file TypeScript/JavaScript app (target: seconds on 2
// cores). 850 ordinary modules (services, controllers, utils importing each other) and 150 that use
// Bull, @nestjs/bull or ioredis the ways real apps do. Times the CLI as a process (node start,
// parser load, findings) and the in-process scan, 3 runs each.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanCode } from '../dist/src/scan/scan.js';

const BIN = fileURLToPath(new URL('../bin/redis-migrate.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'scan-bench-'));
const write = (path, text) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};

function ordinary(i) {
  const dep = i > 0 ? `import { helper${i - 1} } from '../m${Math.floor((i - 1) / 50)}/service${i - 1}';\n` : '';
  const methods = Array.from(
    { length: 12 },
    (_, m) => `  async method${m}(input: Input${i}): Promise<number> {
    const items = input.items.filter((item) => item.value > ${m}).map((item) => ({ ...item, seen: true }));
    const total = items.reduce((sum, item) => sum + item.value, 0);
    if (total > ${m * 10}) this.cache.set(input.id, total);
    return ${i > 0 ? `helper${i - 1}(total)` : 'total'} + this.offset;
  }`,
  ).join('\n\n');
  return `${dep}
export interface Input${i} { id: string; items: { value: number }[] }

export function helper${i}(value: number): number {
  return value * ${i % 7} + 1;
}

export class Service${i} {
  private readonly cache = new Map<string, number>();
  private offset = ${i};

${methods}
}
`;
}

function queueModule(i) {
  const name = `queue-${i}`;
  if (i % 3 === 0) {
    return `import { Injectable } from '@nestjs/common';
import { InjectQueue, Process, Processor, OnQueueFailed } from '@nestjs/bull';
import type { Job, Queue } from 'bull';

@Processor('${name}')
export class Consumer${i} {
  @Process()
  async handle(job: Job<{ id: string }>) {
    await job.progress(50);
    return job.data.id;
  }

  @OnQueueFailed()
  failed(job: Job, error: Error) {
    console.error(job.id, error);
  }
}

@Injectable()
export class Producer${i} {
  constructor(@InjectQueue('${name}') private readonly queue: Queue) {}

  async enqueue(id: string) {
    const job = await this.queue.add('work', { id }, { attempts: 3 });
    return job.finished();
  }
}
`;
  }
  if (i % 3 === 1) {
    return `const Queue = require('bull');
const Redis = require('ioredis');
const client = new Redis(process.env.REDIS_URL);
const queue = new Queue('${name}', { createClient: () => client });
queue.process(async (job, done) => {
  job.progress(10);
  done(null, job.data);
});
queue.on('global:completed', (jobId) => console.log(jobId));
module.exports = queue;
`;
  }
  return `import Redis from 'ioredis';
const redis = new Redis();
export async function cached${i}(key: string) {
  const hit = await redis.get(\`cache:${i}:\${key}\`);
  if (hit) return JSON.parse(hit);
  await redis.set(\`cache:${i}:\${key}\`, JSON.stringify({ key }), 'EX', 60);
  return null;
}
`;
}

for (let i = 0; i < 850; i++) write(`src/m${Math.floor(i / 50)}/service${i}.ts`, ordinary(i));
for (let i = 0; i < 150; i++) write(`src/queues/q${i}.${i % 3 === 1 ? 'js' : 'ts'}`, queueModule(i));
write('.gitignore', 'dist/\n');
write('node_modules/bull/index.js', 'module.exports = {};\n');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const cli = [];
let report;
for (let run = 0; run < 3; run++) {
  const started = performance.now();
  let out;
  try {
    out = execFileSync(process.execPath, [BIN, 'scan', dir, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  } catch (error) {
    out = error.stdout; // exit 3: findings
  }
  cli.push(performance.now() - started);
  report = JSON.parse(out).result;
}
const inProcess = [];
const cpu = [];
for (let run = 0; run < 3; run++) {
  const started = performance.now();
  const before = process.cpuUsage();
  await scanCode({ paths: [dir], cwd: dir });
  const used = process.cpuUsage(before);
  cpu.push((used.user + used.system) / 1000);
  inProcess.push(performance.now() - started);
}
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
else console.log(dir);
console.log(
  `corpus: ${report.summary.files} files, ${report.summary.findings} findings (${report.summary.bySeverity.error} errors), ${report.unparsed.length} not parsed`,
);
console.log(
  `redis-migrate scan --json (a process, node start included), 3 runs: median ${(median(cli) / 1000).toFixed(2)} s, runs ${cli.map((ms) => (ms / 1000).toFixed(2)).join(' / ')} s`,
);
console.log(
  `scanCode in process (warm), 3 runs: median ${(median(inProcess) / 1000).toFixed(2)} s wall, ${(median(cpu) / 1000).toFixed(2)} s CPU; runs ${inProcess.map((ms) => (ms / 1000).toFixed(2)).join(' / ')} s`,
);
console.log(
  `load average during the runs: ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')} (2 cores here: wall time above 1x CPU time is the machine's other work)`,
);
