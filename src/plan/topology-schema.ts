/**
 * The app's process topology, as the plan describes it: which processes run, how many replicas,
 * which queues each works, listens to and produces, and how it shares connections. The connection
 * budget (`plan`, `redis.maxclients-headroom`) is computed from it. The default is the measured
 * one: one process running the 11 queues on Bull (3 connections each), 5 ioredis connections for
 * the cache and rate limiters that phase 1 moves to HTTP, and the flags SDK's 2. Pure.
 */
import * as z from 'zod';
import type { PlanIssue } from './plan-issues.js';
import { boolean, list, number, object, oneOf, text } from './schema-fields.js';

const QUEUE_NAME = text({ pattern: /^[^\s:]+$/, expected: 'a queue name without spaces or ":"' });

/** "all", "none", or a list of queue names. */
function queueSelection(description: string) {
  const expected = '"all", "none" or a list of queue names';
  return z
    .union([z.literal('all'), z.literal('none'), z.array(QUEUE_NAME)], { error: (issue) => `expected ${expected}, got ${JSON.stringify(issue.input)}` })
    .describe(description);
}

export type QueueSelection = z.output<ReturnType<typeof queueSelection>>;

const count = (description: string) => number({ integer: true, min: 0 }).describe(description);

export const DEFAULT_PROCESS_CONNECTIONS = { phase1: 5, other: 0, flagsSdk: 2, flagsSdkOnBullmq: false, queuesAdapter: false } as const;

const processSchema = object({
  name: text({ pattern: /^[a-z0-9][a-z0-9._-]*$/i, expected: 'a process name (letters, digits, "-", "_", ".")' }).describe(
    'The process kind ("api", "worker"); unique.',
  ),
  replicas: number({ integer: true, min: 1 }).default(1).describe('How many copies of it run.'),
  workers: queueSelection('Queues it works: Bull process(), one BullMQ Worker each.').default('all'),
  queueEvents: queueSelection("Queues it listens to: one BullMQ QueueEvents each (Bull's subscriber is counted with its workers).").default('none'),
  produces: queueSelection('Queues it adds jobs to.').default('all'),
  bullmqConnection: oneOf(['shared', 'per-instance'])
    .default('shared')
    .describe('BullMQ: one shared ioredis for every Queue and Worker (1 + W + E), or options per instance (1 per Queue, 2 per Worker, 1 per QueueEvents).'),
  legacyConnection: oneOf(['default', 'shared'])
    .default('default')
    .describe("Bull: 3 connections per worked queue (default), or Bull's createClient sharing pattern (2 + 1 per worked queue)."),
  connections: object({
    phase1: count('ioredis connections per replica that phase 1 moves to HTTP.').default(0),
    other: count('Other connections per replica that stay.').default(0),
    flagsSdk: count("The flags SDK's connections per replica.").default(2),
    flagsSdkOnBullmq: boolean()
      .default(false)
      .describe(
        "The SDK runs its commands on the process's shared BullMQ connection (connectFlags({ redis })), open from the start; count only its subscriber in flagsSdk.",
      ),
    queuesAdapter: boolean()
      .default(false)
      .describe(
        "The process drives its queues through redis-migrate/queues, whose shared connection is open from the start too (it reads both sides' backlogs over it), until phase 3 removes the adapter.",
      ),
  })
    .prefault({})
    .describe('Connections per replica besides the queues.'),
});

export type PlanProcess = z.output<typeof processSchema>;

export const MERGE_MODES = ['none', 'tier', 'all'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

export const topologySchema = object({
  processes: list(processSchema, { minLength: 1 })
    .prefault(() => [{ name: 'app', connections: { ...DEFAULT_PROCESS_CONNECTIONS } }])
    .describe('The processes of the app.'),
  merge: oneOf(MERGE_MODES).default('none').describe('BullMQ side only: one queue per tier ("tier") or one for everything ("all"), jobs routed by job.name.'),
});

export type Topology = z.output<typeof topologySchema>;

/** Unique process names; queue lists name queues of the plan. */
export function topologyIssues(topology: Topology, queues: readonly string[]): PlanIssue[] {
  const issues: PlanIssue[] = [];
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
