/**
 * Counts the demo fleet's connections by role from CLIENT LIST text (pure). A minimal grouping by
 * the names the fleet, Bull, BullMQ and this tool set; the full classifier (`connections`) lives in
 * src/observe once that lands, and this should then give way to it.
 */

export const DEMO_ROLES = ['bull', 'bullmq-shared', 'bullmq-blocking', 'kv', 'flags-sdk', 'other'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

export interface ConnectionCount {
  /** The app's connections (the fleet's); this tool's own are not counted. */
  total: number;
  byRole: Record<DemoRole, number>;
  /** This tool's own connections at the time (`redis-migrate:cli:*`), for the record. */
  tool: number;
}

export interface DemoPrefixes {
  legacy: string;
  bullmq: string;
}

export function roleOf(name: string, cmd: string, prefixes: DemoPrefixes): DemoRole | 'tool' {
  if (name.startsWith('redis-migrate:cli:')) return 'tool';
  if (name.startsWith('redis-migrate:sdk:')) return 'flags-sdk';
  // Bull names its blocking client `<prefix>:<base64(queue)>`; BullMQ its Worker's the same way with its own prefix.
  if (name.startsWith(`${prefixes.bullmq}:`) || cmd === 'bzpopmin') return 'bullmq-blocking';
  if (name.startsWith(`${prefixes.legacy}:`) || cmd === 'brpoplpush') return 'bull';
  const fleet = /^fleet:[^:]+:(.+)$/.exec(name);
  if (fleet) {
    const role = fleet[1] as string;
    if (role === 'shared') return 'bullmq-shared';
    if (role.startsWith('bull:')) return 'bull';
    if (role === 'cache' || role === 'ratelimit' || role === 'sms') return 'kv';
  }
  return 'other';
}

export function emptyRoles(): Record<DemoRole, number> {
  return Object.fromEntries(DEMO_ROLES.map((role) => [role, 0])) as Record<DemoRole, number>;
}

/** The fleet process a connection belongs to, from its name; blocking connections carry none. */
export function processOf(name: string): string | undefined {
  return /^fleet:([^:]+):/.exec(name)?.[1] ?? /^redis-migrate:sdk:fleet-([^:]+):/.exec(name)?.[1];
}

function parse(clientList: string): { name: string; cmd: string }[] {
  return clientList
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => ({ name: /(?:^| )name=(\S*)/.exec(line)?.[1] ?? '', cmd: /(?:^| )cmd=(\S*)/.exec(line)?.[1] ?? '' }));
}

function tally(clients: { name: string; cmd: string }[], prefixes: DemoPrefixes): ConnectionCount {
  const byRole = emptyRoles();
  let tool = 0;
  for (const { name, cmd } of clients) {
    const role = roleOf(name, cmd, prefixes);
    if (role === 'tool') tool++;
    else byRole[role]++;
  }
  return { total: Object.values(byRole).reduce((sum, n) => sum + n, 0), byRole, tool };
}

/** Only connections of this demo world: its prefixes, and (when given) its fleet process names. */
export function countConnections(clientList: string, prefixes: DemoPrefixes, processes?: readonly string[]): ConnectionCount {
  return tally(parse(clientList).filter((client) => belongs(client, prefixes, processes)), prefixes);
}

function belongs({ name, cmd }: { name: string; cmd: string }, prefixes: DemoPrefixes, processes?: readonly string[]): boolean {
  if (!processes) return true;
  const role = roleOf(name, cmd, prefixes);
  if (role === 'tool') return true;
  if (name.startsWith(`${prefixes.bullmq}:`) || name.startsWith(`${prefixes.legacy}:`)) return true;
  const owner = processOf(name);
  return owner !== undefined && processes.includes(owner);
}

/** Per fleet process; blocking connections (named by queue, not process) go to `blockingOwner`. */
export function countByProcess(clientList: string, prefixes: DemoPrefixes, processes: readonly string[], blockingOwner: string): Record<string, ConnectionCount> {
  const clients = parse(clientList).filter((client) => belongs(client, prefixes, processes));
  const out: Record<string, ConnectionCount> = {};
  for (const process of processes) {
    out[process] = tally(
      clients.filter((client) => (processOf(client.name) ?? (roleOf(client.name, client.cmd, prefixes) === 'tool' ? undefined : blockingOwner)) === process),
      prefixes,
    );
  }
  return out;
}
