/**
 * The measured connection count of each step beside the plan's prediction. Pure. A baseline is
 * taken when a step STARTS, so it measures the step before it: the baseline of `phase1` is the
 * legacy count, that of `phase2:<first tier>` the count after phase 1, and so on; the last step
 * (final) is measured now, when the migration has got there.
 */
import type { ConnectionRow } from './model.js';

/** The parts of a budget step the table needs (the plan's connection budget provides them). */
export interface PredictedStep {
  id: string;
  label: string;
  steady: number;
  peak: number;
}

export interface MeasuredBaseline {
  step: string;
  at: number;
  connections: number;
}

export function connectionRows(
  steps: readonly PredictedStep[],
  baselines: readonly MeasuredBaseline[],
  now: { at: number; connections: number; step: string } | null,
): ConnectionRow[] {
  const byStep = new Map(baselines.map((baseline) => [baseline.step, baseline]));
  return steps.map((step, index) => {
    const next = steps[index + 1];
    // The baseline recorded when the next step began; the one before `final` is phase 3's,
    // recorded by the cleanup. `final` itself can only be measured now.
    const measuredBy = next ? byStep.get(next.id === 'final' ? 'phase3' : next.id) : undefined;
    const current = now && now.step === step.id ? now : null;
    const measured = measuredBy ?? null;
    return {
      step: step.id,
      label: step.label,
      predicted: step.steady,
      predictedPeak: step.peak,
      measured: current ? current.connections : (measured?.connections ?? null),
      measuredAt: current ? current.at : (measured?.at ?? null),
      source: current ? 'now' : measured ? `baseline ${measured.step}` : null,
    };
  });
}
