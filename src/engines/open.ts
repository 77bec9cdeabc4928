import { isAbsolute, resolve } from 'node:path';
import { readQuerySettings, boolEnv, intEnv, requireEnv, optionalEnv, type Env, type QuerySettings } from '../config.js';
import { InvalidConfiguration } from '../errors.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../flowlog/format.js';
import { checkIdentifier } from '../sql.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import type { AthenaTable } from './athena.js';
import type { Engine } from './engine.js';
import type { LocalEngineOptions } from './local/engine.js';
import type { TrinoSettings } from './trino.js';
import { parquetCacheFor } from './local/cache-paths.js';
import { shorten } from '../text.js';

/** Which engine to open, and everything it needs: the one description handlers, CLI, reports and tests share. */
export type EngineSettings =
  | { readonly kind: 'athena'; readonly athena: AthenaTable; readonly query: QuerySettings }
  | { readonly kind: 'local'; readonly local: LocalEngineOptions; readonly query: QuerySettings }
  | { readonly kind: 'trino'; readonly trino: TrinoSettings; readonly query: QuerySettings };

/**
 * Opens the engine the settings describe. Each engine is loaded only when asked for: DuckDB is never
 * part of a Lambda package, and local commands never load the AWS SDK.
 * @throws InvalidConfiguration for a malformed setting; DataError when local data is missing or unreadable.
 */
export async function openEngine(settings: EngineSettings, clock: Clock = SYSTEM_CLOCK): Promise<Engine> {
  if (settings.kind === 'athena') {
    const { AthenaEngine } = await import('./athena.js');
    return new AthenaEngine(settings.athena, settings.query, clock);
  }
  if (settings.kind === 'trino') {
    const { TrinoEngine } = await import('./trino.js');
    return TrinoEngine.open(settings.trino, settings.query, clock);
  }
  const { LocalEngine } = await import('./local/engine.js');
  return LocalEngine.open(settings.local, settings.query, clock);
}

function readAthenaTable(env: Env): AthenaTable {
  const logFormat = optionalEnv(env, 'FLOWQ_LOG_FORMAT');
  const reuse = optionalEnv(env, 'FLOWQ_RESULT_REUSE_MINUTES');
  return {
    database: checkIdentifier('database', requireEnv(env, 'FLOWQ_DATABASE')),
    table: checkIdentifier('table', requireEnv(env, 'FLOWQ_TABLE')),
    catalog: optionalEnv(env, 'FLOWQ_CATALOG'),
    workgroup: optionalEnv(env, 'FLOWQ_WORKGROUP'),
    outputLocation: optionalEnv(env, 'FLOWQ_OUTPUT_LOCATION'),
    resultReuseMinutes: reuse === undefined ? undefined : intEnv(env, 'FLOWQ_RESULT_REUSE_MINUTES', 0),
    logFormat: logFormat === undefined ? DEFAULT_LOG_FORMAT : parseLogFormat(logFormat),
    layout: {
      hiveCompatiblePartitions: boolEnv(env, 'FLOWQ_HIVE_PARTITIONS', false),
      perHourPartition: boolEnv(env, 'FLOWQ_PER_HOUR', false),
    },
  };
}

/**
 * The folder the command was started in: npm's `INIT_CWD` (npx, npm scripts), else the shell's
 * `PWD`, else the process's own. `sls invoke local` moves the process into its build folder before
 * it loads a handler, so a relative `FLOWQ_LOCAL_DATA=./sample` must be read from here, not from there.
 */
export function startDirectory(env: Env, cwd: string = process.cwd()): string {
  return [env.INIT_CWD, env.PWD].find((dir): dir is string => dir !== undefined && isAbsolute(dir)) ?? cwd;
}

/**
 * Reads the engine settings of a Lambda function from its environment: `FLOWQ_ENGINE` (`athena`,
 * the default, or `local`); for Athena `FLOWQ_DATABASE`, `FLOWQ_TABLE`, `FLOWQ_WORKGROUP`,
 * `FLOWQ_CATALOG`, `FLOWQ_OUTPUT_LOCATION`, `FLOWQ_RESULT_REUSE_MINUTES`, `FLOWQ_LOG_FORMAT`,
 * `FLOWQ_HIVE_PARTITIONS`, `FLOWQ_PER_HOUR`; for local mode `FLOWQ_LOCAL_DATA` (relative to `startDirectory`; optionally
 * `FLOWQ_TABLE`, `FLOWQ_LOG_FORMAT`, `FLOWQ_PARQUET_CACHE`); and `FLOWQ_LATE_MARGIN_SECONDS`, `FLOWQ_MAX_RANGE_DAYS`.
 * @throws InvalidConfiguration naming the variable that is missing or malformed.
 */
export function readEngineSettings(env: Env = process.env): EngineSettings {
  const kind = optionalEnv(env, 'FLOWQ_ENGINE') ?? 'athena';
  const query = readQuerySettings(env);
  if (kind === 'athena') return { kind, athena: readAthenaTable(env), query };
  if (kind === 'local') {
    const location = resolve(startDirectory(env), requireEnv(env, 'FLOWQ_LOCAL_DATA'));
    return {
      kind,
      query,
      local: {
        location,
        table: optionalEnv(env, 'FLOWQ_TABLE'),
        logFormat: optionalEnv(env, 'FLOWQ_LOG_FORMAT'),
        parquetCache: parquetCacheFor(location, undefined, env),
      },
    };
  }
  throw new InvalidConfiguration(`environment variable FLOWQ_ENGINE must be athena or local, not '${shorten(kind)}'`);
}
