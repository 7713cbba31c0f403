/** Human text for `connections`. */
import type { ConnectionsReport } from '../../usecases/connections.js';
import { ROLES } from '../../observe/classify.js';
import { chalk, heading, table, timestamp } from '../format.js';

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

export function render(report: ConnectionsReport): string {
  const lines: string[] = [];
  const where = report.cluster ? `Redis Cluster (${report.nodes.length} nodes) via ${report.redis}` : report.redis;
  lines.push(heading(`Connections on ${where}`) + chalk.dim(`  ${timestamp(report.at)}`));
  lines.push(`  ${report.app} app connections${report.total !== report.app ? chalk.dim(` (+${report.total - report.app} of redis-migrate)`) : ''}`);
  lines.push(
    `  step ${report.step.id}: the plan predicts ${report.step.predicted}` +
      (report.step.peak !== report.step.predicted ? ` (peak ${report.step.peak} while the tier drains)` : ''),
  );
  if (report.target.connections !== null) {
    const text = `  target ${report.target.connections}: ${report.target.met ? 'met' : `${report.target.delta} above`}`;
    lines.push(report.target.met ? chalk.green(text) : chalk.yellow(text));
  }
  for (const baseline of report.baselines) {
    lines.push(`  baseline ${baseline.step} (${timestamp(baseline.at)}): ${baseline.connections} → ${report.app} (${signed(baseline.delta)})`);
  }
  lines.push('');
  lines.push(heading('By role'));
  lines.push(table([['ROLE', 'COUNT'], ...ROLES.map((role) => [role, String(report.byRole[role])])]));
  const inferredLegacy = report.bySystem.legacy - report.byRole['legacy-worker'] - report.byRole['legacy-events'];
  if (inferredLegacy > 0)
    lines.push(chalk.dim(`  ${inferredLegacy} unnamed command connection(s) counted as "other" come from hosts that run only Bull (legacy by host).`));

  const tiers = Object.entries(report.byTier);
  if (tiers.length) {
    lines.push('', heading('By tier (queue-named connections)'));
    lines.push(table([['TIER', 'COUNT'], ...tiers.map(([tier, count]) => [tier, String(count)])]));
  }
  const perQueue = new Map<string, { tier: string; legacy: number; bullmq: number }>();
  for (const connection of report.connections) {
    if (connection.queue === null) continue;
    const entry = perQueue.get(connection.queue) ?? { tier: connection.tier ?? '-', legacy: 0, bullmq: 0 };
    if (connection.system === 'legacy') entry.legacy++;
    else if (connection.system === 'bullmq') entry.bullmq++;
    perQueue.set(connection.queue, entry);
  }
  if (perQueue.size) {
    lines.push('', heading('By queue'));
    lines.push(
      table([
        ['QUEUE', 'TIER', 'LEGACY', 'BULLMQ'],
        ...[...perQueue.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([queue, entry]) => [queue, entry.tier, String(entry.legacy), String(entry.bullmq)]),
      ]),
    );
  }
  if (report.cluster) {
    lines.push('', heading('By node'));
    lines.push(
      table([
        ['NODE', 'TOTAL', 'APP', 'LEGACY', 'BULLMQ'],
        ...report.nodes.map((node) => [
          node.node,
          String(node.total),
          String(node.app),
          String(node.byRole['legacy-worker'] + node.byRole['legacy-events']),
          String(node.byRole['bullmq-worker'] + node.byRole['bullmq-events'] + node.byRole['bullmq-shared']),
        ]),
      ]),
    );
  }
  if (report.list) {
    lines.push('', heading('Connections'));
    lines.push(
      table([
        ['ID', 'ADDRESS', ...(report.cluster ? ['NODE'] : []), 'ROLE', 'QUEUE', 'CMD', 'NAME'],
        ...report.connections.map((c) => [
          c.id,
          c.address,
          ...(report.cluster ? [c.node ?? ''] : []),
          c.inferred ? `${c.role}?` : c.role,
          c.queue ?? '',
          c.cmd,
          c.name,
        ]),
      ]),
    );
  }
  return lines.join('\n');
}
