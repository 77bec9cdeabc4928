import { homedir } from 'node:os';
import { join } from 'node:path';
import { boolEnv, type Env } from '../../config.js';

/** The folder of flowq's local caches: `FLOWQ_CACHE_DIR`, else `$XDG_CACHE_HOME/flowq`, else ~/.cache/flowq. */
export function cacheRoot(env: Env = process.env): string {
  return env.FLOWQ_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flowq');
}

/** Where the local engine remembers which gzip files it has verified. */
export function verifiedCachePath(env: Env = process.env): string {
  return join(cacheRoot(env), 'verified-gzip.json');
}

/** Where the Parquet cache keeps its copies of gzip text files. */
export function parquetCachePath(env: Env = process.env): string {
  return join(cacheRoot(env), 'parquet');
}

/**
 * The Parquet cache's folder for data at `location`, or undefined when the cache is off. `flag`
 * (`--parquet-cache`, `--no-parquet-cache`) decides, else `FLOWQ_PARQUET_CACHE=true|false`, else
 * the kind of location: on for `s3://` data, whose objects are fetched into the cache anyway; off
 * for a local folder, which is not copied without asking.
 */
export function parquetCacheFor(location: string, flag?: boolean, env: Env = process.env): string | undefined {
  return (flag ?? boolEnv(env, 'FLOWQ_PARQUET_CACHE', location.startsWith('s3://'))) ? parquetCachePath(env) : undefined;
}
