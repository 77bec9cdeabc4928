import { createReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DataError } from '../../errors.js';
import { headerLine, parseLogFormat, type LogFormat } from '../../flowlog/format.js';
import { mapLimit } from '../../pool.js';
import { fileSystemError } from './file-system-error.js';
import { PlainColumns } from './plain-columns.js';
import { PlainRecordScanner } from './plain-scan.js';
import type { LocalFile } from './scan.js';
import { lookUp, writeVerifiedCache, type KnownFiles, type VerifiedCache } from './verified-cache.js';

/** The longest first line kept from a file's text: a header naming every flow-log field is far shorter. */
export const MAX_HEADER_BYTES = 65_536;

/** Collects a text's first line as its chunks stream past. */
class FirstLine {
  private readonly parts: Buffer[] = [];
  private length = 0;
  private done = false;

  push(chunk: Buffer): void {
    if (this.done) return;
    const nl = chunk.indexOf(10);
    const part = nl === -1 ? chunk.subarray(0, MAX_HEADER_BYTES - this.length) : chunk.subarray(0, nl);
    this.parts.push(Buffer.from(part));
    this.length += part.length;
    this.done = nl !== -1 || this.length >= MAX_HEADER_BYTES;
  }

  /** The line without its line break, once the text has ended (as `readHeaderLine` reads it); undefined for an empty text or a line too long to keep. */
  text(): string | undefined {
    if (this.length === 0 || this.length >= MAX_HEADER_BYTES) return undefined;
    return Buffer.concat(this.parts).toString('utf8').replace(/\r$/, '');
  }
}

/** Something that reads a text as it streams past: the chunks, in order, are the whole text. */
interface TextReader {
  push(chunk: Buffer): void;
}

/**
 * Inflates a whole gzip file of `size` bytes, showing each chunk of its text to `readers`. zlib stops
 * quietly at zero bytes after the last gzip member, which DuckDB then fails on without naming the
 * file: every byte must belong to a member.
 * @throws DataError when the file is not whole gzip data; the file-system error when it cannot be read.
 */
async function inflateFully(path: string, size: number, signal: AbortSignal | undefined, readers: readonly TextReader[]): Promise<void> {
  // Large chunks: with zlib's 16 kB default the round trips to the thread pool cost more than inflating.
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, next) => {
      for (const reader of readers) reader.push(chunk);
      next();
    },
  });
  await pipeline([createReadStream(path, { highWaterMark: 1 << 20 }), gunzip, sink], { signal }).catch((error: Error) => {
    if (signal?.aborted) throw error;
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_') || error.message.includes('unexpected end')) {
      throw new DataError(`${path} is a corrupt gzip file (${error.message})`);
    }
    throw fileSystemError(path, error);
  });
  if (gunzip.bytesWritten < size) {
    throw new DataError(`${path} is a corrupt gzip file (${size - gunzip.bytesWritten} bytes of trailing garbage after its gzip data)`);
  }
}

/** One file to check: its path and size, the log format to scan it for plain records by, and where to write its Parquet copy should it prove plain. */
export interface CheckJob {
  readonly path: string;
  readonly size: number;
  /** The format's text (see `LogFormat.text`): a job may be sent to a worker thread. */
  readonly format?: string;
  readonly copyTo?: string;
}

/** What checking a file found: its first line, whether it is plain, whether its copy was written. */
export interface FileCheck {
  readonly header?: string;
  readonly plain: boolean;
  readonly copied: boolean;
}

/** Builders of copies not in use in this thread, by format (see {@link PlainColumns}): each is reused from file to file. */
const idleColumns = new Map<string, PlainColumns[]>();

function idleColumnsFor(format: string): PlainColumns[] {
  let idle = idleColumns.get(format);
  if (idle === undefined) idleColumns.set(format, (idle = []));
  return idle;
}

/**
 * Checks one gzip file in this thread: it inflates whole, its first line, whether it is plain, and
 * for `job.copyTo` its Parquet copy, written by {@link PlainColumns} from the text as it streams past
 * if the file proves plain. A file read for its copy is plain when that writer takes its text: the
 * rare plain file it leaves (a byte above 127, a bigint of 16 to 18 digits, a line over 1 MiB) counts
 * as not plain, so DuckDB copies it the exact way, which gives the same values more slowly.
 * @throws DataError when the file is not whole gzip data or cannot be read.
 */
export async function checkFile(job: CheckJob, signal?: AbortSignal): Promise<FileCheck> {
  const format = job.format === undefined ? undefined : parseLogFormat(job.format);
  const firstLine = new FirstLine();
  const idle = format && job.copyTo !== undefined ? idleColumnsFor(format.text) : undefined;
  const columns = idle === undefined ? undefined : (idle.pop()?.reset() ?? new PlainColumns(format!));
  // The text the copy's writer takes is plain (it takes no other), so the scanner need not read it too.
  const scanner = format && columns === undefined ? PlainRecordScanner.forFormat(format) : undefined;
  try {
    await inflateFully(job.path, job.size, signal, [firstLine, ...(scanner ? [scanner] : []), ...(columns ? [columns] : [])]);
    const copy = columns?.end();
    const plain = columns === undefined ? scanner?.end() === true : copy !== undefined;
    // A copy that cannot be written is only a lost shortcut.
    const copied = copy !== undefined && (await writeCopy(job.copyTo!, copy));
    const header = firstLine.text();
    return { ...(header === undefined ? {} : { header }), plain, copied };
  } finally {
    if (columns !== undefined) idle!.push(columns);
  }
}

/** Writes a copy (to its temporary name, renamed by the caller) in its folder, made if need be; one that cannot be written is removed. */
async function writeCopy(path: string, parts: readonly Uint8Array[]): Promise<boolean> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, parts);
    return true;
  } catch {
    await rm(path, { force: true });
    return false;
  }
}

/** What checks files, and how many at once. */
export interface Checker {
  readonly check: (job: CheckJob, signal: AbortSignal) => Promise<FileCheck>;
  readonly concurrency: number;
}

/** {@link checkFile} in this thread, one file per core at once. */
export const inThisThread = (): Checker => ({ check: checkFile, concurrency: availableParallelism() });

/** Options of {@link verifyGzipFiles}. */
export interface VerifyOptions {
  readonly signal?: AbortSignal;
  /** The files' log format: when given, each file read is also scanned for plain records. */
  readonly logFormat?: LogFormat;
  /** What the cache knew of the files just before, for the same log format (see {@link knownFiles}): their stamps are not taken again, and this is updated. */
  readonly known?: KnownFiles;
  /** Where to write a file's Parquet copy should it prove plain (see {@link checkFile}; undefined: no copy of it). */
  readonly copyTo?: (file: LocalFile) => string | undefined;
  /** What checks a file, and how many at once: {@link checkFile} in this thread, one per core, unless given (worker threads, say). */
  readonly checker?: Checker;
  /**
   * Called once a file checked here proves whole, with whether it is plain and whether its copy was
   * written (see `copyTo`); the check of the next file waits for it.
   */
  readonly onVerified?: (file: LocalFile, plain: boolean, copied: boolean) => Promise<void>;
}

/**
 * Checks that each gzip file inflates completely with a matching CRC and length. DuckDB does not:
 * it reads a truncated or damaged file up to where it breaks and returns partial answers without a
 * word. A file is checked once per size, modification time and fingerprint of its ends; the result
 * (with the file's first line) is kept in the verified cache, whose file is validated when read and
 * pruned of missing files when written.
 * @returns what the cache now knows of the files: all verified, and which are plain for `options.logFormat`.
 * @throws DataError naming the first corrupt or unreadable file.
 */
export async function verifyGzipFiles(files: readonly LocalFile[], cache: VerifiedCache, options: VerifyOptions = {}): Promise<KnownFiles> {
  const formatHeader = options.logFormat && headerLine(options.logFormat);
  const known = options.known ?? lookUp(files, cache, formatHeader);
  const todo = files.filter((file) => !known.verified.has(file.path));
  if (todo.length === 0 && !known.changed) return known;
  // The first corrupt file stops the checks in flight too, so that it is reported at once.
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener('abort', abort);
  const checker = options.checker ?? inThisThread();
  try {
    await mapLimit(todo, checker.concurrency, async (file) => {
      const stamp = known.stamps.get(file.path)!;
      const copyTo = options.copyTo?.(file);
      const job = { path: file.path, size: stamp.size, ...(options.logFormat ? { format: options.logFormat.text } : {}), ...(copyTo ? { copyTo } : {}) };
      const { header, plain, copied } = await checker.check(job, stop.signal).catch((error: unknown) => {
        stop.abort();
        throw error;
      });
      const entry = { ...stamp, ...(header === undefined ? {} : { header }), ...(plain ? { plainFor: formatHeader } : {}) };
      cache.entries.set(file.path, entry);
      known.stamps.set(file.path, entry);
      known.verified.add(file.path);
      if (plain) known.plain.add(file.path);
      known.changed = true;
      await options.onVerified?.(file, plain, copied);
    });
  } finally {
    options.signal?.removeEventListener('abort', abort);
    // Keep what was verified even when a file failed.
    await writeVerifiedCache(cache.path, cache.entries);
    known.changed = false;
  }
  return known;
}
