import { describe, expect, it } from 'vitest';
import { defaultPlan, defaultPlanDocument } from '../../src/plan/default-plan.js';
import { namespaceInText, namespaceOf } from '../../src/plan/load-plan.js';
import { formatIssue, validatePlan } from '../../src/plan/schema.js';

function withTiers(tiers: unknown) {
  return { ...defaultPlanDocument(), tiers };
}

describe('validatePlan', () => {
  it('accepts the default plan: 11 queues in three tiers, soak 24h / 24h / 26h', () => {
    const plan = defaultPlan();
    expect(plan.tiers.map((tier) => tier.name)).toEqual(['non-critical', 'medium', 'critical']);
    expect(plan.tiers.flatMap((tier) => tier.queues)).toHaveLength(11);
    expect(plan.tiers.map((tier) => tier.soak)).toEqual(['24h', '24h', '26h']);
    expect(plan.legacy.prefix).toBe('bull');
    expect(plan.bullmq.prefix).toBe('bullmq');
  });

  it('fills in defaults for a minimal plan', () => {
    const result = validatePlan({ tiers: [{ name: 'only', queues: ['q1'], soak: '90s' }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.namespace).toBe('default');
    expect(result.plan.flags).toEqual({ useBullmq: 'USE_BULLMQ', bullmqTiers: 'BULLMQ_TIERS', useHttpRedis: 'USE_HTTP_REDIS' });
    expect(result.plan.lock.ttl).toBe('30s');
    expect(result.plan.sinks.hooks).toEqual([]);
  });

  it('reports every problem with its path, not just the first', () => {
    const document = {
      ...withTiers([
        { name: 'a', queues: ['q1'], soak: '24h' },
        { name: 'b', queues: ['q2'], soak: 'a day' },
      ]),
      thresholds: { maxFailureRate: 2 },
      bullmq: { prefix: 'has space' },
      nmespace: 'x',
    };
    const result = validatePlan(document);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.issues.map(formatIssue);
    expect(lines).toContain('tiers[1].soak: expected a duration like "24h", got "a day"');
    expect(lines).toContain('thresholds.maxFailureRate: expected a number from 0 to 1, got number 2');
    expect(lines.some((line) => line.startsWith('bullmq.prefix: expected a key prefix'))).toBe(true);
    expect(lines.some((line) => line.startsWith('nmespace: unknown key; did you mean "namespace"'))).toBe(true);
  });

  it('metrics: off by default on loopback; a bad port or runbook URL is reported with its path', () => {
    expect(defaultPlan().metrics).toEqual({ port: undefined, host: '127.0.0.1', runbookBaseUrl: undefined });
    const good = validatePlan({ ...defaultPlanDocument(), metrics: { port: 9464, host: '0.0.0.0', runbookBaseUrl: 'https://git.example.com/runbooks' } });
    expect(good.ok && good.plan.metrics).toEqual({ port: 9464, host: '0.0.0.0', runbookBaseUrl: 'https://git.example.com/runbooks' });
    const bad = validatePlan({ ...defaultPlanDocument(), metrics: { port: 70000, runbookBaseUrl: 'runbooks/' } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const paths = bad.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['metrics.port', 'metrics.runbookBaseUrl']));
  });

  it('rejects a missing tiers list and an empty one', () => {
    const missing = validatePlan({ namespace: 'x' });
    expect(!missing.ok && missing.issues.map(formatIssue)).toContain('tiers: missing; expected a list of objects');
    const empty = validatePlan({ tiers: [] });
    expect(!empty.ok && empty.issues.map(formatIssue)).toContain('tiers: expected at least 1 item(s), got 0');
  });

  it('rejects a queue in two tiers, duplicate tiers, and a watch window longer than the soak', () => {
    const result = validatePlan(
      withTiers([
        { name: 'a', queues: ['q1'], soak: '1h', watch: '2h' },
        { name: 'a', queues: ['q1'], soak: '1h' },
      ]),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.issues.map(formatIssue);
    expect(lines).toContain('tiers[1].name: duplicate tier "a" (also tiers[0])');
    expect(lines).toContain('tiers[1].queues[0]: queue "q1" is already in tier "a"');
    expect(lines).toContain('tiers[0].watch: the watch window (2h) is longer than the soak (1h)');
  });

  it('reports every unknown key at every depth, each with the known key it most likely meant', () => {
    const result = validatePlan({
      ...withTiers([{ name: 'a', queues: ['q1'], soak: '1h', wacth: '1h' }]),
      tier: [],
      lock: { tll: '1m', owner: 'x' },
      topology: { processes: [{ name: 'w', conections: {} }] },
    });
    expect(!result.ok && result.issues.map(formatIssue)).toEqual(
      expect.arrayContaining([
        'tier: unknown key; did you mean "tiers"?',
        'tiers[0].wacth: unknown key; did you mean "watch"?',
        'lock.tll: unknown key; did you mean "ttl"?',
        'lock.owner: unknown key; expected one of ttl',
        'topology.processes[0].conections: unknown key; did you mean "connections"?',
      ]),
    );
    expect(!result.ok && result.issues).toHaveLength(5);
  });

  it('refuses a list where a section goes, and says what an empty file or an empty string is', () => {
    const list = validatePlan({ ...defaultPlanDocument(), redis: [] });
    expect(!list.ok && list.issues.map(formatIssue)).toEqual(['redis: expected an object, got an array']);
    const empty = validatePlan(undefined);
    expect(!empty.ok && empty.issues.map(formatIssue)).toEqual(['(root): expected an object, got null']);
    const blank = validatePlan(withTiers([{ name: '', queues: ['q1'], soak: '1h' }]));
    expect(!blank.ok && blank.issues.map(formatIssue)).toEqual(['tiers[0].name: expected a tier name (letters, digits, "-", "_", "."), got an empty string']);
  });

  it('accepts and ignores "$schema" (editors read it); trims durations', () => {
    const result = validatePlan({ $schema: './node_modules/redis-migrate/schemas/plan.schema.json', tiers: [{ name: 'a', queues: ['q1'], soak: ' 2h ' }] });
    expect(result.ok && result.plan.tiers[0]?.soak).toBe('2h');
  });

  it('checks hooks: a command is a non-empty list of strings', () => {
    const result = validatePlan({ ...defaultPlanDocument(), sinks: { hooks: [{ command: 'echo hi' }, { command: [] }] } });
    expect(!result.ok && result.issues.map(formatIssue)).toEqual([
      'sinks.hooks[0].command: expected a list of non-empty strings, got "echo hi"',
      'sinks.hooks[1].command: expected at least 1 item(s), got 0',
    ]);
  });
});

describe('plan http section', () => {
  const base = { tiers: [{ name: 'only', queues: ['q1'], soak: '90s' }] };

  it('is optional, with defaults', () => {
    const result = validatePlan(base);
    expect(result.ok && result.plan.http).toEqual({
      url: undefined,
      tokenEnv: 'UPSTASH_REDIS_REST_TOKEN',
      latencyWarnMs: 50,
      cacheKeyPatterns: [],
      sampleSize: 50,
      automaticDeserialization: undefined,
      rateLimiters: [],
      budgetWindow: '5s',
      monthlyBudget: undefined,
    });
  });

  it('fills limiter defaults (prefix, timeout) and accepts a full section', () => {
    const result = validatePlan({
      ...base,
      http: {
        url: 'https://eu1-x.upstash.io',
        tokenEnv: 'CACHE_TOKEN',
        cacheKeyPatterns: ['cache:*'],
        automaticDeserialization: false,
        rateLimiters: [{ name: 'sms', algorithm: 'tokenBucket', limit: 5, window: '1h', refillRate: 1, timeout: '0s' }],
        monthlyBudget: 10,
      },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.http.rateLimiters[0]).toEqual({
      name: 'sms',
      algorithm: 'tokenBucket',
      limit: 5,
      window: '1h',
      refillRate: 1,
      prefix: '@upstash/ratelimit',
      timeout: '0s',
    });
  });

  it('refuses a token in the plan, and reports limiter mistakes with their paths', () => {
    const result = validatePlan({
      ...base,
      http: {
        token: 'AXsecret',
        url: 'redis://127.0.0.1:6379',
        rateLimiters: [
          { name: 'a', algorithm: 'slidingWindow', limit: 0, window: '10s' },
          { name: 'b', algorithm: 'leakyBucket', limit: 1, window: '1s' },
        ],
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.issues.map(formatIssue).join('\n');
    expect(text).toContain('http.token: the REST token must not be stored in the plan');
    expect(text).toContain('http.url: expected an http(s):// URL');
    expect(text).toContain('http.rateLimiters[0].limit');
    expect(text).toContain('http.rateLimiters[1].algorithm');
    expect(text).not.toContain('AXsecret');
  });

  it('checks limiter names and refill rates across fields', () => {
    const result = validatePlan({
      ...base,
      http: {
        rateLimiters: [
          { name: 'a', algorithm: 'slidingWindow', limit: 1, window: '10s', refillRate: 2 },
          { name: 'a', algorithm: 'fixedWindow', limit: 1, window: '0s' },
        ],
      },
    });
    expect(!result.ok && result.issues.map(formatIssue)).toEqual([
      'http.rateLimiters[0].refillRate: only a tokenBucket limiter has a refill rate',
      'http.rateLimiters[1].name: duplicate limiter "a"',
      'http.rateLimiters[1].window: the window must be at least 1ms',
    ]);
  });
});

describe('the namespace of a broken plan file (for rollback)', () => {
  it('is the default when the file names none, its value when it names one unambiguously, else unknown', () => {
    expect(namespaceInText('not json at all')).toBe('default');
    expect(namespaceInText('namespace: shop\ntiers: [\n')).toBe('shop');
    expect(namespaceInText("namespace: 'shop'  # prod\n{")).toBe('shop');
    expect(namespaceInText('{ "namespace": "shop", "tiers": [')).toBe('shop');
    expect(namespaceInText('{ "namespace": 42, "tiers": [')).toBeUndefined();
    expect(namespaceInText('# namespace: shop\n{')).toBeUndefined();
    expect(namespaceInText('namespace: a\n"namespace": "b"')).toBeUndefined();
    expect(namespaceInText('namespace: "bad name!"')).toBeUndefined();
  });
  it('of a file that parses but fails validation: its valid value, default when absent', () => {
    expect(namespaceOf({ tiers: 1 })).toBe('default');
    expect(namespaceOf({ namespace: 'shop', tiers: 1 })).toBe('shop');
    expect(namespaceOf({ namespace: 7 })).toBeUndefined();
    expect(namespaceOf('text')).toBeUndefined();
  });
});
