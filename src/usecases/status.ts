/** The migration's status: flags, tiers with soak progress, flag version, live app instances, the lock, drift. Read-only. */
import type { LoadedPlan } from '../plan/load-plan.js';
import { driftFix, type DriftReport } from '../state/drift.js';
import { readDrift } from '../state/read-drift.js';
import { readSoakHealth, type TierSoakHealth } from '../state/soak-health.js';
import { auditLength } from '../state/audit.js';
import { readBaselines, type Baseline } from '../state/baselines.js';
import { readState } from '../state/flag-store.js';
import { readInstances, type InstanceView } from '../state/instances.js';
import { readLock } from '../state/lock.js';
import { flagsView, tiersView, type FlagsView, type TierView } from '../state/view.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface StatusReport extends Report {
  namespace: string;
  plan: string;
  redis: string;
  /** Server time the status was read, ms. */
  now: number;
  version: number;
  epoch: string | null;
  updatedAt: number | null;
  updatedBy: string | null;
  flags: FlagsView;
  tiers: TierView[];
  instances: {
    live: number;
    /** Live instances that have applied the current version. */
    current: number;
    killSwitch: number;
    list: (InstanceView & { lastSeenAgoMs: number })[];
  };
  lock: { owner: string; command: string; host: string; pid: number; since: number; expiresInMs: number } | null;
  auditEntries: number;
  baselines: Baseline[];
  /** State against the audit trail, app instances and the dotenv sink; findings make status exit 4. */
  drift: DriftReport & { fix: string | null };
  /** What `monitor` recorded per tier for its current soak (healthy time, last breach). */
  monitored: Record<string, TierSoakHealth>;
}

export async function readStatus(env: Environment, loaded: LoadedPlan): Promise<StatusReport> {
  const keys = env.keys(loaded);
  const client = await env.connect('status', loaded);
  const [{ state }, { now, instances }, lock, auditEntries, baselines, drift, monitored] = await Promise.all([
    readState(client, keys),
    readInstances(client, keys),
    readLock(client, keys),
    auditLength(client, keys),
    readBaselines(client, keys),
    readDrift(client, keys, loaded.plan, env.cwd),
    readSoakHealth(client, keys),
  ]);
  const live = instances.filter((instance) => instance.live);
  const { parseRedisUrl } = await import('../redis/url.js');
  return {
    ok: drift.ok,
    namespace: env.namespace(loaded),
    plan: loaded.source,
    redis: parseRedisUrl(env.redisUrl(loaded)).display,
    now,
    version: state.version,
    epoch: state.epoch,
    updatedAt: state.updatedAt,
    updatedBy: state.updatedBy,
    flags: flagsView(loaded.plan, state),
    tiers: tiersView(loaded.plan, state, now),
    instances: {
      live: live.length,
      current: live.filter((instance) => instance.version >= state.version && instance.epoch === state.epoch).length,
      killSwitch: live.filter((instance) => instance.killSwitch).length,
      list: instances.map((instance) => ({ ...instance, lastSeenAgoMs: Math.max(0, now - instance.lastSeen) })),
    },
    lock: lock ? { owner: lock.owner, command: lock.command, host: lock.host, pid: lock.pid, since: lock.since, expiresInMs: lock.expiresInMs } : null,
    auditEntries,
    baselines,
    drift: { ...drift, fix: drift.ok ? null : driftFix(drift) },
    monitored,
  };
}
