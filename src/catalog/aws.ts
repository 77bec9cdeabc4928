import { lazyClient } from '../lazy-client.js';

/**
 * The one Glue client of the catalog, made on first use: region and credentials from the environment
 * (Lambda's role, or the user's profile). flowq retries Glue calls itself (src/retry.ts, and per
 * entry in addPartitions), so the SDK makes one attempt: retries never multiply.
 */
export const glue = lazyClient(
  () => import('@aws-sdk/client-glue'),
  (sdk) => new sdk.GlueClient({ maxAttempts: 1 }),
);

/** True when an SDK error is the named exception. */
export function isAwsError(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
