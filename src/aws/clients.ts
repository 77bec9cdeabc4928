/**
 * How every AWS client flowq makes is configured, in one place. Each service's client is made once,
 * by the one module that owns it: `engines/athena.ts` (Athena, at import: the query functions call
 * it on every request), and on first use (`lazyClient`) `catalog/aws.ts` (Glue), `s3/client.ts`
 * (S3) and `reports/notify.ts` (SNS, EventBridge), so a Lambda bundle loads only the SDK packages
 * its function calls. Region, credentials and endpoint come from
 * the environment (Lambda's role or the user's profile; `AWS_ENDPOINT_URL_S3` for a local S3).
 *
 * The retry policy: Athena and Glue calls are retried by flowq itself (src/aws/retry.ts, within the
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

/** An AWS client with the SDK package it came from, so commands are made from the same module. */
export interface LoadedClient<Sdk, Client> {
  readonly sdk: Sdk;
  readonly client: Client;
}

/**
 * An AWS client made on first use: the SDK package is imported (`load`, a dynamic `import()`) and
 * the client made (`make`) when the returned function is first called, and every later call gets the
 * same pair. A Lambda bundle thus starts as fast as Node (esbuild puts the package in a chunk of its
 * own, loaded on the first request); an import that fails is tried again on the next call.
 *
 * @example
 * const glue = lazyClient(() => import('@aws-sdk/client-glue'), (sdk) => new sdk.GlueClient({}));
 * const { sdk, client } = await glue();
 * await client.send(new sdk.GetTableCommand({ DatabaseName, Name }));
 */
export function lazyClient<Sdk, Client>(load: () => Promise<Sdk>, make: (sdk: Sdk) => Client): () => Promise<LoadedClient<Sdk, Client>> {
  let loading: Promise<LoadedClient<Sdk, Client>> | undefined;
  return () => {
    loading ??= load().then(
      (sdk) => ({ sdk, client: make(sdk) }),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
}
