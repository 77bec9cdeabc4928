import { parseObjectKey, type Layout, type PartitionValues } from '../flowlog/layout.js';
import { parseS3Location } from '../s3/location.js';
import { InvalidEvent } from './errors.js';
import type { CatalogSettings } from './settings.js';

/** An S3 object key the handler did not turn into a partition, and why. */
export interface SkippedKey {
  readonly key: string;
  readonly reason: string;
}

/** The partitions an S3 notification names, each once, and the keys that name none. */
export interface S3EventPartitions {
  readonly partitions: readonly PartitionValues[];
  readonly skipped: readonly SkippedKey[];
}

/** The fields of an S3 event notification record the catalog reads. */
export interface S3NotificationRecord {
  readonly eventSource?: string;
  readonly eventName?: string;
  readonly s3?: { readonly bucket?: { readonly name?: string }; readonly object?: { readonly key?: string } };
}

function describeLayout(layout: Layout): string {
  return `${layout.hiveCompatiblePartitions ? 'Hive-compatible' : 'plain'} ${layout.perHourPartition ? 'per-hour' : 'daily'} layout`;
}

/** S3 writes keys in notifications URL-encoded, with spaces as `+` (Hive folders arrive as `year%3D2026`). */
function decodeKey(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * Derives the partitions that S3 object-created notifications name, in any of the four layouts,
 * each once. A record for another bucket, another prefix, another event, another layout or file
 * format than the table's, or a key that is not a flow-log file, is skipped with its reason.
 * @throws InvalidEvent when a record lacks its bucket name or object key.
 */
export function partitionsFromS3Event(settings: CatalogSettings, records: readonly S3NotificationRecord[]): S3EventPartitions {
  const { source } = settings;
  const { bucket, prefix } = parseS3Location(source.location);
  const partitions = new Map<string, PartitionValues>();
  const skipped: SkippedKey[] = [];
  records.forEach((record, i) => {
    const rawKey = record.s3?.object?.key;
    const recordBucket = record.s3?.bucket?.name;
    if (record.eventSource !== 'aws:s3' || typeof rawKey !== 'string' || typeof recordBucket !== 'string') {
      throw new InvalidEvent(`Records[${i}] is not an S3 notification: it needs eventSource aws:s3, s3.bucket.name and s3.object.key`);
    }
    const key = decodeKey(rawKey);
    const skip = (reason: string) => skipped.push({ key: key ?? rawKey, reason });
    if (key === undefined) return skip('the key is not valid URL encoding');
    if (!record.eventName?.startsWith('ObjectCreated:')) return skip(`${record.eventName ?? 'the event'} is not an object-created notification`);
    if (recordBucket !== bucket) return skip(`bucket ${recordBucket} is not the table's bucket ${bucket}`);
    const parsed = parseObjectKey(key);
    if (parsed === undefined) return skip("not a flow-log file in AWS's key layout");
    if (key.slice(0, key.length - parsed.relativeKey.length) !== prefix) return skip(`outside the table's location ${source.location}`);
    if (parsed.layout.hiveCompatiblePartitions !== source.hiveCompatiblePartitions || parsed.layout.perHourPartition !== source.perHourPartition) {
      return skip(`in the ${describeLayout(parsed.layout)}; the table uses the ${describeLayout(source)}`);
    }
    if (parsed.fileFormat !== source.fileFormat) return skip(`a ${parsed.fileFormat} file; the table reads ${source.fileFormat}`);
    const values = { account: parsed.account, region: parsed.region, dt: parsed.dt };
    partitions.set(`${values.account}/${values.region}/${values.dt}`, values);
  });
  return { partitions: [...partitions.values()], skipped };
}
