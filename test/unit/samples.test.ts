import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { columnChart, sparkline } from '../../src/cli/render/chart.js';
import { escapeXml, junitXml } from '../../src/checks/junit.js';
import { emptyByRole } from '../../src/observe/classify.js';
import { emptyCounts } from '../../src/observe/queue-keys.js';
import type { RawSample } from '../../src/observe/sampler.js';
import { nextStreamId } from '../../src/observe/sampler.js';
import { commandCost, deriveSample, idleAdvice } from '../../src/observe/samples.js';
import { defaultPlan } from '../../src/plan/default-plan.js';

const plan = defaultPlan();

function raw(at: number, commands: number, completed: number, failed: number, app = 12): RawSample {
  const queues: RawSample['queues'] = {};
  for (const queue of plan.tiers.flatMap((t) => t.queues))
    queues[queue] = { legacy: emptyCounts(), bullmq: emptyCounts(), bullmqEvents: { completed: 0, failed: 0 } };
  queues['calendar-sync'] = { legacy: emptyCounts(), bullmq: { ...emptyCounts(), completed, failed }, bullmqEvents: { completed: 0, failed: 0 } };
  return {
    at,
    connections: { total: app, app, byRole: emptyByRole() },
    commands: { total: commands, byCommand: { evalsha: commands } },
    queues,
    instances: { live: 1, versions: { '3': 1 } },
    cursors: {},
    ownCommands: 10,
    ownByCommand: { evalsha: 10 },
  };
}

describe('deriveSample', () => {
  const ctx = { plan, bullmqTiers: ['critical'], startBacklog: 0, window: {}, windowSize: 6 };
  it('rates without the monitor’s own commands, failure rate from deltas, breaches attributed to the tier', () => {
    const sample = deriveSample(raw(0, 1000, 10, 0), raw(10_000, 1110, 10, 20), ctx);
    expect(sample.commands.perSecond).toBe(10);
    expect(sample.queues['calendar-sync']).toMatchObject({ system: 'bullmq', failureRate: 1 });
    expect(sample.breaches).toEqual([
      expect.objectContaining({ threshold: 'maxFailureRate', queue: 'calendar-sync', tiers: ['critical'], rollbackWorthy: true }),
    ]);
  });
  it('below the minimum of finished jobs there is no rate and no breach; set shrinkage is not negative', () => {
    const sample = deriveSample(raw(0, 0, 10, 5), raw(1000, 0, 0, 6), ctx);
    expect(sample.queues['calendar-sync']?.failureRate).toBeNull();
    expect(sample.breaches).toEqual([]);
  });
  it('connections and backlog growth over the plan thresholds', () => {
    const strict = { ...plan, thresholds: { ...plan.thresholds, maxConnections: 10, maxBacklogGrowth: 0 } };
    const current = raw(1000, 0, 0, 0, 11);
    current.queues['token-refresh'] = { legacy: { ...emptyCounts(), waiting: 3 }, bullmq: emptyCounts(), bullmqEvents: { completed: 0, failed: 0 } };
    const sample = deriveSample(raw(0, 0, 0, 0), current, { ...ctx, plan: strict });
    expect(sample.backlog).toMatchObject({ legacy: 3, total: 3, growth: 3 });
    expect(sample.breaches.map((b) => b.threshold).sort()).toEqual(['maxBacklogGrowth', 'maxConnections']);
  });
  it('failures of a queue still on legacy are reported but not worth a BullMQ rollback', () => {
    const sample = deriveSample(raw(0, 0, 0, 0), raw(1000, 0, 0, 9), { ...ctx, bullmqTiers: [] });
    expect(sample.breaches[0]).toMatchObject({ rollbackWorthy: false, tiers: [] });
  });
});

describe('cost and advice', () => {
  it('projects a month at the plan price per 100k', () => {
    expect(commandCost(286 / 60, plan.cost)).toMatchObject({ perMinute: 286, projectedMonthly: 12_355_200, projectedMonthlyCost: 24.71, currency: 'USD' });
  });
  it('gives the measured worker settings', () => {
    const advice = idleAdvice({ bullmq: 11, legacy: 0 }).join(' ');
    expect(advice).toContain('286');
    expect(advice).toContain('drainDelay: 60');
    expect(advice).toContain('stalledInterval: 300000');
  });
  it('steps past a stream id', () => {
    expect(nextStreamId('1700000000000-7')).toBe('1700000000000-8');
  });
});

describe('charts and JUnit', () => {
  it('sparkline and column chart', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([null, 2, 2])).toBe(' ▄▄');
    const rows = columnChart([0, 2, 4], { height: 2 });
    expect(rows).toEqual(['4 |  #', '0 |_##']);
  });
  it('JUnit: failures, strict warnings, skips; XML-safe text', () => {
    const xml = junitXml(
      [
        { id: 'a.pass', status: 'pass', message: 'ok <fine> & "good"' },
        { id: 'b.warn', status: 'warn', message: 'meh', fix: 'do x' },
        { id: 'c.fail', status: 'fail', message: 'bad', fix: 'do y' },
        { id: 'd.skip', status: 'skip', message: 'n/a' },
      ],
      { suite: 's', strict: true },
    );
    expect(XMLValidator.validate(xml)).toBe(true);
    const suite = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml).testsuites.testsuite;
    expect(suite).toMatchObject({ tests: '4', failures: '2', skipped: '1' });
    expect(escapeXml('a\u0001<b>')).toBe('a&lt;b&gt;');
  });
});
