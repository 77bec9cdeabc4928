/**
 * The S3 key layouts AWS writes flow logs in, and the partitions they imply.
 *
 * All four layouts share one partition scheme: `aws_account`, `aws_region` and `dt`, where `dt` is
 * the date (and hour) part of the folder path exactly as it appears in the key — `2026/11/27`,
 * `2026/11/27/05`, `year=2026/month=11/day=27` or `year=2026/month=11/day=27/hour=05`. Within a
 * layout `dt` values are fixed-width, so string order is time order and one `BETWEEN` selects a
 * time range. The names never collide with a data column (`account_id`, `region`).
 */

/** How a flow log's files are laid out under `AWSLogs/` (the EC2 `DestinationOptions`). */
export interface Layout {
  readonly hiveCompatiblePartitions: boolean;
  readonly perHourPartition: boolean;
}

export type FileFormat = 'plain-text' | 'parquet';

/** The partition keys of every flow-log table, in order. */
export const PARTITION_KEYS = ['aws_account', 'aws_region', 'dt'] as const;

/** The values of one partition. */
export interface PartitionValues {
  readonly account: string;
  readonly region: string;
  readonly dt: string;
}

/** What a flow-log object key says about itself. */
export interface ParsedKey extends PartitionValues {
  readonly layout: Layout;
  readonly fileFormat: FileFormat;
  /** The key from `AWSLogs/` on. */
  readonly relativeKey: string;
  /** The start of the file's 5-minute window (Unix seconds), from its name. */
  readonly fileTime: number;
}

const SECONDS_PER_HOUR = 3600;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The `dt` partition value for an instant (Unix seconds) in a layout. */
export function partitionDt(layout: Layout, epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const [y, m, day, h] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours()];
  if (layout.hiveCompatiblePartitions) {
    const base = `year=${pad(y, 4)}/month=${pad(m)}/day=${pad(day)}`;
    return layout.perHourPartition ? `${base}/hour=${pad(h)}` : base;
  }
  const base = `${pad(y, 4)}/${pad(m)}/${pad(day)}`;
  return layout.perHourPartition ? `${base}/${pad(h)}` : base;
}

/** The first instant (Unix seconds) of the partition that holds `epochSeconds`. */
export function partitionStart(layout: Layout, epochSeconds: number): number {
  const step = layout.perHourPartition ? SECONDS_PER_HOUR : 24 * SECONDS_PER_HOUR;
  return Math.floor(epochSeconds / step) * step;
}

/**
 * Every `dt` a query over records whose `start` lies in [start, end) must read: from the partition
 * of `start` through the partition of `end + margin`, because a record is filed in the folder of the
 * 5-minute window that holds its *end* time, which can be up to one aggregation interval later.
 */
export function partitionsForRange(layout: Layout, start: number, end: number, marginSeconds: number): string[] {
  const step = layout.perHourPartition ? SECONDS_PER_HOUR : 24 * SECONDS_PER_HOUR;
  const last = end + marginSeconds - 1;
  const out: string[] = [];
  for (let t = partitionStart(layout, start); t <= last; t += step) out.push(partitionDt(layout, t));
  return out;
}

/** The bounds of `partitionsForRange` as the two values of a `dt BETWEEN ? AND ?` predicate. */
export function partitionBounds(layout: Layout, start: number, end: number, marginSeconds: number): [string, string] {
  return [partitionDt(layout, start), partitionDt(layout, end + marginSeconds - 1)];
}

/** The folder of one partition, relative to the Source's location, ending with `/`. */
export function partitionPrefix(layout: Layout, values: PartitionValues): string {
  const head = layout.hiveCompatiblePartitions
    ? `AWSLogs/aws-account-id=${values.account}/aws-service=vpcflowlogs/aws-region=${values.region}/`
    : `AWSLogs/${values.account}/vpcflowlogs/${values.region}/`;
  return `${head}${values.dt}/`;
}

/** The prefix template that partition projection resolves, with `${...}` for each partition key. */
export function partitionPrefixTemplate(layout: Layout): string {
  return partitionPrefix(layout, { account: '${aws_account}', region: '${aws_region}', dt: '${dt}' });
}

/** The file extension AWS gives each file format. */
export function fileExtension(fileFormat: FileFormat): string {
  return fileFormat === 'parquet' ? '.log.parquet' : '.log.gz';
}

/** What AWS names one delivered file. */
export interface ObjectName {
  readonly account: string;
  readonly region: string;
  readonly flowLogId: string;
  /** The start of the 5-minute window that holds the records' end times (Unix seconds). */
  readonly fileTime: number;
  readonly hash: string;
}

/** The object key of a delivered file, relative to the Source's location. */
export function objectKey(layout: Layout, fileFormat: FileFormat, name: ObjectName): string {
  const d = new Date(name.fileTime * 1000);
  const stamp = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
  const dt = partitionDt(layout, name.fileTime);
  const file = `${name.account}_vpcflowlogs_${name.region}_${name.flowLogId}_${stamp}_${name.hash}${fileExtension(fileFormat)}`;
  return `${partitionPrefix(layout, { account: name.account, region: name.region, dt })}${file}`;
}

const DATE = String.raw`(\d{4})/(\d{2})/(\d{2})(?:/(\d{2}))?`;
const HIVE_DATE = String.raw`year=(\d{4})/month=(\d{2})/day=(\d{2})(?:/hour=(\d{2}))?`;
const FILE = String.raw`/(\d{12})_vpcflowlogs_([a-z0-9-]+)_([A-Za-z0-9-]+)_(\d{8}T\d{4}Z)_([A-Za-z0-9]+)\.log\.(gz|parquet)$`;
const PLAIN_KEY = new RegExp(String.raw`(?:^|/)(AWSLogs/(\d{12})/vpcflowlogs/([a-z0-9-]+)/${DATE}${FILE})`);
const HIVE_KEY = new RegExp(String.raw`(?:^|/)(AWSLogs/aws-account-id=(\d{12})/aws-service=vpcflowlogs/aws-region=([a-z0-9-]+)/${HIVE_DATE}${FILE})`);

/** Whether a folder's year, month, day (and hour) name a real UTC date and hour. */
function isRealDate(y: string, mo: string, d: string, h: string | undefined): boolean {
  const date = new Date(Date.UTC(+y, +mo - 1, +d));
  return date.getUTCFullYear() === +y && date.getUTCMonth() === +mo - 1 && date.getUTCDate() === +d && (h === undefined || +h <= 23);
}

/**
 * The partition folder of a key that is a flow-log file in AWS's layout but for its folder's date
 * or hour, which is impossible (`2026/02/30`, hour `27`): such a folder is no partition, and a
 * reader says it skipped it. Undefined for any other key.
 */
export function impossiblePartitionOf(key: string): string | undefined {
  const hive = HIVE_KEY.exec(key);
  const m = hive ?? PLAIN_KEY.exec(key);
  if (!m) return undefined;
  const [relativeKey, , , y, mo, d, h] = m.slice(1);
  if (isRealDate(y, mo, d, h)) return undefined;
  return relativeKey.slice(0, relativeKey.lastIndexOf('/') + 1);
}

/** The note a reader gives for the folders it skipped (see {@link impossiblePartitionOf}). */
export function skippedFoldersNote(folders: readonly string[]): string {
  const shown = folders.slice(0, 3).join(', ') + (folders.length > 3 ? ` and ${folders.length - 3} more` : '');
  return `skipped ${folders.length === 1 ? 'a folder' : `${folders.length} folders`} whose date or hour is impossible, so no partition: ${shown}`;
}

/**
 * Reads an object key (or a local path) in any of the four layouts. Returns undefined for a key
 * that is not a flow-log file in AWS's layout. The folder, not the file name, decides `dt`.
 */
export function parseObjectKey(key: string): ParsedKey | undefined {
  const hive = HIVE_KEY.exec(key);
  const m = hive ?? PLAIN_KEY.exec(key);
  if (!m) return undefined;
  const [, relativeKey, account, region, y, mo, d, h, fileAccount, fileRegion, , stamp, , ext] = m;
  if (fileAccount !== account || fileRegion !== region) return undefined;
  if (!isRealDate(y, mo, d, h)) return undefined;
  const layout: Layout = { hiveCompatiblePartitions: hive !== null, perHourPartition: h !== undefined };
  const fileTime = Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(9, 11), +stamp.slice(11, 13)) / 1000;
  const dt = hive ? `year=${y}/month=${mo}/day=${d}${h === undefined ? '' : `/hour=${h}`}` : `${y}/${mo}/${d}${h === undefined ? '' : `/${h}`}`;
  return { account, region, dt, layout, fileFormat: ext === 'parquet' ? 'parquet' : 'plain-text', relativeKey, fileTime };
}

/** A regular expression that extracts `[account, region, dt]` from a file path in a layout. */
export function partitionPathPattern(layout: Layout): string {
  const date = layout.hiveCompatiblePartitions
    ? String.raw`year=\d{4}/month=\d{2}/day=\d{2}` + (layout.perHourPartition ? String.raw`/hour=\d{2}` : '')
    : String.raw`\d{4}/\d{2}/\d{2}` + (layout.perHourPartition ? String.raw`/\d{2}` : '');
  return layout.hiveCompatiblePartitions
    ? String.raw`AWSLogs/aws-account-id=(\d{12})/aws-service=vpcflowlogs/aws-region=([a-z0-9-]+)/(${date})/[^/]+$`
    : String.raw`AWSLogs/(\d{12})/vpcflowlogs/([a-z0-9-]+)/(${date})/[^/]+$`;
}
