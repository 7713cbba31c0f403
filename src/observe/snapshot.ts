/** Raw node reads → classified connections with per-node and overall counts. Pure. */
import { isReplicationLink, parseClientList } from './client-list.js';
import {
  classifyConnections,
  summarizeConnections,
  type ClassifiedConnection,
  type ClassifyContext,
  type ClientOnNode,
  type ConnectionSummary,
  type Role,
} from './classify.js';

export interface NodeCounts {
  node: string;
  total: number;
  app: number;
  byRole: Record<Role, number>;
}

export interface ConnectionSnapshot extends ConnectionSummary {
  cluster: boolean;
  /** Per cluster node (masters and replicas); empty on a single server. */
  nodes: NodeCounts[];
  connections: ClassifiedConnection[];
}

export interface RawNodeRead {
  node: string | null;
  clientList: string;
  /** Ids of this command's own connections on that node, left out of every count. */
  ownIds: readonly string[];
}

export function buildSnapshot(reads: readonly RawNodeRead[], ctx: ClassifyContext, tierOrder: readonly string[]): ConnectionSnapshot {
  const clients: ClientOnNode[] = [];
  for (const read of reads) {
    const own = new Set(read.ownIds);
    for (const client of parseClientList(read.clientList)) {
      // Replication links are servers talking to each other, not clients of the app.
      if (own.has(client.id) || isReplicationLink(client)) continue;
      clients.push({ client, node: read.node });
    }
  }
  const connections = classifyConnections(clients, ctx);
  const cluster = reads.some((read) => read.node !== null);
  const nodes: NodeCounts[] = [];
  if (cluster) {
    for (const read of reads) {
      const summary = summarizeConnections(connections.filter((connection) => connection.node === read.node));
      nodes.push({ node: read.node as string, total: summary.total, app: summary.app, byRole: summary.byRole });
    }
  }
  return { cluster, nodes, connections, ...summarizeConnections(connections, tierOrder) };
}
