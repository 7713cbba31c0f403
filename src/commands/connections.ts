/**
 * `connections [--watch] [--interval D] [--list]`: see src/usecases/connections.ts. `--watch`
 * redraws in place until Ctrl-C, then exits 0 with the last reading.
 */
import type { CommandContext } from '../cli/context.js';
import { parseWait } from '../cli/context.js';
import type { Outcome } from '../cli/output.js';
import { UsageError } from '../errors.js';
import { readConnections, watchConnections, type ConnectionsReport } from '../usecases/connections.js';

export interface ConnectionsOptions {
  watch?: boolean;
  interval: string;
  list?: boolean;
}

export async function run(ctx: CommandContext, options: ConnectionsOptions): Promise<Outcome<ConnectionsReport>> {
  const intervalMs = parseWait(options.interval);
  if (options.watch && ctx.json) {
    throw new UsageError('usage.conflict', '--watch redraws for people and --json prints one document', {
      fix: 'drop --watch for one JSON reading, or use `redis-migrate monitor --ndjson` for a stream',
    });
  }
  if (options.watch && intervalMs < 100) throw new UsageError('option.interval', `--interval ${options.interval} is too short`, { fix: 'use at least 100ms' });
  const loaded = await ctx.plan();
  const list = Boolean(options.list);
  if (!options.watch) return { report: await readConnections(ctx, loaded, { list }) };

  const { render } = await import('../cli/render/connections.js');
  const stdout = ctx.io.stdout as NodeJS.WriteStream;
  const tty = stdout.isTTY === true;
  const report = await watchConnections(ctx, loaded, {
    list,
    intervalMs,
    // Cursor home + clear below: redraw in place without scrolling on a terminal.
    onReading: (reading) => stdout.write(`${tty ? '\u001b[H\u001b[J' : ''}${render(reading)}\n${tty ? '' : '\n'}`),
  });
  // Ctrl-C is how a watch ends: exit 0 with the last reading as the final output.
  if (tty) stdout.write('\u001b[H\u001b[J');
  return { report };
}
