/** Runs the built CLI as a real process, the way users and CI do. */
import { execa, type Options } from 'execa';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/redis-migrate.js', import.meta.url));

/** The error of an error envelope (src/envelope.ts). */
export interface CliErrorBody {
  code: string;
  message: string;
  fix: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by path in assertions (a wrong path fails the assertion)
  details: Record<string, any>;
}

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The whole --json document: the envelope `{ ok, command, schemaVersion, result | error }`. */
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by path in assertions (a wrong path fails the assertion)
  json(): any;
  /** The envelope's `result`; throws, naming the error and the exit code, when the document is an error. */
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by path in assertions (a wrong path fails the assertion)
  result(): any;
  /** The envelope's `error`; throws when the document is a result. */
  error(): CliErrorBody;
}

/** The three readers of a --json stdout. */
function readEnvelope(stdout: string, exitCode: number | string = '?'): Pick<CliRun, 'json' | 'result' | 'error'> {
  const json = () => {
    try {
      return JSON.parse(stdout);
    } catch {
      throw new Error(`stdout (exit ${exitCode}) is not one JSON document:\n${stdout.slice(0, 2000)}`);
    }
  };
  return {
    json,
    result() {
      const document = json();
      if (!('result' in document)) {
        throw new Error(`expected a result, got the error (exit ${exitCode}) ${document.error?.code}: ${document.error?.message}`);
      }
      return document.result;
    },
    error() {
      const document = json();
      if (!('error' in document)) throw new Error(`expected an error, got a result (exit ${exitCode}, ok ${document.ok})`);
      return document.error as CliErrorBody;
    },
  };
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
  const exitCode = result.exitCode ?? -1;
  return {
    exitCode,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    durationMs,
    ...readEnvelope(String(result.stdout), exitCode),
  };
}

export function uniqueNamespace(label = 't'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
