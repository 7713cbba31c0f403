/** Reads the migration state and applies flag changes through the atomic flip script. */
import { randomUUID } from 'node:crypto';
import { CliError, EXIT } from '../errors.js';
import { redact } from '../redact.js';
import { flatToObject, runScript, type RedisClient } from '../redis/client.js';
import { FLIP_SCRIPT } from './flip-script.js';
import type { StateKeys } from './keys.js';
import { fieldDefault, hasSince, parseStateHash, type FieldChanges, type FlagState } from './model.js';

export interface StateRead {
  hash: Record<string, string>;
  state: FlagState;
}

export async function readState(client: RedisClient, keys: StateKeys): Promise<StateRead> {
  const hash = (await client.hgetall(keys.state)) as Record<string, string>;
  return { hash, state: parseStateHash(hash) };
}

/** `breach`: a monitor threshold; `cleanup` / `restore`: phase 3 on legacy keys (counts only); `runbook`: one runbook step. */
export type AuditKind = 'flip' | 'rollback' | 'sink' | 'baseline' | 'forced' | 'breach' | 'note' | 'cleanup' | 'restore' | 'runbook';

export interface FlagChangeInput {
  changes: FieldChanges;
  actor: string;
  /** The command as a user would type it, secrets removed (e.g. "phase2 --tier medium --force"). */
  command: string;
  reason?: string | undefined;
  kind: AuditKind;
  /** The lock token to check atomically; undefined for rollback, which never waits for a lock. */
  lockToken?: string | undefined;
  details?: Record<string, unknown>;
}

export interface FlagChangeResult {
  changed: boolean;
  version: number;
  /** Server time of the change, ms. */
  time: number;
  before: FieldChanges;
  after: FieldChanges;
  state: FlagState;
}

export async function applyFlagChange(client: RedisClient, keys: StateKeys, input: FlagChangeInput): Promise<FlagChangeResult> {
  const changes = Object.entries(input.changes).map(([field, value]) => [field, value, fieldDefault(field), hasSince(field) ? 1 : 0]);
  let reply: unknown;
  try {
    reply = await runScript(
      client,
      FLIP_SCRIPT,
      [keys.state, keys.audit, keys.lock],
      [
        JSON.stringify(changes),
        redact(input.actor),
        redact(input.command),
        redact(input.reason ?? ''),
        input.kind,
        input.lockToken ?? '',
        randomUUID(),
        keys.changes,
        JSON.stringify(input.details ?? {}, (_k, v: unknown) => (typeof v === 'string' ? redact(v) : v)),
      ],
    );
  } catch (error) {
    if (String((error as Error).message).startsWith('LOCKLOST')) {
      throw new CliError('lock.lost', 'the migration lock expired or was taken over before the change; nothing was changed', EXIT.lockHeld, {
        fix: 'check `redis-migrate status` for the current holder, then run the command again',
      });
    }
    throw error;
  }
  const [changed, version, time, before, after, flat] = reply as [number, number, number, string, string, unknown[]];
  return {
    changed: changed === 1,
    version: Number(version),
    time: Number(time),
    before: JSON.parse(before) as FieldChanges,
    after: JSON.parse(after) as FieldChanges,
    state: parseStateHash(flatToObject(flat)),
  };
}
