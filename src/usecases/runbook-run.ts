/**
 * Runs a runbook: every step resolved up front, then in order from the first unfinished one (or
 * --from), asking before each on a terminal, stopping at the first failure. Each step is recorded
 * in the local run log and the audit trail (who, command, exit code, duration, output excerpt,
 * redacted). Ctrl-C is passed to the running step once; the step is then unfinished and the next
 * `run` resumes there.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { AbortedError, UsageError } from '../errors.js';
import { formatDuration } from '../plan/duration.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { redact, registerSecret } from '../redact.js';
import { parseRedisUrl } from '../redis/url.js';
import { RunbookAudit } from '../runbook/audit-sink.js';
import { startStepProcess, type StepProcess } from '../runbook/exec-step.js';
import type { LoadedRunbook } from '../runbook/library.js';
import { resolveRunbook, resolveVariables, secretVariables, shownValues, type ResolvedStep } from '../runbook/plan-steps.js';
import {
  firstUnfinished,
  latestByStep,
  newRunId,
  pickResumable,
  readRunLogs,
  runLogPath,
  varsDigest,
  writeRunLog,
  type RunLog,
  type StepRecord,
} from '../runbook/run-log.js';
import type { Environment } from './environment.js';
import type { Report } from './report.js';

/** The CLI itself, run again for `redis-migrate` and `wait` steps (dist/src/usecases → ../../../bin). */
export const BIN = fileURLToPath(new URL('../../../bin/redis-migrate.js', import.meta.url));

export interface RunbookRunOptions {
  vars: Record<string, string>;
  from?: string | undefined;
  confirmManual: string[];
  restart: boolean;
}

/** What the runner needs from the command line it runs under. */
export interface RunbookSession {
  /** A person can be asked (a terminal). */
  interactive: boolean;
  /** Every step was confirmed up front (--yes). */
  yes: boolean;
  /** A manual check's question, answered yes or no (no is a failed check, not an abort). */
  ask(question: string): Promise<boolean>;
  /** Global options the steps' own `redis-migrate` runs get (--config, --namespace, --timeout). */
  cliArgs: string[];
  /** The Redis URL given on the command line, handed to the steps as REDIS_URL. */
  redisUrl: string | undefined;
  /** Where a running step's output is echoed as it comes. */
  echo: NodeJS.WritableStream;
  /** The plan, for the audit trail: read when first needed, so a broken plan file stops no step. */
  plan(): Promise<LoadedPlan>;
}

export interface StepView {
  id: string;
  kind: string;
  title: string;
  status: StepRecord['status'] | 'pending';
  exitCode: number | null;
  durationMs: number | null;
}

export interface RunbookRunReport extends Report {
  runbook: string;
  path: string;
  run: string;
  log: string;
  resumed: boolean;
  /** Step the run started at this time. */
  startedAt: string | null;
  vars: Record<string, string>;
  completed: boolean;
  steps: StepView[];
  failed: { step: string; exitCode: number | null; excerpt: string } | null;
  warnings: string[];
}

const EXCERPT_AUDIT = 500;
/** A resumed wait still watches a little: the soak window is not taken on trust. */
const MIN_RESUMED_WAIT_MS = 10_000;

/** Steps print what they like: the Redis password (flag, env or plan) is masked in every excerpt. */
function registerRedisPassword(env: Environment): void {
  try {
    registerSecret(parseRedisUrl(env.redisUrl()).password);
  } catch {
    // A malformed URL is the steps' problem to report; there is no password to mask.
  }
}

/** A wait resumed after an interruption watches what is left of its window, never less than a little. */
export function remainingWaitMs(durationMs: number, firstStartedAt: number, now: number): number {
  return Math.max(MIN_RESUMED_WAIT_MS, durationMs - Math.max(0, now - firstStartedAt));
}

function childEnv(actor: string, session: RunbookSession, vars: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { REDIS_MIGRATE_ACTOR: actor };
  if (session.redisUrl) env.REDIS_URL = session.redisUrl;
  for (const [name, value] of Object.entries(vars)) env[`RUNBOOK_VAR_${name.toUpperCase().replace(/-/g, '_')}`] = value;
  return env;
}

function stepViews(steps: readonly ResolvedStep[], log: RunLog): StepView[] {
  const latest = latestByStep(log);
  return steps.map((step) => {
    const record = latest.get(step.id);
    return {
      id: step.id,
      kind: step.kind,
      title: step.title,
      status: record?.status ?? 'pending',
      exitCode: record?.exitCode ?? null,
      durationMs: record?.durationMs ?? null,
    };
  });
}

/** Checks that need no step to run: a terminal or --yes, and a human for each manual check. */
function preflight(session: RunbookSession, steps: readonly ResolvedStep[], start: number, options: RunbookRunOptions): void {
  const manual = steps.filter((step) => step.kind === 'manual');
  const unknown = options.confirmManual.filter((id) => !manual.some((step) => step.id === id));
  if (unknown.length) {
    throw new UsageError('runbook.confirm-manual', `--confirm-manual names no manual step: ${unknown.join(', ')}`, {
      fix: manual.length ? `manual steps: ${manual.map((step) => step.id).join(', ')}` : 'this runbook has no manual steps',
    });
  }
  if (session.interactive) return;
  if (!session.yes) {
    throw new UsageError('confirm.required', 'runbook run asks before each step, and there is no terminal to ask on', {
      fix: 'run it on a terminal, or pass --yes to run the steps without asking',
    });
  }
  // A human check never passes silently: without a terminal each one must be confirmed by name.
  const unconfirmed = steps.slice(start).filter((step) => step.kind === 'manual' && !options.confirmManual.includes(step.id));
  if (unconfirmed.length) {
    throw new UsageError(
      'runbook.manual-unconfirmed',
      `manual check(s) ${unconfirmed.map((step) => `"${step.id}"`).join(', ')} need a person, and there is no terminal`,
      {
        fix: `check them yourself, then pass ${unconfirmed.map((step) => `--confirm-manual ${step.id}`).join(' ')} (recorded in the audit), or run on a terminal`,
      },
    );
  }
}

export async function runRunbook(
  env: Environment,
  session: RunbookSession,
  loaded: LoadedRunbook,
  options: RunbookRunOptions,
): Promise<{ report: RunbookRunReport; failed: boolean }> {
  const { runbook } = loaded;
  registerRedisPassword(env);
  const values = resolveVariables(runbook, options.vars);
  const secrets = secretVariables(runbook, options.vars);
  // What a step prints is masked too (values of 4 characters and more, see registerSecret).
  for (const name of secrets) registerSecret(values[name]);
  const shown = shownValues(values, secrets);
  const steps = resolveRunbook(runbook, values, shown);
  const ids = steps.map((step) => step.id);
  const warnings: string[] = [];

  const previous = options.restart ? null : pickResumable(await readRunLogs(env.cwd, runbook.name), runbook.name, values);
  const now = new Date();
  const log: RunLog = previous ?? {
    version: 1,
    id: newRunId(now, randomUUID()),
    runbook: runbook.name,
    file: loaded.path,
    sha256: loaded.sha256,
    vars: shown,
    varsDigest: varsDigest(values, randomBytes(16).toString('hex')),
    actor: env.actor,
    host: env.host,
    startedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    status: 'running',
    steps: [],
  };
  if (previous && previous.sha256 !== loaded.sha256) warnings.push('the runbook changed since this run started; finished steps are matched by id');

  let start = firstUnfinished(ids, log);
  if (options.from !== undefined) {
    start = ids.indexOf(options.from);
    if (start === -1)
      throw new UsageError('runbook.unknown-step', `runbook "${runbook.name}" has no step "${options.from}"`, { fix: `steps: ${ids.join(', ')}` });
  }
  preflight(session, steps, start, options);

  const audit = new RunbookAudit(env, session.plan);
  const path = runLogPath(env.cwd, log);
  const save = async () => {
    log.updatedAt = new Date().toISOString();
    await writeRunLog(env.cwd, log);
  };
  const report = (failed: RunbookRunReport['failed']): RunbookRunReport => ({
    ok: failed === null,
    runbook: runbook.name,
    path: loaded.path,
    run: log.id,
    log: path,
    resumed: previous !== null,
    startedAt: steps[start]?.id ?? null,
    vars: shown,
    completed: log.status === 'completed',
    steps: stepViews(steps, log),
    failed,
    warnings: [
      ...warnings,
      ...(audit.missed
        ? [`${audit.missed} audit entr${audit.missed === 1 ? 'y' : 'ies'} could not be written (Redis unreachable); the run log has every step`]
        : []),
    ],
  });

  const latest = latestByStep(log);
  for (const step of steps.slice(0, start)) {
    const status = latest.get(step.id)?.status;
    if (status !== 'done' && status !== 'skipped') {
      log.steps.push({
        id: step.id,
        kind: step.kind,
        title: step.title,
        status: 'skipped',
        command: redact(step.display),
        exitCode: null,
        startedAt: new Date().toISOString(),
        durationMs: 0,
        excerpt: '',
        actor: env.actor,
        confirmation: 'none',
      });
    }
  }
  log.status = 'running';
  await save();
  if (previous) env.log(`Resuming run ${log.id} of "${runbook.name}" at step "${steps[start]?.id ?? '(none left)'}".`);

  let current: StepProcess | undefined;
  let interrupted = false;
  const removeInterrupt = env.onInterrupt(() => {
    interrupted = true;
    current?.interrupt();
  });
  try {
    for (let index = start; index < steps.length; index++) {
      const step = steps[index] as ResolvedStep;
      env.log(`\n▶ step ${index + 1}/${steps.length} [${step.id}] ${step.kind}: ${step.title}`);
      if (step.kind !== 'note' && step.kind !== 'manual') env.log(`  $ ${step.display}`);

      let confirmation: StepRecord['confirmation'] = 'none';
      if (step.kind === 'manual') {
        confirmation = options.confirmManual.includes(step.id) ? '--confirm-manual' : 'prompt';
      } else if (step.kind !== 'note') {
        confirmation = session.yes ? '--yes' : 'prompt';
        if (!session.yes) {
          try {
            await env.confirm(`Run step "${step.id}" (${step.title})?`);
          } catch (error) {
            log.status = 'aborted';
            await save();
            throw error;
          }
        }
      }

      const startedAt = new Date();
      let exitCode: number | null = 0;
      let excerpt = '';
      let status: StepRecord['status'] = 'done';
      let durationMs = 0;
      if (step.kind === 'note') {
        env.log(step.text ?? '');
      } else if (step.kind === 'manual') {
        env.log(`  check: ${step.text ?? ''}`);
        if (confirmation === 'prompt') {
          const yes = await session.ask(`Confirm: ${step.text ?? step.title}`).catch(async (error: unknown) => {
            log.status = 'aborted';
            await save();
            throw error;
          });
          if (!yes) {
            status = 'failed';
            exitCode = null;
            excerpt = 'the operator did not confirm this check';
          }
        }
      } else {
        let args = step.args ?? [];
        if (step.kind === 'wait') {
          // A resumed wait watches what is left of its window (at least a little), not all of it again.
          const first = log.steps.find((record) => record.id === step.id);
          if (first)
            args = ['monitor', '--duration', formatDuration(remainingWaitMs(step.durationMs ?? 0, Date.parse(first.startedAt), Date.now())), ...args.slice(3)];
        }
        const [file, fileArgs] = step.kind === 'shell' ? ['/bin/sh', ['-e', '-c', step.script ?? '']] : [process.execPath, [BIN, ...session.cliArgs, ...args]];
        current = startStepProcess(file as string, fileArgs as string[], {
          env: childEnv(env.actor, session, values),
          cwd: env.cwd,
          timeoutMs: step.timeoutMs,
          echo: session.echo,
        });
        if (interrupted) current.interrupt();
        const result = await current.result;
        current = undefined;
        exitCode = result.exitCode;
        excerpt = redact(result.excerpt);
        durationMs = result.durationMs;
        status = result.interrupted || interrupted ? 'interrupted' : result.exitCode === 0 || step.allowFailure ? 'done' : 'failed';
        if (status === 'done' && result.exitCode !== 0) env.log(`  (exit code ${result.exitCode}, allowed: the run goes on)`);
        if (result.timedOut) excerpt += `\n(timed out after ${formatDuration(step.timeoutMs ?? 0)})`;
      }
      const record: StepRecord = {
        id: step.id,
        kind: step.kind,
        title: step.title,
        status,
        command: redact(step.display),
        exitCode,
        startedAt: startedAt.toISOString(),
        durationMs,
        excerpt,
        actor: env.actor,
        confirmation,
      };
      log.steps.push(record);
      await save();
      await audit.record({
        kind: 'runbook',
        actor: env.actor,
        command: `runbook run ${runbook.name}: ${step.id}`.slice(0, 200),
        details: {
          runbook: runbook.name,
          run: log.id,
          step: step.id,
          kind: step.kind,
          status,
          exitCode,
          durationMs,
          confirmation,
          command: record.command.slice(0, 300),
          excerpt: excerpt.slice(-EXCERPT_AUDIT),
          summary: `${step.id}: ${status}${exitCode !== null && exitCode !== 0 ? ` (exit ${exitCode})` : ''}`,
        },
      });
      if (status === 'interrupted') {
        log.status = 'aborted';
        await save();
        throw new AbortedError(`interrupted during step "${step.id}"; \`runbook run ${runbook.name}\` resumes there`, {
          details: { run: log.id, step: step.id },
        });
      }
      if (status === 'failed') {
        log.status = 'failed';
        await save();
        env.log(
          `✗ step "${step.id}" failed${exitCode !== null ? ` with exit code ${exitCode}` : ''}; fix the cause, then run the runbook again to resume here.`,
        );
        return { report: report({ step: step.id, exitCode, excerpt }), failed: true };
      }
    }
    log.status = 'completed';
    await save();
    await audit.record({
      kind: 'runbook',
      actor: env.actor,
      command: `runbook run ${runbook.name}`,
      details: { runbook: runbook.name, run: log.id, status: 'completed', summary: 'runbook completed' },
    });
    return { report: report(null), failed: false };
  } finally {
    removeInterrupt();
  }
}
