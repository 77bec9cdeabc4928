import type { Clock } from '../../src/clock.js';

/** A clock whose sleeps move time forward at once, remembering each wait; jitter fixed or from a function. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(
    public time = Date.UTC(2026, 10, 27, 12, 0, 0),
    private readonly jitter: number | (() => number) = 0.5,
  ) {}
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
  random(): number {
    return typeof this.jitter === 'number' ? this.jitter : this.jitter();
  }
}
