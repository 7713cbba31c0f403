import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { runCli, uniqueNamespace } from '../support/cli.js';
import { tempDir } from '../support/plan-files.js';
import { stateKeys } from '../../src/state/keys.js';

// A user runbook that takes a platform token; its tier keeps the declared default (in the file, so public).
const BOOK = `# Deploy with a token

\`\`\`vars
token          # the platform's API token
tier = medium
\`\`\`

\`\`\`step id=call kind=shell title="Call the platform for {{tier}}"
echo "calling with $RUNBOOK_VAR_TOKEN for {{tier}}"
\`\`\`

\`\`\`step id=note kind=redis-migrate
audit --limit 1 --reason "{{token}}"
\`\`\`
`;

let admin: Redis;
beforeAll(() => {
  admin = new Redis(inject('redisUrl'), { protocol: 2 });
});
afterAll(async () => {
  await admin.quit();
});

describe('runbook --var values', () => {
  it('are secrets unless declared public: not in the run log, the output or the audit; a re-run still resumes', async () => {
    const dir = tempDir('runbook-secrets');
    const ns = uniqueNamespace('rbs');
    const token = 'tok-9f8e7d6c5b4a';
    writeFileSync(join(dir, 'deploy.md'), BOOK);
    const run = () =>
      runCli(['runbook', 'run', 'deploy', '--dir', dir, '--json', '--yes', '--namespace', ns, '--var', `token=${token}`], {
        cwd: dir,
        env: { REDIS_URL: inject('redisUrl') },
        timeoutMs: 60_000,
      });
    try {
      const first = await run();
      // The second step fails (audit takes no --reason): the run stops there, to be resumed.
      expect(first.exitCode).toBe(3);
      const log = readFileSync(first.result().log, 'utf8');
      expect(log).not.toContain(token);
      expect(first.stdout + first.stderr).not.toContain(token);
      expect(JSON.parse(log)).toMatchObject({
        vars: { token: '***', tier: 'medium' },
        steps: [
          { id: 'call', title: 'Call the platform for medium', excerpt: expect.stringContaining('calling with *** for medium') },
          { id: 'note', command: 'redis-migrate audit --limit 1 --reason ***' },
        ],
      });
      expect(first.result().vars).toEqual({ token: '***', tier: 'medium' });
      const audit = JSON.stringify(await admin.xrange(stateKeys(ns).audit, '-', '+'));
      expect(audit).toContain('--reason ***');
      expect(audit).not.toContain(token);

      // Same values: the same run resumes at the failed step (matched by a keyed digest, not the values).
      const second = await run();
      expect(second.result()).toMatchObject({ resumed: true, run: first.result().run, startedAt: 'note' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
