/**
 * What stops a cleanup, from numbers read beforehand. Pure. Some blockers yield to
 * `--force --reason` (jobs left in the legacy queues, a legacy worker still connected); others
 * never do, because they mean the keys cannot be proven legacy (BullMQ writes under the legacy
 * prefix).
 */

export interface QueueBacklog {
  queue: string;
  /** LLEN wait + LLEN paused: jobs waiting to run (a paused queue's jobs wait in `paused`). */
  waiting: number;
  active: number;
  delayed: number;
}

export interface LegacyWorker {
  queue: string;
  /** Where it connects from (for the operator to find the process), never credentials. */
  addr: string;
  node: string;
}

export interface Blocker {
  code: 'shared-prefix' | 'foreign-keys' | 'legacy-backlog' | 'legacy-worker' | 'kill-switch' | 'legacy-code';
  message: string;
  /** `--force --reason` passes it (and the reason is audited); false: nothing passes it. */
  overridable: boolean;
  queues: string[];
  /** The numbers behind the message (for --json and the audit). */
  counts: Record<string, number>;
}

export interface BlockerInput {
  legacyPrefix: string;
  bullmqPrefix: string;
  backlog: readonly QueueBacklog[];
  workers: readonly LegacyWorker[];
  /** Queue → the BullMQ-only key names found under the legacy prefix. */
  foreign: ReadonlyMap<string, readonly string[]>;
  /** Live app instances pinned to legacy by their own USE_BULLMQ=false. */
  killSwitchInstances: number;
  useBullmqFlag: string;
  /** Files of the app (code.paths) that still import Bull for these queues (code.legacy-usage); absent: not checked. */
  legacyCode?: { files: readonly string[]; queues: readonly string[] } | null;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function cleanupBlockers(input: BlockerInput): Blocker[] {
  const blockers: Blocker[] = [];
  if (input.legacyPrefix === input.bullmqPrefix) {
    blockers.push({
      code: 'shared-prefix',
      message: `legacy and BullMQ share the prefix "${input.legacyPrefix}": no key under it can be proven legacy`,
      overridable: false,
      queues: [],
      counts: {},
    });
  }
  if (input.foreign.size > 0) {
    const queues = [...input.foreign.keys()];
    const detail = queues.map((queue) => `${queue} (${(input.foreign.get(queue) ?? []).join(', ')})`).join('; ');
    blockers.push({
      code: 'foreign-keys',
      message: `BullMQ has written under the legacy prefix for ${plural(queues.length, 'queue')}: ${detail}; their keys cannot be proven legacy`,
      overridable: false,
      queues,
      counts: Object.fromEntries(queues.map((queue) => [queue, input.foreign.get(queue)?.length ?? 0])),
    });
  }
  const pending = input.backlog.filter((entry) => entry.waiting + entry.active + entry.delayed > 0);
  if (pending.length > 0) {
    const sum = (pick: (entry: QueueBacklog) => number) => pending.reduce((total, entry) => total + pick(entry), 0);
    const waiting = sum((entry) => entry.waiting);
    const active = sum((entry) => entry.active);
    const delayed = sum((entry) => entry.delayed);
    blockers.push({
      code: 'legacy-backlog',
      message:
        `the legacy queues still hold jobs: ${waiting} waiting, ${active} active, ${delayed} delayed ` +
        `(${pending.map((entry) => `${entry.queue} ${entry.waiting}/${entry.active}/${entry.delayed}`).join(', ')})`,
      overridable: true,
      queues: pending.map((entry) => entry.queue),
      counts: { waiting, active, delayed },
    });
  }
  if (input.workers.length > 0) {
    const queues = [...new Set(input.workers.map((worker) => worker.queue))];
    blockers.push({
      code: 'legacy-worker',
      message: `${plural(input.workers.length, 'legacy worker')} still connected (${queues.join(', ')}; from ${[...new Set(input.workers.map((worker) => worker.addr.replace(/:\d+$/, '')))].join(', ')})`,
      overridable: true,
      queues,
      counts: { workers: input.workers.length },
    });
  }
  if (input.killSwitchInstances > 0) {
    blockers.push({
      code: 'kill-switch',
      message: `${plural(input.killSwitchInstances, 'live app instance')} pinned to legacy by their own ${input.useBullmqFlag}=false`,
      overridable: true,
      queues: [],
      counts: { instances: input.killSwitchInstances },
    });
  }
  if (input.legacyCode && input.legacyCode.files.length > 0) {
    const { files, queues } = input.legacyCode;
    blockers.push({
      code: 'legacy-code',
      message: `the app's code still imports Bull in ${plural(files.length, 'file')} (${files.slice(0, 5).join(', ')}${files.length > 5 ? ', ...' : ''})${queues.length ? ` for ${queues.join(', ')}` : ''}: a deploy of it would find no legacy keys (code.legacy-usage)`,
      overridable: true,
      queues: [...queues],
      counts: { files: files.length },
    });
  }
  return blockers;
}

/** Blocked unless every blocker is overridable and the run is forced. */
export function isBlocked(blockers: readonly Blocker[], forced: boolean): boolean {
  return blockers.some((blocker) => !blocker.overridable || !forced);
}
