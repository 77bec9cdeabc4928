import { CLIENT_CONFIG, lazyClient } from '../aws/clients.js';

/**
 * The one Glue client of the catalog, made on first use with {@link CLIENT_CONFIG}'s settings: region
 * and credentials from the environment (Lambda's role, or the user's profile).
 */
export const glue = lazyClient(
  () => import('@aws-sdk/client-glue'),
  (sdk) => new sdk.GlueClient(CLIENT_CONFIG.glue),
);

/** True when an SDK error is the named exception. */
export function isAwsError(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
