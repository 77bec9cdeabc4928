/**
 * How every AWS client flowq makes is configured, in one place. Each service's client is made once,
 * on first use (`lazyClient`), by the one module that owns it — `athena.ts` (Athena),
 * `catalog/aws.ts` (Glue), `s3/client.ts` (S3), `reports/notify.ts` (SNS, EventBridge) — so a Lambda
 * bundle holds only the SDK packages its function calls. Region, credentials and endpoint come from
 * the environment (Lambda's role or the user's profile; `AWS_ENDPOINT_URL_S3` for a local S3).
 *
 * The retry policy: Athena and Glue calls are retried by flowq itself (src/retry.ts, within the
 * caller's deadline, and per entry for Glue's batch calls), so their clients make one attempt and
 * retries never multiply. S3, SNS and EventBridge calls are not retried by flowq (a failed mirror run
 * resumes where it stopped): the SDK's standard three attempts are their only retries.
 */

/** For clients whose calls flowq retries: the SDK makes one attempt. */
const RETRIED_BY_FLOWQ = { maxAttempts: 1 } as const;
/** For clients whose calls flowq does not retry: the SDK's standard three attempts. */
const RETRIED_BY_SDK = { maxAttempts: 3 } as const;

/** Each service's client configuration. */
export const CLIENT_CONFIG = {
  athena: RETRIED_BY_FLOWQ,
  glue: RETRIED_BY_FLOWQ,
  // A bucket in another region than the caller's is followed there rather than refused.
  s3: { ...RETRIED_BY_SDK, followRegionRedirects: true },
  sns: RETRIED_BY_SDK,
  eventBridge: RETRIED_BY_SDK,
} as const;
