/**
 * `monitor [--duration D] [--interval I] [--auto-rollback] [--ndjson] [--metrics-port P]`: the soak
 * window, measured (src/usecases/monitor.ts). This module parses the options and draws the live
 * output: the dashboard on a terminal, a line per sample otherwise, or one JSON line per sample.
 * Without --duration it runs until Ctrl-C or SIGTERM, as a service.
 */
import type { CommandContext } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { EXIT, UsageError } from '../errors.js';
import { parseDuration } from '../plan/duration.js';
import { monitorSoak, type MonitorReport } from '../usecases/monitor.js';

export interface MonitorOptions {
  duration?: string;
  interval?: string;
  autoRollback?: boolean;
  ndjson?: boolean;
  metricsPort?: string;
  metricsHost?: string;
}

function parseMs(text: string, option: string): number {
  const ms = parseDuration(text) ?? (/^\d+$/.test(text) ? Number(text) : undefined);
  if (ms === undefined || ms <= 0) throw new UsageError(`option.${option}`, `invalid --${option} "${text}"`, { fix: 'give a duration like 30s, 10m or 24h' });
  return ms;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new UsageError('option.metrics-port', `invalid --metrics-port "${text}"`, { fix: 'give a port from 1 to 65535 (0: any free port)' });
  return port;
}

export async function run(ctx: CommandContext, options: MonitorOptions): Promise<Outcome<MonitorReport>> {
  if (options.ndjson && ctx.json) {
    throw new UsageError('usage.conflict', '--ndjson streams lines (its last line is the --json document) and --json prints one document', {
      fix: 'use one of them',
    });
  }
  if (options.autoRollback && !ctx.yes) {
    throw new UsageError('confirm.required', '--auto-rollback changes the flags without asking', {
      fix: 'add --yes to confirm up front that a breach may roll back (USE_BULLMQ=false)',
    });
  }
  const loaded = await ctx.plan();
  const { plan } = loaded;
  const intervalMs = parseMs(options.interval ?? plan.monitor.interval, 'interval');
  const durationMs = options.duration ? parseMs(options.duration, 'duration') : null;
  const metricsPort = options.metricsPort !== undefined ? parsePort(options.metricsPort) : plan.metrics.port;
  const ndjson = Boolean(options.ndjson);
  const stdout = ctx.io.stdout as NodeJS.WriteStream;
  const tty = stdout.isTTY === true;
  const live = ctx.json || ndjson ? null : await import('../cli/render/monitor.js');

  const report = await monitorSoak(ctx, loaded, {
    intervalMs,
    durationMs,
    metrics: metricsPort !== undefined ? { host: options.metricsHost ?? plan.metrics.host, port: metricsPort } : undefined,
    autoRollback: Boolean(options.autoRollback),
    onTick: (tick, view) => {
      for (const breach of tick.started) if (ctx.json || ndjson) ctx.log(`breach: ${breach.message}`);
      if (ndjson) stdout.write(`${JSON.stringify({ type: 'sample', ...tick.sample })}\n`);
      else if (live) stdout.write(tty ? `\u001b[H\u001b[J${live.renderDashboard(view)}\n` : `${live.renderLine(tick.sample)}\n`);
    },
  });
  if (tty && live) stdout.write('\u001b[H\u001b[J');
  return { report, ndjson, exitCode: report.ok ? EXIT.ok : EXIT.checkFailed };
}
