/**
 * The bytes the bridge holds for requests in flight: bodies being read and parsed, answers being
 * sent (pure). Large requests may fill only three quarters of it, so that however many of them
 * arrive, small ones (the app's usual single commands) still get in.
 */

/** Bodies up to this size count as small (a usual command or auto-pipelined batch is far smaller). */
export const SMALL_REQUEST_BYTES = 64 * 1024;

/** "10 MB", "64 KB" for whole units (1 KB = 1024 bytes), else "1000 bytes". */
export function bytesText(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

export class InFlightBudget {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  /** What one request holds; give it all back with `release` when its answer is sent. */
  hold(): Holding {
    return new Holding(this);
  }

  /** @internal */
  tryTake(bytes: number, large: boolean): boolean {
    const ceiling = large ? Math.floor((this.limitBytes * 3) / 4) : this.limitBytes;
    if (this.used + bytes > ceiling) return false;
    this.used += bytes;
    return true;
  }

  /** @internal */
  add(bytes: number): void {
    this.used += bytes;
  }
}

export class Holding {
  private bytes = 0;

  constructor(private readonly budget: InFlightBudget) {}

  get heldBytes(): number {
    return this.bytes;
  }

  /** Takes `bytes` more if the budget has room; a request over SMALL_REQUEST_BYTES in all is large. */
  take(bytes: number): boolean {
    if (!this.budget.tryTake(bytes, this.bytes + bytes > SMALL_REQUEST_BYTES)) return false;
    this.bytes += bytes;
    return true;
  }

  /** Counts bytes that are already in memory (an answer), room or not. */
  add(bytes: number): void {
    this.budget.add(bytes);
    this.bytes += bytes;
  }

  release(): void {
    this.budget.add(-this.bytes);
    this.bytes = 0;
  }
}
