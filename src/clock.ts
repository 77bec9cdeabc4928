import { setTimeout as delay } from 'node:timers/promises';

/** Time for everything that waits: injected, so tests run a ten-minute query or a backoff in no time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => delay(ms),
  random: () => Math.random(),
};
