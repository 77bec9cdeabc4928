import type { ColumnInfo, QueryExecution, Row as AthenaRow } from '@aws-sdk/client-athena';
import type { Column, QueryStats, Row } from './engine.js';

/** Athena's price: $5 per TB scanned, billed by the MB with a 10 MB minimum per query. */
export const PRICE = { usdPerTb: 5, bytesPerMb: 2 ** 20, mbPerTb: 2 ** 20, minimumMb: 10 } as const;

/**
 * What a query cost: data scanned rounded up to the MB, at least 10 MB, at $5 per TB. A reused
 * result scanned nothing and costs nothing.
 */
export function queryCostUsd(dataScannedBytes: number, reused: boolean): number {
  if (reused) return 0;
  const mb = Math.max(PRICE.minimumMb, Math.ceil(dataScannedBytes / PRICE.bytesPerMb));
  return (mb * PRICE.usdPerTb) / PRICE.mbPerTb;
}

/** The engine's figures for an execution, named as QueryStats names them. */
export function executionStats(execution: QueryExecution | undefined, rowsReturned: number, elapsedMs: number): QueryStats {
  const s = execution?.Statistics ?? {};
  const reused = s.ResultReuseInformation?.ReusedPreviousResult ?? false;
  const dataScannedBytes = s.DataScannedInBytes ?? 0;
  return {
    engine: 'athena',
    rowsReturned,
    elapsedMs,
    dataScannedBytes,
    engineExecutionMs: s.EngineExecutionTimeInMillis ?? 0,
    queueMs: s.QueryQueueTimeInMillis ?? 0,
    totalExecutionMs: s.TotalExecutionTimeInMillis ?? 0,
    reused,
    costUsd: queryCostUsd(dataScannedBytes, reused),
  };
}

/** The result columns, named and typed as Athena reports them (`varchar`, `bigint`, ...). */
export function toColumns(info: readonly ColumnInfo[] | undefined): Column[] {
  return (info ?? []).map((c) => ({ name: c.Name ?? '', type: (c.Type ?? 'varchar').toLowerCase() }));
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int']);
const FLOAT_TYPES = new Set(['double', 'real', 'float']);

/**
 * Decodes one value of Athena's text result by its column type. Integers and floats become
 * numbers, booleans booleans; a bigint beyond 2^53, a non-finite float and every other type
 * (varchar, date, timestamp, decimal, ...) stay the text Athena gave, so nothing loses precision.
 * A missing value is SQL NULL.
 */
export function decodeValue(type: string, text: string | undefined): string | number | boolean | null {
  if (text === undefined) return null;
  if (INTEGER_TYPES.has(type)) return Number(text);
  if (type === 'bigint') {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (FLOAT_TYPES.has(type)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (type === 'boolean') return text === 'true';
  return text;
}

/** Rows of a result page as objects keyed by column name. */
export function toRows(columns: readonly Column[], rows: readonly AthenaRow[]): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    columns.forEach((column, i) => {
      out[column.name] = decodeValue(column.type, row.Data?.[i]?.VarCharValue);
    });
    return out;
  });
}
