import { defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './test/support/sequencer.js';

// Three groups (`vitest run --project unit`). Unit tests are pure (no Redis, no env, no globals), so
// they share one module graph on threads: the whole group runs in about 2 s instead of 13 s.
// Integration and e2e tests get a shared redis-server from the global setup (one per group) and
// spawn the built CLI (`npm run build` first); they too share a module graph per worker (no
// isolation: each file starts its own servers and processes, and importing bullmq, ioredis and
// the CLI's modules once per worker instead of once per file saves a tenth of the suite's CPU).
// All three share the workers, longest files first.
const sharedRedis = ['test/support/global-setup.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], pool: 'threads', isolate: false } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: sharedRedis, isolate: false } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: sharedRedis, isolate: false } },
    ],
  },
});
