import { randomUUID } from 'node:crypto';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { DEFAULT_QUERY_SETTINGS, MAX_LATE_MARGIN_SECONDS, type QuerySettings } from '../config.js';
import type { Engine, QueryProgress, RunOptions } from '../engines/engine.js';
import { parquetCacheFor } from '../engines/local/cache-paths.js';
import { openEngine, type EngineSettings } from '../engines/open.js';
import { parseFileFormat } from '../flowlog/source.js';
import type { FileFormat } from '../flowlog/layout.js';
import { shorten } from '../text.js';
import { booleanFlag, UsageError, type CliIo, type ParsedArgs } from './args.js';
import { applyAwsFlags, athenaTableFromFlags, ATHENA_FLAGS, DEFAULT_CLI_TIMEOUT_SECONDS, parseTimeout, progressPrinter } from './athena.js';
import { countPrinter } from './progress.js';
import { dataOptionsFromFlags, inFlagTerms, resolveDataLocation, S3_DATA_FLAGS } from './data-location.js';
import { TRINO_FLAGS, trinoSettingsFromFlags } from './trino.js';

/** The flags the local engine reads: where the data is (a folder or `s3://...`) and how it is laid out. */
export const LOCAL_FLAGS = ['data', 'log_format', 'hive', 'per_hour', 'file_format', 'table', 'parquet_cache', ...S3_DATA_FLAGS] as const;

/** Flags that take no value. */
export const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(['hive', 'per_hour', 'parquet_cache']);

const ENGINE_FLAGS = { local: LOCAL_FLAGS, athena: ATHENA_FLAGS, trino: TRINO_FLAGS } as const;
type EngineName = keyof typeof ENGINE_FLAGS;

/** What a command needs from the terminal besides its arguments. */
export interface CliContext {
  readonly clock?: Clock;
  /** Whether stderr is a terminal (progress rewrites one line); by default what the CliIo says. */
  readonly interactive?: boolean;
}

/** The engine `--engine` names (`local` unless given). @throws UsageError for another name. */
function engineName(args: ParsedArgs): EngineName {
  const name = (args.flags.get('engine') ?? 'local').toLowerCase();
  if (!Object.hasOwn(ENGINE_FLAGS, name)) throw new UsageError(`--engine must be local, athena or trino, not '${shorten(name)}'`);
  return name as EngineName;
}

/** Every flag the chosen engine reads, `--engine`, `--timeout` and `--late-margin` included. */
export function engineFlags(args: ParsedArgs): string[] {
  return ['engine', 'timeout', 'late_margin', ...ENGINE_FLAGS[engineName(args)]];
}

/** The longest `--late-margin`, in minutes. */
export const MAX_LATE_MARGIN_MINUTES = MAX_LATE_MARGIN_SECONDS / 60;

/**
 * The query settings the flags choose: `--late-margin <minutes>` (0-60; default 10) is how far past
 * the range's end the partitions read reach, for records AWS files late.
 * @throws UsageError for a value that is not a whole number of minutes from 0 to 60.
 */
export function querySettingsFromFlags(args: ParsedArgs): QuerySettings {
  const value = args.flags.get('late_margin');
  if (value === undefined) return DEFAULT_QUERY_SETTINGS;
  const minutes = Number(value.trim());
  if (!/^\d{1,2}$/.test(value.trim()) || minutes > MAX_LATE_MARGIN_MINUTES) {
    throw new UsageError(
      `--late-margin must be whole minutes from 0 to ${MAX_LATE_MARGIN_MINUTES} (default ${DEFAULT_QUERY_SETTINGS.lateMarginSeconds / 60}), not '${shorten(value)}'`,
    );
  }
  return { ...DEFAULT_QUERY_SETTINGS, lateMarginSeconds: minutes * 60 };
}

/** `--file-format plain-text|parquet`, any case. @throws UsageError for another value. */
export function fileFormatFlag(args: ParsedArgs): FileFormat | undefined {
  const value = args.flags.get('file_format');
  if (value === undefined) return undefined;
  try {
    return parseFileFormat(value.toLowerCase());
  } catch {
    throw new UsageError(`--file-format must be plain-text or parquet, not '${shorten(value)}'`);
  }
}

/**
 * The engine settings the flags describe: the local engine over `--data` (with `--log-format`,
 * `--hive`, `--per-hour`, `--file-format`, `--table`, `--[no-]parquet-cache`; see `parquetCacheFor`), or Athena (see `athenaTableFromFlags`), and
 * the query settings (`--late-margin`).
 * @throws UsageError for a missing or malformed flag.
 */
export function engineSettingsFromFlags(args: ParsedArgs): EngineSettings {
  const query = querySettingsFromFlags(args);
  const engine = engineName(args);
  if (engine === 'athena') return { kind: 'athena', athena: athenaTableFromFlags(args), query };
  if (engine === 'trino') return { kind: 'trino', trino: trinoSettingsFromFlags(args), query };
  const data = args.flags.get('data');
  if (data === undefined || data.trim() === '') {
    throw new UsageError('--data <dir|s3://...> is required: the folder or S3 location that holds AWSLogs/ (try `flowq sample --out ./sample`)');
  }
  return {
    kind: 'local',
    query,
    local: {
      location: data,
      table: args.flags.get('table'),
      logFormat: args.flags.get('log_format'),
      fileFormat: fileFormatFlag(args),
      hiveCompatiblePartitions: booleanFlag(args, 'hive'),
      perHourPartition: booleanFlag(args, 'per_hour'),
      parquetCache: parquetCacheFor(data, booleanFlag(args, 'parquet_cache')),
    },
  };
}

/** An engine opened for the terminal, with the options each run gets: deadline, progress, start notice. */
export interface CliEngine {
  readonly engine: Engine;
  /** Options for a run starting now: `--timeout` (default 30 minutes) from now, progress on stderr. */
  runOptions(): RunOptions;
}

/** The question an engine is opened for: its range, [start, end) in Unix seconds. */
export interface Question {
  readonly range?: { readonly start: number; readonly end: number };
  /**
   * Open only the range's partitions: `true` for statements without a partition predicate of their
   * own (a range without files is refused); `'templates'` for templates, whose predicate reads the
   * same partitions, so that a question does not open every file's header (a range without files
   * then opens them all, and the template answers no rows with its note).
   */
  readonly onlyRange?: boolean | 'templates';
}

/**
 * The local engine's settings for a question: `--data s3://...` becomes the cache's mirror of the
 * range's partitions (fetched now, progress on stderr), and `onlyRange` narrows the files opened.
 */
async function localSettingsFor(
  settings: EngineSettings & { kind: 'local' },
  args: ParsedArgs,
  io: CliIo,
  question: Question,
  interactive: boolean,
): Promise<EngineSettings> {
  // The mirror of S3 data keeps each object in one form: its Parquet copy when the cache is on.
  const onlyCopies = settings.local.location.startsWith('s3://') && settings.local.parquetCache !== undefined;
  // The mirror fetches the partitions the engine will read: the range's, with --late-margin's.
  const data = { ...dataOptionsFromFlags(args, settings.local.fileFormat), onlyCopies, lateMarginSeconds: settings.query.lateMarginSeconds };
  const location = await resolveDataLocation(settings.local.location, question.range, io, data, interactive);
  const range =
    question.onlyRange !== undefined && question.onlyRange !== false && question.range !== undefined
      ? { ...question.range, lateMarginSeconds: settings.query.lateMarginSeconds, everyFileWhenNone: question.onlyRange === 'templates' }
      : undefined;
  return { ...settings, local: { ...settings.local, location, range, onlyCopies } };
}

/**
 * Opens an engine from settings the flags gave, its complaints about the data said with the flags
 * to fix them (see `inFlagTerms`).
 * @throws DataError, AWS errors as opening raises them.
 */
async function openFlaggedEngine(settings: EngineSettings, clock: Clock = SYSTEM_CLOCK): Promise<Engine> {
  try {
    return await openEngine(settings, clock);
  } catch (error) {
    throw inFlagTerms(error);
  }
}

/**
 * Opens the engine the flags choose, through the one factory every entry point uses, for a
 * question over `question.range` (which decides what `--data s3://...` fetches).
 * @throws UsageError for a bad flag; DataError, AWS errors as opening raises them.
 */
export async function openCliEngine(args: ParsedArgs, io: CliIo, context: CliContext = {}, question: Question = {}): Promise<CliEngine> {
  const clock = context.clock ?? SYSTEM_CLOCK;
  const flagged = engineSettingsFromFlags(args);
  const settings = flagged.kind === 'local' ? await localSettingsFor(flagged, args, io, question, context.interactive ?? io.interactive === true) : flagged;
  const timeout = args.flags.get('timeout');
  const timeoutSeconds = timeout === undefined ? DEFAULT_CLI_TIMEOUT_SECONDS : parseTimeout(timeout);
  if (settings.kind === 'athena') applyAwsFlags(args);
  const engine = await openFlaggedEngine(settings, clock);
  const interactive = context.interactive ?? io.interactive === true;
  const athenaProgress = progressPrinter(io, interactive, settings.kind);
  const copyProgress = countPrinter(io, 'copying files to the Parquet cache', interactive);
  const onProgress = (progress: QueryProgress) => (progress.files ? copyProgress(progress.files.done, progress.files.total) : athenaProgress(progress));
  const workgroup = settings.kind === 'athena' ? (settings.athena.workgroup ?? 'primary') : undefined;
  const started =
    settings.kind === 'athena'
      ? (executionId: string) => io.err(`athena: query ${executionId} started in workgroup ${workgroup}\n`)
      : settings.kind === 'trino'
        ? (executionId: string) => io.err(`trino: query ${executionId} started on ${settings.trino.server}\n`)
        : undefined;
  // One key per command: a start the SDK retries after a lost answer finds the execution it began.
  const requestKey = randomUUID();
  return {
    engine,
    runOptions: () => ({
      deadline: clock.now() + timeoutSeconds * 1000,
      requestKey,
      onProgress,
      onStart: started,
    }),
  };
}
