import type { PartitionInput } from '@aws-sdk/client-glue';
import { partitionsForRange, type PartitionValues } from '../flowlog/layout.js';
import type { Source } from '../flowlog/source.js';
import { logger } from '../logger.js';
import { glue } from './aws.js';
import type { AccountRegion } from './discover.js';
import { partitionInput } from './model.js';
import { mapLimit } from '../pool.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { backoffDelay, isRetryableCode, isRetryableError, retry, RETRY_POLICY } from '../aws/retry.js';
import type { CatalogSettings } from './settings.js';

/** A partition Glue would not create, with the last error it gave. */
export interface FailedPartition {
  /** The partition's values in key order: account, region, dt. */
  readonly values: readonly string[];
  readonly code: string;
  readonly message: string;
}

/** What `addPartitions` did: partitions it created, ones that were already there, and ones that failed. */
export interface AddPartitionsResult {
  readonly created: number;
  readonly existing: number;
  readonly failed: readonly FailedPartition[];
}

/** Progress of a long run, reported after each call. */
export interface AddPartitionsProgress extends AddPartitionsResult {
  readonly done: number;
  readonly total: number;
}

/** Tuning for `addPartitions`; the defaults suit a Lambda run. */
export interface AddPartitionsOptions {
  /** BatchCreatePartition calls in flight at once. */
  readonly concurrency?: number;
  readonly clock?: Clock;
  readonly onProgress?: (progress: AddPartitionsProgress) => void;
}

/** Glue takes at most 100 partitions per BatchCreatePartition call. */
export const MAX_PARTITIONS_PER_CALL = 100;

/** Glue takes at most 1,000 partitions per BatchGetPartition call. */
const MAX_PARTITIONS_PER_GET = 1000;

const DEFAULT_CONCURRENCY = 4;
const LOG_EVERY_CALLS = 25;

/** Splits a list into consecutive pieces of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function valuesKey(values: readonly string[] | undefined): string {
  return (values ?? []).join('\u0000');
}

function partitionKey(p: PartitionValues): string {
  return valuesKey([p.account, p.region, p.dt]);
}

/** Drops repeated partitions, keeping the first of each. */
export function uniquePartitions(partitions: readonly PartitionValues[]): PartitionValues[] {
  const seen = new Set<string>();
  return partitions.filter((p) => {
    const key = partitionKey(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Every partition of the range [from, to) (Unix seconds) for each account-region pair, ordered by
 * time, then account, then region. `to` is exclusive: [2026-01-01, 2027-01-01) is one year.
 */
export function partitionsForPairs(source: Source, from: number, to: number, pairs: readonly AccountRegion[]): PartitionValues[] {
  return partitionsForRange(source, from, to, 0).flatMap((dt) => pairs.map(({ account, region }) => ({ account, region, dt })));
}

interface ChunkResult {
  created: number;
  existing: number;
  failed: FailedPartition[];
}

function errorCode(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

async function createChunk(settings: CatalogSettings, inputs: readonly PartitionInput[], clock: Clock): Promise<ChunkResult> {
  const { sdk, client } = await glue();
  const result: ChunkResult = { created: 0, existing: 0, failed: [] };
  let pending = inputs;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const last = attempt >= RETRY_POLICY.maxAttempts;
    let errors;
    try {
      const out = await client.send(
        new sdk.BatchCreatePartitionCommand({ DatabaseName: settings.database, TableName: settings.table, PartitionInputList: [...pending] }),
      );
      errors = new Map((out.Errors ?? []).map((e) => [valuesKey(e.PartitionValues), e.ErrorDetail]));
    } catch (error) {
      // A call-level error that is not transient (no table, no permission) fails every chunk alike: stop the run.
      if (!isRetryableError(error)) throw error;
      if (last) {
        const message = (error as Error).message ?? String(error);
        result.failed.push(...pending.map((p) => ({ values: p.Values ?? [], code: errorCode(error), message })));
        break;
      }
      await clock.sleep(backoffDelay(attempt, () => clock.random()));
      continue;
    }
    const retry: PartitionInput[] = [];
    for (const p of pending) {
      const detail = errors.get(valuesKey(p.Values));
      if (detail === undefined) result.created++;
      else if (detail.ErrorCode === 'AlreadyExistsException') result.existing++;
      else if (isRetryableCode(detail.ErrorCode) && !last) retry.push(p);
      else result.failed.push({ values: p.Values ?? [], code: detail.ErrorCode ?? 'Unknown', message: detail.ErrorMessage ?? '' });
    }
    pending = retry;
    if (pending.length > 0) await clock.sleep(backoffDelay(attempt, () => clock.random()));
  }
  return result;
}

/**
 * Creates the partitions in Glue with BatchCreatePartition, at most 100 a call and a few calls in
 * flight. A partition that already exists counts as existing. Throttling and server faults are
 * retried with jittered, bounded backoff, the whole call or just the entries that failed; entries
 * that still fail are returned with their values. Progress is logged as the run goes.
 * @throws the SDK's error when a call fails in a way no retry can fix (missing table, access denied).
 */
export async function addPartitions(
  settings: CatalogSettings,
  partitions: readonly PartitionValues[],
  options: AddPartitionsOptions = {},
): Promise<AddPartitionsResult> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const unique = uniquePartitions(partitions);
  const chunks = chunk(unique, MAX_PARTITIONS_PER_CALL);
  const totals: ChunkResult = { created: 0, existing: 0, failed: [] };
  let done = 0;
  const table = `${settings.database}.${settings.table}`;
  await mapLimit(chunks, options.concurrency ?? DEFAULT_CONCURRENCY, async (values, index) => {
    const r = await createChunk(
      settings,
      values.map((v) => partitionInput(settings.source, v)),
      clock,
    );
    totals.created += r.created;
    totals.existing += r.existing;
    totals.failed.push(...r.failed);
    done += values.length;
    const progress = { done, total: unique.length, created: totals.created, existing: totals.existing, failed: totals.failed };
    options.onProgress?.(progress);
    if ((index + 1) % LOG_EVERY_CALLS === 0 || done === unique.length) {
      logger.info('adding partitions', { table, done, total: unique.length, created: totals.created, existing: totals.existing, failed: totals.failed.length });
    }
  });
  return { created: totals.created, existing: totals.existing, failed: totals.failed };
}

/**
 * The partitions of the list that Glue does not have yet, asked with BatchGetPartition. Keys Glue
 * could not look up (UnprocessedKeys) count as missing: creating an existing one is harmless.
 */
export async function missingPartitions(settings: CatalogSettings, partitions: readonly PartitionValues[]): Promise<PartitionValues[]> {
  const { sdk, client } = await glue();
  const unique = uniquePartitions(partitions);
  const present = new Set<string>();
  for (const part of chunk(unique, MAX_PARTITIONS_PER_GET)) {
    const out = await retry(() =>
      client.send(
        new sdk.BatchGetPartitionCommand({
          DatabaseName: settings.database,
          TableName: settings.table,
          PartitionsToGet: part.map((p) => ({ Values: [p.account, p.region, p.dt] })),
        }),
      ),
    );
    for (const p of out.Partitions ?? []) present.add(valuesKey(p.Values));
  }
  return unique.filter((p) => !present.has(partitionKey(p)));
}
