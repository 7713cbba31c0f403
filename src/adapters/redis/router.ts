/**
 * Which transport runs each call, and when a switch may happen (no I/O). A call goes to the side
 * the flag named when the app made it. A switch waits until every call on the old side has
 * settled, and calls made meanwhile wait behind it in order, so no call is sent twice, none is
 * lost, and a read made after a write on the old side sees that write.
 */

export type Side = 'tcp' | 'http';

interface Waiting {
  side: Side;
  start: () => void;
}

export class SideRouter {
  private current: Side | undefined;
  private inFlight = 0;
  private readonly waiting: Waiting[] = [];
  private idleWaiters: (() => void)[] = [];

  /**
   * `wanted` names the side the flags ask for now; it is asked again whenever the last call settles,
   * so a flip made while calls ran still switches (and closes what the old side holds) without a next call.
   * `onSwitch` runs when calls move to `to` (once per switch, with nothing in flight on `from`).
   */
  constructor(
    private readonly wanted: () => Side,
    private readonly onSwitch: (to: Side, from: Side | undefined) => void,
  ) {}

  /** The side of the calls in flight, or of the last call; undefined before the first. */
  get side(): Side | undefined {
    return this.current;
  }

  /** Calls started and not settled yet. */
  get pending(): number {
    return this.inFlight + this.waiting.length;
  }

  /** Resolves once no call is running or waiting. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  run<T>(side: Side, call: () => Promise<T>): Promise<T> {
    if (this.waiting.length === 0 && (side === this.current || this.inFlight === 0)) return this.start(side, call);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ side, start: () => void this.start(side, call).then(resolve, reject) });
    });
  }

  /** Moves to the wanted side now if nothing is running; otherwise that happens when the last call settles. */
  settle(): void {
    if (this.pending !== 0) return;
    const side = this.wanted();
    if (side !== this.current) this.switchTo(side);
  }

  private switchTo(side: Side): void {
    const from = this.current;
    this.current = side;
    this.onSwitch(side, from);
  }

  private start<T>(side: Side, call: () => Promise<T>): Promise<T> {
    if (side !== this.current) this.switchTo(side);
    this.inFlight++;
    let promise: Promise<T>;
    try {
      promise = call();
    } catch (error) {
      promise = Promise.reject(error);
    }
    const done = () => {
      this.inFlight--;
      this.release();
      if (this.pending !== 0) return;
      this.settle();
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    };
    promise.then(done, done);
    return promise;
  }

  /** Start waiting calls in order, up to the first that needs the other side while calls still run. */
  private release(): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as Waiting;
      if (next.side !== this.current && this.inFlight > 0) return;
      this.waiting.shift();
      next.start();
    }
  }
}
