import type { Column, Row } from '../engines/engine.js';
import { protocolName } from '../flowlog/protocols.js';
import { humanBytes } from './units.js';

const NUMERIC = new Set(['integer', 'bigint', 'double', 'smallint', 'tinyint', 'real', 'decimal']);

/** True for a column of a numeric SQL type. */
export function isNumericColumn(column: Column | undefined): boolean {
  return column !== undefined && NUMERIC.has(column.type);
}

function isBytesColumn(name: string): boolean {
  return name === 'bytes' || name.endsWith('_bytes');
}

/** Columns of Unix seconds, shown as UTC times; `start` and `end` are the records' own (`flowq sql`). */
export function isTimeColumn(name: string): boolean {
  return ['first_seen', 'last_seen', 'bucket_start', 'bucket_end', 'start', 'end'].includes(name);
}

/** How one value reads in a table: human units, protocol names, UTC times. */
export function displayValue(column: Column, value: Row[string]): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'number') {
    if (isBytesColumn(column.name)) return humanBytes(value);
    if (column.name === 'protocol') return protocolName(value);
    if (isTimeColumn(column.name)) return new Date(value * 1000).toISOString().slice(0, 19).replace('T', ' ');
    if (column.name.endsWith('port')) return String(value);
    return value.toLocaleString('en-US');
  }
  return String(value);
}
