import { SYSTEM_CLOCK, type Clock } from '../clock.js';

/**
 * flowq's one retry policy for AWS calls: 6 attempts in all, full-jitter exponential backoff under
 * 100 ms × 2^n, no wait above 5 s (at most about 12 s of waiting). The SDK clients flowq retries
 * through this are created with `maxAttempts: 1` (`CLIENT_CONFIG` in src/aws/clients.ts), so the two
 * never multiply.
 */
export const RETRY_POLICY = { maxAttempts: 6, baseMs: 100, capMs: 5000 } as const;

/** The wait after failed attempt `attempt` (counted from 1): full jitter, so callers backing off together spread out. */
export function backoffDelay(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(RETRY_POLICY.capMs, RETRY_POLICY.baseMs * 2 ** (attempt - 1)));
}

const RETRYABLE_CODES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ThrottledException',
  'RequestLimitExceeded',
  'SlowDown',
  'InternalServiceException',
  'InternalServerException',
  'InternalFailure',
  'ServiceUnavailable',
  'OperationTimeoutException',
  'ConcurrentModificationException',
]);

/** True for an error code (a Glue per-entry `ErrorCode` or an SDK exception name) worth another try. */
export function isRetryableCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/** True for an SDK error worth another try: throttling, a server fault, or a code in the retryable list. */
export function isRetryableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return isRetryableCode(e.name) || e.$retryable !== undefined || status === 429 || (status !== undefined && status >= 500);
}

/** Raised when a retried call could not be tried again before the caller's deadline. */
export class DeadlineReached extends Error {
  constructor(readonly lastError: unknown) {
    super('the deadline came before the call succeeded', { cause: lastError });
    this.name = 'DeadlineReached';
  }
}

/** How one call is retried: the clock that waits, the deadline no wait may cross, what is worth another try. */
export interface RetryOptions {
  readonly clock?: Clock;
  /** Epoch milliseconds. */
  readonly deadline?: number;
  readonly retryable?: (error: unknown) => boolean;
}

/**
 * Calls `call`, retrying the errors `retryable` accepts (by default throttling and server faults)
 * under {@link RETRY_POLICY}. Other errors pass through at once; after the last attempt the last
 * error is rethrown.
 * @throws DeadlineReached when the next wait would end past the deadline.
 */
export async function retry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { clock = SYSTEM_CLOCK, deadline, retryable = isRetryableError } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!retryable(error) || attempt >= RETRY_POLICY.maxAttempts) throw error;
      const wait = backoffDelay(attempt, () => clock.random());
      if (deadline !== undefined && clock.now() + wait >= deadline) throw new DeadlineReached(error);
      await clock.sleep(wait);
    }
  }
}
