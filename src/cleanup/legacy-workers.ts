/**
 * Legacy workers still connected, from raw CLIENT LIST text. Pure. Bull names its blocking
 * connection `<prefix>:<base64(queue)>` and blocks in BRPOPLPUSH on it; BullMQ uses the same name
 * shape for BZPOPMIN, so the command decides (facts/bull-bullmq.md §2.1). A Bull worker busy with a
 * job keeps the name and shows its last command (brpoplpush), so blocked or not it counts.
 */
import type { LegacyWorker } from './blockers.js';

const BULLMQ_COMMANDS = new Set(['bzpopmin', 'bzpopmax', 'xread', 'xreadgroup']);

/** `key=value` fields of one CLIENT LIST line (values never contain spaces except in `name`-less lines). */
export function parseClientLine(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of line.trim().split(' ')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return fields;
}

export function legacyWorkerName(legacyPrefix: string, queue: string): string {
  return `${legacyPrefix}:${Buffer.from(queue, 'utf8').toString('base64')}`;
}

export function legacyWorkers(clientList: string, legacyPrefix: string, queues: readonly string[], node: string): LegacyWorker[] {
  const byName = new Map(queues.map((queue) => [legacyWorkerName(legacyPrefix, queue), queue]));
  const workers: LegacyWorker[] = [];
  for (const line of clientList.split('\n')) {
    if (!line.startsWith('id=')) continue;
    const fields = parseClientLine(line);
    const queue = byName.get(fields.name ?? '');
    if (queue === undefined || BULLMQ_COMMANDS.has(fields.cmd ?? '')) continue;
    workers.push({ queue, addr: fields.addr ?? '?', node });
  }
  return workers;
}
