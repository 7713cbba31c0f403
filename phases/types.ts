/** What a phase is, as data: its steps, the checks that gate it, the flags it flips, its rollback. */
import type { PhaseNumber } from '../src/checks/types.js';
import type { Plan } from '../src/plan/schema.js';
import type { FieldChanges } from '../src/state/model.js';

export interface PhaseStep {
  id: string;
  does: string;
}

export interface PhaseDefinition<Target = void> {
  id: 'phase1' | 'phase2' | 'phase3';
  phase: PhaseNumber;
  title: string;
  /** In order. The steps not in `runElsewhere` are what the phase's command runs, in this order (test/integration/phase-steps.test.ts holds them to it). */
  steps: readonly PhaseStep[];
  /** Steps another command runs, by id, with that command (the soak is `monitor`'s). */
  runElsewhere: Readonly<Record<string, string>>;
  /** Ids of the phase's checks, derived from the check registry (each check's `phases`): never listed by hand. */
  checks: readonly string[];
  /** The commands that run `checks`, and whether they gate a change. */
  checksRunBy: string;
  /** The state fields the phase sets, for one target (a tier for phase 2). */
  flip(plan: Plan, target: Target): FieldChanges;
  /** The state fields its rollback sets. */
  rollback(plan: Plan, target: Target): FieldChanges;
}
