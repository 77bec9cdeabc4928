import { homedir } from 'node:os';
import { join } from 'node:path';
import { boolEnv } from '../config.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The folder of flowq's local caches: `FLOWQ_CACHE_DIR`, else `$XDG_CACHE_HOME/flowq`, else ~/.cache/flowq. */
export function cacheRoot(env: Env = process.env): string {
  return env.FLOWQ_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flowq');
}

/** Where the local engine remembers which gzip files it has verified. */
export function verifiedCachePath(env: Env = process.env): string {
  return join(cacheRoot(env), 'verified-gzip.json');
}

/** Where the opt-in Parquet cache keeps its copies of gzip text files. */
export function parquetCachePath(env: Env = process.env): string {
  return join(cacheRoot(env), 'parquet');
}

/** The Parquet cache's folder when `FLOWQ_PARQUET_CACHE=true` turns it on; undefined when it is off (the default). */
export function parquetCacheFromEnv(env: Env = process.env): string | undefined {
  return boolEnv(env, 'FLOWQ_PARQUET_CACHE', false) ? parquetCachePath(env) : undefined;
}
