// Parse + classify 10,000 CLIENT LIST lines (target: under 50 ms). Lines are the captured Redis 7.0
// shapes of Bull, BullMQ, the flags SDK and this tool, repeated with distinct ids and client hosts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseClientList } from '../dist/src/observe/client-list.js';
import { classifyConnections, classifyContextFromPlan, summarizeConnections } from '../dist/src/observe/classify.js';
import { defaultPlan } from '../dist/src/plan/default-plan.js';

const fixture = (name) => readFileSync(fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url)), 'utf8');
const templates = [...fixture('client-list-7.0-bull.txt').split('\n'), ...fixture('client-list-7.0-bullmq.txt').split('\n')].filter((line) =>
  line.startsWith('id='),
);
const lines = [];
for (let i = 0; lines.length < 10_000; i++) {
  const template = templates[i % templates.length];
  // 40 app hosts, so the per-host attribution has work to do.
  lines.push(template.replace(/^id=\d+/, `id=${i + 1}`).replace(/addr=127\.0\.0\.1:/, `addr=10.0.${Math.floor(i / templates.length) % 40}.1:`));
}
const text = `${lines.join('\n')}\n`;
const plan = defaultPlan();
const ctx = classifyContextFromPlan(plan);
const tiers = plan.tiers.map((tier) => tier.name);

function once() {
  const clients = parseClientList(text);
  const connections = classifyConnections(
    clients.map((client) => ({ client, node: null })),
    ctx,
  );
  return summarizeConnections(connections, tiers);
}

for (let i = 0; i < 20; i++) once(); // warm-up
const runs = 100;
const times = [];
let summary;
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  summary = once();
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(2);
console.log(`clients: ${summary.total} (${(text.length / 1e6).toFixed(2)} MB of CLIENT LIST text)`);
console.log(
  `parse + classify + summarize, ${runs} runs: median ${pct(50)} ms, p95 ${pct(95)} ms, max ${times[times.length - 1].toFixed(2)} ms (target < 50 ms)`,
);
console.log(`by role: ${JSON.stringify(summary.byRole)}`);
process.exitCode = Number(pct(50)) < 50 ? 0 : 1;
