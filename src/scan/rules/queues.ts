/** Queue discovery: the queues found in code against the plan's tiers. */
import type { Rule } from './types.js';

export const QUEUE_RULES = {
  notInPlan: {
    id: 'queues-not-in-plan',
    library: 'queues',
    title: 'Queue in code, in no tier',
    severity: 'error',
    change: 'decision',
    from: "new Queue('name') / @Processor('name') / BullModule.registerQueue({ name })",
    to: 'add the queue to a tier of the plan (tiers[].queues), or remove the code',
    why: 'A queue in no tier is never switched by phase 2 and its keys are never cleaned: it stays on Bull.',
  },
  notInCode: {
    id: 'queues-not-in-code',
    library: 'queues',
    title: 'Queue in a tier, not in code',
    severity: 'warning',
    change: 'decision',
    from: 'tiers[].queues in the plan',
    to: 'fix the name in the plan (a typo?), or check that the code builds it at run time',
    why: 'A tier whose queue the code never uses soaks and gates nothing.',
  },
  unresolved: {
    id: 'queues-unresolved',
    library: 'queues',
    title: 'Queue name not known until run time',
    severity: 'note',
    change: 'decision',
    from: 'new Queue(nameFromConfig)',
    to: 'a name the scan can resolve (a literal or a constant) lets it check the plan; otherwise check by hand',
    why: 'The plan comparison only sees names it can compute.',
  },
} as const satisfies Record<string, Rule>;
