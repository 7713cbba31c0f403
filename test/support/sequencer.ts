/**
 * The order test files start in: longest first across the three groups, so no long file starts
 * near the end and the workers finish together. Durations are vitest's own record of the last run;
 * a fresh clone (CI) has none, so the files known to be slowest go first, then the rest by an
 * estimate from their size (e2e files spawn the CLI and run longest, unit files take milliseconds).
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The slowest files, slowest first (8-40 s each on an idle 2-core machine): started first when no timings are recorded. */
export const KNOWN_SLOW = [
  'test/e2e/demo.test.ts',
  'test/e2e/guide-app.test.ts',
  'test/e2e/zero-loss.test.ts',
  'test/e2e/bad-input.test.ts',
  'test/e2e/runbook.test.ts',
  'test/e2e/phase3-cleanup.test.ts',
  'test/e2e/phase3-cleanup-interrupted.test.ts',
  'test/integration/monitor.test.ts',
  'test/e2e/phase3-verify.test.ts',
  'test/e2e/prometheus-scrape.test.ts',
  'test/integration/queues-repeat.test.ts',
  'test/e2e/json-envelope.test.ts',
  'test/integration/cluster.test.ts',
  'test/e2e/serve-http-stress.test.ts',
  'test/e2e/phase2.test.ts',
  'test/integration/queues-drain.test.ts',
];

/** Estimated ms per byte of test file, per group, when a file has no recorded duration. */
const MS_PER_BYTE: Record<string, number> = { e2e: 1, integration: 0.5, unit: 0.01 };

export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const expectedMs = (spec: TestSpecification): number => {
      const path = relative(config.root, spec.moduleId);
      const key = `${spec.project.name}:${path}`;
      const recorded = cache.getFileTestResults(key);
      if (recorded) return recorded.duration;
      const known = KNOWN_SLOW.indexOf(path);
      if (known >= 0) return 120_000 - known;
      return (cache.getFileStats(key)?.size ?? 0) * (MS_PER_BYTE[spec.project.name] ?? 1);
    };
    const expected = new Map(files.map((spec) => [spec, expectedMs(spec)]));
    return [...files].sort((a, b) => (expected.get(b) ?? 0) - (expected.get(a) ?? 0));
  }
}
