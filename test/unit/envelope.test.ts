/** The envelope builders (src/cli/output.ts) against the published schema, and what the schema refuses. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorDocument, resultDocument, serializeDocument } from '../../src/cli/output.js';
import { SCHEMA_VERSION } from '../../src/envelope.js';
import { CliError, EXIT, UsageError } from '../../src/errors.js';
import { changeBlockedError } from '../../src/usecases/blocked.js';
import { envelopeProblems } from '../support/envelope.js';

const failing = { id: 'redis.eviction-policy', status: 'fail' as const, message: 'allkeys-lru', fix: 'use noeviction' };
const gate = {
  open: false,
  message: 'tier "non-critical" has soaked 1h of 24h; 23h left',
  reason: 'previous-soaking',
  remainingMs: 82_800_000,
  previous: 'non-critical',
};
const moved = [{ tier: 'medium', from: 'legacy' as const, to: 'bullmq' as const, queues: ['adaptive-sync'] }];

describe('the envelope', () => {
  it('has the version the published schema declares', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/envelope.schema.json', import.meta.url), 'utf8'));
    expect(schema.$defs.schemaVersion.const).toBe(SCHEMA_VERSION);
  });

  it('a report becomes the result; ok moves up and means exit code 0', () => {
    const passed = resultDocument('phase3 verify', { ok: true, missing: [] }, EXIT.ok);
    expect(passed).toEqual({ ok: true, command: 'phase3 verify', schemaVersion: 1, result: { missing: [] } });
    expect(resultDocument('phase3 verify', { ok: false, missing: ['phase3.sinks'] }, EXIT.checkFailed).ok).toBe(false);
    // A report that calls itself not ok but exits 0 (runbook list with a broken runbook) is ok by the contract.
    expect(resultDocument('runbook list', { ok: false, runbooks: [] }, EXIT.ok).ok).toBe(true);
    expect(envelopeProblems(passed)).toEqual([]);
  });

  it('an error always has fix (or null) and details (or {}); a bug is "internal"', () => {
    const bare = errorDocument('status', new UsageError('option.limit', 'invalid --limit "x"'));
    expect(bare).toEqual({
      ok: false,
      command: 'status',
      schemaVersion: 1,
      error: { code: 'option.limit', message: 'invalid --limit "x"', fix: null, details: {} },
    });
    const full = errorDocument(null, new CliError('lock.held', 'held by alice', EXIT.lockHeld, { fix: 'wait', details: { owner: 'alice' } }));
    expect(full.error).toEqual({ code: 'lock.held', message: 'held by alice', fix: 'wait', details: { owner: 'alice' } });
    const bug = errorDocument('plan', new TypeError('x is undefined'));
    expect(bug.error).toMatchObject({ code: 'internal', message: 'x is undefined', details: {} });
    for (const document of [bare, full, bug]) expect(envelopeProblems(document)).toEqual([]);
  });

  it('a refusal carries every cause: the gate and the checks together', () => {
    const refusal = changeBlockedError({ command: 'phase2 --tier medium', blocked: { gate, checks: [failing], ungatedTiers: [] }, moved, checks: [failing] });
    expect(refusal.exitCode).toBe(EXIT.checkFailed);
    const document = errorDocument('phase2', refusal);
    expect(envelopeProblems(document)).toEqual([]);
    expect(document.error.message).toBe(
      `phase2 --tier medium: refused, nothing was changed: gate closed: ${gate.message}; 1 failing preflight check(s): redis.eviction-policy`,
    );
    expect(document.error.fix).toMatch(/^wait for the soak window .*; make the failing checks pass .*; or pass with --force --reason/);
    expect(document.error.details).toEqual({ blocked: { gate, checks: [failing], ungatedTiers: [] }, moved, checks: [failing] });
    // Ungated tiers are never passed with --force, so the fix does not offer it.
    const ungated = changeBlockedError({
      command: 'phase2 --tier non-critical --force',
      blocked: { gate: null, checks: [], ungatedTiers: ['critical'] },
      moved: [],
    });
    expect(ungated.fix).not.toContain('--force');
  });

  it('the schema refuses what the contract rules out', () => {
    const result = { ok: true, command: 'plan', schemaVersion: 1, result: {} };
    const error = { ok: false, command: 'plan', schemaVersion: 1, error: { code: 'redis.timeout', message: 'timed out', fix: null, details: {} } };
    const blocked = {
      ok: false,
      command: 'phase2',
      schemaVersion: 1,
      error: { code: 'change.blocked', message: 'refused', fix: 'wait', details: { blocked: { gate, checks: [], ungatedTiers: [] }, moved } },
    };
    expect([result, error, blocked].map(envelopeProblems)).toEqual([[], [], []]);
    const refused = [
      { ok: false, error: error.error }, // the shape before the envelope: no command, no version
      { ...result, result: { ok: true } }, // ok twice
      { ...result, schemaVersion: 2 },
      { ...result, extra: 1 },
      { ...error, ok: true },
      { ...error, error: { code: 'redis.timeout', message: 'timed out', fix: null } }, // details missing
      { ...error, error: { ...error.error, code: 'Gate Closed' } },
      { ...blocked, error: { ...blocked.error, details: {} } }, // a refusal without its causes
      { ...blocked, error: { ...blocked.error, details: { blocked: { gate: null, checks: [], ungatedTiers: [] }, moved: [] } } }, // no cause at all
      { ok: false, command: 'phase2', schemaVersion: 1, result: { blocked: { gate, checks: [], ungatedTiers: [] } } }, // a refusal as a result
    ];
    for (const document of refused) expect(envelopeProblems(document), JSON.stringify(document)).not.toEqual([]);
  });

  it('is redacted on the way out, pretty under --json, one line for NDJSON', () => {
    const document = errorDocument('status', new UsageError('redis.unreachable', 'cannot reach redis://:hunter2-secret@db:6379'));
    const pretty = serializeDocument(document, 'json');
    expect(pretty).not.toContain('hunter2-secret');
    expect(pretty.split('\n').length).toBeGreaterThan(3);
    const line = serializeDocument(document, 'ndjson');
    expect(line.endsWith('\n') && line.indexOf('\n') === line.length - 1).toBe(true);
    expect(line).not.toContain('hunter2-secret');
  });
});
