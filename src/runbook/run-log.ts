/**
 * The local record of a runbook run (`.redis-migrate/runs/<runbook>-<id>.json`): every step with
 * who, what, exit code, duration and an output excerpt, written after each step (atomically), so
 * an interrupted run can resume at its first unfinished step. Selection logic is pure.
 */
import { createHmac } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type StepStatus = 'done' | 'failed' | 'skipped' | 'interrupted';
export type RunStatus = 'running' | 'failed' | 'completed' | 'aborted';

export interface StepRecord {
  id: string;
  kind: string;
  title: string;
  status: StepStatus;
  /** The command or text, secrets redacted. */
  command: string;
  exitCode: number | null;
  startedAt: string;
  durationMs: number;
  /** The end of the step's output, redacted. */
  excerpt: string;
  actor: string;
  /** How the step was allowed to run: a prompt answered, --yes, --confirm-manual, or nothing to confirm. */
  confirmation: 'prompt' | '--yes' | '--confirm-manual' | 'none';
}

export interface RunLog {
  version: 1;
  id: string;
  runbook: string;
  file: string;
  /** sha256 of the runbook text the run started with (a changed runbook is reported on resume). */
  sha256: string;
  /** The variables as they may be shown: `--var` values not declared public are ***. */
  vars: Record<string, string>;
  /** `salt:hmac` of every real value, so a resume matches the same variables without storing secrets. */
  varsDigest?: string;
  actor: string;
  host: string;
  startedAt: string;
  updatedAt: string;
  status: RunStatus;
  /** In the order they ran; a step that ran again (after a fix) appears again, the last one counts. */
  steps: StepRecord[];
}

export function runsDir(cwd: string): string {
  return join(cwd, '.redis-migrate', 'runs');
}

export function runLogPath(cwd: string, log: Pick<RunLog, 'runbook' | 'id'>): string {
  return join(runsDir(cwd), `${log.runbook}-${log.id}.json`);
}

export function newRunId(now: Date, random: string): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${random.slice(0, 4)}`;
}

/** The last record of each step. */
export function latestByStep(log: RunLog): Map<string, StepRecord> {
  const latest = new Map<string, StepRecord>();
  for (const record of log.steps) latest.set(record.id, record);
  return latest;
}

/** Index of the first step that is neither done nor skipped (steps.length when all are). */
export function firstUnfinished(stepIds: readonly string[], log: RunLog): number {
  const latest = latestByStep(log);
  const index = stepIds.findIndex((id) => {
    const status = latest.get(id)?.status;
    return status !== 'done' && status !== 'skipped';
  });
  return index === -1 ? stepIds.length : index;
}

/** A keyed digest of the variables (names and values, in name order), under a random per-run salt. */
export function varsDigest(values: Record<string, string>, salt: string): string {
  const canonical = JSON.stringify(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${salt}:${createHmac('sha256', salt).update(canonical).digest('hex')}`;
}

function sameVars(log: RunLog, values: Record<string, string>): boolean {
  if (log.varsDigest) return varsDigest(values, log.varsDigest.split(':')[0] as string) === log.varsDigest;
  // A log written before values were masked holds them in clear.
  const keys = new Set([...Object.keys(log.vars), ...Object.keys(values)]);
  return [...keys].every((key) => log.vars[key] === values[key]);
}

/** The newest unfinished run of this runbook with the same variables: the one to resume. */
export function pickResumable(logs: readonly RunLog[], runbook: string, vars: Record<string, string>): RunLog | null {
  const candidates = logs
    .filter((log) => log.runbook === runbook && log.status !== 'completed' && sameVars(log, vars))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return candidates[0] ?? null;
}

export async function readRunLogs(cwd: string, runbook?: string): Promise<RunLog[]> {
  const dir = runsDir(cwd);
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    return [];
  }
  const logs: RunLog[] = [];
  for (const file of files) {
    if (!file.endsWith('.json') || (runbook && !file.startsWith(`${runbook}-`))) continue;
    try {
      const log = JSON.parse(await readFile(join(dir, file), 'utf8')) as RunLog;
      if (log.version === 1 && (!runbook || log.runbook === runbook)) logs.push(log);
    } catch {
      // A torn or foreign file is not a run we can resume; it is left for a person to read.
    }
  }
  return logs;
}

/** Write the whole log to a temp file and rename it over the old one: never a half-written log. */
export async function writeRunLog(cwd: string, log: RunLog): Promise<string> {
  const path = runLogPath(cwd, log);
  await mkdir(runsDir(cwd), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(log, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
  return path;
}
