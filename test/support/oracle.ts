/**
 * An independent oracle for the query templates: the rows each template must return, computed in
 * plain TypeScript from the records as written, following the reading and counting rules of
 * docs/flow-logs.md. It deliberately knows nothing of the SQL in `queries/`.
 *
 * Reading (Athena engine v3's text reader, Trino's `LongEncoding`, as LazySimpleSerDe): fields are
 * separated by single spaces; `\N` is NULL in any column; a numeric field is an optional sign, then
 * digits with an optional decimal part of digits that is dropped (`1.5` is 1, `.5` is 0), whose whole
 * part has at most 19 digits after leading zeros and fits the column type, or else NULL; a string
 * field is kept as written (`-` stays `-`); a short line is padded with NULLs; extra fields are
 * dropped.
 *
 * Counting: a record counts when its `start` is in [start, end), its `log_status` is `OK` (when the
 * format has that field), its `bytes` is a number, and it passes the template's filters.
 */
import type { AthenaType } from '../../src/flowlog/fields.js';
import type { LogFormat } from '../../src/flowlog/format.js';

export type Value = string | number | null;
export type OracleRow = Record<string, Value>;
export type TemplateName = 'top-talkers' | 'rejected-ports' | 'eni-bytes';

/** The columns each template must return, in this order (issue 2, section 2). */
export const RESULT_COLUMNS: Readonly<Record<TemplateName, readonly string[]>> = {
  'top-talkers': ['srcaddr', 'dstaddr', 'bytes', 'packets', 'flows', 'first_seen', 'last_seen'],
  'rejected-ports': ['dstport', 'protocol', 'flows', 'packets', 'sources', 'bytes'],
  'eni-bytes': ['interface_id', 'bytes', 'packets', 'flows'],
};

/** One written file: the partition it lands in comes from `fileTime`; records are field texts in format order. */
export interface OracleFile {
  readonly account: string;
  readonly region: string;
  readonly fileTime: number;
  readonly records: ReadonlyArray<readonly string[]>;
}

/** A request to a template, with its validated parameters. */
export interface OracleQuery {
  readonly template: TemplateName;
  readonly start: number;
  readonly end: number;
  readonly limit: number;
  readonly interface_id?: string;
  readonly action?: string;
}

/** LazySimpleSerDe's default `serialization.null.format`. */
export const NULL_TEXT = '\\N';

const RANGE: Readonly<Record<Exclude<AthenaType, 'string'>, readonly [bigint, bigint]>> = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

const isDigits = (text: string): boolean => [...text].every((c) => c >= '0' && c <= '9');

/** A numeric field's text read as Athena reads it; NULL when it is not a number or does not fit the type. */
export function parseNumeric(text: string | undefined, type: Exclude<AthenaType, 'string'>): number | null {
  if (text === undefined || text === '' || text === NULL_TEXT) return null;
  const signed = text[0] === '-' || text[0] === '+';
  const unsigned = signed ? text.slice(1) : text;
  if (unsigned === '') return null;
  const dot = unsigned.indexOf('.');
  const whole = dot === -1 ? unsigned : unsigned.slice(0, dot);
  const fraction = dot === -1 ? '' : unsigned.slice(dot + 1);
  if (!isDigits(whole) || !isDigits(fraction)) return null;
  const significant = whole.replace(/^0+/, '');
  if (significant.length > 19) return null;
  const value = (text[0] === '-' ? -1n : 1n) * BigInt(significant === '' ? '0' : significant);
  const [min, max] = RANGE[type];
  if (value < min || value > max) return null;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new Error(`oracle: ${text} is beyond the safe integers; generate smaller values`);
  }
  return Number(value);
}

/** One record as the table presents it: column name → value. */
export function readRecord(format: LogFormat, tokens: readonly string[]): Record<string, Value> {
  const row: Record<string, Value> = {};
  format.fields.forEach((field, i) => {
    const text = tokens[i];
    if (field.athenaType !== 'string') row[field.column] = parseNumeric(text, field.athenaType);
    else row[field.column] = text === undefined || text === NULL_TEXT ? null : text;
  });
  return row;
}

/** Strings compare by code point (UTF-8 byte order is code point order), as SQL's default collation. */
export function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Ascending order with NULLs last (the default of both Trino and DuckDB). */
export function ascending(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareStrings(String(a), String(b));
}

/** Descending order with NULLs last (the default of both Trino and DuckDB for DESC). */
export function descending(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return -ascending(a, b);
}

/** SQL's sum: NULLs ignored, NULL when there is no number at all. */
export function sqlSum(values: readonly Value[]): number | null {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  return numbers.length === 0 ? null : numbers.reduce((s, v) => s + v, 0);
}

/** SQL's min and max: NULLs ignored, NULL when there is no number at all. */
function sqlExtreme(values: readonly Value[], pick: (a: number, b: number) => number): number | null {
  const numbers = values.filter((v): v is number => typeof v === 'number');
  return numbers.length === 0 ? null : numbers.reduce((a, b) => pick(a, b));
}

/** SQL's count(DISTINCT x): NULLs are not counted. */
export function countDistinct(values: readonly Value[]): number {
  return new Set(values.filter((v) => v !== null)).size;
}

/** The records of all files, read as the table presents them. */
export function readAll(format: LogFormat, files: readonly OracleFile[]): Array<Record<string, Value>> {
  return files.flatMap((f) => f.records.map((r) => readRecord(format, r)));
}

/** The records that count for a query under the common rules, before the template's own filter. */
export function counting(
  format: LogFormat,
  records: ReadonlyArray<Record<string, Value>>,
  q: Pick<OracleQuery, 'start' | 'end' | 'interface_id' | 'action'>,
): Array<Record<string, Value>> {
  const hasStatus = format.fields.some((f) => f.column === 'log_status');
  return records.filter((r) => {
    const start = r.start;
    if (typeof start !== 'number' || start < q.start || start >= q.end) return false;
    if (hasStatus && r.log_status !== 'OK') return false;
    if (typeof r.bytes !== 'number') return false;
    if (q.interface_id !== undefined && r.interface_id !== q.interface_id) return false;
    if (q.action !== undefined && r.action !== q.action) return false;
    return true;
  });
}

export function groupBy<K extends string>(
  records: ReadonlyArray<Record<string, Value>>,
  keys: readonly K[],
): Array<[Record<K, Value>, Array<Record<string, Value>>]> {
  const groups = new Map<string, [Record<K, Value>, Array<Record<string, Value>>]>();
  for (const r of records) {
    const keyValues = Object.fromEntries(keys.map((k) => [k, r[k]])) as Record<K, Value>;
    // JSON keeps NULL, numbers and strings apart, so NULL forms its own group as in SQL.
    const id = JSON.stringify(keys.map((k) => r[k]));
    const group = groups.get(id);
    if (group) group[1].push(r);
    else groups.set(id, [keyValues, [r]]);
  }
  return [...groups.values()];
}

/** The rows a template must return for these files, in order, at most `limit`. */
export function expectedRows(format: LogFormat, files: readonly OracleFile[], q: OracleQuery): OracleRow[] {
  const records = counting(format, readAll(format, files), q);
  let rows: OracleRow[];
  let order: (a: OracleRow, b: OracleRow) => number;
  switch (q.template) {
    case 'top-talkers':
      rows = groupBy(records, ['srcaddr', 'dstaddr'] as const).map(([k, rs]) => ({
        srcaddr: k.srcaddr,
        dstaddr: k.dstaddr,
        bytes: sqlSum(rs.map((r) => r.bytes)),
        packets: sqlSum(rs.map((r) => r.packets)),
        flows: rs.length,
        first_seen: sqlExtreme(
          rs.map((r) => r.start),
          Math.min,
        ),
        last_seen: sqlExtreme(
          rs.map((r) => r.end),
          Math.max,
        ),
      }));
      order = (a, b) => descending(a.bytes, b.bytes) || ascending(a.srcaddr, b.srcaddr) || ascending(a.dstaddr, b.dstaddr);
      break;
    case 'rejected-ports':
      rows = groupBy(
        records.filter((r) => r.action === 'REJECT'),
        ['dstport', 'protocol'] as const,
      ).map(([k, rs]) => ({
        dstport: k.dstport,
        protocol: k.protocol,
        flows: rs.length,
        packets: sqlSum(rs.map((r) => r.packets)),
        sources: countDistinct(rs.map((r) => r.srcaddr)),
        bytes: sqlSum(rs.map((r) => r.bytes)),
      }));
      order = (a, b) => descending(a.flows, b.flows) || ascending(a.dstport, b.dstport) || ascending(a.protocol, b.protocol);
      break;
    case 'eni-bytes':
      rows = groupBy(records, ['interface_id'] as const).map(([k, rs]) => ({
        interface_id: k.interface_id,
        bytes: sqlSum(rs.map((r) => r.bytes)),
        packets: sqlSum(rs.map((r) => r.packets)),
        flows: rs.length,
      }));
      order = (a, b) => descending(a.bytes, b.bytes) || ascending(a.interface_id, b.interface_id);
      break;
  }
  return rows.sort(order).slice(0, q.limit);
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * How many files a query may read: those whose folder (the partition of the file's 5-minute window)
 * lies between the partition of `start` and the partition of `end + margin - 1`.
 */
export function expectedFilesRead(perHour: boolean, files: readonly OracleFile[], start: number, end: number, marginSeconds: number): number {
  const step = perHour ? HOUR : DAY;
  const partition = (t: number) => Math.floor(t / step);
  const [from, to] = [partition(start), partition(end + marginSeconds - 1)];
  return files.filter((f) => partition(f.fileTime) >= from && partition(f.fileTime) <= to).length;
}
