import { describe, expect, it } from 'vitest';
import { authRule, reachableRule, tlsRule } from '../../src/checks/redis-connection.js';
import { evictionRule, persistenceRule, versionRule } from '../../src/checks/redis-server.js';
import { headroomRule, predictedExtra } from '../../src/checks/redis-maxclients.js';
import { clusterHashtagRule, prefixCollisionRule } from '../../src/checks/bullmq-keys.js';
import { backlogRule, repeatablesRule } from '../../src/checks/legacy-queues.js';
import { selectChecks, CHECKS } from '../../src/checks/registry.js';
import { skipUnconfigured, unconfiguredPhases } from '../../src/checks/phase-scope.js';
import type { Check, PhaseNumber } from '../../src/checks/types.js';
import { connectionBudget } from '../../src/plan/budget.js';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { parseBullRepeatKey, parseScheduler, emptyCounts } from '../../src/observe/queue-keys.js';
import { parseRedisUrl } from '../../src/redis/url.js';
import { driftFindings, explainedFields } from '../../src/state/drift.js';
import { parseStateHash } from '../../src/state/model.js';
import { evaluateMonitoredSoakGate } from '../../src/state/soak-gate.js';

const plan = defaultPlan();
const ok = { ok: true, ms: 3, error: null };

describe('connection rules', () => {
  it.each([
    [reachableRule(ok, 0.4, 5000).status, 'pass'],
    [reachableRule(ok, 250, 5000).status, 'warn'],
    [reachableRule({ ok: false, ms: 5000, error: { code: 'redis.timeout', message: 'no answer', fix: 'x' } }, null, 5000).status, 'fail'],
    [reachableRule({ ok: false, ms: 2, error: { code: 'redis.auth', message: 'WRONGPASS' } }, null, 5000).status, 'pass'],
    [
      authRule({ ok: false, ms: 2, error: { code: 'redis.auth', message: 'WRONGPASS', fix: 'check the password' } }, parseRedisUrl('redis://:x@h:1')).status,
      'fail',
    ],
    [authRule(ok, parseRedisUrl('redis://10.1.2.3:6379')).status, 'warn'],
    [authRule(ok, parseRedisUrl('redis://127.0.0.1:6379')).status, 'pass'],
    [tlsRule(ok, parseRedisUrl('redis://redis.example.com:6379')).status, 'warn'],
    [tlsRule(ok, parseRedisUrl('rediss://redis.example.com:6379')).status, 'pass'],
    [tlsRule({ ok: false, ms: 9, error: { code: 'redis.tls', message: 'certificate has expired' } }, parseRedisUrl('rediss://h:1')).status, 'fail'],
  ])('%s → %s', (actual, expected) => expect(actual).toBe(expected));
});

describe('server rules', () => {
  it('version: fail below 5.0, warn below 6.2, the oldest node counts', () => {
    expect(versionRule(['4.0.14']).status).toBe('fail');
    expect(versionRule(['6.0.9']).status).toBe('warn');
    expect(versionRule(['7.2.4', '6.0.1']).status).toBe('warn');
    expect(versionRule(['7.0.15']).status).toBe('pass');
  });
  it('eviction: only noeviction passes, on every node', () => {
    expect(evictionRule(['noeviction']).status).toBe('pass');
    expect(evictionRule(['noeviction', 'volatile-lru']).status).toBe('fail');
  });
  it('persistence: AOF or save points, warn otherwise or when unknown', () => {
    expect(persistenceRule({ aof: true, save: '', rdbSaves: 0 }).status).toBe('pass');
    expect(persistenceRule({ aof: false, save: '3600 1', rdbSaves: 0 }).status).toBe('pass');
    expect(persistenceRule({ aof: false, save: '', rdbSaves: 0 }).status).toBe('warn');
    expect(persistenceRule({ aof: false, save: null, rdbSaves: null }).message).toMatch(/could not be read/);
  });
  it('maxclients: connected plus the predicted peak, with a 10 % margin', () => {
    const budget = connectionBudget(plan);
    expect(predictedExtra(budget, 'phase1', null)).toEqual({ extra: 4, at: 'phase2:non-critical' });
    expect(headroomRule([{ node: null, connected: 30, maxclients: 100 }], 4, 'x').status).toBe('pass');
    expect(headroomRule([{ node: null, connected: 88, maxclients: 100 }], 4, 'x').status).toBe('warn');
    expect(headroomRule([{ node: null, connected: 98, maxclients: 100 }], 4, 'x').status).toBe('fail');
    expect(headroomRule([{ node: null, connected: 1, maxclients: null }], 4, 'x').status).toBe('warn');
  });
});

describe('BullMQ key rules', () => {
  it('prefix collision: same prefix fails; Bull-shaped keys under the BullMQ prefix fail', () => {
    expect(prefixCollisionRule({ ...plan, bullmq: { prefix: 'bull' } }, null).status).toBe('fail');
    expect(prefixCollisionRule(plan, ['bullmq:calendar-sync:priority']).status).toBe('fail');
    expect(prefixCollisionRule(plan, []).status).toBe('pass');
  });
  it('hash tags only matter on a cluster', () => {
    expect(clusterHashtagRule(false, 'bullmq', ['a']).status).toBe('skip');
    expect(clusterHashtagRule(true, 'bullmq', ['a']).status).toBe('fail');
    expect(clusterHashtagRule(true, '{bullmq}', ['a']).status).toBe('pass');
    expect(clusterHashtagRule(true, 'bullmq', ['{a}', '{b}']).status).toBe('pass');
    expect(clusterHashtagRule(true, '{}', ['a']).status).toBe('fail');
  });
});

describe('legacy queue rules', () => {
  const busy = { ...emptyCounts(), waiting: 4, delayed: 1 };
  it('backlog: warn before a flip, informational after, fail in phase 3', () => {
    expect(backlogRule({ q: busy }, { tier: 't', phase: 2, onBullmq: false }).status).toBe('warn');
    expect(backlogRule({ q: busy }, { tier: 't', phase: 2, onBullmq: true }).status).toBe('pass');
    expect(backlogRule({ q: busy }, { tier: null, phase: 3, onBullmq: true }).status).toBe('fail');
    expect(backlogRule({ q: emptyCounts() }, { tier: null, phase: 3, onBullmq: true }).status).toBe('pass');
  });
  it('parses both libraries’ repeatable formats', () => {
    expect(parseBullRepeatKey('__default__::::0 * * * *')).toMatchObject({ name: '__default__', schedule: '0 * * * *', tz: null });
    expect(parseBullRepeatKey('sync:job1::Europe/Paris:*/5 * * * *')).toMatchObject({ name: 'sync', schedule: '*/5 * * * *', tz: 'Europe/Paris' });
    expect(parseBullRepeatKey('a:b:::60000')).toMatchObject({ name: 'a:b', schedule: 'every:60000' });
    expect(parseBullRepeatKey('nonsense')).toBeNull();
    expect(parseScheduler('hourly', { name: 'sync', pattern: '0 * * * *' })).toMatchObject({ schedule: '0 * * * *', name: 'sync' });
  });
  it('repeatables: in both → warn, only in Bull for a queue on BullMQ → warn, otherwise pass', () => {
    const bull = parseBullRepeatKey('__default__::::0 * * * *')!;
    const mq = parseScheduler('hourly', { name: 'x', pattern: '0 * * * *' });
    expect(repeatablesRule({ q: { legacy: [bull], bullmq: [mq], onBullmq: false } }).status).toBe('warn');
    expect(repeatablesRule({ q: { legacy: [bull], bullmq: [], onBullmq: true } }).message).toMatch(/stop running/);
    expect(repeatablesRule({ q: { legacy: [bull], bullmq: [], onBullmq: false } }).status).toBe('pass');
    expect(repeatablesRule({ q: { legacy: [], bullmq: [mq], onBullmq: true } }).status).toBe('pass');
  });
});

describe('drift', () => {
  const base = { hash: {}, changes: [], instances: [], dotenv: null, expectedSink: {} };
  const entry = (version: number, after: Record<string, string>, time = 1) => ({
    id: `${time}-0`,
    time,
    kind: 'flip',
    actor: 'a',
    command: 'phase2',
    reason: '',
    version,
    before: {},
    after,
    details: {},
  });
  const live = (version: number, epoch: string | null) => ({
    id: 'i',
    app: 'api',
    host: 'h',
    pid: 1,
    version,
    epoch,
    source: 'redis' as const,
    killSwitch: false,
    heartbeatMs: 5000,
    startedAt: 0,
    lastSeen: 0,
    live: true,
  });

  it('a fresh namespace has no drift', () => {
    expect(driftFindings({ ...base, state: parseStateHash({}) }).ok).toBe(true);
  });
  it('a wiped state contradicted by the audit, instances or the dotenv sink is drift', () => {
    const state = parseStateHash({});
    expect(driftFindings({ ...base, state, changes: [entry(3, { useBullmq: 'true' })] })).toMatchObject({ ok: false, wiped: true });
    expect(driftFindings({ ...base, state, instances: [live(3, 'e1')] })).toMatchObject({ ok: false, wiped: true });
    const dotenv = { path: '.env', values: { USE_BULLMQ: 'true', BULLMQ_TIERS: 'non-critical', USE_HTTP_REDIS: 'false' } };
    expect(driftFindings({ ...base, state, dotenv, expectedSink: { USE_BULLMQ: 'false', BULLMQ_TIERS: '', USE_HTTP_REDIS: 'false' } }).findings).toHaveLength(
      2,
    );
    const untouched = { path: '.env', values: { OTHER: 'x' } };
    expect(driftFindings({ ...base, state, dotenv: untouched, expectedSink: { USE_BULLMQ: 'false', BULLMQ_TIERS: '', USE_HTTP_REDIS: 'false' } }).ok).toBe(
      true,
    );
  });
  it('state behind the audit, or fields changed behind its back, is drift', () => {
    const hash = { version: '2', epoch: 'e', useBullmq: 'true' };
    const state = parseStateHash(hash);
    expect(driftFindings({ ...base, state, hash, changes: [entry(3, {})] }).ok).toBe(false);
    expect(driftFindings({ ...base, state, hash: { ...hash, useBullmq: 'false' }, changes: [entry(2, { useBullmq: 'true' })] }).ok).toBe(false);
    expect(driftFindings({ ...base, state, hash, changes: [entry(2, { useBullmq: 'true' })], instances: [live(2, 'e')] }).ok).toBe(true);
  });
  it('any state field, or soak clock, that no audit entry explains is drift; every change replayed explains the rest', () => {
    const changes = [entry(1, { useBullmq: 'true', 'tier:a': 'bullmq' }, 100), entry(2, { 'tier:b': 'bullmq' }, 200)];
    const hash = {
      version: '2',
      epoch: 'e',
      useBullmq: 'true',
      'useBullmq:since': '100',
      'tier:a': 'bullmq',
      'tier:a:since': '100',
      'tier:b': 'bullmq',
      'tier:b:since': '200',
      updatedAt: '200',
    };
    const judge = (extra: Record<string, string>) =>
      driftFindings({ ...base, state: parseStateHash({ ...hash, ...extra }), hash: { ...hash, ...extra }, changes });
    expect(judge({}).ok).toBe(true);
    expect(judge({ 'tier:c': 'bullmq' }).findings.map((f) => f.message)).toEqual(['tier:c is "bullmq" but no audit entry set it']);
    expect(judge({ useHttpRedis: 'true' }).findings.map((f) => f.message)).toEqual(['useHttpRedis is "true" but no audit entry set it']);
    expect(judge({ 'tier:a:since': '5' }).findings.map((f) => f.message)).toEqual(['tier:a:since is "5" but version 1 changed tier:a at 100']);
    // A default value nobody set is no drift (nothing was changed).
    expect(judge({ 'tier:c': 'legacy' }).ok).toBe(true);
    // Hand-written state on a namespace never changed through the tool is drift, not a wiped store.
    expect(driftFindings({ ...base, state: parseStateHash({ useBullmq: 'true' }), hash: { useBullmq: 'true' } })).toMatchObject({ ok: false, wiped: false });
  });
  it('after a rebuilt state (versions start again), only the new changes explain it', () => {
    const old = entry(5, { 'tier:critical': 'bullmq' }, 50);
    const rebuilt = entry(1, { useBullmq: 'true' }, 100);
    expect(explainedFields([old, rebuilt]).has('tier:critical')).toBe(false);
    const hash = { version: '1', epoch: 'e2', useBullmq: 'true', 'useBullmq:since': '100' };
    expect(driftFindings({ ...base, state: parseStateHash(hash), hash, changes: [old, rebuilt] }).ok).toBe(true);
  });
});

describe('monitored soak gate', () => {
  const T0 = 1_800_000_000_000;
  const HOUR = 3_600_000;
  const state = parseStateHash({ useBullmq: 'true', 'useBullmq:since': String(T0), 'tier:non-critical': 'bullmq', 'tier:non-critical:since': String(T0) });
  it('open after the window without a breach; closed by a breach of the current soak only', () => {
    expect(evaluateMonitoredSoakGate(plan, state, 'medium', T0 + 25 * HOUR, {}).open).toBe(true);
    const breached = { 'non-critical': { since: T0, healthyMs: HOUR, breachAt: T0 + 2 * HOUR, breach: 'x' } };
    expect(evaluateMonitoredSoakGate(plan, state, 'medium', T0 + 25 * HOUR, breached)).toMatchObject({ open: false, reason: 'previous-breached' });
    const older = { 'non-critical': { since: T0 - HOUR, healthyMs: 0, breachAt: T0 - 1, breach: 'x' } };
    expect(evaluateMonitoredSoakGate(plan, state, 'medium', T0 + 25 * HOUR, older).open).toBe(true);
  });
  it('with monitor.requireHealthySoak the monitored healthy time must cover the window', () => {
    const strict = { ...plan, monitor: { ...plan.monitor, requireHealthySoak: true } };
    const health = { 'non-critical': { since: T0, healthyMs: 20 * HOUR, breachAt: null, breach: null } };
    expect(evaluateMonitoredSoakGate(strict, state, 'medium', T0 + 25 * HOUR, health)).toMatchObject({
      open: false,
      reason: 'previous-unmonitored',
      remainingMs: 4 * HOUR,
    });
  });
});

describe('registry', () => {
  it('selects by phase; a tier implies phase 2; ids are unique', () => {
    expect(selectChecks({ phase: 1 }).map((c) => c.id)).not.toContain('redis.eviction-policy');
    expect(selectChecks({ tier: 'medium' }).map((c) => c.id)).toContain('gate.soak');
    expect(selectChecks({ phase: 3 }).map((c) => c.id)).toContain('legacy.backlog');
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  });
});

describe('plain preflight leaves out a phase not configured', () => {
  const check = (id: string, phases: PhaseNumber[]): Check => ({ id, title: id, phases, run: async () => ({ status: 'fail', message: 'ran' }) });

  it('phase 1 is not configured without a REST URL and token; either one makes it configured (and checked)', () => {
    expect(unconfiguredPhases(plan, {})[1]).toMatch(/phase 1 is not configured/);
    expect(unconfiguredPhases(plan, { UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' })).toEqual({});
    expect(unconfiguredPhases(plan, { UPSTASH_REDIS_REST_TOKEN: 't' })).toEqual({});
    expect(unconfiguredPhases({ ...plan, http: { ...plan.http, url: 'https://x.upstash.io' } }, {})).toEqual({});
  });

  it('skips a check only when every phase it belongs to is left out', async () => {
    const checks = skipUnconfigured([check('http.auth', [1]), check('redis.reachable', [1, 2, 3])], { 1: 'phase 1 is not configured' });
    const results = await Promise.all(checks.map((entry) => entry.run({} as never)));
    expect(results.map((result) => result.status)).toEqual(['skip', 'fail']);
    expect(results[0]?.message).toBe('skipped: phase 1 is not configured');
  });
});
