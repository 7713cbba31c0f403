/**
 * Checks a backup file line by line before anything is restored (pure: lines in, verdicts out).
 * A refusal says what is wrong and where: a line that is not what cleanup writes, a checkpoint
 * that does not match the records before it (changed or cut), data after the end record, or a key
 * the cleanup could never have deleted (only legacy keys of the header's queues under the plan's
 * legacy prefix, by the same classification the cleanup uses).
 */
import type { Hash } from 'node:crypto';
import { BACKUP_VERSION, batchHash, headerSeal, parseBackupLine, type BackupEntry, type BackupHeader, type BackupSeal } from './backup-format.js';
import { classifyKey } from './legacy-keys.js';

export type RefusalCode = 'backup.format' | 'backup.damaged' | 'backup.out-of-scope' | 'backup.incomplete' | 'backup.unverified';

/** Why a backup is refused; `line` is 1-based. */
export class BackupRefusal extends Error {
  constructor(
    readonly code: RefusalCode,
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'BackupRefusal';
  }
}

export interface BackupScan {
  header: BackupHeader;
  /** Records (and the digest) covered by the last checkpoint or the end record. */
  seal: BackupSeal;
  /** The end record is there: the cleanup finished this file. */
  complete: boolean;
  /** Bytes from the start up to the last checkpoint or end record: the verified part. */
  verifiedBytes: number;
  /** Bytes up to the last checkpoint (or the header), the end record left out: where a resumed cleanup appends. */
  resumeBytes: number;
  /** Entry lines after the last checkpoint, and a torn last line: a write cut short, whose keys were never deleted. */
  unsealed: number;
  /** A format 1 file (earlier versions): no checkpoints, so nothing could be verified. */
  unverified: boolean;
}

/** Which keys a restore may write: the legacy keys the cleanup of this header's queues could delete. */
export interface RestoreScope {
  legacyPrefix: string;
  bullmqPrefix: string;
  /** Every queue of the plan. */
  planQueues: readonly string[];
}

/** The header against the plan: null when it fits, else why not. */
export function headerScopeProblem(header: BackupHeader, scope: RestoreScope): string | null {
  if (header.legacyPrefix !== scope.legacyPrefix) return `the backup is of legacy prefix "${header.legacyPrefix}", the plan's is "${scope.legacyPrefix}"`;
  const foreign = header.queues.filter((queue) => !scope.planQueues.includes(queue));
  if (foreign.length) return `the backup names queue(s) the plan does not have: ${foreign.map((queue) => JSON.stringify(queue)).join(', ')}`;
  return null;
}

export class BackupVerifier {
  private header: BackupHeader | null = null;
  private seal: BackupSeal = { records: 0, sha256: '' };
  private hash: Hash | null = null;
  private pending: BackupEntry[] = [];
  private pendingCount = 0;
  private complete = false;
  private torn = false;
  private verifiedBytes = 0;
  private resumeBytes = 0;

  /**
   * `scope`: check every key against it (null: no key check, e.g. a cleanup reopening its own file).
   * `collect`: keep the entries of a batch until its checkpoint verifies, and hand them out then.
   */
  constructor(private readonly options: { scope: RestoreScope | null; collect: boolean }) {}

  private damaged(line: number, what: string): never {
    throw new BackupRefusal('backup.damaged', line, `damaged at line ${line}: ${what}`);
  }

  /**
   * One line, without its newline. `end`: the byte offset just after it; `terminated`: it ended in
   * a newline (only a file's last line may not). Returns the entries this line verified, in order.
   */
  push(line: string, number: number, end: number, terminated: boolean): BackupEntry[] {
    if (number === 1) return this.start(line, end, terminated);
    const header = this.header as BackupHeader;
    const v2 = header.version === BACKUP_VERSION;
    if (!terminated) {
      // The process died while writing (that batch's keys were never deleted), or the file was cut.
      if (this.complete && line !== '') this.damaged(number, 'data after the end record');
      this.torn = line !== '';
      return [];
    }
    if (this.complete) this.damaged(number, 'data after the end record');
    if (line === '' && !v2) return [];
    const parsed = parseBackupLine(line, false);
    switch (parsed.kind) {
      case 'entry':
        return this.entry(parsed.entry, line, number, end);
      case 'checkpoint':
      case 'end': {
        if (!v2) this.damaged(number, `a ${parsed.kind} record in a format 1 file`);
        if (parsed.kind === 'end' && this.pendingCount > 0) this.damaged(number, 'records between the last checkpoint and the end record');
        // A checkpoint seals the batch before it; the end record repeats the last seal.
        const digest = parsed.kind === 'end' ? this.seal.sha256 : (this.hash as Hash).digest('hex');
        const expected = this.seal.records + this.pendingCount;
        if (parsed.seal.records !== expected || parsed.seal.sha256 !== digest) {
          this.damaged(number, `the ${parsed.kind} record does not match the ${expected} record(s) before it: the file was changed or pieced together`);
        }
        this.seal = parsed.seal;
        this.hash = batchHash(parsed.seal);
        this.verifiedBytes = end;
        if (parsed.kind === 'checkpoint') this.resumeBytes = end;
        this.complete = parsed.kind === 'end';
        const verified = this.pending;
        this.pending = [];
        this.pendingCount = 0;
        return verified;
      }
      default:
        return this.damaged(number, parsed.kind === 'header' ? 'a second header' : `not a backup record (${parsed.reason})`);
    }
  }

  private start(line: string, end: number, terminated: boolean): BackupEntry[] {
    const parsed = parseBackupLine(line, true);
    if (parsed.kind !== 'header' || !terminated) {
      throw new BackupRefusal('backup.format', 1, `not a redis-migrate backup (${parsed.kind === 'invalid' ? parsed.reason : 'no header line'})`);
    }
    const problem = this.options.scope && headerScopeProblem(parsed.header, this.options.scope);
    if (problem) throw new BackupRefusal('backup.out-of-scope', 1, `${problem}: its keys are not this plan's to restore`);
    this.header = parsed.header;
    this.seal = headerSeal(`${line}\n`);
    this.hash = batchHash(this.seal);
    this.verifiedBytes = end;
    this.resumeBytes = end;
    return [];
  }

  private entry(entry: BackupEntry, line: string, number: number, end: number): BackupEntry[] {
    const scope = this.options.scope;
    if (scope) {
      const header = this.header as BackupHeader;
      const verdict = classifyKey(entry.k, { legacyPrefix: scope.legacyPrefix, bullmqPrefix: scope.bullmqPrefix, queues: new Set(header.queues) });
      if (verdict.verdict !== 'legacy') {
        throw new BackupRefusal(
          'backup.out-of-scope',
          number,
          `line ${number} holds key ${JSON.stringify(entry.k)}, which is not a legacy key of the backup's queues under prefix "${scope.legacyPrefix}" (${verdict.verdict === 'foreign' ? 'a BullMQ key' : verdict.reason})`,
        );
      }
    }
    if ((this.header as BackupHeader).version !== BACKUP_VERSION) {
      this.verifiedBytes = end;
      return [entry];
    }
    (this.hash as Hash).update(`${line}\n`);
    this.pendingCount++;
    if (this.options.collect) this.pending.push(entry);
    return [];
  }

  /** After the last line. */
  result(): BackupScan {
    if (!this.header) throw new BackupRefusal('backup.format', 1, 'an empty file, not a redis-migrate backup');
    const unverified = this.header.version !== BACKUP_VERSION;
    return {
      header: this.header,
      seal: unverified ? { records: 0, sha256: '' } : this.seal,
      complete: this.complete,
      verifiedBytes: this.verifiedBytes,
      resumeBytes: this.resumeBytes,
      unsealed: this.pendingCount + (this.torn ? 1 : 0),
      unverified,
    };
  }
}

/** How much of a backup could be verified; see `acceptScan`. */
export type Verification = 'verified' | 'interrupted-cleanup' | 'unverified';

/**
 * Whether a scanned backup may be restored. Complete files may. A file without its end record may
 * when the migration state says its cleanup run was interrupted (it never finished writing it);
 * otherwise it was cut, and only `allowUnverified` restores its verified part. A format 1 file
 * (no checkpoints) is restored only with `allowUnverified`.
 */
export function acceptScan(scan: BackupScan, interruptedRun: string | null, allowUnverified: boolean): Verification {
  if (scan.unverified) {
    if (allowUnverified) return 'unverified';
    throw new BackupRefusal('backup.unverified', 1, 'written by an earlier redis-migrate (backup format 1, no checksums): damage or a cut cannot be detected');
  }
  if (scan.complete) return 'verified';
  if (scan.header.run !== undefined && scan.header.run === interruptedRun) return 'interrupted-cleanup';
  if (allowUnverified) return 'unverified';
  throw new BackupRefusal(
    'backup.incomplete',
    0,
    `no end record: it was cut after record ${scan.seal.records}, or the cleanup that wrote it stopped and was never resumed (${scan.seal.records} record(s) verified)`,
  );
}
