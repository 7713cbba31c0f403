/** Runs the built CLI as a real process, the way users and CI do. */
import { execa, type Options } from 'execa';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/redis-migrate.js', import.meta.url));

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

export async function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const started = performance.now();
  const result = await execa('node', [BIN, ...args], {
    reject: false,
    cwd: options.cwd,
    env: { NO_COLOR: '1', REDIS_URL: '', REDIS_MIGRATE_NAMESPACE: '', ...options.env },
    extendEnv: true,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? 30_000,
  } satisfies Options);
  const durationMs = performance.now() - started;
  return {
    exitCode: result.exitCode ?? -1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    durationMs,
    json() {
      return JSON.parse(String(result.stdout));
    },
  };
}

export function uniqueNamespace(label = 't'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
