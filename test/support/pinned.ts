/**
 * Pinned boundary cases of the templates, in the spirit of DuckDB's sqllogictest files: each
 * `queries/cases/<template>.slt` holds a log format, a few flow-log files of records written as AWS
 * writes them, and queries with their exact expected rows. The format, line by line:
 *
 *     # a comment
 *     format ${version} ${account-id} ...       the log format of every file
 *     file 2026-11-27T00:05:00Z                 a file: the 5-minute window that holds its records' end times
 *     2 123456789012 eni-a 10.0.0.1 ...         a record, as the file holds it
 *     query start=... end=... limit=...         a request: the template's parameters, as the CLI takes them
 *     ----                                      then the result's column names, then one row per line
 *     srcaddr<TAB>dstaddr<TAB>...               (tab-separated; NULL for SQL NULL)
 *
 * A blank line ends a query's rows.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One file of a pinned case: its 5-minute window (Unix seconds) and its records, field texts in format order. */
export interface PinnedFile {
  readonly fileTime: number;
  readonly records: string[][];
}

/** One request and the exact rows it must answer, cells as text (NULL for SQL NULL). */
export interface PinnedQuery {
  readonly params: Record<string, string>;
  readonly columns: string[];
  readonly rows: string[][];
}

/** The pinned cases of one template. */
export interface PinnedCase {
  readonly template: string;
  readonly format: string;
  readonly files: PinnedFile[];
  readonly queries: PinnedQuery[];
}

/** Where the pinned case of a template lives. */
export function pinnedCasePath(template: string): string {
  return join(process.cwd(), 'queries', 'cases', `${template}.slt`);
}

/** A result cell as the pinned files write it. */
export function cellText(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? 'NULL' : String(value);
}

/** Parses a pinned case file. @throws Error naming the line that is not understood. */
export function parsePinnedCase(template: string, text: string): PinnedCase {
  let format: string | undefined;
  const files: PinnedFile[] = [];
  const queries: PinnedQuery[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fail = (why: string) => new Error(`${template}.slt line ${i + 1}: ${why}`);
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (line.startsWith('format ')) {
      format = line.slice('format '.length);
    } else if (line.startsWith('file ')) {
      const time = Date.parse(line.slice('file '.length));
      if (!Number.isFinite(time)) throw fail('a file needs its window as an ISO time');
      files.push({ fileTime: time / 1000, records: [] });
    } else if (line.startsWith('query')) {
      const params = Object.fromEntries(
        line
          .slice('query'.length)
          .trim()
          .split(/\s+/)
          .filter((p) => p !== '')
          .map((p) => {
            const eq = p.indexOf('=');
            if (eq <= 0) throw fail(`'${p}' is not name=value`);
            return [p.slice(0, eq), p.slice(eq + 1)];
          }),
      );
      if (lines[i + 1] !== '----') throw fail('a query is followed by ----');
      const columns = (lines[i + 2] ?? '').split('\t');
      const rows: string[][] = [];
      for (i += 3; i < lines.length && lines[i].trim() !== ''; i++) {
        const row = lines[i].split('\t');
        if (row.length !== columns.length) throw new Error(`${template}.slt line ${i + 1}: ${row.length} cells for ${columns.length} columns`);
        rows.push(row);
      }
      queries.push({ params, columns, rows });
    } else {
      if (files.length === 0) throw fail('a record before any file');
      files[files.length - 1].records.push(line.split(' '));
    }
  }
  if (format === undefined) throw new Error(`${template}.slt has no format line`);
  if (queries.length === 0) throw new Error(`${template}.slt has no query`);
  return { template, format, files, queries };
}

/** Reads and parses the pinned case of a template. */
export async function readPinnedCase(template: string): Promise<PinnedCase> {
  return parsePinnedCase(template, await readFile(pinnedCasePath(template), 'utf8'));
}
