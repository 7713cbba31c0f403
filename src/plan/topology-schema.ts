/**
 * The app's process topology, as the plan describes it: which processes run, how many replicas,
 * which queues each works, listens to and produces, and how it shares connections. The connection
 * budget (`plan`, `redis.maxclients-headroom`) is computed from it. The default is the measured
 * one: one process running the 11 queues on Bull (3 connections each), 5 ioredis connections for
 * the cache and rate limiters that phase 1 moves to HTTP, and the flags SDK's 2. Pure.
 */
import { array, boolean, number, object, oneOf, optional, string, type Infer, type Schema, type SchemaIssue } from './schema-kit.js';

/** "all", "none", or a list of queue names. */
export type QueueSelection = 'all' | 'none' | string[];

export function queueSelection(): Schema<QueueSelection> {
  const expected = '"all", "none" or a list of queue names';
  return {
    expected,
    parse(value, path, issues) {
      if (value === 'all' || value === 'none') return value;
      if (Array.isArray(value) && value.every((item) => typeof item === 'string' && /^[^\s:]+$/.test(item))) return value as string[];
      issues.push({ path: path || '(root)', message: `expected ${expected}, got ${JSON.stringify(value)}` });
      return undefined;
    },
  };
}

const count = () => number({ integer: true, min: 0 });

export const DEFAULT_PROCESS_CONNECTIONS = { phase1: 5, other: 0, flagsSdk: 2, flagsSdkOnBullmq: false, queuesAdapter: false } as const;

const processSchema = object({
  name: string({ pattern: /^[a-z0-9][a-z0-9._-]*$/i, expected: 'a process name (letters, digits, "-", "_", ".")' }),
  replicas: optional(number({ integer: true, min: 1 }), () => 1),
  /** Queues it works: Bull `process()`, one BullMQ Worker each. */
  workers: optional(queueSelection(), (): QueueSelection => 'all'),
  /** Queues it listens to: one BullMQ QueueEvents each (Bull's subscriber is already counted with its workers). */
  queueEvents: optional(queueSelection(), (): QueueSelection => 'none'),
  /** Queues it adds jobs to. */
  produces: optional(queueSelection(), (): QueueSelection => 'all'),
  /** BullMQ: one shared ioredis for every Queue and Worker (measured 1 + W + E), or options per instance (1 per Queue, 2 per Worker, 1 per QueueEvents). */
  bullmqConnection: optional(oneOf(['shared', 'per-instance'] as const), () => 'shared' as const),
  /** Bull: 3 connections per worked queue ("default"), or Bull's createClient sharing pattern (2 + 1 per worked queue). */
  legacyConnection: optional(oneOf(['default', 'shared'] as const), () => 'default' as const),
  /**
   * Other connections per replica: `phase1` the ioredis ones phase 1 moves to HTTP, `other` the ones that stay, `flagsSdk` the flags SDK's.
   * `flagsSdkOnBullmq`: the SDK runs its commands on the process's shared BullMQ connection (`connectFlags({ redis })`), which is then
   * open from the start, whether or not a queue is on BullMQ yet (count only the SDK's subscriber in `flagsSdk`).
   * `queuesAdapter`: the process drives its queues through `redis-migrate/queues`, whose shared connection is open from the start too
   * (it reads both sides' backlogs over it), until phase 3 removes the adapter.
   */
  connections: optional(
    object({
      phase1: optional(count(), () => 0),
      other: optional(count(), () => 0),
      flagsSdk: optional(count(), () => 2),
      flagsSdkOnBullmq: optional(boolean(), () => false),
      queuesAdapter: optional(boolean(), () => false),
    }),
    () => ({ phase1: 0, other: 0, flagsSdk: 2, flagsSdkOnBullmq: false, queuesAdapter: false }),
  ),
});

export type PlanProcess = Infer<typeof processSchema>;

export function defaultProcess(): PlanProcess {
  return {
    name: 'app',
    replicas: 1,
    workers: 'all',
    queueEvents: 'none',
    produces: 'all',
    bullmqConnection: 'shared',
    legacyConnection: 'default',
    connections: { ...DEFAULT_PROCESS_CONNECTIONS },
  };
}

export const MERGE_MODES = ['none', 'tier', 'all'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

export const topologySchema = object({
  processes: optional(array(processSchema, { minLength: 1 }), () => [defaultProcess()]),
  /** BullMQ side only: one queue per tier ("tier") or one for everything ("all"), jobs routed by job.name. */
  merge: optional(oneOf(MERGE_MODES), () => 'none' as MergeMode),
});

export type Topology = Infer<typeof topologySchema>;

export function defaultTopology(): Topology {
  return { processes: [defaultProcess()], merge: 'none' };
}

/** Unique process names; queue lists name queues of the plan. */
export function topologyIssues(topology: Topology, queues: readonly string[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const known = new Set(queues);
  const names = new Set<string>();
  topology.processes.forEach((process, index) => {
    if (names.has(process.name)) issues.push({ path: `topology.processes[${index}].name`, message: `duplicate process "${process.name}"` });
    names.add(process.name);
    for (const field of ['workers', 'queueEvents', 'produces'] as const) {
      const selection = process[field];
      if (!Array.isArray(selection)) continue;
      selection.forEach((queue, q) => {
        if (!known.has(queue)) issues.push({ path: `topology.processes[${index}].${field}[${q}]`, message: `queue "${queue}" is not in any tier` });
      });
    }
  });
  return issues;
}

export function selectQueues(selection: QueueSelection, all: readonly string[]): string[] {
  if (selection === 'all') return [...all];
  if (selection === 'none') return [];
  return selection.filter((queue) => all.includes(queue));
}
