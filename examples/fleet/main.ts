#!/usr/bin/env node
/**
 * A fleet process: `node dist/examples/fleet/main.js` with REDIS_URL and FLEET_* variables
 * (examples/fleet/README.md). Under a parent with an IPC channel (tests, the demo) it reports
 * its jobs there; alone it logs to stderr. SIGTERM / SIGINT shut it down gracefully.
 */
import { loadPlan } from '../../src/plan/load-plan.js';
import { fleetOptionsFromEnv } from './config.js';
import { ipcSend, type FleetMessage, type ParentMessage } from './events.js';
import { startFleet, type Fleet } from './fleet.js';

function stderrSend(): (message: FleetMessage) => Promise<void> {
  let produced = 0;
  let done = 0;
  let last = Date.now();
  return async (message) => {
    if (message.type === 'log') process.stderr.write(`[${message.from}] ${message.level}: ${message.message}\n`);
    if (message.type === 'events') {
      produced += message.produced.length;
      done += message.done.length;
      if (Date.now() - last > 5000) {
        last = Date.now();
        process.stderr.write(`[${message.from}] produced ${produced}, processed ${done}\n`);
      }
    }
  };
}

async function main(): Promise<void> {
  const { plan } = await loadPlan({ configPath: process.env.REDIS_MIGRATE_CONFIG || undefined });
  const options = fleetOptionsFromEnv(process.env, plan);
  const send = ipcSend() ?? stderrSend();
  const fleet: Fleet = await startFleet(options, send);

  let exiting = false;
  const shutdown = async (reason: string) => {
    if (exiting) return;
    exiting = true;
    await send({ type: 'log', from: options.name, level: 'info', message: `shutting down (${reason})` });
    try {
      await fleet.stop();
      await send({ type: 'stopped', from: options.name });
    } catch (error) {
      process.exitCode = 1;
      await send({ type: 'log', from: options.name, level: 'error', message: `shutdown failed: ${(error as Error).stack ?? String(error)}` });
    } finally {
      process.disconnect?.();
    }
  };
  // A stray rejection is a bug to see, not a reason to drop jobs mid-flight: log it and keep going.
  process.on('unhandledRejection', (reason) => {
    void send({ type: 'log', from: options.name, level: 'error', message: `unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}` });
  });
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('disconnect', () => void shutdown('parent gone'));
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') void shutdown('asked to stop');
    if (message.type === 'produce') fleet.setRate(message.rate);
  });
  await send({ type: 'ready', from: options.name, pid: process.pid });
}

main().catch((error: Error) => {
  process.stderr.write(`fleet: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
  process.disconnect?.();
});
