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
    { id: 'dry-run', does: 'count the legacy keys by queue and kind, estimate their memory (phase3 cleanup without --yes)' },
    { id: 'blockers', does: 'refuse while the legacy side has waiting, active or delayed jobs or a connected worker (--force --reason to pass)' },
    { id: 'lock', does: 'take the migration lock' },
    { id: 'backup', does: 'optionally DUMP every key to a file first (--backup FILE; phase3 restore FILE puts them back)' },
    { id: 'delete', does: 'SCAN + pipelined UNLINK per master node, progress saved per batch (a re-run resumes)' },
    { id: 'verify', does: 'every tier on BullMQ and soaked, no legacy keys or connections, connections and idle commands at target, sinks, audit (phase3 verify)' },
  ],
  checks: checkIdsOf(3),
  checksRunBy: 'preflight --phase 3 and report (not a gate: phase3 cleanup refuses on its own blockers)',
  // Phase 3 flips nothing: its undo for keys is `phase3 restore FILE`, and `rollback` still works
  // for the flags (the apps would start on empty legacy queues).
  flip: () => ({}),
  rollback: () => ({}),
};
