import { DEFAULT_QUERY_SETTINGS } from '../config.js';
import { DataError, InvalidParameter } from '../errors.js';
import { MixedFlowLogs, NotAFlowLogFolder } from '../engines/local/scan.js';
import type { MirrorOptions, MirrorProgress } from '../engines/local/s3-mirror.js';
import { skippedFoldersNote, type FileFormat } from '../flowlog/layout.js';
import { inertText, splitList } from '../text.js';
import { humanBytes } from '../format/units.js';
import { booleanFlag, UsageError, type CliIo, type ParsedArgs } from './args.js';
import { applyAwsFlags } from './athena.js';
import { progressLine } from './progress.js';
import { isAccountId, isRegion } from '../aws/ids.js';

/** The flags `--data s3://...` reads besides the source flags (`_` for `-`). */
export const S3_DATA_FLAGS = ['max_download', 'accounts', 'regions', 'region', 'profile'] as const;

/** How to fetch `--data s3://...`: all optional, with the defaults of {@link mirrorS3}. */
export type DataOptions = Pick<
  MirrorOptions,
  'maxDownloadBytes' | 'accounts' | 'regions' | 'hiveCompatiblePartitions' | 'perHourPartition' | 'fileFormat' | 'onlyCopies'
> &
  Partial<Pick<MirrorOptions, 'lateMarginSeconds'>>;

const UNIT: Readonly<Record<string, number>> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12 };

/** The flag that sets each option a {@link MixedFlowLogs} names. */
const FLAG_OF: Readonly<Record<MixedFlowLogs['choices'][number], string>> = {
  hiveCompatiblePartitions: '--hive',
  perHourPartition: '--per-hour',
  fileFormat: '--file-format',
};

/**
 * A complaint about the data in the command line's words: the local engine and the S3 mirror say
 * what is wrong with the location or its files; the command line knows the flags that chose them.
 */
export function inFlagTerms(error: unknown): unknown {
  if (error instanceof NotAFlowLogFolder) return new DataError(`${error.message}: point --data at the folder that holds AWSLogs/`, { cause: error });
  if (error instanceof MixedFlowLogs)
    return new DataError(`${error.message}; choose one with ${error.choices.map((c) => FLAG_OF[c]).join('/')}`, { cause: error });
  return error;
}

/** Parses a byte size such as `5GB`, `500 MB` or `1000000` (decimal units, as the progress shows them). */
export function parseByteSize(value: string, flag = 'max-download'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?b)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--${flag} must look like 500MB, 5GB or a number of bytes, not '${value}'`);
  return Math.floor(Number(m[1]) * UNIT[(m[2] ?? '').toLowerCase()]);
}

function list(args: ParsedArgs, name: string, isItem: (item: string) => boolean, what: string): string[] | undefined {
  const value = args.flags.get(name);
  if (value === undefined) return undefined;
  const items = splitList(value);
  const bad = items.find((s) => !isItem(s));
  if (bad !== undefined || items.length === 0) throw new UsageError(`--${name} must be a comma-separated list of ${what}, not '${bad ?? value}'`);
  return items;
}

/**
 * Reads the data flags: `--max-download`, `--accounts`, `--regions`, the layout flags, and
 * `--region`/`--profile`, which set the AWS environment the S3 client reads when it first sends.
 */
export function dataOptionsFromFlags(args: ParsedArgs, fileFormat?: FileFormat): DataOptions {
  applyAwsFlags(args);
  const max = args.flags.get('max_download');
  return {
    maxDownloadBytes: max === undefined ? undefined : parseByteSize(max),
    accounts: list(args, 'accounts', isAccountId, '12-digit account ids'),
    regions: list(args, 'regions', isRegion, 'region names (us-east-1)'),
    hiveCompatiblePartitions: booleanFlag(args, 'hive'),
    perHourPartition: booleanFlag(args, 'per_hour'),
    fileFormat,
  };
}

/** Progress of a mirror on stderr: what the range needs, then objects and bytes (see {@link progressLine}). */
function mirrorProgressPrinter(io: CliIo, location: string, interactive: boolean): (progress: MirrorProgress) => void {
  const show = progressLine(io, interactive);
  return (p) => {
    if (p.phase === 'listed') {
      const cached = p.objects - p.fetchObjects;
      io.err(
        `s3: ${location}: ${p.objects} objects (${humanBytes(p.bytes)}) in the range, ${cached} cached` +
          (p.fetchObjects > 0 ? `, fetching ${p.fetchObjects} (${humanBytes(p.fetchBytes)})\n` : '\n'),
      );
      return;
    }
    if (p.fetchObjects === 0 || (p.phase === 'fetching' && p.fetchedObjects === p.fetchObjects)) return;
    show(
      p.fetchedObjects,
      p.fetchObjects,
      `s3: fetched ${p.fetchedObjects}/${p.fetchObjects} objects, ${humanBytes(p.fetchedBytes)}/${humanBytes(p.fetchBytes)}`,
    );
  };
}

/**
 * The local folder a question reads for `--data`: the folder itself, or for `s3://bucket/prefix/`
 * the cache's mirror of it, brought up to date for the range's partitions (see `mirrorS3`), with
 * progress on stderr. `range` is the question's [start, end) in Unix seconds; without it every
 * partition is fetched (within `--max-download`).
 */
export async function resolveDataLocation(
  data: string,
  range: { readonly start: number; readonly end: number } | undefined,
  io: CliIo,
  options: DataOptions = {},
  interactive = false,
): Promise<string> {
  if (!data.startsWith('s3://')) return data;
  // Loaded only for S3, so local questions never load the AWS SDK.
  const { mirrorS3, DownloadLimitExceeded } = await import('../engines/local/s3-mirror.js');
  const summary = await mirrorS3({
    location: data,
    range,
    ...options,
    lateMarginSeconds: options.lateMarginSeconds ?? DEFAULT_QUERY_SETTINGS.lateMarginSeconds,
    onProgress: mirrorProgressPrinter(io, data, interactive),
  }).catch((error: unknown) => {
    // The mirror knows its limit; the flag that set it is the command line's to name.
    if (error instanceof DownloadLimitExceeded) {
      throw new InvalidParameter([{ param: 'max-download', message: `${error.details[0].message}: narrow the range or raise --max-download` }]);
    }
    throw inFlagTerms(error);
  });
  if (summary.skipped.length > 0) io.err(`flowq: note: ${inertText(skippedFoldersNote(summary.skipped))}\n`);
  return summary.folder;
}
