/** How often and how long to retry a throttled or failing AWS call. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The ceiling of the first backoff, in milliseconds; it doubles each attempt. */
  readonly baseDelayMs: number;
  /** No backoff is longer than this. */
  readonly maxDelayMs: number;
  /** Waits; tests pass one that returns at once. */
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1): the jitter. */
  readonly random: () => number;
}

/** Real waits: 8 attempts, full jitter under 100 ms × 2^n capped at 5 s (at most about 16 s in all). */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 5000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The wait before attempt `attempt + 1` (attempt counts from 1): full jitter, so concurrent callers spread out. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

const RETRYABLE_CODES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'InternalServiceException',
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
