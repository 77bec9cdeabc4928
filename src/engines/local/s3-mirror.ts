import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { accountsIn, discoverRegions, listFolders, LISTING_CONCURRENCY } from '../../catalog/discover.js';
import { mapLimit } from '../../pool.js';
import { awsSetupProblemOf, AwsSetupError } from '../../aws/errors.js';
import { DataError, InvalidParameter } from '../../errors.js';
import {
  impossiblePartitionOf,
  partitionBounds,
  partitionPrefix,
  partitionsForRange,
  parseObjectKey,
  type FileFormat,
  type Layout,
  type ParsedKey,
} from '../../flowlog/layout.js';
import { humanBytes } from '../../format/units.js';
import { formatTime } from '../../time.js';
import { cacheRoot } from './cache-paths.js';
import { MixedFlowLogs } from './scan.js';
import { readStandIn, STAND_IN } from './stand-in.js';
import { s3Client } from '../../s3/client.js';
import { listObjects, type S3Listing, type S3Object } from '../../s3/list.js';
import { isS3Location, parseS3Location } from '../../s3/location.js';
import { firstLine } from '../../text.js';
import { partialPathOf, PARTIAL_SUFFIX, writeWhole } from '../../files.js';

/** A range that needs more bytes than the mirror may fetch (`maxDownloadBytes`): nothing was fetched. */
export class DownloadLimitExceeded extends InvalidParameter {
  constructor(
    /** The bytes the range needs that are not cached yet. */
    readonly neededBytes: number,
    readonly limitBytes: number,
    message: string,
  ) {
    super([{ param: 'maxDownloadBytes', message }]);
  }
}

/** The most bytes a question may fetch unless told otherwise: 5 GB. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 5e9;
const DEFAULT_CONCURRENCY = 8;
/** Beside each fetched object: the bucket, key, ETag and size it was fetched as. */
const SIDECAR = '.s3.json';

/** What to mirror: an S3 location, and the time range and partitions a question needs. */
export interface MirrorOptions {
  /** `s3://bucket/prefix/`: the location that holds `AWSLogs/`. */
  readonly location: string;
  /** The question's range, [start, end) in Unix seconds; without it every partition is fetched. */
  readonly range?: { readonly start: number; readonly end: number };
  /** How far past the range's end a record can be filed, as the templates' partition predicate assumes. */
  readonly lateMarginSeconds: number;
  /** The layout and file format to fetch; detected when left out. */
  readonly hiveCompatiblePartitions?: boolean;
  readonly perHourPartition?: boolean;
  readonly fileFormat?: FileFormat;
  /** Accounts and regions to fetch; discovered from the folders under `AWSLogs/` when empty. */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** The cache's root; default {@link cacheRoot} (`FLOWQ_CACHE_DIR`, else ~/.cache/flowq). */
  readonly cacheDir?: string;
  /** The most bytes this question may fetch; nothing is fetched when the range needs more. */
  readonly maxDownloadBytes?: number;
  /**
   * The local engine keeps only the Parquet copies of the objects (see `LocalEngineOptions.onlyCopies`):
   * an object whose copy stands in for it is cached. Otherwise only the object itself counts.
   */
  readonly onlyCopies?: boolean;
  readonly onProgress?: (progress: MirrorProgress) => void;
}

/** How far a mirror has come: the objects and bytes of the range, and of those to fetch. */
export interface MirrorProgress {
  readonly phase: 'listed' | 'fetching' | 'done';
  /** Objects and bytes in the range, fetched or already cached. */
  readonly objects: number;
  readonly bytes: number;
  /** Objects and bytes this run fetches, and how many of them it has fetched so far. */
  readonly fetchObjects: number;
  readonly fetchBytes: number;
  readonly fetchedObjects: number;
  readonly fetchedBytes: number;
}

/** What a mirror did, and the local folder that now holds the range's objects under `AWSLogs/`. */
export interface MirrorSummary {
  readonly folder: string;
  readonly objects: number;
  readonly bytes: number;
  readonly fetchedObjects: number;
  readonly fetchedBytes: number;
  /** Folders skipped because their date or hour is impossible (see `impossiblePartitionOf`), as keys under the location. */
  readonly skipped: readonly string[];
}

interface ListedObject {
  readonly key: string;
  readonly parsed: ParsedKey;
  readonly etag: string;
  readonly size: number;
  readonly path: string;
}

interface Sidecar {
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly size: number;
}

/** An SDK error's name and the first line of its message. */
function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string };
  const message = firstLine(e?.message ?? String(error)).replace(/^AWS SDK error wrapper for /, '');
  return e?.name && e.name !== 'Error' && !message.includes(e.name) ? `${e.name}: ${message}` : message;
}

/** An S3 failure as one line that names the bucket and key: a client without region or credentials, or a DataError. */
function s3Failure(bucket: string, key: string, error: unknown): DataError | AwsSetupError {
  if (error instanceof DataError || error instanceof AwsSetupError) return error;
  const where = `S3: s3://${bucket}/${key}: `;
  const problem = awsSetupProblemOf(error);
  if (problem !== undefined) return new AwsSetupError(problem, where, { cause: error });
  return new DataError(`${where}${describeError(error)}`, { cause: error });
}

/**
 * The longest file name the cache keeps as the key has it. File systems take 255 bytes, and the
 * cache adds suffixes (`.part`, `.s3.json`, the Parquet copy's version): a longer name (a long
 * flow-log id) is kept with its flow-log id and hash replaced by a digest of the whole name.
 */
const MAX_NAME_BYTES = 160;

/** The path under the mirror folder of an object key (relative to the location): the key, its file name shortened if long. */
export function cachePathOf(relativeKey: string): string {
  const slash = relativeKey.lastIndexOf('/');
  const name = relativeKey.slice(slash + 1);
  if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return relativeKey;
  const m = /^(\d{12}_vpcflowlogs_[a-z0-9-]+_).+(_\d{8}T\d{4}Z_).+(\.log\.(?:gz|parquet))$/.exec(name);
  const digest = createHash('sha256').update(name).digest('hex').slice(0, 32);
  // Still a flow-log file name (account, region, time and extension kept), so the local engine reads it alike.
  const short = m === null ? digest : `${m[1]}fl-${digest}${m[2]}${digest.slice(0, 8)}${m[3]}`;
  return `${relativeKey.slice(0, slash + 1)}${short}`;
}

/**
 * The cache folder that mirrors `s3://bucket/prefix/`: `<cache>/s3/<bucket>/<prefix>`, so that
 * its `AWSLogs/` is laid out as in the bucket and the local engine opens it unchanged.
 * @throws InvalidParameter when the location is not `s3://bucket/prefix/` or its prefix climbs out (`..`).
 */
function mirrorFolder(location: string, cacheDir: string): string {
  const parsed = isS3Location(location) ? parseS3Location(location) : undefined;
  const segments = parsed?.prefix.split('/').filter((s) => s !== '') ?? [];
  if (parsed === undefined || segments.some((s) => s === '.' || s === '..')) {
    throw new InvalidParameter([{ param: 'data', message: `'${location}' is not an S3 location (s3://bucket/prefix/)` }]);
  }
  return join(cacheDir, 's3', parsed.bucket, ...segments);
}

/** The objects under a prefix; with `oneLevel`, only those directly in it, and the folders below it. */
async function listPrefix(bucket: string, prefix: string, oneLevel: boolean): Promise<S3Listing> {
  try {
    return await listObjects(bucket, prefix, { oneLevel });
  } catch (error) {
    throw s3Failure(bucket, prefix, error);
  }
}

/** Whether the bucket's accounts are in the Hive-compatible layout, and which accounts to read. */
async function resolveAccounts(bucket: string, prefix: string, options: MirrorOptions): Promise<{ hive: boolean; accounts: string[] }> {
  const given = options.accounts ?? [];
  if (options.hiveCompatiblePartitions !== undefined && given.length > 0) return { hive: options.hiveCompatiblePartitions, accounts: [...given] };
  let names: string[];
  try {
    names = await listFolders(bucket, `${prefix}AWSLogs/`);
  } catch (error) {
    throw s3Failure(bucket, `${prefix}AWSLogs/`, error);
  }
  const hiveAccounts = accountsIn(names, { hiveCompatiblePartitions: true, perHourPartition: false });
  const plainAccounts = accountsIn(names, { hiveCompatiblePartitions: false, perHourPartition: false });
  let hive = options.hiveCompatiblePartitions;
  if (hive === undefined) {
    if (hiveAccounts.length > 0 && plainAccounts.length > 0) {
      throw new MixedFlowLogs(['hiveCompatiblePartitions'], `s3://${bucket}/${prefix}AWSLogs/ mixes plain and Hive-compatible layouts`);
    }
    hive = hiveAccounts.length > 0;
  }
  const accounts = given.length > 0 ? [...given] : hive ? hiveAccounts : plainAccounts;
  if (accounts.length === 0) throw new DataError(`no flow-log account folders under s3://${bucket}/${prefix}AWSLogs/`);
  return { hive, accounts };
}

/** A prefix listed (relative to the location), what it holds, and whether that includes its sub-folders. */
interface Listing {
  readonly prefix: string;
  readonly objects: readonly S3Object[];
  readonly recursive: boolean;
  /** Hour folders of the prefix that are no real hour (`27/`), left unlisted. */
  readonly skipped?: readonly string[];
}

/**
 * Lists what one account and region hold for the range: each day's folder one level deep (the files
 * of a daily layout; the hour folders of an hourly one, of which only the range's hours are then
 * listed), or the whole account-region folder when there is no range.
 */
async function listAccountRegion(bucket: string, prefix: string, hive: boolean, account: string, region: string, options: MirrorOptions): Promise<Listing[]> {
  const daily: Layout = { hiveCompatiblePartitions: hive, perHourPartition: false };
  if (options.range === undefined) {
    const whole = partitionPrefix(daily, { account, region, dt: '' }).slice(0, -1);
    return [{ prefix: whole, objects: (await listPrefix(bucket, `${prefix}${whole}`, false)).objects, recursive: true }];
  }
  const { start, end } = options.range;
  const hourly: Layout = { hiveCompatiblePartitions: hive, perHourPartition: true };
  const [fromHour, toHour] = partitionBounds(hourly, start, end, options.lateMarginSeconds);
  const hourFolder = hive ? /^hour=\d{2}$/ : /^\d{2}$/;
  const days = partitionsForRange(daily, start, end, options.lateMarginSeconds);
  const perDay = await mapLimit(days, LISTING_CONCURRENCY, async (dt) => {
    const day = partitionPrefix(daily, { account, region, dt });
    const listed = await listPrefix(bucket, `${prefix}${day}`, true);
    const named = listed.folders.map((folder) => folder.slice(`${prefix}${day}`.length, -1)).filter((hour) => hourFolder.test(hour));
    // An hour folder past 23 is no partition, though it sorts inside the range's bounds.
    const real = (hour: string) => Number(hour.slice(-2)) <= 23;
    const hours = named.filter((hour) => real(hour) && `${dt}/${hour}` >= fromHour && `${dt}/${hour}` <= toHour);
    const hourListings = await mapLimit(hours, LISTING_CONCURRENCY, async (hour) => {
      const folder = `${day}${hour}/`;
      return { prefix: folder, objects: (await listPrefix(bucket, `${prefix}${folder}`, false)).objects, recursive: true };
    });
    const skipped = named.filter((hour) => !real(hour)).map((hour) => `${day}${hour}/`);
    return [{ prefix: day, objects: listed.objects, recursive: false, skipped }, ...hourListings];
  });
  return perDay.flat();
}

function wanted(parsed: ParsedKey, options: MirrorOptions): boolean {
  if (options.perHourPartition !== undefined && parsed.layout.perHourPartition !== options.perHourPartition) return false;
  if (options.fileFormat !== undefined && parsed.fileFormat !== options.fileFormat) return false;
  if (options.range === undefined) return true;
  const [from, to] = partitionBounds(parsed.layout, options.range.start, options.range.end, options.lateMarginSeconds);
  return parsed.dt >= from && parsed.dt <= to;
}

async function readSidecar(path: string): Promise<Sidecar | undefined> {
  try {
    return JSON.parse(await readFile(`${path}${SIDECAR}`, 'utf8')) as Sidecar;
  } catch {
    return undefined;
  }
}

/**
 * True when the object is in the cache as listed: same ETag and size, and the file has that size, or
 * (with `onlyCopies`) a stand-in for a file of that size names a Parquet copy that is there.
 */
async function isCached(bucket: string, object: ListedObject, onlyCopies: boolean): Promise<boolean> {
  const [sidecar, info] = await Promise.all([readSidecar(object.path), stat(object.path).catch(() => undefined)]);
  if (sidecar?.bucket !== bucket || sidecar.key !== object.key || sidecar.etag !== object.etag || sidecar.size !== object.size) return false;
  if (info?.size === object.size) return true;
  const standIn = onlyCopies ? readStandIn(object.path) : undefined;
  return (
    standIn?.stamp.size === object.size &&
    (await stat(standIn.copy).then(
      (s) => s.isFile(),
      () => false,
    ))
  );
}

/** Writes a file whole or not at all: to a temporary name in the same folder, then renamed. */
/** Fetches one object as listed (`If-Match` its ETag) to a temporary file, checks its size, then renames it into place. */
async function fetchObject(bucket: string, object: ListedObject, signal: AbortSignal, onBytes: (n: number) => void): Promise<void> {
  await mkdir(dirname(object.path), { recursive: true }).catch((error: Error) => {
    throw new DataError(`cannot write the cache folder ${dirname(object.path)}: ${error.message}`, { cause: error });
  });
  const temp = partialPathOf(object.path);
  try {
    const { sdk, client } = await s3Client();
    const response = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: object.key, IfMatch: object.etag }), { abortSignal: signal });
    if (response.Body === undefined) throw new Error('the response has no body');
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        received += chunk.length;
        // A body longer than the listing says is refused as soon as it is: never written out in full.
        if (received > object.size) return next(new Error(`the body is longer than the ${object.size} bytes the listing says`));
        onBytes(chunk.length);
        next(null, chunk);
      },
    });
    await pipeline(response.Body as Readable, counter, createWriteStream(temp), { signal });
    if (received !== object.size) throw new Error(`received ${received} bytes, the listing says ${object.size}`);
    await rename(temp, object.path);
    // The stand-in of an earlier version of the object, if any, is stale.
    await rm(`${object.path}${STAND_IN}`, { force: true });
    await writeWhole(`${object.path}${SIDECAR}`, JSON.stringify({ bucket, key: object.key, etag: object.etag, size: object.size } satisfies Sidecar));
  } catch (error) {
    await rm(temp, { force: true });
    throw s3Failure(bucket, object.key, error);
  }
}

async function filesUnder(dir: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Removes cached objects of a listed prefix that the bucket no longer holds, so the mirror answers as the bucket does. */
async function pruneDeleted(folder: string, listing: Listing, present: ReadonlySet<string>): Promise<void> {
  for (const path of await filesUnder(join(folder, listing.prefix), listing.recursive)) {
    const suffix = [SIDECAR, STAND_IN].find((end) => path.endsWith(end));
    const data = suffix === undefined ? path : path.slice(0, -suffix.length);
    if (path.endsWith(PARTIAL_SUFFIX) || parseObjectKey(data) === undefined || present.has(data)) continue;
    await rm(path, { force: true });
  }
}

/**
 * Mirrors the objects a question needs from `s3://bucket/prefix/` into the local cache and returns
 * the folder to open with the local engine. Only the partition prefixes of the range are listed (per
 * account and region each day of the range, and in an hourly layout each hour of it; accounts and
 * regions discovered with delimiter listings unless given), and only objects whose ETag and size are not already cached are fetched, with bounded
 * concurrency, each to a temporary name renamed into place once whole, so an interrupted run leaves
 * no partial file and the next run resumes. Cached objects of the listed prefixes that the bucket no
 * longer holds are removed.
 * @throws DownloadLimitExceeded when the range needs more than `maxDownloadBytes` (nothing is fetched then).
 * @throws DataError on any S3 failure, as one line naming the bucket and key.
 */
export async function mirrorS3(options: MirrorOptions): Promise<MirrorSummary> {
  const cacheDir = options.cacheDir ?? cacheRoot();
  const folder = mirrorFolder(options.location, cacheDir);
  const { bucket, prefix } = parseS3Location(options.location);
  const { hive, accounts } = await resolveAccounts(bucket, prefix, options);
  const givenRegions = options.regions ?? [];
  const pairs = (
    await mapLimit(accounts, LISTING_CONCURRENCY, async (account) => {
      let regions = [...givenRegions];
      if (regions.length === 0) {
        try {
          regions = await discoverRegions(bucket, prefix, { hiveCompatiblePartitions: hive, perHourPartition: false }, account);
        } catch (error) {
          throw s3Failure(bucket, `${prefix}AWSLogs/`, error);
        }
      }
      return regions.map((region) => ({ account, region }));
    })
  ).flat();
  const listings = (
    await mapLimit(pairs, LISTING_CONCURRENCY, ({ account, region }) => listAccountRegion(bucket, prefix, hive, account, region, options))
  ).flat();

  const objects: ListedObject[] = [];
  const skipped = new Set(listings.flatMap((l) => l.skipped ?? []));
  for (const listing of listings) {
    const present = new Set<string>();
    for (const o of listing.objects) {
      const relativeKey = o.key.startsWith(prefix) ? o.key.slice(prefix.length) : undefined;
      const parsed = relativeKey === undefined ? undefined : parseObjectKey(relativeKey);
      if (parsed === undefined || `${prefix}${parsed.relativeKey}` !== o.key) {
        const impossible = relativeKey === undefined ? undefined : impossiblePartitionOf(relativeKey);
        if (impossible !== undefined) skipped.add(impossible);
        continue;
      }
      const path = join(folder, ...cachePathOf(parsed.relativeKey).split('/'));
      present.add(path);
      if (wanted(parsed, options)) objects.push({ key: o.key, parsed, etag: o.etag, size: o.size, path });
    }
    await pruneDeleted(folder, listing, present);
  }

  if (objects.length === 0) {
    const where = options.range === undefined ? '' : ` for ${formatTime(options.range.start)} to ${formatTime(options.range.end)}`;
    throw new DataError(`no flow-log objects under s3://${bucket}/${prefix}AWSLogs/${where} (${listings.length} partition prefixes listed)`);
  }
  const cached = await mapLimit(objects, 32, (o) => isCached(bucket, o, options.onlyCopies === true));
  const todo = objects.filter((_, i) => !cached[i]);
  const bytes = objects.reduce((sum, o) => sum + o.size, 0);
  const fetchBytes = todo.reduce((sum, o) => sum + o.size, 0);
  const max = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  if (fetchBytes > max) {
    throw new DownloadLimitExceeded(
      fetchBytes,
      max,
      `the range needs ${humanBytes(fetchBytes)} in ${todo.length} objects from ${options.location} (${humanBytes(bytes - fetchBytes)} already cached), more than the ${humanBytes(max)} allowed`,
    );
  }
  let fetchedObjects = 0;
  let fetchedBytes = 0;
  const report = (phase: MirrorProgress['phase']): void =>
    options.onProgress?.({ phase, objects: objects.length, bytes, fetchObjects: todo.length, fetchBytes, fetchedObjects, fetchedBytes });
  report('listed');
  // The first failure aborts the downloads in flight, which remove their temporary files.
  const abort = new AbortController();
  await mapLimit(todo, DEFAULT_CONCURRENCY, async (object) => {
    try {
      await fetchObject(bucket, object, abort.signal, (n) => {
        fetchedBytes += n;
      });
    } catch (error) {
      abort.abort();
      throw error;
    }
    fetchedObjects++;
    report('fetching');
  });
  report('done');
  return { folder, objects: objects.length, bytes, fetchedObjects, fetchedBytes, skipped: [...skipped].sort() };
}
