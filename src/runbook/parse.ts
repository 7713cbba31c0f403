/**
 * Markdown runbooks → steps. Pure. A runbook is ordinary markdown people read on GitHub; the CLI
 * runs the fenced blocks whose info string starts with `step`:
 *
 *     ```step id=flip kind=redis-migrate title="Flip the tier" timeout=10m
 *     phase2 --tier {{tier}} --yes
 *     ```
 *
 * Kinds: `shell` (a shell script), `redis-migrate` (one command line of this tool, run with the
 * same binary), `wait` (`monitor --duration D` plus the body's extra arguments), `manual` (a check
 * the operator confirms), `note` (shown, nothing to run). Variables are `{{name}}`, declared (with
 * optional defaults) in a ```` ```vars ```` block: `name = default  # what it is`, or `name` alone
 * when required; `public name ...` lets its `--var` value show in logs (others are masked). Attributes: `title`, `timeout` (a duration), `duration` (wait), and
 * `allow-failure=true` for diagnostics that may fail (recorded, the run goes on). Everything else
 * is prose, kept for `runbook show`.
 */
import { isDuration } from '../plan/duration.js';

export const STEP_KINDS = ['shell', 'redis-migrate', 'wait', 'manual', 'note'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface RunbookStep {
  id: string;
  kind: StepKind;
  /** `title=` or the nearest heading above the block. */
  title: string;
  /** The block's text, variables not yet substituted. */
  body: string;
  /** Other attributes of the info string (duration, timeout, ...), unsubstituted. */
  attributes: Record<string, string>;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

export interface RunbookVariable {
  name: string;
  /** null: required (no default). */
  default: string | null;
  description: string;
  /** Declared `public name ...`: its `--var` value may appear in logs; every other `--var` value is masked. */
  public: boolean;
}

export type RunbookBlock =
  | { type: 'heading'; level: number; text: string }
  | { type: 'text'; text: string }
  | { type: 'code'; info: string; text: string }
  | { type: 'step'; step: RunbookStep }
  | { type: 'vars'; variables: RunbookVariable[] };

export interface Runbook {
  name: string;
  title: string;
  blocks: RunbookBlock[];
  steps: RunbookStep[];
  variables: RunbookVariable[];
}

export interface RunbookIssue {
  line: number;
  message: string;
}

export type ParseResult = { ok: true; runbook: Runbook } | { ok: false; issues: RunbookIssue[] };

const FENCE = /^(\s*)(`{3,}|~{3,})\s*(.*)$/;
const STEP_ID = /^[a-z0-9][a-z0-9_-]*$/i;
const VAR_NAME = /^[a-z_][a-z0-9_-]*$/i;

/** `id=flip kind=shell title="Flip it"` → attributes; values may be double-quoted. */
export function parseAttributes(text: string): { attributes: Record<string, string>; error?: string } {
  const attributes: Record<string, string> = {};
  const pattern = /\s*([a-z][a-z0-9_-]*)=(?:"((?:[^"\\]|\\.)*)"|([^"\s]\S*))/giy;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) return { attributes, error: `cannot read "${text.slice(index).trim()}" (expected key=value or key="value")` };
    attributes[(match[1] as string).toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] as string);
    index = pattern.lastIndex;
  }
  return { attributes };
}

function parseVariables(text: string, line: number, issues: RunbookIssue[]): RunbookVariable[] {
  const variables: RunbookVariable[] = [];
  text.split('\n').forEach((raw, i) => {
    const [declaration = '', ...comment] = raw.split('#');
    let trimmed = declaration.trim();
    if (!trimmed) return;
    const isPublic = /^public\s+(?=[a-z_])/i.test(trimmed);
    if (isPublic) trimmed = trimmed.replace(/^public\s+/i, '');
    const eq = trimmed.indexOf('=');
    const name = (eq === -1 ? trimmed : trimmed.slice(0, eq)).trim();
    if (!VAR_NAME.test(name)) {
      issues.push({ line: line + 1 + i, message: `invalid variable name "${name}"` });
      return;
    }
    variables.push({ name, default: eq === -1 ? null : trimmed.slice(eq + 1).trim(), description: comment.join('#').trim(), public: isPublic });
  });
  return variables;
}

function checkStep(step: RunbookStep, issues: RunbookIssue[]): void {
  const where = `step "${step.id}"`;
  if (step.kind === 'wait') {
    const duration = step.attributes.duration;
    if (!duration) issues.push({ line: step.line, message: `${where}: a wait step needs duration=... (e.g. duration=24h)` });
    else if (!duration.includes('{{') && !isDuration(duration))
      issues.push({ line: step.line, message: `${where}: duration "${duration}" is not a duration like 24h` });
  }
  if (step.kind === 'redis-migrate' && step.body.split('\n').filter((l) => l.trim()).length !== 1) {
    issues.push({ line: step.line, message: `${where}: a redis-migrate step holds exactly one command line` });
  }
  if ((step.kind === 'shell' || step.kind === 'manual' || step.kind === 'note') && !step.body.trim()) {
    issues.push({ line: step.line, message: `${where}: empty ${step.kind} step` });
  }
  const allow = step.attributes['allow-failure'];
  if (allow !== undefined && allow !== 'true' && allow !== 'false') issues.push({ line: step.line, message: `${where}: allow-failure must be true or false` });
  if (allow === 'true' && (step.kind === 'manual' || step.kind === 'note'))
    issues.push({ line: step.line, message: `${where}: allow-failure applies to commands, not to ${step.kind} steps` });
  const timeout = step.attributes.timeout;
  if (timeout && !timeout.includes('{{') && !isDuration(timeout)) issues.push({ line: step.line, message: `${where}: timeout "${timeout}" is not a duration` });
}

export function parseRunbook(name: string, markdown: string): ParseResult {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const blocks: RunbookBlock[] = [];
  const issues: RunbookIssue[] = [];
  const steps: RunbookStep[] = [];
  const variables: RunbookVariable[] = [];
  let title = '';
  let heading = '';
  let prose: string[] = [];
  const flushProse = () => {
    const text = prose.join('\n').trim();
    if (text) blocks.push({ type: 'text', text });
    prose = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = FENCE.exec(line);
    if (fence) {
      flushProse();
      const marker = fence[2] as string;
      const info = (fence[3] ?? '').trim();
      const start = i;
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).trim().startsWith(marker)) body.push(lines[i++] as string);
      if (i >= lines.length) issues.push({ line: start + 1, message: 'code block is never closed' });
      const text = body.join('\n');
      const [word = '', ...rest] = info.split(/\s+/);
      if (word === 'vars') {
        const declared = parseVariables(text, start + 1, issues);
        variables.push(...declared);
        blocks.push({ type: 'vars', variables: declared });
      } else if (word === 'step') {
        const { attributes, error } = parseAttributes(rest.join(' '));
        if (error) issues.push({ line: start + 1, message: `step: ${error}` });
        const { id = '', kind = '', title: stepTitle, ...others } = attributes;
        if (!STEP_ID.test(id)) issues.push({ line: start + 1, message: `step needs id=... (letters, digits, "-", "_"), got "${id}"` });
        else if (steps.some((step) => step.id === id)) issues.push({ line: start + 1, message: `duplicate step id "${id}"` });
        if (!(STEP_KINDS as readonly string[]).includes(kind)) {
          issues.push({ line: start + 1, message: `step "${id}": kind must be one of ${STEP_KINDS.join(', ')}, got "${kind}"` });
        }
        const step: RunbookStep = { id, kind: kind as StepKind, title: stepTitle ?? (heading || id), body: text.trim(), attributes: others, line: start + 1 };
        if ((STEP_KINDS as readonly string[]).includes(kind)) checkStep(step, issues);
        steps.push(step);
        blocks.push({ type: 'step', step });
      } else {
        blocks.push({ type: 'code', info, text });
      }
      continue;
    }
    const headingMatch = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (headingMatch) {
      flushProse();
      const level = (headingMatch[1] as string).length;
      heading = headingMatch[2] as string;
      if (level === 1 && !title) title = heading;
      blocks.push({ type: 'heading', level, text: heading });
      continue;
    }
    prose.push(line);
  }
  flushProse();
  if (steps.length === 0) issues.push({ line: 1, message: 'no steps (fenced blocks whose info string starts with "step")' });
  const names = variables.map((variable) => variable.name);
  for (const [index, variable] of names.entries()) {
    if (names.indexOf(variable) !== index) issues.push({ line: 1, message: `variable "${variable}" is declared twice` });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, runbook: { name, title: title || name, blocks, steps, variables } };
}
