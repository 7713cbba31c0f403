/**
 * The demo: the whole migration on a throwaway redis-server (or a given Redis) with the reference fleet:
 * baseline, phase 1, each tier, a rollback and each tier again; then the merged-queue topology. After each
 * step it measures connections (classified as `connections` does) beside the plan's budget, and
 * counts jobs; it ends with the claims it checked, and cleans up everything it started. `ok` is
 * false if a job was lost or run twice.
 */
import type { Claim } from '../demo/claims.js';
import type { HttpEndpoint } from '../demo/http-endpoint.js';
import type { DemoStepResult } from '../demo/walk.js';
import type { DemoWorld } from '../demo/world.js';
import type { LedgerSummary } from '../../examples/fleet/ledger.js';
import type { LocalRedis } from '../redis/local-server.js';
import { formatDuration } from '../plan/duration.js';
import { CONNECTION_NAME_PREFIX } from '../state/keys.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

export interface DemoRequest {
  /** The Redis to run on; undefined: a throwaway redis-server of its own. */
  redisUrl: string | undefined;
  /** Soak window of every tier in the demo plan, ms. */
  soakMs: number;
  /** Jobs per second the simulated app produces. */
  rate: number;
}

export interface DemoReport extends Report {
  redis: string;
  durationMs: number;
  steps: DemoStepResult[];
  claims: Claim[];
  jobs: { main: LedgerSummary; merged: LedgerSummary; lost: number; duplicates: number };
  notes: string[];
  cleanup: { processesStopped: number; keysRemoved: number; serverStopped: boolean };
}

export async function runDemo(env: Environment, options: DemoRequest): Promise<DemoReport> {
  const started = Date.now();
  const rate = String(options.rate);
  const given = options.redisUrl;
  let local: LocalRedis | undefined;
  let http: HttpEndpoint | undefined;
  const worlds: DemoWorld[] = [];
  let closeClient = async (): Promise<void> => undefined;
  try {
    const { startLocalRedis } = await import('../redis/local-server.js');
    if (!given) local = await startLocalRedis();
    const redisUrl = given ?? (local as LocalRedis).url;
    const { openRedis } = await import('../redis/connect.js');
    const client = await openRedis({ url: redisUrl, name: `${CONNECTION_NAME_PREFIX.cli}demo`, timeoutMs: env.timeoutMs, cluster: false });
    closeClient = () =>
      client.quit().then(
        () => undefined,
        () => client.disconnect(),
      );
    const [{ startHttpEndpoint }, { DemoWorld }, { Ledger }, { walkMain, walkMerged }, { judgeClaims }, { parseRedisUrl }] = await Promise.all([
      import('../demo/http-endpoint.js'),
      import('../demo/world.js'),
      import('../../examples/fleet/ledger.js'),
      import('../demo/walk.js'),
      import('../demo/claims.js'),
      import('../redis/url.js'),
    ]);
    http = await startHttpEndpoint(redisUrl);
    const where = local ? `a throwaway redis-server on port ${local.port}` : parseRedisUrl(redisUrl).display;
    const world = (label: string, topology: 'single' | 'split') => {
      const created = new DemoWorld({ label, topology, kv: http ? 'http' : 'tcp', redisUrl, local, http, soakMs: options.soakMs, env }, client);
      worlds.push(created);
      return created;
    };
    const [main, merged] = [world('main', 'single'), world('merged', 'split')];
    env.log(`demo on ${where}: the fleet produces ${rate} jobs/s over ${main.queues.length} queues; soak windows ${formatDuration(options.soakMs)}`);
    const ledgers = { main: new Ledger(2000), merged: new Ledger(2000) };
    const walk = { log: (message: string) => env.log(message), rate, started };
    const steps = await walkMain({ ...walk, world: main, ledger: ledgers.main });
    steps.push(...(await walkMerged({ ...walk, world: merged, ledger: ledgers.merged })));

    const find = (topology: string, id: string) => steps.find((step) => step.topology === topology && step.id === id) as DemoStepResult;
    const finalSplit = steps.filter((step) => step.topology === 'split').at(-1) as DemoStepResult;
    const claims = judgeClaims({
      legacy: find('single', 'legacy').measured,
      phase1: find('single', 'phase1').measured,
      kvOnHttp: find('single', 'phase1').kvOnHttp,
      finalSingle: find('single', 'phase3').measured,
      finalMergedWorker: finalSplit.processes.worker?.measured ?? null,
      finalApi: finalSplit.processes.api?.measured ?? null,
    });
    const [mainJobs, mergedJobs] = [ledgers.main.summary(), ledgers.merged.summary()];
    const lost = mainJobs.outstanding + mergedJobs.outstanding;
    const duplicates = mainJobs.duplicates + mergedJobs.duplicates;
    const processesStopped = worlds.reduce((sum, entry) => sum + entry.processNames.length, 0);
    let keysRemoved = 0;
    for (const entry of worlds.splice(0)) keysRemoved += await entry.cleanup();
    const ok = lost === 0 && duplicates === 0 && mainJobs.addFailures + mergedJobs.addFailures === 0 && steps.every((step) => step.settled);
    const phase1 = find('single', 'phase1');
    const notes = [
      phase1.kvOnHttp
        ? `phase 1 ran its HTTP checks against the serve-http bridge (${http?.url}) and moved the cache and limiters to it; the bridge's own Redis connections are the server side of HTTP and are not counted`
        : 'phase 1 did not move the cache and limiters (see the phase 1 step); they stayed on TCP',
      'rollback: USE_BULLMQ=false and every tier back to legacy in one change; the re-flip then takes the tiers one `phase2 --tier` at a time, each through its own checks and gate (a phase2 never turns on a tier it did not check)',
      "phase 3: `phase3 cleanup --yes` deletes the legacy keys, the fleet is redeployed as the migrated app (FLEET_FLAGS=off: no legacy code path, no flags SDK), which is what the plan's final step predicts, then `phase3 verify` checks the end state against the plan's target (3 connections: only the merged topology meets it)",
      "predictions: the plan's connection budget (`redis-migrate plan`) for a topology that describes the fleet processes",
    ];
    return {
      ok,
      redis: where,
      durationMs: Date.now() - started,
      steps,
      claims,
      jobs: { main: mainJobs, merged: mergedJobs, lost, duplicates },
      notes,
      cleanup: { processesStopped, keysRemoved, serverStopped: Boolean(local) },
    };
  } finally {
    for (const entry of worlds) await entry.cleanup().catch(() => 0);
    await http?.stop().catch(() => undefined);
    await closeClient();
    await local?.stop();
  }
}
