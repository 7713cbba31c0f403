/**
 * The scan as a whole: which files it reads (.gitignore at every level, node_modules, build output),
 * queues against the plan, the SARIF document, the rule behind code.legacy-usage, and the tiers
 * `init --from-code` proposes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listSourceFiles } from '../../src/scan/files.js';
import { keyMatches, legacyUsage } from '../../src/scan/legacy-usage.js';
import { sarifLog } from '../../src/scan/sarif.js';
import { scanCode } from '../../src/scan/scan.js';
import { RULES } from '../../src/scan/rules/index.js';
import { proposeTiers } from '../../src/plan/from-code.js';

const NEST = fileURLToPath(new URL('../fixtures/scan/nest/', import.meta.url));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'scan-tree-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('files', () => {
  it('honours .gitignore at every level (deepest decides), .git/info/exclude, node_modules and build output', async () => {
    const root = tree({
      '.git/info/exclude': 'excluded.js\n',
      '.gitignore': 'generated/\n*.gen.ts\n',
      'app/.gitignore': '!keep.gen.ts\nlocal-only.js\n',
      'app/a.ts': '',
      'app/keep.gen.ts': '',
      'app/drop.gen.ts': '',
      'app/local-only.js': '',
      'app/generated/x.js': '',
      'app/node_modules/bull/index.js': '',
      'app/dist/main.js': '',
      'app/types.d.ts': '',
      'app/vendor.min.js': '',
      'app/notes.md': '',
      'excluded.js': '',
      'b.mjs': '',
    });
    expect((await listSourceFiles(['.'], { cwd: root })).files).toEqual(['app/a.ts', 'app/keep.gen.ts', 'b.mjs']);
    // Scanning a subdirectory still applies the ignore files above it.
    const sub = await listSourceFiles(['app'], { cwd: root });
    expect(sub.files).toEqual(['a.ts', 'keep.gen.ts']);
    expect(sub.top).toBe(root);
    // A file named explicitly is read even when ignored; extra patterns can re-include build output.
    expect((await listSourceFiles(['app/dist/main.js'], { cwd: root })).files).toEqual(['main.js']);
    expect((await listSourceFiles(['app'], { cwd: root, ignore: ['!dist/'] })).files).toContain('dist/main.js');
  });

  it('a path that does not exist is a usage error (exit 2)', async () => {
    await expect(listSourceFiles(['nope'], { cwd: tmpdir() })).rejects.toMatchObject({ code: 'scan.path', exitCode: 2 });
  });
});

describe('queues against the plan', () => {
  it('names from constants, decorators and registerQueue; in code but in no tier, in a tier but not in code', async () => {
    const planText = 'tiers:\n  - name: first\n    queues: [audio, ghost]\n    soak: 1h\n';
    const plan = { tiers: [{ name: 'first', queues: ['audio', 'ghost'] }], path: join(NEST, 'plan.yaml'), text: planText };
    const result = await scanCode({ paths: [NEST], cwd: NEST, plan, checkMissingQueues: true, only: ['queues'] });
    expect(result.queues.found).toEqual([
      { name: 'audio', tier: 'first', uses: 3 },
      { name: 'video', tier: null, uses: 1 },
    ]);
    expect(result.findings.map((finding) => [finding.rule, finding.file, finding.line, finding.queue])).toEqual([
      ['queues-not-in-plan', 'app.module.ts', 18, 'video'],
      ['queues-not-in-code', 'plan.yaml', 3, 'ghost'],
    ]);
    const partial = await scanCode({ paths: [NEST], cwd: NEST, plan, checkMissingQueues: false, only: ['queues'] });
    expect(partial.findings.map((finding) => finding.rule)).toEqual(['queues-not-in-plan']);
  });
});

describe('SARIF', () => {
  it('has the shape code scanning requires: rules with helpUri, results located relative to %SRCROOT%', async () => {
    const result = await scanCode({ paths: [NEST], cwd: NEST });
    const input = {
      findings: result.findings,
      unparsed: [{ file: 'x.ts', line: 2, column: 3, message: 'Unexpected token' }],
      rootFromTop: 'test/fixtures/scan/nest',
      top: '/repo',
      version: '0.1.0',
      docsUrl: 'https://example.org/scan.md',
    };
    // biome-ignore lint/suspicious/noExplicitAny: the SARIF document read by path, as code scanning reads it (a wrong path fails the assertion)
    const log = sarifLog(input) as any;
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('redis-migrate');
    expect(run.tool.driver.rules).toHaveLength(RULES.length);
    for (const rule of run.tool.driver.rules) {
      expect(rule.helpUri).toBe(`https://example.org/scan.md#${rule.id}`);
      expect(rule.shortDescription.text).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration.level);
    }
    expect(run.originalUriBaseIds.SRCROOT.uri).toBe('file:///repo/');
    expect(run.results).toHaveLength(result.findings.length);
    for (const [i, entry] of run.results.entries()) {
      expect(run.tool.driver.rules[entry.ruleIndex].id).toBe(entry.ruleId);
      expect(entry.message.text).toContain('→');
      const location = entry.locations[0].physicalLocation;
      expect(location.artifactLocation).toEqual({ uri: `test/fixtures/scan/nest/${result.findings[i]?.file}`, uriBaseId: 'SRCROOT' });
      expect(location.region.startLine).toBeGreaterThan(0);
      expect(location.region.endLine).toBeGreaterThanOrEqual(location.region.startLine);
    }
    expect(run.invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation.artifactLocation.uri).toBe('test/fixtures/scan/nest/x.ts');
  });

  it('without --docs-url it links nowhere it cannot vouch for: no helpUri, the help inline', () => {
    type Driver = { informationUri?: string; rules: { helpUri?: string; help: { text: string } }[] };
    const log = sarifLog({ findings: [], unparsed: [], rootFromTop: '', top: '/repo', version: '0.1.0' }) as { runs: { tool: { driver: Driver } }[] };
    const driver = log.runs[0]?.tool.driver as Driver;
    expect(driver.informationUri).toBeUndefined();
    for (const rule of driver.rules) {
      expect(rule.helpUri).toBeUndefined();
      expect(rule.help.text).toContain('→');
    }
  });
});

describe('code.legacy-usage rule', () => {
  const use = (file: string, name: string | null) => ({ name, file, line: 1, column: 1, endLine: 1, endColumn: 1, via: 'new Queue' as const });

  it('Bull for a plan queue, or for a queue it cannot name, is legacy; Bull only for other queues is not', () => {
    const usage = legacyUsage({
      bullFiles: ['a.js', 'b.js', 'c.ts', 'd.js'],
      queueUses: [use('a.js', 'calendar-sync'), use('b.js', 'outside'), use('d.js', null)],
      redisKeys: [],
      queues: ['calendar-sync'],
      movedKeys: [],
    });
    expect(usage.bull).toEqual([
      { file: 'a.js', queues: ['calendar-sync'] },
      { file: 'c.ts', queues: [] },
      { file: 'd.js', queues: [] },
    ]);
    expect(usage.outside).toEqual([{ file: 'b.js', queues: ['outside'] }]);
  });

  it('ioredis on keys phase 1 moved: literal keys against the glob, known starts of templates against its literal part', () => {
    expect(keyMatches('cache:*', { text: 'cache:user:1', exact: true })).toBe(true);
    expect(keyMatches('cache:*', { text: 'session:1', exact: true })).toBe(false);
    expect(keyMatches('cache:user:?', { text: 'cache:user:12', exact: true })).toBe(false);
    expect(keyMatches('cache:*', { text: 'cache:user:', exact: false })).toBe(true);
    expect(keyMatches('cache:user:*', { text: 'cache:', exact: false })).toBe(true);
    expect(keyMatches('cache:*', { text: 'queue:', exact: false })).toBe(false);
    const usage = legacyUsage({
      bullFiles: [],
      queueUses: [],
      redisKeys: [
        { file: 'c.js', line: 3, method: 'get', key: 'cache:user:', exact: false },
        { file: 'c.js', line: 4, method: 'incr', key: 'visits', exact: true },
      ],
      queues: [],
      movedKeys: ['cache:*', 'sms:*'],
    });
    expect(usage.redis.map((entry) => entry.line)).toEqual([3]);
  });
});

describe('init --from-code tiers', () => {
  const tiers = [
    { name: 'non-critical', queues: ['webhook-health-check'], soak: '24h' },
    { name: 'medium', queues: ['adaptive-sync'], soak: '24h' },
    { name: 'critical', queues: ['calendar-sync'], soak: '26h', watch: '2h' },
  ];

  it('known queues keep their tier, unknown ones go to the most careful tier, empty tiers are dropped', () => {
    const proposal = proposeTiers(['calendar-sync', 'email', 'webhook-health-check', 'email'], tiers);
    expect(proposal.queues).toEqual([
      { queue: 'calendar-sync', tier: 'critical', why: 'known' },
      { queue: 'email', tier: 'critical', why: 'unknown' },
      { queue: 'webhook-health-check', tier: 'non-critical', why: 'known' },
    ]);
    expect(proposal.tiers).toEqual([
      { name: 'non-critical', queues: ['webhook-health-check'], soak: '24h' },
      { name: 'critical', queues: ['calendar-sync', 'email'], soak: '26h', watch: '2h' },
    ]);
  });
});
