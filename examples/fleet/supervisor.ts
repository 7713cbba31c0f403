/**
 * Runs fleet processes as children (tests, benchmarks, the demo): forks them with their settings,
 * feeds their reports into a Ledger, and stops them gracefully (or kills them, on purpose).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FleetMessage } from './events.js';
import type { Ledger } from './ledger.js';

/** The compiled entry; from the TypeScript sources (vitest) it is the one `npm run build` wrote to dist/. */
export const FLEET_MAIN = [new URL('./main.js', import.meta.url), new URL('../../dist/examples/fleet/main.js', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((path) => existsSync(path)) as string;

export interface FleetChildOptions {
  name: string;
  /** FLEET_*, REDIS_URL, REDIS_MIGRATE_NAMESPACE, REDIS_MIGRATE_CONFIG, ... */
  env: Record<string, string>;
  ledger: Ledger;
  onMessage?: (message: FleetMessage) => void;
  /** How long to wait for the process to report ready. Default 20 s. */
  readyTimeoutMs?: number;
}

export interface FleetChild {
  readonly name: string;
  readonly pid: number | undefined;
  /** Running lanes as last reported. */
  lanes: string[];
  /** Recent log lines (warnings and errors, and stderr). */
  readonly logs: string[];
  ready: Promise<void>;
  exited: Promise<number | null>;
  setRate(rate: number): void;
  /** Graceful: SIGTERM, then SIGKILL after `timeoutMs`. Resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  kill(): Promise<void>;
}

export function forkFleet(options: FleetChildOptions): FleetChild {
  const child: ChildProcess = fork(FLEET_MAIN, [], {
    env: { ...process.env, FLEET_NAME: options.name, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const logs: string[] = [];
  const remember = (line: string) => {
    logs.push(line);
    if (logs.length > 200) logs.shift();
  };
  child.stderr?.setEncoding('utf8').on('data', (text: string) => text.split('\n').filter(Boolean).forEach(remember));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let markReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const timer = setTimeout(
    () => failReady(new Error(`fleet ${options.name} not ready in time: ${logs.slice(-5).join(' | ')}`)),
    options.readyTimeoutMs ?? 20_000,
  );
  void exited.then((code) => failReady(new Error(`fleet ${options.name} exited (${code}) before ready: ${logs.slice(-5).join(' | ')}`)));
  void ready.catch(() => undefined).finally(() => clearTimeout(timer));

  const handle: FleetChild = {
    name: options.name,
    pid: child.pid,
    lanes: [],
    logs,
    ready,
    exited,
    setRate: (rate) => child.connected && child.send({ type: 'produce', rate }),
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  child.on('message', (message: FleetMessage) => {
    if (message.type === 'events') options.ledger.apply(message);
    else if (message.type === 'ready') markReady();
    else if (message.type === 'lanes') handle.lanes = message.running;
    else if (message.type === 'log' && message.level !== 'info') remember(`${message.level}: ${message.message}`);
    options.onMessage?.(message);
  });
  return handle;
}
