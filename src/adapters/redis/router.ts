/**
 * Which transport runs each call, and when a switch may happen (no I/O). A call goes to the side
 * the flag named when the app made it. A switch waits until every call on the old side has
 * settled, and calls made meanwhile wait behind it in order, so no call is sent twice, none is
 * lost, and a read made after a write on the old side sees that write. The wait is bounded: a call
 * that hangs on the old side (the reason for a rollback, often) holds the others back for at most
 * `maxWaitMs`, then they go ahead while it finishes where it started.
 */

export type Side = 'tcp' | 'http';

interface Waiting {
  side: Side;
  start: () => void;
}

export class SideRouter {
  private current: Side | undefined;
  private readonly running: Record<Side, number> = { tcp: 0, http: 0 };
  private readonly waiting: Waiting[] = [];
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  /**
   * `wanted` names the side the flags ask for now; it is asked again whenever the last call settles,
   * so a flip made while calls ran still switches (and closes what the old side holds) without a next call.
   * `onSwitch` runs when calls move to `to` (once per switch; `from` has nothing in flight unless the wait ran out).
   */
  constructor(
    private readonly wanted: () => Side,
    private readonly onSwitch: (to: Side, from: Side | undefined) => void,
    private readonly maxWaitMs: number,
  ) {}

  /** The side of the calls in flight, or of the last call; undefined before the first. */
  get side(): Side | undefined {
    return this.current;
  }

  /** Calls started and not settled yet, and calls waiting to start. */
  get pending(): number {
    return this.running.tcp + this.running.http + this.waiting.length;
  }

  /** Resolves once no call is running or waiting. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  run<T>(side: Side, call: () => Promise<T>): Promise<T> {
    if (this.waiting.length === 0 && !this.blocked(side)) return this.start(side, call);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ side, start: () => void this.start(side, call).then(resolve, reject) });
      this.armTimer();
    });
  }

  /** Moves to the wanted side now if nothing is running; otherwise that happens when the last call settles. */
  settle(): void {
    if (this.pending !== 0) return;
    const side = this.wanted();
    if (side !== this.current) this.switchTo(side);
  }

  /** A call for `side` must wait while calls run on the other side. */
  private blocked(side: Side): boolean {
    return this.current !== undefined && side !== this.current && this.running[this.current] > 0;
  }

  private switchTo(side: Side): void {
    const from = this.current;
    this.current = side;
    this.onSwitch(side, from);
  }

  private start<T>(side: Side, call: () => Promise<T>): Promise<T> {
    if (side !== this.current) this.switchTo(side);
    this.running[side]++;
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (error) {
      promise = Promise.reject(error);
    }
    const done = () => {
      this.running[side]--;
      this.release(false);
      if (this.pending !== 0) return;
      this.settle();
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
    promise.then(done, done);
    return promise;
  }

  /** Start waiting calls in order, up to the first that needs the other side while calls still run (unless its wait ran out). */
  private release(overdue: boolean): void {
    let force = overdue;
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as Waiting;
      if (this.blocked(next.side)) {
        if (!force) {
          this.armTimer();
          return;
        }
        force = false;
      }
      // Progress: a later block gets its own full wait.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.waiting.shift();
      next.start();
    }
  }

  private armTimer(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release(true);
    }, this.maxWaitMs);
    this.timer.unref();
  }
}
