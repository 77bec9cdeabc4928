import { randomUUID } from 'node:crypto';
import { DEFAULT_QUERY_SETTINGS } from '../config.js';
import type { AthenaEngine } from '../engines/athena.js';
import type { Clock } from '../clock.js';
import type { Engine, QueryProgress } from '../engines/engine.js';
import { FlowqError } from '../errors.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../flowlog/format.js';
import type { RenderTarget } from '../queries/render.js';
import { humanBytes } from '../reports/text.js';
import { parseDuration, shorten } from '../time.js';
import { booleanFlag, UsageError, type CliIo, type ParsedArgs } from './args.js';

/** The flags `flowq run --engine athena` reads besides the template's parameters (`_` for `-`). */
export const ATHENA_FLAGS = [
  'database',
  'table',
  'workgroup',
  'catalog',
  'output_location',
  'reuse_minutes',
  'timeout',
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
  if (!/^\d+$/.test(value)) throw new UsageError(`--reuse-minutes must be a whole number of minutes (0 turns reuse off), not '${value}'`);
  return Number(value);
}

/**
 * Writes a running query's progress to stderr: on a terminal one line rewritten in place, elsewhere
 * a line per change of state. Either way the last line ends once the query has ended.
 */
export function progressPrinter(io: CliIo, interactive: boolean): (progress: QueryProgress) => void {
  let lastState: string | undefined;
  return (progress) => {
    const done = progress.state === 'SUCCEEDED' || progress.state === 'FAILED' || progress.state === 'CANCELLED';
    const line = `athena: ${progress.state.padEnd(9)} ${(progress.elapsedMs / 1000).toFixed(1)} s, ${humanBytes(progress.dataScannedBytes ?? 0)} scanned`;
    if (interactive) io.err(`\r\x1b[2K${line}${done ? '\n' : ''}`);
    else if (progress.state !== lastState) io.err(`${line}\n`);
    lastState = progress.state;
  };
}

/**
 * The Athena engine and render target for `flowq run --engine athena`, from flags: `--database`
 * and `--table` (required), `--workgroup`, `--catalog`, `--output-location s3://...`,
 * `--reuse-minutes N` (0: off), `--timeout 15m` (default 30m; then the query is stopped),
 * `--region`, `--profile`, and the table's `--log-format`, `--hive`, `--per-hour`. Runs show their
 * progress on stderr; credentials and region are the user's (AWS_PROFILE, AWS_REGION, ...).
 * @throws UsageError for a missing or malformed flag.
 */
export async function openAthenaEngine(
  args: ParsedArgs,
  io: CliIo,
  options: { clock?: Clock; interactive?: boolean } = {},
): Promise<{ engine: Engine; target: RenderTarget }> {
  const database = required(args, 'database', 'the Glue database that holds the flow-log table');
  const table = required(args, 'table', 'the flow-log table (see `flowq catalog`)');
  const timeoutSeconds = args.flags.has('timeout') ? parseTimeout(args.flags.get('timeout') as string) : DEFAULT_CLI_TIMEOUT_SECONDS;
  const logFormat = args.flags.get('log_format');
  const target: RenderTarget = {
    table,
    layout: { hiveCompatiblePartitions: booleanFlag(args, 'hive') ?? false, perHourPartition: booleanFlag(args, 'per_hour') ?? false },
    logFormat: logFormat === undefined ? DEFAULT_LOG_FORMAT : parseLogFormat(logFormat),
    lateMarginSeconds: DEFAULT_QUERY_SETTINGS.lateMarginSeconds,
    limits: DEFAULT_QUERY_SETTINGS,
  };
  // The SDK reads these when its client first sends, which is after this point.
  if (args.flags.has('region')) process.env.AWS_REGION = args.flags.get('region');
  if (args.flags.has('profile')) process.env.AWS_PROFILE = args.flags.get('profile');
  // Loaded only when asked for, so `flowq run` on local data never loads the AWS SDK.
  const { AthenaEngine: Athena } = await import('../engines/athena.js');
  let athena: AthenaEngine;
  try {
    athena = new Athena(
      { database, workgroup: args.flags.get('workgroup'), catalog: args.flags.get('catalog'), outputLocation: args.flags.get('output_location'), resultReuseMinutes: reuseMinutes(args) },
      options.clock,
    );
  } catch (error) {
    throw error instanceof FlowqError && !(error instanceof UsageError) ? new UsageError(error.message) : error;
  }
  const now = options.clock === undefined ? Date.now : () => (options.clock as Clock).now();
  const onProgress = progressPrinter(io, options.interactive ?? process.stderr.isTTY === true);
  const requestKey = randomUUID();
  const engine: Engine = {
    name: 'athena',
    run: (query, runOptions) =>
      athena.run(query, {
        deadline: runOptions?.deadline ?? now() + timeoutSeconds * 1000,
        onProgress: runOptions?.onProgress ?? onProgress,
        requestKey,
        onStart: (executionId) => io.err(`athena: query ${executionId} started in workgroup ${athena.settings.workgroup}\n`),
      }),
    close: () => athena.close(),
  };
  return { engine, target };
}

/** `openAthenaEngine` in the shape of the CLI's engine factories, with the flags it reads. */
export const openAthena = Object.assign((args: ParsedArgs, io: CliIo) => openAthenaEngine(args, io), { flags: ATHENA_FLAGS });
