import type { ResultDocument } from '../engines/engine.js';
import { inertText } from '../text.js';
import { displayValue, isNumericColumn } from './values.js';

/** A result as an aligned text table for a terminal: numbers right-aligned, a rule under the header, text inert. */
export function renderTable(doc: Pick<ResultDocument, 'columns' | 'rows'>): string {
  const header = doc.columns.map((c) => inertText(c.name));
  // Made inert (see `inertText`): a value from the data cannot drive the terminal it is printed on.
  const body = doc.rows.map((row) => doc.columns.map((c) => inertText(displayValue(c, row[c.name]))));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const right = doc.columns.map((c) => isNumericColumn(c) && c.name !== 'protocol');
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  if (doc.rows.length === 0) out.push('(no rows)');
  return `${out.join('\n')}\n`;
}
