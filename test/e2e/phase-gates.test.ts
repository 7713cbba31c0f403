/** The gate `plan` shows for each phase is the one its command runs: one source, the check registry's `phases`. */
import { describe, expect, inject, it } from 'vitest';
import { runCli, uniqueNamespace } from '../support/cli.js';

type Doc = { checks: { id: string; status: string }[] };
const ids = (doc: Doc) => doc.checks.map((check) => check.id);

describe('each phase shows the gate that runs', () => {
  it('plan lists exactly the checks phase1, phase2 --tier T and preflight --phase N run', async () => {
    const ns = uniqueNamespace('gates');
    // No HTTP endpoint: phase 1's HTTP checks fail, so phase1 is refused (exit 3) and reports what it ran.
    const run = (args: string[]) => runCli([...args, '--json', '--namespace', ns], { env: { REDIS_URL: inject('redisUrl') } });
    const [plan, phase1, phase2, ...preflights] = await Promise.all([
      run(['plan']),
      run(['phase1', '--dry-run']),
      run(['phase2', '--tier', 'non-critical', '--dry-run']),
      run(['preflight', '--phase', '1']),
      run(['preflight', '--phase', '2']),
      run(['preflight', '--phase', '3']),
    ]);
    const gates = Object.fromEntries(plan.result().phases.map((phase: { id: string; checks: string[] }) => [phase.id, phase.checks]));

    const failing = (doc: Doc) => JSON.stringify(doc.checks?.filter((check) => check.status === 'fail') ?? doc);
    expect(phase1.exitCode).toBe(3);
    expect(phase1.error().code).toBe('change.blocked');
    expect(ids(phase1.error().details as Doc)).toEqual(gates.phase1);
    // phase2 runs gate.soak as its gate, under the lock, against the state it flips: the report's `gate`.
    expect(phase2.exitCode, failing(phase2.result())).toBe(0);
    expect([...ids(phase2.result()), 'gate.soak'].sort()).toEqual([...gates.phase2].sort());
    expect(phase2.result().gate).toMatchObject({ previous: null, open: true });
    for (const [index, preflight] of preflights.entries()) {
      expect(ids(preflight.result()), `preflight --phase ${index + 1}`).toEqual(gates[`phase${index + 1}`]);
    }

    // What the issue saw: phase 1 lists its HTTP checks, phase 3 no phase-2-only check, phase 2 the TLS and drift checks.
    expect(gates.phase1).toEqual(expect.arrayContaining(['http.configured', 'redis.reachable']));
    expect(gates.phase3).not.toContain('bullmq.prefix-collision');
    expect(gates.phase2).toEqual(expect.arrayContaining(['redis.tls', 'flags.drift']));
  });

  it('phase2 reports on the connection it made, as preflight does', async () => {
    const run = await runCli(['phase2', '--tier', 'non-critical', '--dry-run', '--json', '--namespace', uniqueNamespace('gates')], {
      env: { REDIS_URL: inject('redisUrl') },
    });
    const status = Object.fromEntries(run.result().checks.map((check: { id: string; status: string }) => [check.id, check.status]));
    expect({ reachable: status['redis.reachable'], auth: status['redis.auth'], tls: status['redis.tls'] }).toEqual({
      reachable: 'pass',
      auth: 'pass',
      tls: 'pass',
    });
  });

  it('plan shows each phase gate in its text output, with the commands that run it', async () => {
    const run = await runCli(['plan', '--namespace', uniqueNamespace('gates')], { env: { REDIS_URL: inject('redisUrl') } });
    expect(run.stdout).toMatch(/checks, run by phase2 --tier T .*: redis\.reachable, .*gate\.soak\n/);
  });
});
