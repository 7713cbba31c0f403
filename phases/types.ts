/** What a phase is, as data: its steps, the checks that gate it, the flags it flips, its rollback. */
import type { Plan } from '../src/plan/schema.js';
import type { FieldChanges } from '../src/state/model.js';

export interface PhaseStep {
  id: string;
  does: string;
}

export interface PhaseDefinition<Target = void> {
  id: 'phase1' | 'phase2' | 'phase3';
  title: string;
  steps: readonly PhaseStep[];
  /** Ids of the preflight checks that gate the phase. */
  checks: readonly string[];
  /** The state fields the phase sets, for one target (a tier for phase 2). */
  flip(plan: Plan, target: Target): FieldChanges;
  /** The state fields its rollback sets. */
  rollback(plan: Plan, target: Target): FieldChanges;
}
