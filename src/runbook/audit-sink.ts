/**
 * Runbook steps into the migration's audit trail, best effort: a runbook for "Redis is down" must
 * run while Redis is down, so a step is never blocked by the audit. Each attempt to reach Redis is
 * bounded by the CLI timeout, and a failed one is not retried for 30 s. The local run log is the
 * record that always exists.
 */
import { CliError } from '../errors.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { RedisClient } from '../redis/client.js';
import { appendAudit, type AuditNote } from '../state/audit.js';
import type { StateKeys } from '../state/keys.js';

/** Where the entries go: the state keys, and a connection named for the runbook. */
export interface AuditTarget {
  keys(loaded?: LoadedPlan): StateKeys;
  connect(purpose: string, loaded?: LoadedPlan): Promise<RedisClient>;
}

export class RunbookAudit {
  private client: RedisClient | undefined;
  private keys: StateKeys | undefined;
  private loaded: LoadedPlan | undefined;
  private retryAt = 0;
  /** How many entries could not be written (reported at the end). */
  missed = 0;

  constructor(
    private readonly target: AuditTarget,
    private readonly plan: () => Promise<LoadedPlan>,
  ) {}

  private async connect(): Promise<boolean> {
    if (this.client) return true;
    if (Date.now() < this.retryAt) return false;
    try {
      try {
        this.loaded ??= await this.plan();
      } catch (error) {
        // A broken plan file must not stop a rollback runbook: the namespace can still be known.
        if (!(error instanceof CliError && error.code.startsWith('config.'))) throw error;
      }
      this.keys = this.target.keys(this.loaded);
      this.client = await this.target.connect('runbook', this.loaded);
      return true;
    } catch {
      this.retryAt = Date.now() + 30_000;
      return false;
    }
  }

  async record(note: AuditNote): Promise<boolean> {
    if (!(await this.connect()) || !this.client || !this.keys) {
      this.missed++;
      return false;
    }
    try {
      await appendAudit(this.client, this.keys, note);
      return true;
    } catch {
      this.missed++;
      this.client = undefined; // reconnect next time (the environment closes the old one at the end)
      this.retryAt = Date.now() + 30_000;
      return false;
    }
  }
}
