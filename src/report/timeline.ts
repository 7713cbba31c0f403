/** The audit trail → the report's timeline and phase bands. Pure. */
import type { AuditEntry } from '../state/audit.js';
import type { PhaseBand, TimelineEvent, TimelineKind } from './model.js';

function summary(entry: AuditEntry): string {
  return typeof entry.details.summary === 'string' ? entry.details.summary : '';
}

function flagChange(entry: AuditEntry): { kind: TimelineKind; title: string } | null {
  const after = entry.after;
  const parts: string[] = [];
  let kind: TimelineKind = entry.kind === 'rollback' ? 'rollback' : entry.kind === 'forced' ? 'forced' : 'flip';
  if (after.useHttpRedis === 'true') {
    parts.push('phase 1: HTTP Redis on');
    if (kind === 'flip') kind = 'phase1';
  }
  if (after.useHttpRedis === 'false') parts.push('phase 1 rolled back');
  for (const [field, value] of Object.entries(after)) {
    const tier = /^tier:([^:]+)$/.exec(field)?.[1];
    if (tier) parts.push(value === 'bullmq' ? `tier ${tier} → BullMQ` : `tier ${tier} → legacy`);
  }
  if (after.useBullmq === 'false') parts.push('every queue → legacy');
  if (after.useBullmq === 'true' && !parts.some((part) => part.startsWith('tier'))) parts.push('BullMQ on again');
  return parts.length ? { kind, title: parts.join(', ') } : null;
}

export function timelineFromAudit(entries: readonly AuditEntry[]): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const entry of entries) {
    const base = { time: entry.time, actor: entry.actor, detail: entry.reason ? `reason: ${entry.reason}` : entry.command };
    if (entry.kind === 'flip' || entry.kind === 'rollback' || entry.kind === 'forced') {
      const change = flagChange(entry);
      if (change) events.push({ ...base, ...change, title: `${change.title}${entry.kind === 'forced' ? ' (gate forced)' : ''}` });
    } else if (entry.kind === 'cleanup') {
      const event = entry.details.event;
      if (event === 'finished' || event === 'interrupted' || event === 'stopped')
        events.push({ ...base, kind: 'cleanup', title: `cleanup ${summary(entry) || String(event)}` });
    } else if (entry.kind === 'restore') {
      events.push({ ...base, kind: 'restore', title: summary(entry) || 'restore' });
    } else if (entry.kind === 'runbook') {
      const status = entry.details.status;
      // Completed runs and failed steps; every step of every run would drown the flips.
      if (status === 'completed' || status === 'failed')
        events.push({ ...base, kind: 'runbook', title: `runbook ${String(entry.details.runbook ?? '')}: ${summary(entry)}` });
    } else if (entry.kind === 'breach') {
      // The monitor records a breach with its message as the reason.
      events.push({ ...base, kind: 'breach', title: entry.reason || summary(entry) || 'threshold breach', detail: entry.command });
    }
  }
  return events.sort((a, b) => a.time - b.time);
}

/** Phase 1 from its first flip; phase 2 from the first tier flip; phase 3 from the first cleanup. */
export function phaseBands(entries: readonly AuditEntry[]): PhaseBand[] {
  const first = (test: (entry: AuditEntry) => boolean) => entries.find(test)?.time ?? null;
  const phase1 = first((entry) => entry.after.useHttpRedis === 'true');
  const phase2 = first((entry) => Object.entries(entry.after).some(([field, value]) => /^tier:[^:]+$/.test(field) && value === 'bullmq'));
  const phase3 = first((entry) => entry.kind === 'cleanup');
  const starts = [
    { phase: 'phase 1' as const, start: phase1 },
    { phase: 'phase 2' as const, start: phase2 },
    { phase: 'phase 3' as const, start: phase3 },
  ].filter((band): band is { phase: PhaseBand['phase']; start: number } => band.start !== null);
  return starts.map((band, index) => ({ ...band, end: starts[index + 1]?.start ?? null }));
}
