// Shared helpers for benchmarks: percentiles, a throwaway redis-server, machine description.
import { cpus, totalmem } from 'node:os';
import { startLocalRedis } from '../dist/src/redis/local-server.js';

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n) => Math.round(n * 100) / 100;
  return { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1)), min: round(sorted[0]) };
}

export function machine() {
  return `${cpus().length} × ${cpus()[0]?.model?.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export async function withRedis(fn, options = {}) {
  const server = await startLocalRedis(options);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}
