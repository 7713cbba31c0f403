/** Plan files for tests: the default plan with overrides, written to a fresh temp directory. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';

export function tempDir(label = 'plan'): string {
  return mkdtempSync(join(tmpdir(), `redis-migrate-${label}-`));
}

/** The default plan with short soak windows (seconds), so gates can be tested for real. */
export function shortSoakPlan(overrides: Record<string, unknown> = {}, soak = ['2s', '2s', '3s']): Record<string, unknown> {
  const plan = defaultPlanDocument();
  const tiers = (plan.tiers as { soak: string; watch?: string }[]).map((tier, index) => {
    const { watch: _watch, ...rest } = tier;
    return { ...rest, soak: soak[index] ?? '2s' };
  });
  return { ...plan, tiers, ...overrides };
}

export function writePlan(document: unknown, options: { dir?: string; name?: string } = {}): string {
  const dir = options.dir ?? tempDir();
  const path = join(dir, options.name ?? 'redis-migrate.config.json');
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  return path;
}
