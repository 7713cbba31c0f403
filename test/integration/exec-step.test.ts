/** A runbook step's process: the exit code a shell would report when a signal ends it. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startStepProcess } from '../../src/runbook/exec-step.js';

describe('step process exit code', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGQUIT', 131],
    ['SIGALRM', 142],
  ])('a step ended by %s exits %i (128 + the signal number)', async (signal, exitCode) => {
    const step = startStepProcess('sh', ['-c', `kill -${signal.slice(3)} $$`], { env: {}, cwd: process.cwd(), echo: new PassThrough() });
    const result = await step.result;
    expect(result.exitCode).toBe(exitCode);
  });
});
