import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError } from '../../errors.js';
import { FIELD_BY_COLUMN } from '../../flowlog/fields.js';
import { headerLine, parseHeaderLine, parseLogFormat, type LogFormat } from '../../flowlog/format.js';
import { mapLimit } from '../../pool.js';
import { fileSystemError } from './file-system-error.js';
import { MAX_HEADER_BYTES } from './gzip-check.js';
import { errorLine } from '../../text.js';
import type { LocalFile } from './scan.js';
import { listLiteral } from './view.js';

const normalizeHeader = (line: string): string => line.trim().split(/\s+/).join(' ');
const excerpt = (text: string): string => (text.length > 80 ? `${text.slice(0, 80)}…` : text);

function tryParseHeader(line: string): LogFormat | undefined {
  try {
    return parseHeaderLine(line);
  } catch {
    return undefined;
  }
}

/**
 * The log format of text files: every header must name flow-log fields and agree with the configured
 * format, or (when none is configured) with the header most files carry, so that the file blamed is
 * the odd one out and never a good one. The header of a file verified before is the one the verified
 * cache remembers (see `rememberedHeaders`): the file is not opened.
 */
export async function textFormat(files: readonly LocalFile[], configured: LogFormat | undefined, remembered: ReadonlyMap<string, string>): Promise<LogFormat> {
  const headers = await mapLimit(files, 16, async (f) => ({ file: f, text: normalizeHeader(remembered.get(f.path) ?? (await readHeaderLine(f.path))) }));
  for (const { file, text } of headers) {
    if (!tryParseHeader(text)) throw new DataError(`${file.path} has no header line naming flow-log fields: its first line is '${excerpt(text)}'`);
  }
  if (configured) {
    const want = headerLine(configured);
    const bad = headers.find((h) => h.text !== want);
    if (bad) throw new DataError(`${bad.file.path} has header '${bad.text}' but the log format says '${want}'`);
    return configured;
  }
  const counts = new Map<string, number>();
  for (const { text } of headers) counts.set(text, (counts.get(text) ?? 0) + 1);
  const [common, count] = [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
  const bad = headers.find((h) => h.text !== common);
  if (bad) {
    throw new DataError(`${bad.file.path} has header '${bad.text}' but ${count === 1 ? 'another file has' : `${count} other files have`} '${common}'`);
  }
  return parseHeaderLine(common);
}

/** The log format of Parquet files: configured (and checked against the files) or read from their columns. */
export async function parquetFormat(connection: DuckDBConnection, paths: readonly string[], configured: LogFormat | undefined): Promise<LogFormat> {
  let names: string[];
  try {
    const reader = await connection.runAndReadAll(
      `SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(${listLiteral(paths)}, union_by_name = true, hive_partitioning = false))`,
    );
    names = reader.getRowsJS().map((r) => `${r[0] as string}`);
  } catch (error) {
    throw new DataError(`cannot read the Parquet files: ${errorLine(error)}`, { cause: error });
  }
  const fromFiles = parseLogFormat(
    names
      .map((n) => {
        if (!FIELD_BY_COLUMN.has(n)) throw new DataError(`Parquet column '${n}' is not a flow-log field`);
        return `\${${FIELD_BY_COLUMN.get(n)!.name}}`;
      })
      .join(' '),
  );
  if (!configured) return fromFiles;
  const missing = configured.fields.filter((f) => !names.includes(f.column)).map((f) => f.name);
  if (missing.length > 0) throw new DataError(`the Parquet files have no column for ${missing.join(', ')} of the log format`);
  return configured;
}

/**
 * Reads the first line of a gzip text file without inflating the rest.
 * @throws DataError when the file cannot be read, is not gzip or has no line.
 */
export async function readHeaderLine(path: string): Promise<string> {
  const start = readStart(path);
  if (start.length < 2 || start[0] !== 0x1f || start[1] !== 0x8b) throw new DataError(`${path} is not a gzip file`);
  return headerInStart(start) ?? readHeaderStreaming(path);
}

/** The first bytes of a file (a view of {@link START}, valid until the next call), read synchronously (see `fileStamp`). */
function readStart(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileSystemError(path, error);
  }
  try {
    return START.subarray(0, readSync(fd, START, 0, START.length, 0));
  } catch (error) {
    throw fileSystemError(path, error);
  } finally {
    closeSync(fd);
  }
}

/** The buffer `readStart` reads into, one for every call (they are synchronous): a first line is rarely longer. */
const START = Buffer.alloc(2048);

/** The header line inflated from a gzip file's first bytes, when they hold all of it; else undefined (read it as a stream). */
function headerInStart(start: Buffer): string | undefined {
  let text: string;
  try {
    // A partial stream inflates as far as it goes.
    text = gunzipSync(start, { finishFlush: zlibConstants.Z_SYNC_FLUSH, chunkSize: 8192 }).toString('utf8');
  } catch {
    return undefined;
  }
  const nl = text.indexOf('\n');
  return nl === -1 ? undefined : text.slice(0, nl).replace(/\r$/, '');
}

function readHeaderStreaming(path: string): Promise<string> {
  return new Promise<string>((resolvePromise, reject) => {
    const input = createReadStream(path, { highWaterMark: 16 * 1024 });
    const gunzip = createGunzip();
    let text = '';
    const done = (error?: Error, line?: string): void => {
      input.destroy();
      gunzip.destroy();
      if (error) reject(error);
      else resolvePromise(line ?? '');
    };
    gunzip.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl !== -1) done(undefined, text.slice(0, nl).replace(/\r$/, ''));
      else if (text.length > MAX_HEADER_BYTES) done(new DataError(`${path} has no header line`));
    });
    gunzip.on('end', () => (text.length > 0 ? done(undefined, text.replace(/\r?\n?$/, '')) : done(new DataError(`${path} is empty`))));
    gunzip.on('error', () => done(new DataError(`${path} is not a valid gzip file`)));
    input.on('error', (e) => done(fileSystemError(path, e)));
    input.pipe(gunzip);
  });
}
