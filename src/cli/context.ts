/**
 * Everything a command needs from the outside world, resolved once: options with their
 * precedence (flag > env > plan file > default), the plan, Redis connections it must close,
 * stderr logging and confirmation. Commands receive it; they never read process.* themselves.
 * It is the Environment the use-cases run in.
 */
import { hostname, userInfo } from 'node:os';
import type { Redis } from 'ioredis';
import type { RedisClient } from '../redis/client.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { loadPlan, type LoadedPlan } from '../plan/load-plan.js';
import { redact, registerSecret } from '../redact.js';
import { OpenedConnections } from '../redis/opened-connections.js';
import { DEFAULT_REDIS_URL } from '../redis/url.js';
import { CONNECTION_NAME_PREFIX, stateKeys, type StateKeys } from '../state/keys.js';
import type { ConnectOptions, Environment } from '../usecases/environment.js';
import type { Io } from './io.js';

export interface GlobalOptions {
  redisUrl?: string;
  config?: string;
  namespace?: string;
  json?: boolean;
  yes?: boolean;
  color?: boolean;
  timeout?: string;
}

export class CommandContext implements Environment {
  readonly json: boolean;
  readonly yes: boolean;
  readonly timeoutMs: number;
  readonly actor: string;
  readonly host: string;
  private readonly connections = new OpenedConnections();
  private planPromise: Promise<LoadedPlan> | undefined;

  constructor(
    readonly options: GlobalOptions,
    readonly io: Io,
    /** The command path as typed ("phase3 cleanup"): the `command` of its JSON document. */
    readonly command: string,
  ) {
    this.json = Boolean(options.json);
    this.yes = Boolean(options.yes);
    this.timeoutMs = parseTimeout(options.timeout ?? this.env('REDIS_MIGRATE_TIMEOUT') ?? '5s');
    this.host = hostname();
    this.actor = this.env('REDIS_MIGRATE_ACTOR') ?? `${safeUser()}@${this.host}`;
    registerSecret(io.env.UPSTASH_REDIS_REST_TOKEN);
  }

  get cwd(): string {
    return this.io.cwd;
  }

  get variables(): Readonly<Record<string, string | undefined>> {
    return this.io.env;
  }

  /** An environment variable, with empty meaning unset (as shells and CI templates often leave them). */
  env(name: string): string | undefined {
    const value = this.io.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  /** The plan (file or embedded default), read once. */
  plan(): Promise<LoadedPlan> {
    this.planPromise ??= loadPlan({ configPath: this.options.config, cwd: this.io.cwd });
    return this.planPromise;
  }

  redisUrl(loaded?: LoadedPlan): string {
    return this.options.redisUrl ?? this.env('REDIS_URL') ?? loaded?.plan.redis.url ?? DEFAULT_REDIS_URL;
  }

  namespace(loaded?: LoadedPlan): string {
    const namespace = this.options.namespace ?? this.env('REDIS_MIGRATE_NAMESPACE') ?? loaded?.plan.namespace ?? 'default';
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(namespace)) {
      throw new UsageError('namespace.invalid', `invalid namespace "${namespace}"`, { fix: 'use letters, digits, "-", "_" and "."' });
    }
    return namespace;
  }

  keys(loaded?: LoadedPlan): StateKeys {
    return stateKeys(this.namespace(loaded));
  }

  /**
   * A ready, named connection that is closed when the command ends: an ioredis Cluster when the
   * URL points at a Redis Cluster node, unless `cluster: false` asks for that one node only.
   */
  connect(purpose: string, loaded: LoadedPlan | undefined, options: ConnectOptions & { cluster: false }): Promise<Redis>;
  connect(purpose: string, loaded?: LoadedPlan, options?: ConnectOptions): Promise<RedisClient>;
  connect(purpose: string, loaded?: LoadedPlan, options: ConnectOptions = {}): Promise<RedisClient> {
    return this.connections.open({
      url: this.redisUrl(loaded),
      name: `${CONNECTION_NAME_PREFIX.cli}${purpose}`,
      timeoutMs: this.timeoutMs,
      ...options,
    });
  }

  /** Progress and notes go to stderr so stdout stays one JSON document under --json. */
  log(message: string): void {
    this.io.stderr.write(`${redact(message)}\n`);
  }

  /**
   * Ask before changing state. On a terminal: a prompt (on stderr). Without one: --yes or exit 2;
   * a migration tool never confirms on its own.
   */
  async confirm(question: string): Promise<void> {
    if (this.yes) return;
    if (!this.io.interactive) {
      throw new UsageError('confirm.required', `refusing to change state without confirmation: ${question}`, {
        fix: 'run it on a terminal to be asked, or pass --yes',
      });
    }
    const { askConfirmation } = await import('./prompts.js');
    await askConfirmation(question, this.io);
  }

  /** See `Io.onInterrupt`; a no-op remover when the Io cannot observe signals. */
  onInterrupt(handler: () => void): () => void {
    return this.io.onInterrupt?.(handler) ?? (() => undefined);
  }

  /**
   * For commands that run until stopped (`connections --watch`, `monitor`): a signal that aborts on
   * Ctrl-C, so they finish cleanly with their summary instead of dying mid-write.
   */
  interruptSignal(): { signal: AbortSignal; dispose(): void } {
    const controller = new AbortController();
    const dispose = this.io.onInterrupt?.(() => controller.abort()) ?? (() => undefined);
    return { signal: controller.signal, dispose };
  }

  close(): Promise<void> {
    return this.connections.closeAll();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function parseTimeout(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError('option.timeout', `invalid --timeout "${text}"`, { fix: 'give milliseconds (5000) or a duration (5s)' });
  }
  return ms;
}

/** `--wait 2s` / `--wait 2000` → ms; 0 allowed (do not wait). */
export function parseWait(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
  if (ms === undefined || ms < 0) {
    throw new UsageError('option.wait', `invalid --wait "${text}"`, { fix: 'give milliseconds (2000) or a duration (2s)' });
  }
  return ms;
}
