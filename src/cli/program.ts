/**
 * The command table, and nothing else: each action lazy-loads its command module and renderer,
 * so `--help` and `rollback` never load what they do not use.
 */
import { Command, Option } from 'commander';
import type { ExitCode } from '../errors.js';
import { CommandContext, type GlobalOptions } from './context.js';
import type { Io } from './io.js';
import { writeReport, type Outcome } from './output.js';
import type { Report } from '../usecases/report.js';
import { VERSION } from '../version.js';

interface CommandModule<O, R extends Report> {
  run(ctx: CommandContext, options: O): Promise<Outcome<R>>;
}
interface RenderModule<R extends Report> {
  render(report: R): string;
}

/** What a run leaves for the entry point: its exit code, and the command path once commander reached one. */
export interface ProgramState {
  exitCode: ExitCode;
  /** "phase3 cleanup": the `command` of the JSON envelope; null until the arguments name a command. */
  command: string | null;
}

/** The command's name after its parents' ("phase3 cleanup", "runbook run"), without the program's. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** Record each command as commander dispatches to it, so an error in its options still names it. */
function trackCommands(parent: Command, state: ProgramState): void {
  if (!parent.commands.length) return;
  parent.hook('preSubcommand', (_parent, sub) => {
    state.command = commandPath(sub);
  });
  for (const sub of parent.commands) trackCommands(sub, state);
}

export function buildProgram(io: Io, state: ProgramState): Command {
  function action<O, R extends Report>(load: () => Promise<[CommandModule<O, R>, RenderModule<R>]>) {
    // Commander passes positional arguments first, then the options and the command.
    return async (...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      const options = received[received.length - 2] as O;
      const args = received.slice(0, -2);
      const path = commandPath(command);
      const ctx = new CommandContext(command.optsWithGlobals<GlobalOptions>(), io, path);
      try {
        const [commandModule, renderModule] = await load();
        const outcome = await commandModule.run(ctx, args.length ? ({ ...options, args } as O) : options);
        state.exitCode = writeReport(io.stdout, ctx.json ? 'json' : 'human', path, outcome, renderModule.render);
      } finally {
        await ctx.close();
      }
    };
  }

  const program = new Command('redis-migrate')
    .description("Migrate an app's Redis usage safely: HTTP Redis (phase 1), Bull to BullMQ by tier (phase 2), cleanup (phase 3).")
    .version(VERSION)
    .option('--redis-url <url>', 'Redis holding the queues and the migration state (env REDIS_URL; default redis://127.0.0.1:6379)')
    .option('--config <path>', 'plan file (default: ./redis-migrate.config.{json,yaml}, else the embedded plan)')
    .option('--namespace <name>', "migration state namespace (env REDIS_MIGRATE_NAMESPACE; default: the plan's)")
    .option('--json', 'print exactly one JSON document on stdout (logs go to stderr)')
    .option('--yes', 'confirm state changes without a prompt (required without a terminal)')
    .option('--no-color', 'plain text output')
    .option('--timeout <duration>', 'Redis connect and command timeout (env REDIS_MIGRATE_TIMEOUT; default 5s)')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  program
    .command('init')
    .description('write a plan file (interactive on a terminal, defaults with --yes)')
    .option('--output <path>', 'where to write it (.json or .yaml)', 'redis-migrate.config.json')
    .option('--force', 'overwrite an existing file')
    .option('--from-code <paths...>', "propose the tiers from the queues found in the app's code (and set code.paths)")
    .action(action(async () => Promise.all([import('../commands/init.js'), import('./render/init.js')])));

  program
    .command('plan')
    .description('what each phase and tier will do, with the current state when Redis is reachable')
    .option('--prometheus-rules', "print Prometheus alerting rules with this plan's thresholds instead (YAML; see docs/monitoring.md)")
    .action(action(async () => Promise.all([import('../commands/plan.js'), import('./render/plan.js')])));

  program
    .command('status')
    .description('flags, tiers and soak progress, flag version, live app instances, the lock')
    .action(action(async () => Promise.all([import('../commands/status.js'), import('./render/status.js')])));

  program
    .command('phase1')
    .description('HTTP checks, then cache and rate limiters to HTTP Redis: USE_HTTP_REDIS=true')
    .option('--dry-run', 'run the checks, print what would change and change nothing')
    .option('--force', 'flip despite failing HTTP checks (needs --reason, which is audited)')
    .option('--reason <text>', 'why; recorded in the audit trail')
    .option('--wait <duration>', 'how long to wait for app instances to confirm', '2s')
    .action(action(async () => Promise.all([import('../commands/phase1.js'), import('./render/gated-change.js')])));

  program
    .command('phase2')
    .description("flip one tier's queues to BullMQ (gated on the previous tier's soak)")
    .requiredOption('--tier <name>', 'the tier to flip (see `redis-migrate plan`)')
    .option('--dry-run', 'print what would change and change nothing')
    .option('--force', 'pass a closed gate (needs --reason, which is audited)')
    .option('--reason <text>', 'why; recorded in the audit trail')
    .option('--wait <duration>', 'how long to wait for app instances to confirm', '2s')
    .action(action(async () => Promise.all([import('../commands/phase2.js'), import('./render/gated-change.js')])));

  program
    .command('rollback')
    .description('back to legacy now: USE_BULLMQ=false (default), one --tier, or --phase 1; never gated, never locked')
    .option('--tier <name>', 'return only this tier to legacy')
    .addOption(new Option('--phase <n>', 'roll back phase 1 (USE_HTTP_REDIS=false)').choices(['1', '2']))
    .option('--reason <text>', 'why; recorded in the audit trail')
    .option('--wait <duration>', 'how long to wait for app instances to confirm', '2s')
    .option('--dry-run', 'print what would change and change nothing')
    .action(action(async () => Promise.all([import('../commands/rollback.js'), import('./render/change.js')])));

  program
    .command('preflight')
    .description('run the checks of a phase (and tier): a table, --json, or --junit FILE for CI; exit 3 on any fail')
    .addOption(new Option('--phase <n>', 'the phase to check').choices(['1', '2', '3']))
    .option('--tier <name>', 'the tier about to be flipped (implies --phase 2)')
    .option('--strict', 'warnings fail too')
    .option('--junit <file>', 'also write JUnit XML to this file')
    .action(action(async () => Promise.all([import('../commands/preflight.js'), import('./render/preflight.js')])));

  program
    .command('connections')
    .description('live connections by role, queue and tier, against the baselines, the predicted budget and the target')
    .option('--watch', 'redraw in place until Ctrl-C (then exit 0)')
    .option('--interval <duration>', 'refresh interval with --watch', '2s')
    .option('--list', 'list every connection in the human output (the JSON always does)')
    .action(action(async () => Promise.all([import('../commands/connections.js'), import('./render/connections.js')])));

  program
    .command('monitor')
    .description(
      'the soak, measured: samples every interval, thresholds from the plan, optional --auto-rollback, Prometheus /metrics; Ctrl-C or SIGTERM ends it with a summary',
    )
    .option('--duration <duration>', 'stop after this long (default: until Ctrl-C or SIGTERM, as a service)')
    .option('--interval <duration>', "time between samples (default: the plan's monitor.interval, 10s)")
    .option('--auto-rollback', 'on a breach, roll back as `rollback` does and exit 3 (needs --yes)')
    .option('--ndjson', 'stream one JSON sample per line, then a summary line')
    .option('--metrics-port <port>', "serve Prometheus /metrics and /healthz on this port (0: any free port; default: the plan's metrics.port, else none)")
    .option('--metrics-host <host>', "interface for --metrics-port (default: the plan's metrics.host, 127.0.0.1)")
    .action(action(async () => Promise.all([import('../commands/monitor.js'), import('./render/monitor.js')])));

  program
    .command('verify')
    .description('run synthetic jobs through real BullMQ queues of a tier, on an isolated prefix (exit 3 on a failure)')
    .requiredOption('--tier <name>', 'the tier whose queues to verify')
    .option('--backoff <duration>', 'backoff between retries of the retrying job', '100ms')
    .option('--deadline <duration>', 'how long each queue may take', '30s')
    .action(action(async () => Promise.all([import('../commands/verify.js'), import('./render/verify.js')])));

  program
    .command('loadtest')
    .description('push N synthetic jobs through BullMQ with in-process workers, on an isolated prefix, and measure')
    .requiredOption('--jobs <n>', 'how many jobs')
    .option('--tier <name>', "only this tier's queues (default: every queue of the plan)")
    .option('--concurrency <n>', 'worker concurrency per queue', '10')
    .option('--rate <n>', 'jobs per second (default: as fast as possible)')
    .option('--deadline <duration>', 'give up waiting for completions after this', '60s')
    .action(action(async () => Promise.all([import('../commands/loadtest.js'), import('./render/loadtest.js')])));

  program
    .command('demo')
    .description('the whole migration on a throwaway redis-server (or REDIS_URL) with a simulated app: measured connections and jobs at every step')
    .option('--soak <duration>', 'soak window of every tier in the demo plan', '1s')
    .option('--rate <n>', 'jobs per second the simulated app produces', '40')
    .action(action(async () => Promise.all([import('../commands/demo.js'), import('./render/demo.js')])));

  program
    .command('audit')
    .description('the audit trail: who changed what, when and why')
    .option('--limit <n>', 'how many of the newest entries', '20')
    .action(action(async () => Promise.all([import('../commands/audit.js'), import('./render/audit.js')])));

  const phase3 = program.command('phase3').description('phase 3: delete the legacy keys of soaked tiers safely, verify the end state, restore a backup');
  phase3
    .command('cleanup')
    .description('legacy keys of queues on BullMQ that have soaked: a dry run without --yes, deletes with --yes')
    .option('--dry-run', 'count and estimate only, even with --yes')
    .option('--backup <file>', 'write every key (DUMP + expiry, NDJSON) to FILE before deleting it')
    .option('--force', 'clean although legacy jobs or workers remain (needs --reason, which is audited)')
    .option('--reason <text>', 'why; recorded in the audit trail')
    .option('--rate <keys>', 'delete at most this many keys per second (gentler on a busy Redis)')
    .option('--batch <n>', 'keys per SCAN / UNLINK batch', '2000')
    .option('--restart', 'start over instead of resuming an interrupted cleanup')
    .action(action(async () => Promise.all([import('../commands/phase3-cleanup.js'), import('./render/phase3-cleanup.js')])));
  phase3
    .command('verify')
    .description('the end state: every tier on BullMQ and soaked, no legacy keys or connections, targets met, sinks, audit trail')
    .option('--window <duration>', 'how long to measure the idle command rate', '30s')
    .action(action(async () => Promise.all([import('../commands/phase3-verify.js'), import('./render/phase3-verify.js')])));
  phase3
    .command('restore')
    .description('put the keys of a cleanup backup back (conflicts are reported, not overwritten, unless --replace)')
    .argument('<file>', 'the backup file written by `phase3 cleanup --backup`')
    .option('--replace', 'overwrite keys that exist with another value')
    .option('--allow-unverified', 'restore a backup that cannot be fully verified (format 1, or no end record)')
    .option('--batch <n>', 'keys per batch', '1000')
    .action(action(async () => Promise.all([import('../commands/phase3-restore.js'), import('./render/phase3-restore.js')])));

  program
    .command('report')
    .description('a self-contained HTML report: timeline, connection and failure-rate charts, connections per step, checks')
    .option('--html <file>', 'where to write the report')
    .option('--samples <n>', 'newest monitor samples to draw', '5000')
    .option('--no-checks', 'do not run the phase 3 checks for the report')
    .action(action(async () => Promise.all([import('../commands/report.js'), import('./render/report.js')])));

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  const runbook = program.command('runbook').description('markdown runbooks the CLI executes step by step, with evidence');
  runbook
    .command('list')
    .description('the runbooks in ./runbooks and those shipped with redis-migrate')
    .option('--dir <path>', 'look only in this directory')
    .action(action(async () => Promise.all([import('../commands/runbook-list.js'), import('./render/runbook-list.js')])));
  runbook
    .command('show')
    .description('a runbook rendered for the terminal, steps marked')
    .argument('<name>', 'runbook name (see `runbook list`) or path to a .md file')
    .option('--dir <path>', 'look only in this directory')
    .option('--var <name=value>', 'fill in a variable (repeatable)', collect)
    .action(action(async () => Promise.all([import('../commands/runbook-show.js'), import('./render/runbook-show.js')])));
  runbook
    .command('run')
    .description('run the steps in order; asks before each on a terminal (else --yes); resumes an interrupted run')
    .argument('<name>', 'runbook name (see `runbook list`) or path to a .md file')
    .option('--dir <path>', 'look only in this directory')
    .option('--var <name=value>', 'a variable the runbook declares (repeatable)', collect)
    .option('--from <step>', 'start at this step (earlier unfinished steps are recorded as skipped)')
    .option('--confirm-manual <step>', 'without a terminal: confirm this manual check yourself (repeatable, audited)', collect)
    .option('--restart', 'start a new run instead of resuming the unfinished one')
    .action(action(async () => Promise.all([import('../commands/runbook-run.js'), import('./render/runbook-run.js')])));

  program
    .command('scan')
    .description(
      "every Bull, @nestjs/bull and ioredis call site in the app's code and what it becomes; queues against the plan (exit 3 when something must change)",
    )
    .argument('[paths...]', "files or directories (default: the plan's code.paths, else .)")
    .option('--sarif <file>', 'also write SARIF 2.1.0 (GitHub code scanning) to this file')
    .option('--only <libraries>', "only these libraries' findings, comma-separated: bull, nestjs, ioredis, upstash, queues")
    .option('--ignore <pattern>', 'skip files matching this gitignore-style pattern (repeatable)', collect)
    .option('--docs-url <url>', "where docs/scan.md is published, for the SARIF rules' help links (env REDIS_MIGRATE_DOCS_URL)")
    .action(action(async () => Promise.all([import('../commands/scan.js'), import('./render/scan.js')])));

  program
    .command('serve-http')
    .description('a local Upstash-compatible REST endpoint over --redis-url, for development and CI (runs until Ctrl-C / SIGTERM)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '8079')
    .option('--token <token>', 'Bearer token clients must send (env UPSTASH_REDIS_REST_TOKEN; default: a random one)')
    .option('--pool <n>', 'Redis connections shared by plain commands and pipelines', '4')
    .option('--log-requests', 'log every request to stderr (method, path, status, time, command names)')
    .option('--max-request-size <size>', 'largest request body; larger ones get 413 (default 10mb, as Upstash)')
    .option('--max-pipeline-commands <n>', 'most commands in one /pipeline or /multi-exec request; more get 413 (default 10000)')
    .option('--max-in-flight <size>', 'bytes all requests in flight may hold; large ones past 3/4 of it get 429 (default 32mb)')
    .option('--max-sse-backlog <size>', 'unread bytes after which a subscriber is dropped (default 1mb)')
    .option('--allow-flush', 'let FLUSHALL and FLUSHDB through (refused by default), for test suites that reset Redis')
    .action(action(async () => Promise.all([import('../commands/serve-http.js'), import('./render/serve-http.js')])));

  trackCommands(program, state);
  return program;
}
