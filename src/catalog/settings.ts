import { boolEnv, requireEnv, type Env } from '../config.js';
import { InvalidConfiguration } from '../errors.js';
import { makeSource, type Source } from '../flowlog/source.js';
import { checkIdentifier } from '../sql.js';
import { parseTime } from '../time.js';
import { shorten, splitList } from '../text.js';
import { isAccountId, isRegion } from '../aws/ids.js';

/** How the table's partitions are known to Athena: Glue partitions flowq adds, or partition projection. */
export type PartitionMode = 'managed' | 'projection';

/** Everything the catalog needs to know: where the data is, how it is laid out, and what to call the table. */
export interface CatalogSettings {
  readonly database: string;
  readonly table: string;
  /** An S3 Source: Glue tables can only point at S3. */
  readonly source: Source;
  readonly partitionMode: PartitionMode;
  /** Accounts whose logs the table covers; empty means discover them under `AWSLogs/` (managed mode only). */
  readonly accounts: readonly string[];
  /** Regions the table covers; empty means discover them (managed mode only). */
  readonly regions: readonly string[];
  /** The first instant (Unix seconds) partition projection generates `dt` values for. */
  readonly projectionStart: number;
}

/** Catalog settings as text, the way a user gives them (environment or flags). */
export interface CatalogOptions {
  database?: string;
  table?: string;
  location?: string;
  logFormat?: string;
  fileFormat?: string;
  hiveCompatiblePartitions?: boolean;
  perHourPartition?: boolean;
  partitionMode?: string;
  accounts?: string;
  regions?: string;
  projectionStart?: string;
}

/** What each option is called where it came from, so an error names the variable or flag to fix. */
export type OptionLabels = Readonly<Record<keyof CatalogOptions, string>>;

/** The environment variables the Lambda handlers read. */
export const ENV_LABELS: OptionLabels = {
  database: 'FLOWQ_DATABASE',
  table: 'FLOWQ_TABLE',
  location: 'FLOWQ_LOCATION',
  logFormat: 'FLOWQ_LOG_FORMAT',
  fileFormat: 'FLOWQ_FILE_FORMAT',
  hiveCompatiblePartitions: 'FLOWQ_HIVE_PARTITIONS',
  perHourPartition: 'FLOWQ_PER_HOUR',
  partitionMode: 'FLOWQ_PARTITION_MODE',
  accounts: 'FLOWQ_ACCOUNTS',
  regions: 'FLOWQ_REGIONS',
  projectionStart: 'FLOWQ_PROJECTION_START',
};

/** The day partition projection starts at unless told otherwise. */
export const DEFAULT_PROJECTION_START = '2020-01-01';

function parseList(label: string, text: string | undefined, isItem: (item: string) => boolean, what: string): string[] {
  const items = splitList(text ?? '');
  const bad = items.find((item) => !isItem(item));
  if (bad !== undefined) throw new InvalidConfiguration(`${label}: '${shorten(bad)}' is not ${what}`);
  return [...new Set(items)].sort();
}

function parsePartitionMode(label: string, text: string | undefined): PartitionMode {
  const value = (text ?? 'managed').trim();
  if (value === 'managed' || value === 'projection') return value;
  throw new InvalidConfiguration(`${label}: '${shorten(value ?? '')}' is not one of managed, projection`);
}

function parseDay(label: string, text: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? parseTime(text) : 'not a date';
  if (typeof t === 'string') throw new InvalidConfiguration(`${label}: '${shorten(text)}' is not a date (YYYY-MM-DD)`);
  return t;
}

function required(label: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new InvalidConfiguration(`${label} is required`);
  return value.trim();
}

/**
 * Checks catalog options and builds the settings, with AWS's defaults for the layout and `managed`
 * partitions. Projection needs the accounts and regions listed, since Athena enumerates them.
 * The location is S3 (a Glue table can only point there) unless `where.localFolders` allows a
 * local folder too (a Trino table over Trino's local file system).
 * @throws InvalidConfiguration naming the variable or flag (from `labels`) that is wrong.
 */
export function makeCatalogSettings(options: CatalogOptions, labels: OptionLabels = ENV_LABELS, where: { localFolders?: boolean } = {}): CatalogSettings {
  const database = checkIdentifier('database', required(labels.database, options.database));
  const table = checkIdentifier('table', required(labels.table, options.table));
  const location = required(labels.location, options.location);
  if (!location.startsWith('s3://') && !where.localFolders) {
    throw new InvalidConfiguration(`${labels.location}: '${shorten(location)}' is not an S3 location (s3://bucket/prefix/); a Glue table can only point at S3`);
  }
  const source = makeSource({
    location,
    logFormat: options.logFormat?.trim() ? options.logFormat : undefined,
    fileFormat: options.fileFormat?.trim() ? options.fileFormat.trim() : undefined,
    hiveCompatiblePartitions: options.hiveCompatiblePartitions,
    perHourPartition: options.perHourPartition,
  });
  const partitionMode = parsePartitionMode(labels.partitionMode, options.partitionMode);
  const accounts = parseList(labels.accounts, options.accounts, isAccountId, 'a 12-digit account id');
  const regions = parseList(labels.regions, options.regions, isRegion, 'a region name such as us-east-1');
  if (partitionMode === 'projection' && (accounts.length === 0 || regions.length === 0)) {
    throw new InvalidConfiguration(`partition projection enumerates accounts and regions: set ${labels.accounts} and ${labels.regions} (comma-separated)`);
  }
  const projectionStart = parseDay(labels.projectionStart, options.projectionStart ?? DEFAULT_PROJECTION_START);
  return { database, table, source, partitionMode, accounts, regions, projectionStart };
}

/**
 * Reads the catalog settings from the environment (`FLOWQ_DATABASE`, `FLOWQ_TABLE`, `FLOWQ_LOCATION`,
 * `FLOWQ_LOG_FORMAT`, `FLOWQ_FILE_FORMAT`, `FLOWQ_HIVE_PARTITIONS`, `FLOWQ_PER_HOUR`,
 * `FLOWQ_PARTITION_MODE`, `FLOWQ_ACCOUNTS`, `FLOWQ_REGIONS`, `FLOWQ_PROJECTION_START`).
 * @throws InvalidConfiguration naming the variable that is missing or malformed.
 */
export function readCatalogSettings(env: Env = process.env): CatalogSettings {
  return makeCatalogSettings({
    database: requireEnv(env, ENV_LABELS.database),
    table: requireEnv(env, ENV_LABELS.table),
    location: requireEnv(env, ENV_LABELS.location),
    logFormat: env[ENV_LABELS.logFormat],
    fileFormat: env[ENV_LABELS.fileFormat],
    hiveCompatiblePartitions: boolEnv(env, ENV_LABELS.hiveCompatiblePartitions, false),
    perHourPartition: boolEnv(env, ENV_LABELS.perHourPartition, false),
    partitionMode: env[ENV_LABELS.partitionMode],
    accounts: env[ENV_LABELS.accounts],
    regions: env[ENV_LABELS.regions],
    projectionStart: env[ENV_LABELS.projectionStart]?.trim() || undefined,
  });
}

/**
 * Reads the settings once, when a handler module loads, and hands them out on each call. A
 * configuration error is kept and thrown at the call instead, so that a custom-resource request
 * can still be answered FAILED with the variable's name rather than leaving the stack waiting.
 */
export function loadCatalogSettings(env: Env = process.env): () => CatalogSettings {
  let settings: CatalogSettings | undefined;
  let error: unknown;
  try {
    settings = readCatalogSettings(env);
  } catch (e) {
    error = e;
  }
  return () => {
    if (settings === undefined) throw error;
    return settings;
  };
}
