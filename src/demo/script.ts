/** The migration the demo walks, as data (pure): each step's command and what it shows. */

export type DemoCommand =
  | { command: 'none' }
  | { command: 'phase1' }
  | { command: 'phase2'; tier: string }
  | { command: 'rollback'; tier?: string }
  /** phase3 cleanup --yes, phase3 verify, then the app redeployed without legacy code and flags SDK. */
  | { command: 'phase3' };

export interface DemoStep {
  id: string;
  label: string;
  run: DemoCommand;
}

export const PHASE3: DemoStep = {
  id: 'phase3',
  label: 'phase 3: legacy keys deleted, end state verified, the app redeployed without the legacy code and the flags SDK',
  run: { command: 'phase3' },
};

export function demoSteps(tiers: readonly string[]): DemoStep[] {
  return [
    { id: 'legacy', label: 'baseline: every queue on Bull, cache and limiters on TCP', run: { command: 'none' } },
    { id: 'phase1', label: 'phase 1: cache and rate limiters to HTTP Redis', run: { command: 'phase1' } },
    ...tiers.map((tier): DemoStep => ({ id: `phase2:${tier}`, label: `phase 2: tier ${tier} to BullMQ`, run: { command: 'phase2', tier } })),
    { id: 'rollback', label: 'rollback: every queue back to Bull (USE_BULLMQ=false, every tier back to legacy)', run: { command: 'rollback' } },
    // The rollback returned every tier to legacy: each comes back on its own phase2, through its own gate.
    ...tiers.map(
      (tier, index): DemoStep => ({
        id: `reflip:${tier}`,
        label: `re-flip: tier ${tier} to BullMQ again, through its own checks and gate${index === 0 ? ' (only this tier: the others stay on Bull)' : ` (after ${tiers[index - 1]} soaked again)`}`,
        run: { command: 'phase2', tier },
      }),
    ),
    PHASE3,
  ];
}

export function commandText(run: DemoCommand): string {
  if (run.command === 'none') return '-';
  if (run.command === 'phase2') return `phase2 --tier ${run.tier}`;
  if (run.command === 'rollback') return run.tier ? `rollback --tier ${run.tier}` : 'rollback';
  if (run.command === 'phase3') return 'phase3 cleanup + verify';
  return run.command;
}
