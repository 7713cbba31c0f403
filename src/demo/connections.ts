/**
 * The demo's connection counts: CLIENT LIST classified by src/observe (the same classifier as
 * `redis-migrate connections`), limited to one demo world and split by fleet process. Pure.
 */
import { classifyConnections, summarizeConnections, type ClassifiedConnection, type ClassifyContext, type ConnectionSummary } from '../observe/classify.js';
import { parseClientList } from '../observe/client-list.js';
import { decodeQueueName } from '../observe/connection-names.js';

export interface WorldFilter {
  prefixes: { legacy: string; bullmq: string };
  /** Fleet process names of the world. */
  processes: readonly string[];
  /** Gets the connections named by queue (Bull's and BullMQ's blocking ones), which carry no process. */
  blockingOwner: string;
}

/** The fleet process a connection belongs to, from its name (`fleet:<p>:…`, `redis-migrate:sdk:fleet-<p>:…`, `redis-migrate:kv:fleet-<p>:…`). */
export function processOf(name: string): string | undefined {
  return /^fleet:([^:]+):/.exec(name)?.[1] ?? /^redis-migrate:(?:sdk|kv):fleet-([^:]+):/.exec(name)?.[1];
}

function ownerOf(connection: ClassifiedConnection, filter: WorldFilter): string | undefined {
  const named = processOf(connection.name);
  if (named !== undefined) return filter.processes.includes(named) ? named : undefined;
  const decoded = decodeQueueName(connection.name, [filter.prefixes.legacy, filter.prefixes.bullmq]);
  const ours = decoded !== null && (decoded.prefix === filter.prefixes.legacy || decoded.prefix === filter.prefixes.bullmq);
  return ours ? filter.blockingOwner : undefined;
}

export interface WorldCount {
  /** The world's connections (this tool's own are never among them). */
  all: ConnectionSummary;
  byProcess: Record<string, ConnectionSummary>;
}

export function countWorld(clientList: string, ctx: ClassifyContext, filter: WorldFilter, tierOrder: readonly string[]): WorldCount {
  const clients = parseClientList(clientList).map((client) => ({ client, node: null }));
  const classified = classifyConnections(clients, ctx);
  const owned = classified.map((connection) => ({ connection, owner: ownerOf(connection, filter) })).filter((entry) => entry.owner !== undefined);
  const byProcess: Record<string, ConnectionSummary> = {};
  for (const process of filter.processes) {
    byProcess[process] = summarizeConnections(
      owned.filter((entry) => entry.owner === process).map((entry) => entry.connection),
      tierOrder,
    );
  }
  return {
    all: summarizeConnections(
      owned.map((entry) => entry.connection),
      tierOrder,
    ),
    byProcess,
  };
}
