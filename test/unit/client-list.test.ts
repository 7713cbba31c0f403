import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseCommand, isReplicationLink, parseClientFields, parseClientList, peerHost } from '../../src/observe/client-list.js';
import { compareVersions, parseCommandStats, parseInfo, parseKeyspace, serverFacts } from '../../src/observe/info.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('parseClientList', () => {
  it('parses a Redis 7.0 reply: every field, no lib-name/lib-ver', () => {
    const clients = parseClientList(fixture('client-list-7.0-bull.txt'));
    expect(clients).toHaveLength(34);
    const blocking = clients.find((client) => client.cmd === 'brpoplpush');
    expect(blocking).toMatchObject({ flags: 'b', db: 0, sub: 0, libName: null, libVer: null, ioThread: null, watch: null });
    expect(blocking?.name).toMatch(/^bull:/);
    expect(blocking?.laddr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(blocking?.totMem).toBeGreaterThan(0);
    // Every field is kept raw as well, in the server's spelling.
    expect(Object.keys(blocking!.fields)).toEqual(expect.arrayContaining(['qbuf-free', 'argv-mem', 'tot-mem', 'resp']));
  });

  it('parses a Redis 8.x reply with lib-name, io-thread, tot-* and keeps unknown fields', () => {
    const clients = parseClientList(fixture('client-list-8.x-mixed.txt'));
    expect(clients).toHaveLength(60);
    const first = clients[0]!;
    expect(first).toMatchObject({ libName: 'ioredis', libVer: '5.11.1', ioThread: 0, watch: 0 });
    expect(first.totNetIn).toBeGreaterThan(0);
    expect(first.totCmds).toBeGreaterThan(0);
    const future = clients.find((client) => 'future-field' in client.fields);
    expect(future?.fields['future-field']).toBe('42');
    expect(future?.totCmds).not.toBeNull();
  });

  it('handles empty names, empty values, CRLF and foreign lines', () => {
    const text = 'id=1 addr=10.0.0.5:5000 name= flags=N cmd=NULL lib-name=\r\n\r\nnot a client line\nid=2 addr=[::1]:6000 name=x cmd=client|list flags=S\n';
    const [a, b] = parseClientList(text);
    expect(a).toMatchObject({ id: '1', name: '', libName: '', cmd: 'NULL', age: 0 });
    expect(b).toMatchObject({ id: '2', name: 'x' });
    expect(baseCommand(b!.cmd)).toBe('client');
    expect(peerHost(a!.addr)).toBe('10.0.0.5');
    expect(peerHost(b!.addr)).toBe('::1');
    expect(isReplicationLink(b!)).toBe(true);
    expect(isReplicationLink(a!)).toBe(false);
    expect(parseClientFields('a=1 b==2 c=')).toEqual({ a: '1', b: '=2', c: '' });
  });
});

describe('parseInfo', () => {
  const info = parseInfo(fixture('info-7.0.txt'));

  it('splits sections and reads the server facts', () => {
    expect(Object.keys(info)).toEqual(expect.arrayContaining(['server', 'clients', 'memory', 'persistence', 'stats', 'commandstats', 'cluster', 'keyspace']));
    const facts = serverFacts(info);
    expect(facts).toMatchObject({
      version: '7.0.15',
      mode: 'standalone',
      clusterEnabled: false,
      role: 'master',
      maxclients: 10000,
      maxmemoryPolicy: 'noeviction',
      aofEnabled: false,
    });
    expect(facts.connectedClients).toBe(26);
    expect(facts.totalCommandsProcessed).toBeGreaterThan(0);
  });

  it('reads commandstats with subcommands and Lua-inner calls', () => {
    const stats = parseCommandStats(info);
    expect(stats.bzpopmin?.calls).toBeGreaterThan(0);
    expect(stats['client|list']?.calls).toBeGreaterThanOrEqual(0);
    expect(stats.evalsha).toMatchObject({ rejectedCalls: 0, failedCalls: 0 });
    expect(Object.values(stats).every((stat) => Number.isFinite(stat.calls) && Number.isFinite(stat.usec))).toBe(true);
  });

  it('reads the keyspace and tolerates pre-6.2 commandstats', () => {
    expect(parseKeyspace(info).db0?.keys).toBeGreaterThan(0);
    const old = parseInfo('# Commandstats\r\ncmdstat_get:calls=3,usec=9,usec_per_call=3.00\r\n# Cluster\r\ncluster_enabled:1\r\n');
    expect(parseCommandStats(old).get).toEqual({ calls: 3, usec: 9, rejectedCalls: 0, failedCalls: 0 });
    expect(serverFacts(old).clusterEnabled).toBe(true);
    expect(serverFacts(old).version).toBeNull();
  });

  it('compares versions numerically', () => {
    expect(compareVersions('6.2.0', '6.10.1')).toBeLessThan(0);
    expect(compareVersions('7.0.15', '7.0.15')).toBe(0);
    expect(compareVersions('5.0', '4.9.9')).toBeGreaterThan(0);
  });
});
