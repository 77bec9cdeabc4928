import type { PartitionValues } from '../flowlog/layout.js';
import { logger } from '../logger.js';
import { formatTime, parseTime } from '../time.js';
import { addPartitions, missingPartitions, partitionsForPairs, type AddPartitionsOptions, type AddPartitionsResult } from './add-partitions.js';
import { resolveAccountRegions } from './discover.js';
import { InvalidEvent } from './errors.js';
import { partitionsFromS3Event, type S3NotificationRecord } from './s3-events.js';
import type { CatalogSettings } from './settings.js';

const DAY = 86_400;

/** The most partitions one run adds: a year of hourly partitions for 20 account-region pairs. */
export const MAX_PARTITIONS_PER_RUN = 175_200;

/** What a run of the add-partitions handler did. */
export interface AddPartitionsRun extends AddPartitionsResult {
  /** What started the run. */
  readonly trigger: 'schedule' | 'backfill' | 's3';
  /** The time range covered (schedule and backfill), ISO-8601 UTC, `to` exclusive. */
  readonly from?: string;
  readonly to?: string;
  /** Distinct partitions the run was asked for. */
  readonly partitions: number;
  /** S3 keys that named no partition of the table. */
  readonly skipped?: number;
}

/** Options for a run; tests pass a fake clock and a fresh cache. */
export interface AddPartitionsEventOptions extends AddPartitionsOptions {
  /** Unix seconds now, for a schedule event without a time. */
  readonly now?: () => number;
  /** Partitions known to exist, kept across warm invocations so repeated S3 events cost no Glue call. */
  readonly known?: Set<string>;
}

const KNOWN_LIMIT = 10_000;
const knownPartitions = new Set<string>();

/**
 * Parses a backfill range: `from` and `to` as ISO-8601 UTC (a date alone is its midnight) or Unix
 * seconds, `to` exclusive and after `from`.
 * @throws InvalidEvent naming the bad field.
 */
export function parseRange(from: unknown, to: unknown): { from: number; to: number } {
  const start = parseTime(from);
  const end = parseTime(to);
  if (typeof start === 'string') throw new InvalidEvent(`from: ${start}`);
  if (typeof end === 'string') throw new InvalidEvent(`to: ${end}`);
  if (end <= start) throw new InvalidEvent('to: must be after from (to is exclusive)');
  return { from: start, to: end };
}

/** The UTC days around the day a schedule runs whose partitions it adds. */
export interface ScheduleDays {
  readonly daysBefore: number;
  readonly daysAfter: number;
}

/**
 * Yesterday, today and tomorrow: tomorrow's partitions exist before its first file, and a day the
 * schedule missed (a stack deployed after the day's run, a failed run) gets its partitions the next day.
 */
export const DEFAULT_SCHEDULE_DAYS: ScheduleDays = { daysBefore: 1, daysAfter: 1 };

/** The most days a schedule event may ask for on either side of its day. */
const MAX_SCHEDULE_DAYS = 31;

/** The schedule's range: the UTC day of `now`, `daysBefore` days before it and `daysAfter` after, `to` exclusive. */
export function scheduleRange(now: number, days: ScheduleDays = DEFAULT_SCHEDULE_DAYS): { from: number; to: number } {
  const today = Math.floor(now / DAY) * DAY;
  return { from: today - days.daysBefore * DAY, to: today + (days.daysAfter + 1) * DAY };
}

type EventShape =
  | { kind: 'schedule'; time: unknown; days: ScheduleDays }
  | { kind: 'backfill'; from: unknown; to: unknown }
  | { kind: 's3'; records: readonly S3NotificationRecord[] }
  | { kind: 's3-test' };

/**
 * An EventBridge `Object Created` event as the notification record it stands for. Its key is passed
 * on as given: flow-log keys hold no `%` or `+`, so decoding leaves a plain key as it is and turns an
 * encoded one (`year%3D2026`) back into the key.
 */
function fromEventBridge(detail: unknown): S3NotificationRecord {
  const d = (typeof detail === 'object' && detail !== null ? detail : {}) as { bucket?: { name?: unknown }; object?: { key?: unknown }; reason?: unknown };
  const name = typeof d.bucket?.name === 'string' ? d.bucket.name : undefined;
  const key = typeof d.object?.key === 'string' ? d.object.key : undefined;
  if (name === undefined || key === undefined) throw new InvalidEvent('an EventBridge Object Created event needs detail.bucket.name and detail.object.key');
  return { eventSource: 'aws:s3', eventName: `ObjectCreated:${typeof d.reason === 'string' ? d.reason : 'Put'}`, s3: { bucket: { name }, object: { key } } };
}

function classify(event: unknown): EventShape {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidEvent('expected an object: a schedule event, {"from": ..., "to": ...} or an S3 notification');
  }
  const e = event as Record<string, unknown>;
  if ('Records' in e) {
    if (!Array.isArray(e.Records) || e.Records.length === 0) throw new InvalidEvent('Records must be a non-empty list of S3 notification records');
    return { kind: 's3', records: e.Records as S3NotificationRecord[] };
  }
  if (e.source === 'aws.s3' && e['detail-type'] === 'Object Created') return { kind: 's3', records: [fromEventBridge(e.detail)] };
  if (e.Event === 's3:TestEvent') return { kind: 's3-test' };
  if (e['detail-type'] === 'Scheduled Event' || e.source === 'aws.events') return { kind: 'schedule', time: e.time, days: DEFAULT_SCHEDULE_DAYS };
  if ('daysBefore' in e || 'daysAfter' in e) return { kind: 'schedule', time: e.time, days: scheduleDays(e) };
  if ('from' in e || 'to' in e) {
    const extra = Object.keys(e).filter((k) => k !== 'from' && k !== 'to');
    if (extra.length > 0) throw new InvalidEvent(`a backfill takes only from and to, not ${extra.join(', ')}`);
    return { kind: 'backfill', from: e.from, to: e.to };
  }
  throw new InvalidEvent(
    `unrecognised event with keys ${Object.keys(e).join(', ') || '(none)'}: expected a schedule event, {"from": ..., "to": ...} or an S3 notification`,
  );
}

/** The days of a schedule event's input (`{"time", "daysBefore", "daysAfter"}`, see serverless.yml). */
function scheduleDays(e: Record<string, unknown>): ScheduleDays {
  const extra = Object.keys(e).filter((k) => !['time', 'daysBefore', 'daysAfter'].includes(k));
  if (extra.length > 0) throw new InvalidEvent(`a schedule takes only time, daysBefore and daysAfter, not ${extra.join(', ')}`);
  const day = (name: 'daysBefore' | 'daysAfter'): number => {
    const value = e[name] ?? DEFAULT_SCHEDULE_DAYS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SCHEDULE_DAYS) {
      throw new InvalidEvent(`${name}: must be a whole number from 0 to ${MAX_SCHEDULE_DAYS}`);
    }
    return value;
  };
  return { daysBefore: day('daysBefore'), daysAfter: day('daysAfter') };
}

function keyOf(p: PartitionValues): string {
  return `${p.account}/${p.region}/${p.dt}`;
}

function remember(known: Set<string>, partitions: readonly PartitionValues[]): void {
  if (known.size + partitions.length > KNOWN_LIMIT) known.clear();
  for (const p of partitions) known.add(keyOf(p));
}

/**
 * Adds every partition of a range (Unix seconds, `to` exclusive) for the settings' accounts and
 * regions, discovering in S3 those not listed: the schedule, a backfill and `flowq catalog apply`.
 * @throws InvalidEvent when the range needs more than MAX_PARTITIONS_PER_RUN partitions.
 */
export async function addPartitionsForRange(
  settings: CatalogSettings,
  trigger: 'schedule' | 'backfill',
  range: { from: number; to: number },
  options: AddPartitionsOptions = {},
): Promise<AddPartitionsRun> {
  const pairs = await resolveAccountRegions(settings);
  const step = settings.source.perHourPartition ? 3600 : DAY;
  const needed = (Math.floor((range.to - 1) / step) - Math.floor(range.from / step) + 1) * pairs.length;
  if (needed > MAX_PARTITIONS_PER_RUN) {
    throw new InvalidEvent(`the range needs ${needed} partitions; one run adds at most ${MAX_PARTITIONS_PER_RUN}: split it`);
  }
  const partitions = partitionsForPairs(settings.source, range.from, range.to, pairs);
  logger.info('adding partitions for a range', {
    trigger,
    from: formatTime(range.from),
    to: formatTime(range.to),
    pairs: pairs.length,
    partitions: partitions.length,
  });
  const result = await addPartitions(settings, partitions, options);
  return { trigger, from: formatTime(range.from), to: formatTime(range.to), partitions: partitions.length, ...result };
}

async function addFromS3(settings: CatalogSettings, records: readonly S3NotificationRecord[], options: AddPartitionsEventOptions): Promise<AddPartitionsRun> {
  const known = options.known ?? knownPartitions;
  const { partitions, skipped } = partitionsFromS3Event(settings, records);
  for (const s of skipped) logger.info('skipped S3 key', { key: s.key, reason: s.reason });
  const unknown = partitions.filter((p) => !known.has(keyOf(p)));
  const missing = unknown.length === 0 ? [] : await missingPartitions(settings, unknown);
  const result = missing.length === 0 ? { created: 0, existing: 0, failed: [] } : await addPartitions(settings, missing, options);
  const failedKeys = new Set(result.failed.map((f) => f.values.join('/')));
  remember(
    known,
    partitions.filter((p) => !failedKeys.has(keyOf(p))),
  );
  return {
    trigger: 's3',
    partitions: partitions.length,
    skipped: skipped.length,
    created: result.created,
    existing: partitions.length - missing.length + result.existing,
    failed: result.failed,
  };
}

/**
 * Handles one event of the add-partitions function: a schedule event (yesterday to tomorrow, UTC, or
 * the days its input names), a
 * backfill request `{"from": ..., "to": ...}`, or S3 object-created notifications or EventBridge
 * `Object Created` events (only the partitions Glue lacks are added). With partition projection there is nothing to add.
 * @throws InvalidEvent for an event of none of these shapes, with what was expected.
 */
export async function onAddPartitionsEvent(
  event: unknown,
  settings: () => CatalogSettings,
  options: AddPartitionsEventOptions = {},
): Promise<AddPartitionsRun> {
  const shape = classify(event);
  const config = settings();
  const trigger = shape.kind === 'schedule' || shape.kind === 'backfill' ? shape.kind : 's3';
  if (shape.kind === 's3-test' || config.partitionMode === 'projection') {
    logger.info(shape.kind === 's3-test' ? 'S3 test event: nothing to add' : 'partition projection is on: nothing to add');
    return { trigger, partitions: 0, created: 0, existing: 0, failed: [] };
  }
  switch (shape.kind) {
    case 'schedule': {
      const time = shape.time === undefined ? undefined : parseTime(shape.time);
      if (typeof time === 'string') throw new InvalidEvent(`time: ${time}`);
      const now = options.now ?? (() => Math.floor(Date.now() / 1000));
      return addPartitionsForRange(config, 'schedule', scheduleRange(time ?? now(), shape.days), options);
    }
    case 'backfill':
      return addPartitionsForRange(config, 'backfill', parseRange(shape.from, shape.to), options);
    case 's3':
      return addFromS3(config, shape.records, options);
  }
}
