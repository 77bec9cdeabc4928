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
