import type { Column, ResultDocument, Row } from '../engines/engine.js';
import { protocolName } from '../flowlog/protocols.js';
import { INVISIBLE_FORMAT_CHARS, inertText } from '../text.js';

const NUMERIC = new Set(['integer', 'bigint', 'double', 'smallint', 'tinyint', 'real', 'decimal']);
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes in decimal units with one decimal: 1234567 → `1.2 MB`. */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // Compared as shown (one decimal), so 999,999,999,999 B reads 1.0 TB and never 1000.0 GB.
  while (Math.abs(Math.round(value * 10) / 10) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
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

/** A result as an aligned text table for a terminal: numbers right-aligned, a rule under the header, text inert. */
export function renderTable(doc: Pick<ResultDocument, 'columns' | 'rows'>): string {
  const header = doc.columns.map((c) => inertText(c.name));
  // Made inert (see `inertText`): a value from the data cannot drive the terminal it is printed on.
  const body = doc.rows.map((row) => doc.columns.map((c) => inertText(displayValue(c, row[c.name]))));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const right = doc.columns.map((c) => NUMERIC.has(c.type) && c.name !== 'protocol');
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  if (doc.rows.length === 0) out.push('(no rows)');
  return `${out.join('\n')}\n`;
}

// Characters a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
const FORMULA_START = /^[=+\-@\t\r]/;
// Leading characters some spreadsheets skip before deciding a cell is a formula: spaces and invisible
// format characters (right-to-left marks and other bidi controls, zero-width spaces, a BOM).
const SKIPPED_LEAD = new RegExp(`^[\\s\\u200b-\\u200f\\ufeff${INVISIBLE_FORMAT_CHARS}]*`);
const NUMBER = /^-?\d+(\.\d+)?$/;

function isNumericColumn(column: Column | undefined): boolean {
  return column !== undefined && NUMERIC.has(column.type);
}

/**
 * A cell as a spreadsheet will not run it: text that would start a formula gets a leading `'`.
 * Numbers (and numeric text in a numeric column, such as a bigint beyond 2^53) are left alone, so
 * negative numbers stay numbers.
 */
export function neutraliseFormula(text: string, column?: Column): string {
  if (isNumericColumn(column) && NUMBER.test(text)) return text;
  if (FORMULA_START.test(text) || FORMULA_START.test(text.replace(SKIPPED_LEAD, ''))) return `'${text}`;
  return text;
}

function csvField(value: Row[string], column?: Column): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? neutraliseFormula(value, column) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A result as RFC 4180 CSV: a header row, CRLF line ends, fields quoted where they must be, and text
 * a spreadsheet would run as a formula neutralised.
 */
export function renderCsv(doc: Pick<ResultDocument, 'columns' | 'rows'>): string {
  const lines = [doc.columns.map((c) => csvField(c.name)), ...doc.rows.map((row) => doc.columns.map((c) => csvField(row[c.name], c)))];
  return lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}

/** A result as the one-line JSON document `flowq run --output json` prints and a report stores. */
export function renderJson(doc: ResultDocument): string {
  return `${JSON.stringify(doc)}\n`;
}

/** `2 partitions (2026/11/26 only for the late margin)`: what a question read, and what the margin added. */
function describePartitions(all: readonly string[], marginOnly: readonly string[], baselineOnly: readonly string[] = []): string {
  const read = `${all.length} partition${all.length === 1 ? '' : 's'}`;
  const which = (list: readonly string[]) => (list.length === 1 ? list[0] : `${list.length} of them`);
  const extras = [
    ...(baselineOnly.length === 0 ? [] : [`${which(baselineOnly)} only for the baseline`]),
    ...(marginOnly.length === 0 ? [] : [`${which(marginOnly)} only for the late margin`]),
  ];
  return extras.length === 0 ? read : `${read} (${extras.join('; ')})`;
}

/** `1 row`, `2 rows`, `0 files`. */
export function counted(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** A one-line summary of what a query cost: rows, files or data scanned, partitions, time. */
export function renderStats(doc: Pick<ResultDocument, 'stats'>): string {
  const s = doc.stats;
  const parts = [counted(s.rowsReturned, 'row')];
  if (s.filesRead !== undefined) parts.push(`${counted(s.filesRead, 'file')}, ${humanBytes(s.bytesRead ?? 0)} read`);
  if (s.dataScannedBytes !== undefined) parts.push(`${humanBytes(s.dataScannedBytes)} scanned`);
  if (s.costUsd !== undefined) parts.push(`$${s.costUsd.toFixed(6)}`);
  if (s.reused) parts.push('reused result');
  if (s.partitions !== undefined) parts.push(describePartitions(s.partitions, s.marginPartitions ?? [], s.baselinePartitions));
  parts.push(`${s.elapsedMs} ms`);
  return parts.join(', ');
}
