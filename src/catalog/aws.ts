import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';

/** The one Glue client of the catalog: region and credentials from the environment (Lambda's role, or the user's profile). */
export const glue = new GlueClient({});

/** The one S3 client of the catalog, for listing accounts and regions under `AWSLogs/`. */
export const s3 = new S3Client({});

/** True when an SDK error is the named exception. */
export function isAwsError(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
