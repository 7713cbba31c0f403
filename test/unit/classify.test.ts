import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultPlan } from '../../src/plan/default-plan.js';
import { parseClientList } from '../../src/observe/client-list.js';
import { classifyConnections, classifyContextFromPlan, ROLES, summarizeConnections } from '../../src/observe/classify.js';
import { decodeQueueName, strictBase64 } from '../../src/observe/connection-names.js';
import { buildSnapshot } from '../../src/observe/snapshot.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
const plan = defaultPlan();
const ctx = classifyContextFromPlan(plan);
const tiers = plan.tiers.map((tier) => tier.name);
const allQueues = plan.tiers.flatMap((tier) => tier.queues);

function classify(text: string) {
  return classifyConnections(
    parseClientList(text).map((client) => ({ client, node: null })),
    ctx,
  );
}

describe('connection names', () => {
  it.each([
    ['bull:Y2FsZW5kYXItc3luYw==', { prefix: 'bull', queue: 'calendar-sync', kind: 'worker' }],
    ['bullmq:Y2FsZW5kYXItc3luYw==:qe', { prefix: 'bullmq', queue: 'calendar-sync', kind: 'qe' }],
    ['{bullmq}:Y2FsZW5kYXItc3luYw==:w:main', { prefix: '{bullmq}', queue: 'calendar-sync', kind: 'worker' }],
    ['my:app:prefix:Y2FsZW5kYXItc3luYw==', null],
    ['app:worker', null],
    ['inspector', null],
    ['', null],
  ])('%s', (name, expected) => {
    expect(decodeQueueName(name, ['bull', 'bullmq'])).toEqual(expected);
  });

  it('decodes known prefixes that contain ":"', () => {
    expect(decodeQueueName('my:app:Y2FsZW5kYXItc3luYw==', ['my:app'])?.queue).toBe('calendar-sync');
  });

  it('only accepts base64 that round-trips to printable text', () => {
    expect(strictBase64('dG9rZW4tcmVmcmVzaA==')).toBe('token-refresh');
    expect(strictBase64('worker')).toBeNull();
    expect(strictBase64('AAAA')).toBeNull();
  });
});

describe('classifyConnections', () => {
  it('Bull, 11 queues with process(): 11 workers and 11 subscribers by command, the 11 command clients attributed to legacy by host', () => {
    const connections = classify(fixture('client-list-7.0-bull.txt'));
    const summary = summarizeConnections(connections, tiers);
    expect(summary.total).toBe(34);
    expect(summary.byRole).toMatchObject({ 'legacy-worker': 11, 'legacy-events': 11, 'redis-migrate': 1, other: 11, 'bullmq-worker': 0, 'bullmq-shared': 0 });
    expect(summary.bySystem).toMatchObject({ legacy: 33, tool: 1, unknown: 0 });
    expect(summary.app).toBe(33);
    expect(Object.keys(summary.byQueue).sort()).toEqual([...allQueues].sort());
    expect(Object.values(summary.byQueue).every((count) => count === 1)).toBe(true);
    expect(summary.byTier).toEqual({ 'non-critical': 3, medium: 5, critical: 3 });
    expect(connections.filter((c) => c.role === 'legacy-worker').every((c) => !c.inferred && c.queue !== null)).toBe(true);
  });

  it('BullMQ on one shared connection with QueueEvents: 11 + 11 + 1 shared; SDK and tool recognised', () => {
    const summary = summarizeConnections(classify(fixture('client-list-7.0-bullmq.txt')), tiers);
    expect(summary.byRole).toEqual({
      'legacy-worker': 0,
      'legacy-events': 0,
      'bullmq-worker': 11,
      'bullmq-events': 11,
      'bullmq-shared': 1,
      'flags-sdk': 2,
      'cache-tcp': 0,
      'redis-migrate': 1,
      other: 0,
    });
    expect(summary.byQueue['calendar-sync']).toBe(2);
    expect(summary.byTier).toEqual({ 'non-critical': 6, medium: 10, critical: 6 });
  });

  it('both systems on one host: blocking connections by command, unnamed ones stay "other"', () => {
    const summary = summarizeConnections(classify(fixture('client-list-8.x-mixed.txt')), tiers);
    expect(summary.byRole['legacy-worker']).toBe(11);
    expect(summary.byRole['legacy-events']).toBe(11);
    expect(summary.byRole['bullmq-worker']).toBe(11);
    expect(summary.byRole['bullmq-events']).toBe(12);
    expect(summary.byRole['bullmq-shared']).toBe(0);
    expect(summary.byRole.other).toBe(12);
    expect(summary.bySystem.unknown).toBe(12);
  });

  it('classifies by the blocked command, not by the name both libraries share', () => {
    const same = 'name=bull:Y2FsZW5kYXItc3luYw== flags=b';
    const text = [
      `id=1 addr=10.0.0.1:1 ${same} cmd=brpoplpush`,
      `id=2 addr=10.0.0.1:2 ${same} cmd=bzpopmin`,
      `id=3 addr=10.0.0.2:3 name=bullmq:Y2FsZW5kYXItc3luYw== flags=N cmd=client|setinfo`,
      `id=4 addr=10.0.0.2:4 name=ioredis-cluster(subscriber):redis-migrate:sdk:api:abc:sub flags=P sub=1 cmd=subscribe`,
      `id=5 addr=10.0.0.3:5 name=cache flags=N cmd=get`,
      `id=6 addr=10.0.0.2:6 name= flags=N cmd=evalsha`,
      `id=7 addr=10.0.0.3:7 name=metrics flags=P sub=1 cmd=subscribe`,
    ].join('\n');
    const roles = classify(text).map((c) => [c.role, c.queue, c.inferred]);
    expect(roles).toEqual([
      ['legacy-worker', 'calendar-sync', false],
      ['bullmq-worker', 'calendar-sync', false],
      ['bullmq-worker', 'calendar-sync', true],
      ['flags-sdk', null, false],
      ['other', null, false],
      ['bullmq-shared', null, true],
      ['other', null, false],
    ]);
  });

  it('counts per cluster node and leaves out replication links and its own connections', () => {
    const reads = [
      {
        node: '127.0.0.1:7001',
        ownIds: ['9'],
        clientList:
          'id=9 addr=127.0.0.1:1 name=redis-migrate:cli:connections flags=N cmd=client|list\nid=1 addr=127.0.0.1:2 name={bullmq}:Y2FsZW5kYXItc3luYw== flags=b cmd=bzpopmin\nid=2 addr=127.0.0.1:3 name= flags=S cmd=replconf\n',
      },
      {
        node: '127.0.0.1:7002',
        ownIds: [],
        clientList: 'id=1 addr=127.0.0.1:4 name={bullmq}:Y2FsZW5kYXItc3luYw== flags=N cmd=evalsha\nid=3 addr=127.0.0.1:5 name= flags=N cmd=evalsha\n',
      },
    ];
    const snapshot = buildSnapshot(reads, { ...ctx, bullmqPrefix: '{bullmq}' }, tiers);
    expect(snapshot.cluster).toBe(true);
    expect(snapshot.total).toBe(3);
    expect(snapshot.nodes.map((node) => [node.node, node.total])).toEqual([
      ['127.0.0.1:7001', 1],
      ['127.0.0.1:7002', 2],
    ]);
    expect(snapshot.byRole['bullmq-worker']).toBe(2);
    expect(snapshot.byRole['bullmq-shared']).toBe(1);
  });

  it('byRole always carries every role', () => {
    expect(Object.keys(summarizeConnections([]).byRole)).toEqual([...ROLES]);
  });
});

describe('app connection names with a bull / bullmq segment', () => {
  const lines = [
    'id=1 addr=10.0.0.1:1 name=fleet:app:bull:calendar-sync flags=N sub=0 psub=0 cmd=evalsha',
    'id=2 addr=10.0.0.1:2 name=fleet:app:bull:calendar-sync flags=P sub=1 psub=0 cmd=subscribe',
    'id=3 addr=10.0.0.1:3 name=fleet:app:bullmq flags=N sub=0 psub=0 cmd=evalsha',
    'id=4 addr=10.0.0.1:4 name=fleet:app:cache flags=N sub=0 psub=0 cmd=get',
    'id=5 addr=10.0.0.1:5 name=api:bull:not-a-planned-queue flags=N sub=0 psub=0 cmd=evalsha',
    'id=6 addr=10.0.0.1:6 name=redis-migrate:kv:api:sms flags=N sub=0 psub=0 cmd=evalsha',
    'id=7 addr=10.0.0.1:7 name=ioredis-cluster(refresher):redis-migrate:kv:cache flags=N sub=0 psub=0 cmd=get',
  ].join('\n');

  it('attributes them to their library (and planned queue), redis-migrate/redis connections to cache-tcp, leaves other named ones as other', () => {
    const out = classify(lines).map((c) => [c.name, c.role, c.system, c.tier]);
    expect(out).toEqual([
      ['fleet:app:bull:calendar-sync', 'other', 'legacy', 'critical'],
      ['fleet:app:bull:calendar-sync', 'legacy-events', 'legacy', 'critical'],
      ['fleet:app:bullmq', 'bullmq-shared', 'bullmq', null],
      ['fleet:app:cache', 'other', 'unknown', null],
      ['api:bull:not-a-planned-queue', 'other', 'legacy', null],
      ['redis-migrate:kv:api:sms', 'cache-tcp', 'cache', null],
      ['ioredis-cluster(refresher):redis-migrate:kv:cache', 'cache-tcp', 'cache', null],
    ]);
  });
});
