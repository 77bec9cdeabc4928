import { setTimeout as delay } from 'node:timers/promises';

/** Time for the Athena engine: injected so tests can run a ten-minute query in no time. */
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

/** How the engine polls a running query: starting near 100 ms, growing to about 2 s. */
export const POLL_BACKOFF = { initialMs: 100, factor: 1.5, maxMs: 2000 } as const;

/** The wait before the n-th poll (0-based). */
export function pollDelay(attempt: number): number {
  return Math.min(POLL_BACKOFF.maxMs, Math.round(POLL_BACKOFF.initialMs * POLL_BACKOFF.factor ** attempt));
}

/** How often and how long a throttled call is retried. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly capMs: number;
}

export const THROTTLING_RETRY: RetryPolicy = { maxAttempts: 6, baseMs: 200, capMs: 5000 };

const THROTTLING_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'ThrottledException', 'RequestLimitExceeded']);

/** True for the errors Athena answers when a caller is over its request rate. */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $retryable?: { throttling?: boolean } };
  return THROTTLING_NAMES.has(e.name ?? '') || e.$retryable?.throttling === true;
}

/** Raised when a throttled call could not be retried before the caller's deadline. */
export class DeadlineReached extends Error {
  constructor(readonly lastError: unknown) {
    super('the deadline came before Athena stopped throttling', { cause: lastError });
    this.name = 'DeadlineReached';
  }
}

/**
 * Calls `call`, retrying throttling errors with full-jitter exponential backoff (AWS's
 * recommendation: many clients backing off together must not retry in step). Other errors pass
 * through at once. Bounded twice: by `policy.maxAttempts`, after which the last throttling error is
 * rethrown, and by `deadline`, which no wait may cross.
 * @throws DeadlineReached when the next wait would end past the deadline.
 */
export async function retryThrottled<T>(call: () => Promise<T>, clock: Clock, deadline?: number, policy: RetryPolicy = THROTTLING_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= policy.maxAttempts) throw error;
      const wait = Math.floor(clock.random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt));
      if (deadline !== undefined && clock.now() + wait >= deadline) throw new DeadlineReached(error);
      await clock.sleep(wait);
    }
  }
}
