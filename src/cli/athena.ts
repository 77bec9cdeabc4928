import type { AthenaTable } from '../engines/athena.js';
import type { QueryProgress } from '../engines/engine.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../flowlog/format.js';
import { humanBytes } from '../format/units.js';
import { parseDuration } from '../time.js';
import { shorten } from '../text.js';
import { booleanFlag, UsageError, type CliIo, type ParsedArgs } from './args.js';

/** The flags `--engine athena` reads besides the template's parameters (`_` for `-`). */
export const ATHENA_FLAGS = [
  'database',
  'table',
  'workgroup',
  'catalog',
  'output_location',
  'reuse_minutes',
  'region',
  'profile',
  'log_format',
  'hive',
  'per_hour',
] as const;

/** How long a CLI query may run before it is stopped, unless `--timeout` says otherwise. */
export const DEFAULT_CLI_TIMEOUT_SECONDS = 30 * 60;

/** Parses `--timeout`: seconds, or a number with s, m or h. */
export function parseTimeout(value: string): number {
  const seconds = parseDuration(value, ['', 's', 'm', 'h']);
  if (seconds === undefined) throw new UsageError(`--timeout must look like 90, 90s, 15m or 2h, not '${shorten(value)}'`);
  return seconds;
}

function required(args: ParsedArgs, name: string, hint: string): string {
  const value = args.flags.get(name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name.replaceAll('_', '-')} is required with --engine athena: ${hint}`);
  return value.trim();
}

function reuseMinutes(args: ParsedArgs): number | undefined {
  const value = args.flags.get('reuse_minutes');
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--reuse-minutes must be a whole number of minutes (0 turns reuse off), not '${shorten(value)}'`);
  return Number(value);
}

/**
 * Writes a running query's progress to stderr: on a terminal one line rewritten in place, elsewhere
 * a line per change of state. Either way the last line ends once the query has ended.
 */
export function progressPrinter(io: CliIo, interactive: boolean, engine: string = 'athena'): (progress: QueryProgress) => void {
  let lastState: string | undefined;
  return (progress) => {
    // Athena's final states, and Trino's.
    const done = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'FINISHED'].includes(progress.state);
    const line = `${engine}: ${progress.state.padEnd(9)} ${(progress.elapsedMs / 1000).toFixed(1)} s, ${humanBytes(progress.dataScannedBytes ?? 0)} scanned`;
    if (interactive) io.err(`\r\x1b[2K${line}${done ? '\n' : ''}`);
    else if (progress.state !== lastState) io.err(`${line}\n`);
    lastState = progress.state;
  };
}

/**
 * The Athena table for `--engine athena`, from flags: `--database` and `--table` (required),
 * `--workgroup`, `--catalog`, `--output-location s3://...`, `--reuse-minutes N` (0: off), and the
 * table's `--log-format`, `--hive`, `--per-hour`. `--region` and `--profile` are applied to the
 * environment the SDK reads (see `applyAwsFlags`).
 * @throws UsageError for a missing or malformed flag.
 */
export function athenaTableFromFlags(args: ParsedArgs): AthenaTable {
  const logFormat = args.flags.get('log_format');
  return {
    database: required(args, 'database', 'the Glue database that holds the flow-log table'),
    table: required(args, 'table', 'the flow-log table (see `flowq catalog`)'),
    workgroup: args.flags.get('workgroup'),
    catalog: args.flags.get('catalog'),
    outputLocation: args.flags.get('output_location'),
    resultReuseMinutes: reuseMinutes(args),
    layout: { hiveCompatiblePartitions: booleanFlag(args, 'hive') ?? false, perHourPartition: booleanFlag(args, 'per_hour') ?? false },
    logFormat: logFormat === undefined ? DEFAULT_LOG_FORMAT : parseLogFormat(logFormat),
  };
}

/** `--region` and `--profile` for every command that calls AWS: the SDK reads them when its client first sends. */
export function applyAwsFlags(args: ParsedArgs): void {
  for (const [flag, variable] of [
    ['region', 'AWS_REGION'],
    ['profile', 'AWS_PROFILE'],
  ] as const) {
    const value = args.flags.get(flag);
    if (value === undefined) continue;
    if (value.trim() === '') throw new UsageError(`--${flag} needs a value`);
    process.env[variable] = value.trim();
  }
}
