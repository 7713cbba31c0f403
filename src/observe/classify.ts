/**
 * Connections by role. The reliable signal is the command a connection is blocked in (or last ran):
 * Bull and BullMQ give their blocking connections the same name, so names only say which queue.
 * Unnamed non-blocking connections cannot be told apart by the server's view; they are attributed
 * per client host: to BullMQ's shared connection where that host runs only BullMQ, to legacy where
 * it runs only Bull, and otherwise left as "other". Pure.
 */
import { CONNECTION_NAME_PREFIX } from '../state/keys.js';
import { baseCommand, peerHost, type ClientInfo } from './client-list.js';
import { appName, decodeQueueName, type DecodedName } from './connection-names.js';

export const ROLES = [
  'legacy-worker',
  'legacy-events',
  'bullmq-worker',
  'bullmq-events',
  'bullmq-shared',
  'flags-sdk',
  'cache-tcp',
  'redis-migrate',
  'other',
] as const;
export type Role = (typeof ROLES)[number];

/** Which system a connection belongs to; broader than the role (e.g. Bull's unnamed command client). */
export const SYSTEMS = ['legacy', 'bullmq', 'flags', 'cache', 'tool', 'unknown'] as const;
export type ConnectionSystem = (typeof SYSTEMS)[number];

export interface ClassifyContext {
  legacyPrefix: string;
  bullmqPrefix: string;
  /** Queue name → tier name, from the plan. */
  queueTier: Record<string, string>;
}

export interface ClassifiedConnection {
  id: string;
  address: string;
  /** Cluster node "host:port" the connection is on; null on a single server. */
  node: string | null;
  name: string;
  cmd: string;
  flags: string;
  age: number;
  idle: number;
  role: Role;
  system: ConnectionSystem;
  queue: string | null;
  tier: string | null;
  /** True when the role comes from the name or the host, not from a blocking command. */
  inferred: boolean;
}

/** Queues that are not in the plan are counted under this tier. */
export const UNPLANNED_TIER = '(unplanned)';

const LEGACY_BLOCKING = new Set(['brpoplpush']);
const BULLMQ_BLOCKING = new Set(['bzpopmin']);
const STREAM_READS = new Set(['xread', 'xreadgroup']);
const PUBSUB = new Set(['subscribe', 'psubscribe', 'ssubscribe']);

type Pending = { client: ClientInfo; node: string | null; out: ClassifiedConnection };

function base(client: ClientInfo, node: string | null, ctx: ClassifyContext, queue: string | null): ClassifiedConnection {
  return {
    id: client.id,
    address: client.addr,
    node,
    name: client.name,
    cmd: client.cmd,
    flags: client.flags,
    age: client.age,
    idle: client.idle,
    role: 'other',
    system: 'unknown',
    queue,
    tier: queue === null ? null : (ctx.queueTier[queue] ?? UNPLANNED_TIER),
    inferred: false,
  };
}

function set(out: ClassifiedConnection, role: Role, system: ConnectionSystem, inferred = false): ClassifiedConnection {
  out.role = role;
  out.system = system;
  out.inferred = inferred;
  return out;
}

/** Classify what a single connection shows by itself; unnamed command connections stay pending. */
function classifyAlone(
  client: ClientInfo,
  node: string | null,
  ctx: ClassifyContext,
  decode: (name: string) => DecodedName | null,
): { out: ClassifiedConnection; pending: boolean } {
  const name = appName(client.name);
  if (name.startsWith(CONNECTION_NAME_PREFIX.sdk)) return { out: set(base(client, node, ctx, null), 'flags-sdk', 'flags'), pending: false };
  if (name.startsWith(CONNECTION_NAME_PREFIX.cli)) return { out: set(base(client, node, ctx, null), 'redis-migrate', 'tool'), pending: false };
  // redis-migrate/redis's TCP side: the connections phase 1 retires.
  if (name.startsWith(CONNECTION_NAME_PREFIX.kv)) return { out: set(base(client, node, ctx, null), 'cache-tcp', 'cache'), pending: false };

  const decoded = decode(name);
  const out = base(client, node, ctx, decoded?.queue ?? null);
  const cmd = baseCommand(client.cmd);
  if (LEGACY_BLOCKING.has(cmd)) return { out: set(out, 'legacy-worker', 'legacy'), pending: false };
  if (BULLMQ_BLOCKING.has(cmd)) return { out: set(out, 'bullmq-worker', 'bullmq'), pending: false };
  if (STREAM_READS.has(cmd) && decoded?.kind === 'qe') return { out: set(out, 'bullmq-events', 'bullmq'), pending: false };
  const pubsub = PUBSUB.has(cmd) || client.sub + client.psub > 0 || client.flags.includes('P');
  const hint = decoded ? null : libraryHint(name, ctx);
  if (hint?.queue) {
    out.queue = hint.queue;
    out.tier = ctx.queueTier[hint.queue] ?? UNPLANNED_TIER;
  }
  if (pubsub) {
    // Bull's event subscriber is unnamed (or named by the app with a `bull` segment); other named pub/sub connections are someone else's.
    if (name === '' || decoded?.prefix === ctx.legacyPrefix || hint?.system === 'legacy') return { out: set(out, 'legacy-events', 'legacy'), pending: false };
    return { out, pending: false };
  }
  // Named by the app with a `bullmq` / `bull` segment: its BullMQ shared connection, or Bull's command client.
  if (hint?.system === 'bullmq') return { out: set(out, 'bullmq-shared', 'bullmq', true), pending: false };
  if (hint?.system === 'legacy') return { out: set(out, 'other', 'legacy', true), pending: false };
  if (decoded) {
    // Named like a queue but not blocked right now (just connected, or between two blocks).
    if (decoded.kind === 'qe') return { out: set(out, 'bullmq-events', 'bullmq', true), pending: false };
    const legacy = decoded.prefix === ctx.legacyPrefix;
    const bullmq = decoded.prefix === ctx.bullmqPrefix;
    if (bullmq && !legacy) return { out: set(out, 'bullmq-worker', 'bullmq', true), pending: false };
    if (legacy && !bullmq) return { out: set(out, 'legacy-worker', 'legacy', true), pending: false };
    return { out, pending: false };
  }
  return { out, pending: name === '' };
}

/**
 * The naming convention for an app's own connections: a `bull` or `bullmq` segment says which
 * library a command or pub/sub connection serves (`api:bull:calendar-sync`, `worker:bullmq`);
 * a planned queue right after it names the queue. Queue-shaped names are decoded before this.
 */
export function libraryHint(name: string, ctx: ClassifyContext): { system: 'legacy' | 'bullmq'; queue: string | null } | null {
  const segments = name.split(':');
  const at = segments.findIndex((segment) => segment === 'bull' || segment === 'bullmq');
  if (at === -1) return null;
  const next = segments[at + 1];
  return { system: segments[at] === 'bullmq' ? 'bullmq' : 'legacy', queue: next !== undefined && next in ctx.queueTier ? next : null };
}

export interface ClientOnNode {
  client: ClientInfo;
  /** Cluster node, or null on a single server. */
  node: string | null;
}

/** Classify every connection; the host-level attribution needs them all at once. */
export function classifyConnections(clients: readonly ClientOnNode[], ctx: ClassifyContext): ClassifiedConnection[] {
  const prefixes = [ctx.legacyPrefix, ctx.bullmqPrefix].sort((a, b) => b.length - a.length);
  // Every replica of a process names its connections alike: decode each distinct name once.
  const decodedNames = new Map<string, DecodedName | null>();
  const decode = (name: string) => {
    let decoded = decodedNames.get(name);
    if (decoded === undefined) {
      decoded = decodeQueueName(name, prefixes);
      decodedNames.set(name, decoded);
    }
    return decoded;
  };
  const out: ClassifiedConnection[] = new Array(clients.length);
  const pending: Pending[] = [];
  const hosts = new Map<string, { legacy: boolean; bullmq: boolean }>();
  for (let i = 0; i < clients.length; i++) {
    const { client, node } = clients[i] as ClientOnNode;
    const result = classifyAlone(client, node, ctx, decode);
    out[i] = result.out;
    if (result.pending) {
      pending.push({ client, node, out: result.out });
      continue;
    }
    const system = result.out.system;
    if (system === 'legacy' || system === 'bullmq') {
      const host = peerHost(client.addr);
      const seen = hosts.get(host) ?? { legacy: false, bullmq: false };
      seen[system] = true;
      hosts.set(host, seen);
    }
  }
  for (const { client, out: connection } of pending) {
    const seen = hosts.get(peerHost(client.addr));
    if (seen?.bullmq && !seen.legacy) set(connection, 'bullmq-shared', 'bullmq', true);
    else if (seen?.legacy && !seen.bullmq) set(connection, 'other', 'legacy', true);
  }
  return out;
}

export interface ConnectionSummary {
  /** Every connection counted (the command's own excluded by the caller). */
  total: number;
  /** Total minus this tool's connections: what baselines and targets compare. */
  app: number;
  byRole: Record<Role, number>;
  bySystem: Record<ConnectionSystem, number>;
  /** Decoded queue name → connections that name it. */
  byQueue: Record<string, number>;
  /** Tier → connections of its queues (queues not in the plan under "(unplanned)"). */
  byTier: Record<string, number>;
}

export function emptyByRole(): Record<Role, number> {
  return Object.fromEntries(ROLES.map((role) => [role, 0])) as Record<Role, number>;
}

export function summarizeConnections(connections: readonly ClassifiedConnection[], tierOrder: readonly string[] = []): ConnectionSummary {
  const byRole = emptyByRole();
  const bySystem = Object.fromEntries(SYSTEMS.map((system) => [system, 0])) as Record<ConnectionSystem, number>;
  const byQueue: Record<string, number> = {};
  const byTier: Record<string, number> = Object.fromEntries(tierOrder.map((tier) => [tier, 0]));
  for (const connection of connections) {
    byRole[connection.role]++;
    bySystem[connection.system]++;
    if (connection.queue !== null) byQueue[connection.queue] = (byQueue[connection.queue] ?? 0) + 1;
    if (connection.tier !== null) byTier[connection.tier] = (byTier[connection.tier] ?? 0) + 1;
  }
  return { total: connections.length, app: connections.length - byRole['redis-migrate'], byRole, bySystem, byQueue, byTier };
}

/** The classification context a plan implies. */
export function classifyContextFromPlan(plan: {
  legacy: { prefix: string };
  bullmq: { prefix: string };
  tiers: readonly { name: string; queues: readonly string[] }[];
}): ClassifyContext {
  const queueTier: Record<string, string> = {};
  for (const tier of plan.tiers) for (const queue of tier.queues) queueTier[queue] = tier.name;
  return { legacyPrefix: plan.legacy.prefix, bullmqPrefix: plan.bullmq.prefix, queueTier };
}
