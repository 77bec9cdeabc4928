import type { Column, ResultDocument, Row } from '../engines/engine.js';
import { INVISIBLE_FORMAT_CHARS } from '../text.js';
import { isNumericColumn } from './values.js';

// Characters a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
const FORMULA_START = /^[=+\-@\t\r]/;
// Leading characters some spreadsheets skip before deciding a cell is a formula: spaces and invisible
// format characters (right-to-left marks and other bidi controls, zero-width spaces, a BOM).
const SKIPPED_LEAD = new RegExp(`^[\\s\\u200b-\\u200f\\ufeff${INVISIBLE_FORMAT_CHARS}]*`);
const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * A cell as a spreadsheet will not run it: text that would start a formula gets a leading `'`.
 * Numbers (and numeric text in a numeric column, such as a bigint beyond 2^53) are left alone, so
 * negative numbers stay numbers.
 */
function neutraliseFormula(text: string, column?: Column): string {
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
