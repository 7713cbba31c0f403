/**
 * The docs stay honest: links and anchors resolve, every command and option of the CLI has its
 * place in docs/commands.md, every check in docs/checks.md, the plan file reference validates, and
 * the README stays a short front door. No Redis.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CHECKS } from '../../src/checks/registry.js';
import { buildProgram } from '../../src/cli/program.js';
import { validatePlan } from '../../src/plan/schema.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const mdIn = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `${dir}/${name}`);

const DOCS = mdIn('docs');
const LINKED_FILES = ['README.md', 'BENCHMARKS.md', 'examples/fleet/README.md', ...DOCS, ...mdIn('runbooks')];

/** The text outside fenced code blocks, line by line (links and headings in code are not links). */
function proseLines(text: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === null ? marker : null;
      continue;
    }
    if (fence === null) lines.push(line);
  }
  return lines;
}

/** GitHub's heading anchor: rendered text, lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

interface Heading {
  level: number;
  text: string;
  line: number;
}

function headings(text: string): Heading[] {
  return proseLines(text).flatMap((line, index) => {
    const match = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    return match ? [{ level: match[1]!.length, text: match[2]!, line: index }] : [];
  });
}

function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const { text: heading } of headings(text)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Inline markdown links outside code: [text](target). */
function links(text: string): string[] {
  const prose = proseLines(text)
    .join('\n')
    .replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

/** The section under a heading: up to the next heading of the same or a higher level. */
function section(text: string, heading: RegExp): string | null {
  const lines = proseLines(text);
  const all = headings(text);
  const start = all.find((entry) => heading.test(entry.text));
  if (!start) return null;
  const end = all.find((entry) => entry.line > start.line && entry.level <= start.level);
  return lines.slice(start.line, end ? end.line : lines.length).join('\n');
}

/** Every leaf command of the CLI, by its full name ("phase3 cleanup"), with its options. */
function leafCommands(command: Command, prefix: string[] = []): { name: string; command: Command }[] {
  return command.commands
    .filter((sub) => sub.name() !== 'help')
    .flatMap((sub) => {
      const path = [...prefix, sub.name()];
      return sub.commands.length > 0 ? leafCommands(sub, path) : [{ name: path.join(' '), command: sub }];
    });
}

const program = buildProgram({ stdout: process.stdout, stderr: process.stderr, env: {}, interactive: false, cwd: ROOT }, { exitCode: 0 });
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('docs', () => {
  it('every relative link in the README, docs/, runbooks/, BENCHMARKS.md and the fleet README resolves, anchors too', () => {
    const broken: string[] = [];
    for (const file of LINKED_FILES) {
      for (const target of links(read(file))) {
        if (/^[a-z][a-z+.-]*:/i.test(target)) continue;
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path ? resolve(ROOT, dirname(file), decodeURIComponent(path)) : join(ROOT, file);
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${target} (no heading #${anchor} in ${relative(ROOT, resolved)})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('the link checker itself: GitHub anchors, code blocks skipped', () => {
    expect(slug('`phase3 cleanup`')).toBe('phase3-cleanup');
    expect(slug('`init --from-code PATHS`')).toBe('init---from-code-paths');
    expect(slug('`redis-migrate/redis`: `migratingRedis` beside raw ioredis and raw `@upstash/redis`')).toBe(
      'redis-migrateredis-migratingredis-beside-raw-ioredis-and-raw-upstashredis',
    );
    expect(slug('Connections: budget and measured counts')).toBe('connections-budget-and-measured-counts');
    expect(links('[a](x.md)\n```md\n[b](y.md)\n```\n`[c](z.md)` [d](w.md#h)')).toEqual(['x.md', 'w.md#h']);
    expect([...anchors('# T\n## Same\n```\n## not a heading\n```\n## Same\n')]).toEqual(['t', 'same', 'same-1']);
  });

  it('the README is a short front door that links every docs page', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThan(250);
    const linked = new Set(links(readme).map((target) => target.split('#')[0]));
    for (const page of DOCS) expect(linked, page).toContain(page);
  });

  it('every docs page links back to the README', () => {
    for (const page of DOCS) expect(links(read(page)), page).toContain('../README.md');
  });

  it('every command has its section in docs/commands.md, naming each of its options', () => {
    const commands = read('docs/commands.md');
    const leaves = leafCommands(program);
    expect(leaves.length).toBeGreaterThan(20);
    for (const { name, command } of leaves) {
      const text = section(commands, new RegExp(`^\`${escapeRegExp(name)}\`$`));
      expect(text, `no "## \`${name}\`" heading in docs/commands.md`).not.toBeNull();
      for (const option of command.options) expect(text, `${name} ${option.long}`).toContain(option.long!);
    }
    const globals = section(commands, /^Global options$/);
    for (const option of program.options) expect(globals, option.long).toContain(`\`${option.long}`);
  });

  it('every check of the registry has its row in docs/checks.md', () => {
    const checks = read('docs/checks.md');
    for (const check of CHECKS) expect(checks, check.id).toMatch(new RegExp(`^\\| \`${escapeRegExp(check.id)}\` \\|`, 'm'));
  });

  it('the plan file reference is a valid plan', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(read('docs/plan-file.md'))?.[1];
    expect(block).toBeDefined();
    const result = validatePlan(parseYaml(block!));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('dated measurements live in BENCHMARKS.md only', () => {
    for (const file of ['README.md', ...DOCS]) expect(read(file), file).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
  });
});
