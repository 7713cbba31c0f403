/** `--version` is the version in package.json, read at run time: from this checkout and from an installed copy. */
import { execa } from 'execa';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
const scratch = mkdtempSync(join(tmpdir(), 'version-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('--version', () => {
  it("prints package.json's version", async () => {
    const run = await runCli(['--version']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(manifest.version);
  });

  it('an installed package prints its own package.json version', async () => {
    // What npm installs ("files" plus package.json) under node_modules, with a version no checkout has.
    const installed = join(scratch, 'node_modules', 'redis-migrate');
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ ...manifest, version: '9.8.7-installed' }));
    for (const dir of ['bin', 'dist']) cpSync(join(root, dir), join(installed, dir), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(installed, 'node_modules'), 'dir');
    const run = await execa('node', [join(installed, 'bin', 'redis-migrate.js'), '--version'], { cwd: scratch, reject: false });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('9.8.7-installed');
  });
});
