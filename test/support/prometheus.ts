/**
 * Debian's Prometheus for tests: `prometheus` as a child process with a generated config, and
 * `promtool`. CI installs the package and sets REQUIRE_PROMETHEUS=1, so there a missing binary
 * fails the test instead of skipping it.
 */
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';
import { waitFor } from './wait.js';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/** Why the Prometheus tests skip here, or null when they run. */
export function prometheusSkipReason(binary: string): string | null {
  if (existsSync(binary)) return null;
  if (process.env.REQUIRE_PROMETHEUS === '1') return null;
  return `${binary} is missing (Debian package "prometheus"); set REQUIRE_PROMETHEUS=1 to fail instead of skipping`;
}

export async function promtool(args: string[]): Promise<{ exitCode: number; output: string }> {
  const run = await execa(PROMTOOL, args, { reject: false, timeout: 60_000, all: true });
  return { exitCode: run.exitCode ?? -1, output: String(run.all) };
}

export interface RunningPrometheus {
  url: string;
  /** One instant query through the HTTP API: the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Every alerting rule loaded, with its evaluation health ("ok", "err", "unknown" before the first run). */
  rules(): Promise<{ name: string; health: string; lastError?: string; state: string }[]>;
  stop(): Promise<void>;
}

/** Prometheus scraping `targets` every `scrapeInterval`, with its own temporary storage. */
export async function startPrometheus(options: { targets: string[]; scrapeInterval: string; ruleFiles?: string[] }): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-migrate-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    `  scrape_interval: ${options.scrapeInterval}`,
    `  evaluation_interval: ${options.scrapeInterval}`,
    ...(options.ruleFiles?.length ? ['rule_files:', ...options.ruleFiles.map((file) => `  - ${JSON.stringify(file)}`)] : []),
    'scrape_configs:',
    '  - job_name: redis-migrate',
    '    static_configs:',
    `      - targets: [${options.targets.map((target) => JSON.stringify(target)).join(', ')}]`,
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  const child: ResultPromise = execa(
    PROMETHEUS,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { reject: false, all: true, stdin: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await child;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`)).ok, { timeoutMs: 20_000, intervalMs: 100, what: 'prometheus /-/ready' });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
      return body.data.result;
    },
    async rules() {
      const body = (await (await fetch(`${url}/api/v1/rules?type=alert`)).json()) as {
        data: { groups: { rules: { name: string; health: string; lastError?: string; state: string }[] }[] };
      };
      return body.data.groups.flatMap((group) => group.rules);
    },
    stop,
  };
}
