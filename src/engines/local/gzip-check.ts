import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DataError } from '../../errors.js';
import { headerLine, type LogFormat } from '../../flowlog/format.js';
import { mapLimit } from '../../pool.js';
import { fileSystemError } from './file-system-error.js';
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

/** A sink for inflated text that shows each chunk to the first-line catcher and the scanner, then drops it or passes it on to `text`. */
function textSink(firstLine: FirstLine, scanner: PlainRecordScanner | undefined, text: Writable | undefined): Writable[] {
  const scan = (chunk: Buffer, next: (error?: Error | null, chunk?: Buffer) => void): void => {
    firstLine.push(chunk);
    scanner?.push(chunk);
    next(null, chunk);
  };
  if (text === undefined) return [new Writable({ write: (chunk: Buffer, _encoding, next) => scan(chunk, () => next()) })];
  return [new Transform({ transform: (chunk: Buffer, _encoding, next) => scan(chunk, next) }), text];
}

/**
 * Inflates a whole gzip file of `size` bytes, writing its text over the start of the file `textTo` if
 * given (a file rewritten in place costs the system far less than a new one, whose pages must be
 * found first, so one is reused from file to file). zlib stops quietly at zero bytes after the last
 * gzip member, which DuckDB then fails on without naming the file: every byte must belong to a member.
 * @returns the text's first line (see {@link FirstLine}).
 */
async function inflateFully(path: string, size: number, signal?: AbortSignal, scanner?: PlainRecordScanner, textTo?: string): Promise<string | undefined> {
  // Large chunks: with zlib's 16 kB default the round trips to the thread pool cost more than inflating.
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  const firstLine = new FirstLine();
  const text = textTo === undefined ? undefined : createWriteStream(textTo, { flags: 'r+', start: 0 });
  await pipeline([createReadStream(path, { highWaterMark: 1 << 20 }), gunzip, ...textSink(firstLine, scanner, text)], { signal }).catch((error: Error) => {
    if (signal?.aborted) throw error;
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_') || error.message.includes('unexpected end')) {
      throw new DataError(`${path} is a corrupt gzip file (${error.message})`);
    }
    throw fileSystemError(path, error);
  });
  if (gunzip.bytesWritten < size) {
    throw new DataError(`${path} is a corrupt gzip file (${size - gunzip.bytesWritten} bytes of trailing garbage after its gzip data)`);
  }
  // The text that was there before may have been longer.
  if (text !== undefined) await truncate(textTo!, text.bytesWritten);
  return firstLine.text();
}

/** Options of {@link verifyGzipFiles}. */
export interface VerifyOptions {
  readonly signal?: AbortSignal;
  /** The files' log format: when given, each file read is also scanned for plain records. */
  readonly logFormat?: LogFormat;
  /** What the cache knew of the files just before, for the same log format (see {@link knownFiles}): their stamps are not taken again, and this is updated. */
  readonly known?: KnownFiles;
  /** Which files' inflated text to keep while they are checked, and the folder to write it in (undefined: none). */
  readonly text?: { readonly folder: string; readonly wanted: (file: LocalFile) => boolean };
  /**
   * Called once a file checked here proves whole, with whether it is plain and the path of its text
   * (see `text`), which holds it until this resolves; the worker that checked the file waits for it
   * before it takes the next one.
   */
  readonly onVerified?: (file: LocalFile, plain: boolean, text: string | undefined) => Promise<void>;
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
  const header = options.logFormat && headerLine(options.logFormat);
  const known = options.known ?? lookUp(files, cache, header);
  const todo = files.filter((file) => !known.verified.has(file.path));
  if (todo.length === 0 && !known.changed) return known;
  // The first corrupt file stops the checks in flight too, so that it is reported at once.
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.signal?.addEventListener('abort', abort);
  // Text files, each taken by one worker at a time and rewritten for its next file.
  const idleTexts: string[] = [];
  const texts: string[] = [];
  const takeText = async (): Promise<string> => {
    const idle = idleTexts.pop();
    if (idle !== undefined) return idle;
    const path = join(options.text!.folder, `text-${randomBytes(8).toString('hex')}`);
    texts.push(path);
    await writeFile(path, '');
    return path;
  };
  // A file's text waits for its `onVerified` (a copy, say): one worker more checks the next file meanwhile.
  const workers = availableParallelism() + (options.text === undefined ? 0 : 1);
  try {
    await mapLimit(todo, workers, async (file) => {
      const stamp = known.stamps.get(file.path)!;
      const scanner = options.logFormat && PlainRecordScanner.forFormat(options.logFormat);
      const text = options.text?.wanted(file) ? await takeText() : undefined;
      try {
        const firstLine = await inflateFully(file.path, stamp.size, stop.signal, scanner, text).catch((error: unknown) => {
          stop.abort();
          throw error;
        });
        const plain = scanner?.end() === true;
        const entry = { ...stamp, ...(firstLine === undefined ? {} : { header: firstLine }), ...(plain ? { plainFor: header } : {}) };
        cache.entries.set(file.path, entry);
        known.stamps.set(file.path, entry);
        known.verified.add(file.path);
        if (plain) known.plain.add(file.path);
        known.changed = true;
        await options.onVerified?.(file, plain, text);
      } finally {
        if (text !== undefined) idleTexts.push(text);
      }
    });
  } finally {
    options.signal?.removeEventListener('abort', abort);
    await Promise.all(texts.map((path) => rm(path, { force: true })));
    // Keep what was verified even when a file failed.
    await writeVerifiedCache(cache.path, cache.entries);
    known.changed = false;
  }
  return known;
}
