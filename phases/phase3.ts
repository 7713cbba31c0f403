/** Phase 3: the legacy keys go, the end state is verified. It changes no flag. */
import type { PhaseDefinition } from './types.js';

export const phase3: PhaseDefinition = {
  id: 'phase3',
  title: 'Legacy cleanup and final verification',
  steps: [
    { id: 'eligible', does: 'find the tiers on BullMQ that have soaked: only their queues are cleaned' },
    { id: 'dry-run', does: 'count the legacy keys by queue and kind, estimate their memory (phase3 cleanup without --yes)' },
    { id: 'blockers', does: 'refuse while the legacy side has waiting, active or delayed jobs or a connected worker (--force --reason to pass)' },
    { id: 'lock', does: 'take the migration lock' },
    { id: 'backup', does: 'optionally DUMP every key to a file first (--backup FILE; phase3 restore FILE puts them back)' },
    { id: 'delete', does: 'SCAN + pipelined UNLINK per master node, progress saved per batch (a re-run resumes)' },
    { id: 'verify', does: 'every tier on BullMQ and soaked, no legacy keys or connections, connections and idle commands at target, sinks, audit (phase3 verify)' },
  ],
  checks: ['legacy.backlog', 'bullmq.prefix-collision'],
  // Phase 3 flips nothing: its undo for keys is `phase3 restore FILE`, and `rollback` still works
  // for the flags (the apps would start on empty legacy queues).
  flip: () => ({}),
  rollback: () => ({}),
};
