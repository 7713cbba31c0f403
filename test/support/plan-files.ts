/** Plan files for tests: the default plan with overrides, written to a fresh temp directory. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPlanDocument } from '../../src/plan/default-plan.js';

export function tempDir(label = 'plan'): string {
  return mkdtempSync(join(tmpdir(), `redis-migrate-${label}-`));
}

/**
 * The default plan (soaks of 24h) with `overrides` on top. Tests pass a soak with
 * `backdateHistory` (./history.ts), not with short windows they wait out.
 */
export function planDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...defaultPlanDocument(), ...overrides };
}

export function writePlan(document: unknown, options: { dir?: string; name?: string } = {}): string {
  const dir = options.dir ?? tempDir();
  const path = join(dir, options.name ?? 'redis-migrate.config.json');
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  return path;
}
