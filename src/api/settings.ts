import { boolEnv, intEnv, readCorsOrigins, readQuerySettings, requireEnv, type QuerySettings } from '../config.js';
import { InvalidConfiguration } from '../errors.js';
import { DEFAULT_RESULT_REUSE_MINUTES, type AthenaSettings } from '../engines/athena.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat, type LogFormat } from '../flowlog/format.js';
import type { Layout } from '../flowlog/layout.js';
import { checkIdentifier } from '../queries/render.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The table Athena queries, described as the catalog handlers describe it (same variables). */
export interface AthenaTable extends AthenaSettings {
  readonly table: string;
  readonly layout: Layout;
  readonly logFormat: LogFormat;
}

/** The local data set a handler answers from in local mode. */
export interface LocalData {
  /** The folder that holds `AWSLogs/`. */
  readonly location: string;
  /** The view's name; the local engine's default when left out. */
  readonly table?: string;
  readonly logFormat?: string;
}

/** Everything the query handlers read from the environment, once. */
export interface ApiSettings {
  readonly engine: { readonly kind: 'athena'; readonly athena: AthenaTable } | { readonly kind: 'local'; readonly local: LocalData };
  readonly query: QuerySettings;
  /** How long `POST /queries/{name}` waits before answering 202; below API Gateway's 30 s. */
  readonly syncBudgetMs: number;
  /** How much of a direct invocation's remaining time is kept back to stop the query and answer. */
  readonly invokeMarginMs: number;
  /** Origins allowed by CORS; empty means no CORS headers at all. */
  readonly corsOrigins: readonly string[];
}

export const DEFAULT_SYNC_BUDGET_MS = 20_000;
export const DEFAULT_INVOKE_MARGIN_MS = 3_000;
/** API Gateway's integration timeout, less room to answer. */
const MAX_SYNC_BUDGET_MS = 28_000;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readAthenaTable(env: Env): AthenaTable {
  const logFormat = optional(env, 'FLOWQ_LOG_FORMAT');
  return {
    database: checkIdentifier('database', requireEnv(env, 'FLOWQ_DATABASE')),
    table: checkIdentifier('table', requireEnv(env, 'FLOWQ_TABLE')),
    catalog: optional(env, 'FLOWQ_CATALOG'),
    workgroup: optional(env, 'FLOWQ_WORKGROUP'),
    outputLocation: optional(env, 'FLOWQ_OUTPUT_LOCATION'),
    resultReuseMinutes: intEnv(env, 'FLOWQ_RESULT_REUSE_MINUTES', DEFAULT_RESULT_REUSE_MINUTES),
    logFormat: logFormat === undefined ? DEFAULT_LOG_FORMAT : parseLogFormat(logFormat),
    layout: {
      hiveCompatiblePartitions: boolEnv(env, 'FLOWQ_HIVE_PARTITIONS', false),
      perHourPartition: boolEnv(env, 'FLOWQ_PER_HOUR', false),
    },
  };
}

/**
 * Reads the query handlers' settings: `FLOWQ_ENGINE` (`athena`, the default, or `local`); for
 * Athena `FLOWQ_DATABASE`, `FLOWQ_TABLE`, `FLOWQ_WORKGROUP`, `FLOWQ_CATALOG`,
 * `FLOWQ_OUTPUT_LOCATION`, `FLOWQ_RESULT_REUSE_MINUTES`, `FLOWQ_LOG_FORMAT`,
 * `FLOWQ_HIVE_PARTITIONS`, `FLOWQ_PER_HOUR`; for local mode `FLOWQ_LOCAL_DATA` (and optionally
 * `FLOWQ_TABLE`, `FLOWQ_LOG_FORMAT`); and `FLOWQ_SYNC_BUDGET_MS`, `FLOWQ_INVOKE_MARGIN_MS`,
 * `FLOWQ_CORS_ORIGINS`, `FLOWQ_LATE_MARGIN_SECONDS`, `FLOWQ_MAX_RANGE_DAYS`.
 * @throws InvalidConfiguration naming the variable that is missing or malformed.
 */
export function readApiSettings(env: Env = process.env): ApiSettings {
  const kind = optional(env, 'FLOWQ_ENGINE') ?? 'athena';
  if (kind !== 'athena' && kind !== 'local') throw new InvalidConfiguration(`environment variable FLOWQ_ENGINE must be athena or local, not '${kind}'`);
  const syncBudgetMs = intEnv(env, 'FLOWQ_SYNC_BUDGET_MS', DEFAULT_SYNC_BUDGET_MS);
  if (syncBudgetMs > MAX_SYNC_BUDGET_MS) {
    throw new InvalidConfiguration(`environment variable FLOWQ_SYNC_BUDGET_MS must stay below API Gateway's 30 s (at most ${MAX_SYNC_BUDGET_MS}), not ${syncBudgetMs}`);
  }
  return {
    engine:
      kind === 'athena'
        ? { kind, athena: readAthenaTable(env) }
        : { kind, local: { location: requireEnv(env, 'FLOWQ_LOCAL_DATA'), table: optional(env, 'FLOWQ_TABLE'), logFormat: optional(env, 'FLOWQ_LOG_FORMAT') } },
    query: readQuerySettings(env),
    syncBudgetMs,
    invokeMarginMs: intEnv(env, 'FLOWQ_INVOKE_MARGIN_MS', DEFAULT_INVOKE_MARGIN_MS),
    corsOrigins: readCorsOrigins(env),
  };
}
