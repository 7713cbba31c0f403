/** Phase 3: the legacy keys go, the end state is verified. It changes no flag. */
import { checkIdsOf } from '../src/checks/registry.js';
import type { PhaseDefinition } from './types.js';

export const phase3: PhaseDefinition = {
  id: 'phase3',
  phase: 3,
  title: 'Legacy cleanup and final verification',
  steps: [
    { id: 'checks', does: "run phase 3's checks with preflight --phase 3 (a legacy backlog fails there); cleanup does not run them for you" },
    { id: 'eligible', does: 'find the tiers on BullMQ that have soaked: only their queues are cleaned' },
    {
      id: 'blockers',
      does: 'find what stops a delete: waiting, active or delayed legacy jobs, a connected legacy worker, an app pinned to legacy (--force --reason passes these), BullMQ keys under the legacy prefix or a shared prefix (nothing passes these); a dry run reports them, a delete refuses',
    },
    { id: 'dry-run', does: 'without --yes: count the legacy keys by queue and kind, estimate their memory, delete nothing' },
    { id: 'lock', does: 'with --yes: take the migration lock' },
    { id: 'backup', does: 'optionally DUMP every key to a file first (--backup FILE; phase3 restore FILE puts them back)' },
    { id: 'baseline', does: 'record the connection count at the end of phase 2 (the first run only; a re-run resumes)' },
    { id: 'delete', does: 'SCAN + pipelined UNLINK per master node, progress saved per batch (a re-run resumes)' },
    {
      id: 'verify',
      does: 'every tier on BullMQ and soaked, no legacy keys or connections, connections and idle commands at target, sinks, audit (phase3 verify)',
    },
  ],
  runElsewhere: { checks: 'preflight --phase 3', verify: 'phase3 verify' },
  checks: checkIdsOf(3),
  checksRunBy: 'preflight --phase 3 and report (not a gate: phase3 cleanup refuses on its own blockers)',
  // Phase 3 flips nothing: its undo for keys is `phase3 restore FILE`, and `rollback` still works
  // for the flags (the apps would start on empty legacy queues).
  flip: () => ({}),
  rollback: () => ({}),
};
