import { describe, expect, it } from 'vitest';
import { fillPlaceholders, hookCommandIssues, hookEnv, shellScriptIndex } from '../../src/sinks/hook-command.js';
import { validatePlan } from '../../src/plan/schema.js';

const values = { name: 'BULLMQ_TIERS', value: 'x$(touch /tmp/p) y', version: '7', namespace: 'default' };

describe('hook commands', () => {
  it.each([
    [['sh', '-c', 'echo'], 2],
    [['/bin/bash', '-euc', 'echo', 'sh', 'a'], 2],
    [['bash', '-o', 'pipefail', '-c', 'echo'], 4],
    [['env', '-i', 'sh', '-c', 'x'], 4],
    [['/usr/bin/env', 'A=1', 'sh', '-ec', 'x'], 4],
    [['sh', 'script.sh', '{{value}}'], -1],
    [['my-platform', 'env', 'set', '-c', 'x'], -1],
  ])('finds the script argument of a shell in %j', (command, index) => {
    expect(shellScriptIndex(command)).toBe(index);
  });

  it('a placeholder inside a `sh -c` script is refused; as an argument after it, it is fine', () => {
    expect(hookCommandIssues(['sh', '-c', 'platform set {{name}}={{value}}'])).toEqual([
      { index: 2, message: expect.stringContaining('{{name}} inside a shell script would be run as shell text') },
      { index: 2, message: expect.stringContaining('"$REDIS_MIGRATE_VALUE"') },
    ]);
    expect(hookCommandIssues(['sh', '-c', 'platform set "$1=$2"', 'sh', '{{name}}', '{{value}}'])).toEqual([]);
    expect(hookCommandIssues(['my-platform', 'env', 'set', '{{name}}={{value}}'])).toEqual([]);
    expect(hookCommandIssues(['{{value}}'])[0]?.message).toContain('cannot name the program');
    expect(hookCommandIssues(['x', '{{tier}}'])[0]?.message).toContain('unknown placeholder {{tier}}');
  });

  it('the plan refuses such a hook with its path (exit 2 at load)', () => {
    const result = validatePlan({ tiers: [{ name: 'a', queues: ['q'], soak: '1h' }], sinks: { hooks: [{ command: ['bash', '-c', 'echo {{value}}'] }] } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.path).toBe('sinks.hooks[0].command[2]');
  });

  it('placeholders fill argument values whole and are in the environment too', () => {
    expect(fillPlaceholders(['set', '{{name}}={{value}}', '{{ version }}', '{{other}}'], values)).toEqual([
      'set',
      'BULLMQ_TIERS=x$(touch /tmp/p) y',
      '7',
      '{{other}}',
    ]);
    expect(hookEnv(values)).toEqual({
      REDIS_MIGRATE_NAME: 'BULLMQ_TIERS',
      REDIS_MIGRATE_VALUE: 'x$(touch /tmp/p) y',
      REDIS_MIGRATE_VERSION: '7',
      REDIS_MIGRATE_NAMESPACE: 'default',
    });
  });
});
