/**
 * `demo`: the whole migration on a throwaway redis-server (or REDIS_URL) with the reference fleet:
 * baseline, phase 1, each tier, a rollback and a re-flip; then the merged-queue topology. After each
 * step it measures connections by role and counts jobs; it ends with measured vs predicted numbers
 * and the claims it checked, and cleans up everything it started. Exit 3 if a job was lost.
 */
import type { CommandContext } from '../cli/context.js';
import type { Outcome, Report } from '../cli/output.js';
import { EXIT } from '../errors.js';
import type { Claim } from '../demo/claims.js';
import type { HttpEndpoint } from '../demo/http-endpoint.js';
import type { DemoStepResult } from '../demo/walk.js';
import type { DemoWorld } from '../demo/world.js';
import type { LedgerSummary } from '../../examples/fleet/ledger.js';
import type { LocalRedis } from '../redis/local-server.js';
import { CONNECTION_NAME_PREFIX } from '../state/keys.js';

export interface DemoOptions {
  soak: string;
  rate: string;
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

export async function run(ctx: CommandContext, options: DemoOptions): Promise<Outcome<DemoReport>> {
  const started = Date.now();
  const rate = /^\d+$/.test(options.rate) && Number(options.rate) > 0 ? options.rate : '40';
  const given = ctx.options.redisUrl ?? ctx.env('REDIS_URL');
  let local: LocalRedis | undefined;
  let http: HttpEndpoint | undefined;
  const worlds: DemoWorld[] = [];
  let closeClient = async () => undefined as void;
  try {
    const { startLocalRedis } = await import('../redis/local-server.js');
    if (!given) local = await startLocalRedis();
    const redisUrl = given ?? (local as LocalRedis).url;
    const { openRedis } = await import('../redis/connect.js');
    const client = await openRedis({ url: redisUrl, name: `${CONNECTION_NAME_PREFIX.cli}demo`, timeoutMs: ctx.timeoutMs, cluster: false });
    closeClient = () => client.quit().then(() => undefined, () => client.disconnect());
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
    const world = (label: string) => {
      const created = new DemoWorld({ label, redisUrl, local, http, soak: options.soak, io: ctx.io }, client);
      worlds.push(created);
      return created;
    };
    const main = world('main');
    ctx.log(`demo on ${where}: the fleet produces ${rate} jobs/s over ${main.queues.length} queues; soak windows ${options.soak}`);
    const ledgers = { main: new Ledger(2000), merged: new Ledger(2000) };
    const walk = { ctx, rate, started, http: Boolean(http) };
    const steps = await walkMain({ ...walk, world: main, ledger: ledgers.main });
    steps.push(...(await walkMerged({ ...walk, world: world('merged'), ledger: ledgers.merged })));

    const byId = (topology: string, id: string) => steps.find((step) => step.topology === topology && step.id === id) as DemoStepResult;
    const finalSingle = byId('single', 'reflip');
    const finalSplit = steps.filter((step) => step.topology === 'split').at(-1) as DemoStepResult;
    const claims = judgeClaims({
      legacy: byId('single', 'legacy').measured,
      phase1: byId('single', 'phase1').measured,
      kvOnHttp: byId('single', 'phase1').kvOnHttp,
      finalSingle: finalSingle.measured,
      bullmqWorkers: finalSingle.measured.byRole['bullmq-blocking'],
      finalMergedWorker: finalSplit.byProcess.worker ?? null,
      finalApi: finalSplit.byProcess.api ?? null,
    });
    const [mainJobs, mergedJobs] = [ledgers.main.summary(), ledgers.merged.summary()];
    const lost = mainJobs.outstanding + mergedJobs.outstanding;
    const duplicates = mainJobs.duplicates + mergedJobs.duplicates;
    const processesStopped = worlds.reduce((sum, entry) => sum + entry.processNames.length, 0);
    let keysRemoved = 0;
    for (const entry of worlds.splice(0)) keysRemoved += await entry.cleanup();
    const ok = lost === 0 && duplicates === 0 && mainJobs.addFailures + mergedJobs.addFailures === 0 && steps.every((step) => step.settled);
    const notes = [
      http ? `phase 1 moved the cache and limiters to ${http.url}` : 'no HTTP endpoint in this build (serve-http): phase 1 flips USE_HTTP_REDIS, the fleet keeps its cache and limiters on TCP and says so',
      'phase 3 (cleanup) is not part of this build: not run',
      'predictions: the facts file model applied to the fleet (Bull 3 per worked queue, 1 per produced-only queue; BullMQ 1 shared + 1 per Worker; 3 cache/limiter connections until phase 1; 1 flags subscriber)',
    ];
    return {
      report: {
        ok,
        redis: where,
        durationMs: Date.now() - started,
        steps,
        claims,
        jobs: { main: mainJobs, merged: mergedJobs, lost, duplicates },
        notes,
        cleanup: { processesStopped, keysRemoved, serverStopped: Boolean(local) },
      },
      exitCode: ok ? EXIT.ok : EXIT.checkFailed,
    };
  } finally {
    for (const entry of worlds) await entry.cleanup().catch(() => 0);
    await http?.stop().catch(() => undefined);
    await closeClient();
    await local?.stop();
  }
}
