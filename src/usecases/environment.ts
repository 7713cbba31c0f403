/**
 * What a use-case needs from where it runs: who acts and where, the Redis it works on, and a way
 * to speak and to ask. The CLI's CommandContext implements it, and so does each demo world; a
 * use-case never sees flags, terminals or renderers.
 */
import type { Redis } from 'ioredis';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { RedisClient } from '../redis/client.js';
import type { StateKeys } from '../state/keys.js';

export interface ConnectOptions {
  /** Keep reconnecting after the first connect (long-running use-cases such as monitor). */
  reconnect?: boolean;
  /** With `reconnect`: reject commands at once while the link is down. */
  failFast?: boolean;
  /** A connection BullMQ Queues and Workers can share. */
  queues?: boolean;
  /** false: that one node, even on a Redis Cluster. */
  cluster?: boolean;
}

export interface Environment {
  /** Who the audit trail and the lock name. */
  readonly actor: string;
  readonly host: string;
  /** Where relative paths (dotenv sink, backups, run logs) resolve. */
  readonly cwd: string;
  /** Redis connect and command timeout, ms. */
  readonly timeoutMs: number;
  /** The process environment (checks read the HTTP endpoint's URL and token from it). */
  readonly variables: Readonly<Record<string, string | undefined>>;
  /** One environment variable, empty meaning unset. */
  env(name: string): string | undefined;
  /** The Redis holding the queues and the migration state. */
  redisUrl(loaded?: LoadedPlan): string;
  /** The migration state namespace. */
  namespace(loaded?: LoadedPlan): string;
  keys(loaded?: LoadedPlan): StateKeys;
  /** A ready connection named for this tool (`purpose`), closed when the run ends. */
  connect(purpose: string, loaded: LoadedPlan | undefined, options: ConnectOptions & { cluster: false }): Promise<Redis>;
  connect(purpose: string, loaded?: LoadedPlan, options?: ConnectOptions): Promise<RedisClient>;
  /** Progress and notes for the operator, never the result (stderr in the CLI). */
  log(message: string): void;
  /** Ask before changing state; throws when the answer is no (or cannot be asked). */
  confirm(question: string): Promise<void>;
  /** Call `handler` when the operator interrupts (Ctrl-C, SIGTERM); returns the remover. */
  onInterrupt(handler: () => void): () => void;
  /** A signal that aborts on an interrupt, for use-cases that run until stopped. */
  interruptSignal(): { signal: AbortSignal; dispose(): void };
}

/** Live progress of a long use-case (keys deleted, jobs done), drawn by the caller: a bar on stderr in the CLI. */
export interface Progress {
  /** `fraction`: the estimated share done, 0..1, or null when unknown. */
  update(done: number, fraction: number | null): void;
  finish(): void;
}
