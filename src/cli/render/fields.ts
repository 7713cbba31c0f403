/** Internal state field names → what operators know them as (the plan's flag names). */
import type { FlagsView } from '../../state/view.js';

export function fieldLabel(field: string, names: FlagsView['names']): string {
  if (field === 'useBullmq') return names.useBullmq;
  if (field === 'useHttpRedis') return names.useHttpRedis;
  const queues = /^tier:(.+):queues$/.exec(field);
  if (queues) return `tier ${queues[1]} queues`;
  const tier = /^tier:(.+)$/.exec(field);
  if (tier) return `tier ${tier[1]}`;
  return field;
}

export function flagsLine(flags: FlagsView): string {
  return `${flags.names.useBullmq}=${flags.USE_BULLMQ}  ${flags.names.bullmqTiers}=${flags.BULLMQ_TIERS.join(',') || '(none)'}  ${flags.names.useHttpRedis}=${flags.USE_HTTP_REDIS}`;
}
