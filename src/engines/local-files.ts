import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { PLAIN_SCAN_WASM } from './plain-scan-wasm.js';
import { mapLimit } from '../pool.js';
import { DataError } from '../errors.js';
import { headerLine, type LogFormat } from '../flowlog/format.js';
import { impossiblePartitionOf, parseObjectKey, type FileFormat, type Layout, type ParsedKey } from '../flowlog/layout.js';

/** One flow-log file found under a local location. */
export interface LocalFile {
  /** The path as found under the location (through any symbolic links), as the user knows it. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly key: ParsedKey;
  /** Set when the gzip file is gone and its Parquet copy stands in for it (see {@link StandIn}); size and time are then the gzip file's. */
  readonly standIn?: StandIn;
}

/** The flow-log files under a location, and the layout and file format they share. */
export interface LocalTree {
  /** The folder that holds `AWSLogs/` (the parent when the location given was `AWSLogs/` itself). */
  readonly location: string;
  readonly files: readonly LocalFile[];
  readonly layout: Layout;
  readonly fileFormat: FileFormat;
  /** Folders (keys relative to the location, `AWSLogs/.../2026/11/27/27/`) skipped: their date or hour is impossible, so no partition. */
  readonly skipped?: readonly string[];
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many symbolic links',
  EISDIR: 'is a folder',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** A file-system error as one line naming the path: `cannot read <path>: permission denied`. */
export function fileSystemError(path: string, error: unknown, verb = 'read'): DataError {
  if (error instanceof DataError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code && REASONS[code]) ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
  return new DataError(`cannot ${verb} ${path}: ${reason}`, { cause: error });
}

function describeLayout(layout: Layout): string {
  return `${layout.hiveCompatiblePartitions ? 'Hive-compatible' : 'plain'} ${layout.perHourPartition ? 'hourly' : 'daily'}`;
}

const identity = (info: { dev: number; ino: number }): string => `${info.dev}:${info.ino}`;

/**
 * Lists the files under `dir`, following symbolic links to folders and files (trees assembled from
 * several syncs use them). A folder already walked — a link loop, or a second link to the same
 * folder — and a file already listed are skipped, so nothing is read twice.
 */
async function walk(dir: string, out: Array<{ path: string; size: number; mtimeMs: number }>, seen: Set<string>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    throw fileSystemError(dir, error);
  });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (!entry.isDirectory() && !entry.isFile() && !entry.isSymbolicLink()) continue;
    // Synchronous, as in `fileStamp`: a folder of a busy day holds thousands of files.
    let info;
    try {
      info = statSync(path);
    } catch (error) {
      throw fileSystemError(path, error);
    }
    const id = identity(info);
    if (seen.has(id)) continue;
    seen.add(id);
    if (info.isDirectory()) await walk(path, out, seen);
    else if (info.isFile()) out.push({ path, size: info.size, mtimeMs: info.mtimeMs });
  }
}

/** The folder that holds `AWSLogs/`: the location itself, or its parent when the location is `AWSLogs/`. */
async function dataRoot(location: string): Promise<string> {
  const info = await stat(location).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DataError(`data folder ${location} does not exist`);
    throw fileSystemError(location, error);
  });
  if (!info.isDirectory()) throw new DataError(`data folder ${location} is a file, not a folder: point --data at the folder that holds AWSLogs/`);
  const inside = await stat(join(location, 'AWSLogs')).catch(() => undefined);
  if (inside?.isDirectory()) return location;
  if (basename(resolve(location)) === 'AWSLogs') return dirname(resolve(location));
  throw new DataError(`no AWSLogs/ folder in ${location}: point --data at the folder that holds AWSLogs/`);
}

/**
 * Finds the flow-log files under `location` (the folder that holds `AWSLogs/`, or `AWSLogs/` itself),
 * in AWS's key layouts, and detects their layout and file format unless given. Files of another
 * layout or format than the one asked for are left out.
 * @throws DataError when the folder is missing or unreadable, holds no flow-log files, or mixes layouts.
 */
export async function scanLocation(location: string, wanted: { layout?: Partial<Layout>; fileFormat?: FileFormat } = {}): Promise<LocalTree> {
  const base = await dataRoot(location);
  const root = join(base, 'AWSLogs');
  const listed: Array<{ path: string; size: number; mtimeMs: number }> = [];
  await walk(root, listed, new Set([identity(await stat(root))]));
  const found: LocalFile[] = [];
  const skipped = new Set<string>();
  const paths = new Set(listed.map((f) => f.path));
  for (const entry of listed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const file = entry.path.endsWith(STAND_IN) ? standInFile(entry.path, paths) : entry;
    if (file === undefined) continue;
    const relativeKey = relative(base, file.path).split(sep).join('/');
    const key = parseObjectKey(relativeKey);
    if (!key) {
      const impossible = impossiblePartitionOf(relativeKey);
      if (impossible !== undefined) skipped.add(impossible);
      continue;
    }
    const { layout } = key;
    if (wanted.layout?.hiveCompatiblePartitions !== undefined && wanted.layout.hiveCompatiblePartitions !== layout.hiveCompatiblePartitions) continue;
    if (wanted.layout?.perHourPartition !== undefined && wanted.layout.perHourPartition !== layout.perHourPartition) continue;
    if (wanted.fileFormat !== undefined && wanted.fileFormat !== key.fileFormat) continue;
    found.push({ ...file, key });
  }
  if (found.length === 0) throw new DataError(`no flow-log files in AWS's layout under ${root}`);
  const first = found[0].key;
  for (const file of found) {
    const { layout } = file.key;
    if (layout.hiveCompatiblePartitions !== first.layout.hiveCompatiblePartitions || layout.perHourPartition !== first.layout.perHourPartition) {
      throw new DataError(`${root} mixes ${describeLayout(first.layout)} and ${describeLayout(layout)} layouts; choose one with --hive/--per-hour`);
    }
    if (file.key.fileFormat !== first.fileFormat) {
      throw new DataError(`${root} mixes plain-text and parquet files; choose one with --file-format`);
    }
  }
  return { location: base, files: found, layout: first.layout, fileFormat: first.fileFormat, ...(skipped.size > 0 ? { skipped: [...skipped] } : {}) };
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
      else if (text.length > 65_536) done(new DataError(`${path} has no header line`));
    });
    gunzip.on('end', () => (text.length > 0 ? done(undefined, text.replace(/\r?\n?$/, '')) : done(new DataError(`${path} is empty`))));
    gunzip.on('error', () => done(new DataError(`${path} is not a valid gzip file`)));
    input.on('error', (e) => done(fileSystemError(path, e)));
    input.pipe(gunzip);
  });
}

/** What the cache remembers of a verified file; a file that differs in any of these is checked again. */
export interface Stamp {
  readonly size: number;
  readonly mtimeMs: number;
  /** SHA-256 of the first and last {@link EDGE} bytes: the last ones hold the gzip CRC and length. */
  readonly fingerprint: string;
  /**
   * The file's inode and status-change time when it was stamped. The kernel moves the status-change
   * time on every write, rename into place or `touch`, and no user can set it back, so a file whose
   * inode, size and both times are those remembered is the file whose ends were read: its stamp is
   * taken from the cache without reading it again (a busy day is thousands of files).
   */
  readonly ino?: number;
  readonly ctimeMs?: number;
  /** The file's first line, as it was when verified: the engine reads the format from it without opening the file. */
  readonly header?: string;
  /** The header of the log format for which every record was found plain (see {@link PlainRecordScanner}). */
  readonly plainFor?: string;
}

const EDGE = 4096;
/** The buffer `fileStamp` reads both edges into: its reads are synchronous, so one serves every call. */
const EDGES = Buffer.alloc(2 * EDGE);

const optional = (value: unknown, type: 'number' | 'string'): boolean =>
  value === undefined || (type === 'number' ? Number.isFinite(value) : typeof value === type);

function isStamp(value: unknown): value is Stamp {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    Number.isFinite(v.size) &&
    Number.isFinite(v.mtimeMs) &&
    typeof v.fingerprint === 'string' &&
    /^[0-9a-f]{64}$/.test(v.fingerprint) &&
    optional(v.ino, 'number') &&
    optional(v.ctimeMs, 'number') &&
    optional(v.header, 'string') &&
    optional(v.plainFor, 'string')
  );
}

/** The verified cache: its file's entries, read once (see {@link openVerifiedCache}), and the file they are written back to. */
export interface VerifiedCache {
  readonly path: string;
  readonly entries: Map<string, Stamp>;
}

/**
 * Reads the cache file once, for an engine's runs to share: an entry read before still proves a file
 * verified only if the file's stamp now matches it. A file that is missing, unreadable, not a JSON
 * object, or holds bad entries yields only the good ones.
 */
export async function openVerifiedCache(path: string): Promise<VerifiedCache> {
  const entries = new Map<string, Stamp>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return { path, entries };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { path, entries };
  for (const [file, value] of Object.entries(parsed as Record<string, unknown>)) if (isStamp(value)) entries.set(file, value);
  return { path, entries };
}

/**
 * What is left of a gzip file once its Parquet copy is the only form a cache keeps (the S3 mirror, see
 * `LocalEngineOptions.onlyCopies`): written beside where the file was, as `<file>` + {@link STAND_IN}.
 */
export interface StandIn {
  /** The gzip file's stamp when it was verified and copied: its size, times, fingerprint, header and `plainFor`. */
  readonly stamp: Stamp;
  /** The absolute path of the Parquet copy. */
  readonly copy: string;
}

export const STAND_IN = '.copied.json';

/** The stand-in of the gzip file at `path`, or undefined when there is none (or it is damaged: then the file is fetched again). */
export function readStandIn(path: string): StandIn | undefined {
  try {
    const parsed = JSON.parse(readFileSync(`${path}${STAND_IN}`, 'utf8')) as Partial<StandIn> | null;
    return parsed !== null && typeof parsed === 'object' && isStamp(parsed.stamp) && typeof parsed.copy === 'string' ? (parsed as StandIn) : undefined;
  } catch {
    return undefined;
  }
}

/** Puts a stand-in in place whole (a temporary file renamed), then removes the gzip file it stands in for. */
export async function replaceByStandIn(path: string, standIn: StandIn): Promise<void> {
  const temp = `${path}${STAND_IN}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, JSON.stringify(standIn));
    await rename(temp, `${path}${STAND_IN}`);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await unlink(path);
}

/** The gzip file a stand-in found by the scan stands for, unless that file is still there (the scan lists it) or the stand-in is damaged. */
function standInFile(standInPath: string, listed: ReadonlySet<string>): { path: string; size: number; mtimeMs: number; standIn: StandIn } | undefined {
  const path = standInPath.slice(0, -STAND_IN.length);
  const standIn = listed.has(path) ? undefined : readStandIn(path);
  return standIn && { path, size: standIn.stamp.size, mtimeMs: standIn.stamp.mtimeMs, standIn };
}

/** A short hash of a stamp: it changes when the file does. */
export function stampVersion(stamp: Stamp): string {
  return createHash('sha256').update(`${stamp.size} ${stamp.mtimeMs} ${stamp.fingerprint}`).digest('hex').slice(0, 16);
}

/** Whether the file's inode, size and times are still those `remembered` records (see {@link Stamp.ino}): then it is the file stamped. */
function unchangedSince(file: LocalFile, remembered: Stamp | undefined): remembered is Stamp {
  if (remembered?.ino === undefined) return false;
  let info;
  try {
    info = statSync(file.path);
  } catch (error) {
    throw fileSystemError(file.path, error);
  }
  return info.ino === remembered.ino && info.ctimeMs === remembered.ctimeMs && info.size === remembered.size && info.mtimeMs === remembered.mtimeMs;
}

/**
 * The file's stamp as it is now: `remembered` (the cache's entry) when the file is unchanged since
 * (see {@link unchangedSince}), else its size, times and fingerprint read now (no `plainFor`).
 */
export function fileStamp(file: LocalFile, remembered?: Stamp): Stamp {
  // Synchronous calls: a stamp is a stat and at most two small reads, and a day of AWS's files is
  // thousands of them, for which the thread pool's round trips would cost more than the calls.
  if (unchangedSince(file, remembered)) return remembered;
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch (error) {
    throw fileSystemError(file.path, error);
  }
  try {
    const info = fstatSync(fd);
    const length = Math.min(EDGE, info.size);
    const [head, tail] = [EDGES.subarray(0, length), EDGES.subarray(EDGE, EDGE + length)];
    readSync(fd, head, 0, length, 0);
    readSync(fd, tail, 0, length, info.size - length);
    const fingerprint = createHash('sha256').update(head).update(tail).digest('hex');
    return { size: info.size, mtimeMs: info.mtimeMs, fingerprint, ino: info.ino, ctimeMs: info.ctimeMs };
  } catch (error) {
    throw fileSystemError(file.path, error);
  } finally {
    closeSync(fd);
  }
}

/** Whether a cache entry is of the file stamped `b`. An entry without the file's first line was written by an earlier flowq: the file is checked once more. */
const sameStamp = (a: Stamp | undefined, b: Stamp): a is Stamp =>
  a?.header !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.fingerprint === b.fingerprint;

/**
 * Writes the cache without the files that no longer exist, through a temporary file and a rename so
 * that a reader never sees half of it; the temporary file is removed when the rename fails. A cache
 * that cannot be written is only a lost shortcut, so failures are swallowed.
 */
export async function writeVerifiedCache(cachePath: string, entries: ReadonlyMap<string, Stamp>): Promise<void> {
  const kept: Record<string, Stamp> = {};
  const paths = [...entries.keys()];
  const exists = await mapLimit(paths, 16, (p) =>
    stat(p).then(
      (s) => s.isFile(),
      () => false,
    ),
  );
  paths.forEach((p, i) => {
    if (exists[i]) kept[p] = entries.get(p)!;
  });
  const temp = `${cachePath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(cachePath), { recursive: true });
    await writeFile(temp, JSON.stringify(kept));
    await rename(temp, cachePath);
  } catch {
    await unlink(temp).catch(() => undefined);
  }
}

interface PlainScanExports {
  readonly memory: WebAssembly.Memory;
  readonly scan: (start: number, end: number, lastField: number) => number;
  readonly field: WebAssembly.Global;
  readonly fieldStart: WebAssembly.Global;
  readonly nondigit: WebAssembly.Global;
  readonly previous: WebAssembly.Global;
}

/** Where the WebAssembly loop finds the chunk, and the most it takes at once. */
const CHUNK_AT = 65_536;
const CHUNK_MAX = 1 << 20;
let plainScan: PlainScanExports | undefined;

/** The loop of `plain-scan.wat`, made once per process; scanners take turns, each setting the state it left. */
function plainScanLoop(): PlainScanExports {
  plainScan ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(PLAIN_SCAN_WASM, 'base64'))).exports as unknown as PlainScanExports;
  return plainScan;
}

/**
 * Decides, while a text file streams past, whether every record is plain: exactly one field per
 * format field, none empty, no `\\` (so no `\\N`) or carriage return, and every numeric field
 * either `-` or at most 9 (int) or 18 (bigint) ASCII digits. AWS writes nothing else. For such a
 * file DuckDB's typed read gives exactly what Athena's text reader gives, once `-` is put back in
 * string columns; any other file is read the exact (slower) way. The byte loop runs in WebAssembly
 * (`plain-scan.wat`); this class holds the state between chunks.
 */
export class PlainRecordScanner {
  /** Per field: 0 for a string, else the most digits a plain value may have. */
  private readonly limits: Uint8Array;
  private inHeader = true;
  private plain = true;
  private field = 0;
  /** Bytes of the current field seen in earlier chunks. */
  private carried = 0;
  private nondigit = 0;
  private previous = 0;

  constructor(limits: readonly number[]) {
    if (limits.length === 0 || limits.length > 256) throw new RangeError(`a record has 1 to 256 fields, not ${limits.length}`);
    this.limits = Uint8Array.from(limits);
  }

  /** The scanner for a log format's fields. */
  static forFormat(format: LogFormat): PlainRecordScanner {
    return new PlainRecordScanner(format.fields.map((f) => (f.athenaType === 'string' ? 0 : f.athenaType === 'int' ? 9 : 18)));
  }

  push(chunk: Buffer): void {
    if (!this.plain) return;
    let start = 0;
    if (this.inHeader) {
      const nl = chunk.indexOf(10);
      if (nl === -1) return;
      this.inHeader = false;
      start = nl + 1;
    }
    // Backslashes and carriage returns are rare enough to look for natively, outside the loop.
    if (chunk.indexOf(92, start) !== -1 || chunk.indexOf(13, start) !== -1) {
      this.plain = false;
      return;
    }
    for (let at = start; at < chunk.length && this.plain; at += CHUNK_MAX) this.scan(chunk.subarray(at, at + CHUNK_MAX));
  }

  private scan(part: Buffer): void {
    const loop = plainScanLoop();
    new Uint8Array(loop.memory.buffer, 0, this.limits.length).set(this.limits);
    new Uint8Array(loop.memory.buffer, CHUNK_AT, part.length).set(part);
    loop.field.value = this.field;
    loop.fieldStart.value = -this.carried;
    loop.nondigit.value = this.nondigit;
    loop.previous.value = this.previous;
    if (loop.scan(0, part.length, this.limits.length - 1) === 0) {
      this.plain = false;
      return;
    }
    this.field = loop.field.value as number;
    this.carried = part.length - (loop.fieldStart.value as number);
    this.nondigit = loop.nondigit.value as number;
    this.previous = loop.previous.value as number;
  }

  /** Whether the whole file was plain: it must also end at the end of a line. */
  end(): boolean {
    return this.plain && !this.inHeader && this.field === 0 && this.carried === 0;
  }
}

/** The longest first line kept from a file's text: a header naming every flow-log field is far shorter. */
const MAX_HEADER_BYTES = 65_536;

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

/** A sink for inflated text that shows each chunk to the first-line catcher and the scanner, then drops it or writes it to `textTo`. */
function textSink(firstLine: FirstLine, scanner: PlainRecordScanner | undefined, textTo: string | undefined): Writable[] {
  const scan = (chunk: Buffer, next: (error?: Error | null, chunk?: Buffer) => void): void => {
    firstLine.push(chunk);
    scanner?.push(chunk);
    next(null, chunk);
  };
  if (textTo === undefined) return [new Writable({ write: (chunk: Buffer, _encoding, next) => scan(chunk, () => next()) })];
  return [new Transform({ transform: (chunk: Buffer, _encoding, next) => scan(chunk, next) }), createWriteStream(textTo)];
}

/**
 * Inflates a whole gzip file of `size` bytes, writing its text to `textTo` if given. zlib stops
 * quietly at zero bytes after the last gzip member, which DuckDB then fails on without naming the
 * file: every byte must belong to a member.
 * @returns the text's first line (see {@link FirstLine}).
 */
async function inflateFully(path: string, size: number, signal?: AbortSignal, scanner?: PlainRecordScanner, textTo?: string): Promise<string | undefined> {
  // Large chunks: with zlib's 16 kB default the round trips to the thread pool cost more than inflating.
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  const firstLine = new FirstLine();
  await pipeline([createReadStream(path, { highWaterMark: 1 << 20 }), gunzip, ...textSink(firstLine, scanner, textTo)], { signal }).catch((error: Error) => {
    if (signal?.aborted) throw error;
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_') || error.message.includes('unexpected end')) {
      throw new DataError(`${path} is a corrupt gzip file (${error.message})`);
    }
    throw fileSystemError(path, error);
  });
  if (gunzip.bytesWritten < size) {
    throw new DataError(`${path} is a corrupt gzip file (${size - gunzip.bytesWritten} bytes of trailing garbage after its gzip data)`);
  }
  return firstLine.text();
}

/** What the cache knows of some files, for a log format. */
export interface KnownFiles {
  /** The paths of the files verified and found plain for the format. */
  readonly plain: Set<string>;
  /** The paths of the files verified, plain or not. */
  readonly verified: Set<string>;
  /** Per path, the file's stamp when it was looked up (see {@link stampVersion}): a verified file's is its cache entry. */
  readonly stamps: Map<string, Stamp>;
  /** Whether the cache's entries changed: stamps refreshed (the same file, moved or touched) or files verified since the cache file was written. */
  changed: boolean;
}

/**
 * What the cache knows of some files: their stamps now, and which are verified, and which of those
 * are plain for the log format whose header is `header`; nothing is inflated.
 */
function lookUp(files: readonly LocalFile[], { entries }: VerifiedCache, header: string | undefined): KnownFiles {
  const known: KnownFiles = { plain: new Set(), verified: new Set(), stamps: new Map(), changed: false };
  for (const file of files) {
    const entry = file.standIn?.stamp ?? entries.get(file.path);
    // A stand-in's file was verified before it was copied, and is gone.
    const stamp = file.standIn?.stamp ?? fileStamp(file, entry);
    known.stamps.set(file.path, stamp);
    if (!sameStamp(entry, stamp)) continue;
    if (stamp !== entry) {
      // The same file, moved or touched: remembered by its inode and status-change time from now on.
      const refreshed = { ...entry, ino: stamp.ino, ctimeMs: stamp.ctimeMs };
      entries.set(file.path, refreshed);
      known.stamps.set(file.path, refreshed);
      known.changed = true;
    }
    known.verified.add(file.path);
    if (header !== undefined && entry.plainFor === header) known.plain.add(file.path);
  }
  return known;
}

/** The first lines the cache remembers of those files it verified that are unchanged since, and those of files a stand-in stands for: no file is opened. */
export function rememberedHeaders(files: readonly LocalFile[], { entries }: VerifiedCache): Map<string, string> {
  const headers = new Map<string, string>();
  for (const file of files) {
    const entry = file.standIn?.stamp ?? entries.get(file.path);
    if (entry?.header !== undefined && (file.standIn !== undefined || unchangedSince(file, entry))) headers.set(file.path, entry.header);
  }
  return headers;
}

/** What the cache knows of these files now: which are verified, and which of those are plain for this log format; nothing is inflated. */
export function knownFiles(files: readonly LocalFile[], cache: VerifiedCache, logFormat: LogFormat): KnownFiles {
  return lookUp(files, cache, headerLine(logFormat));
}

/** Options of {@link verifyGzipFiles}. */
export interface VerifyOptions {
  readonly signal?: AbortSignal;
  /** The files' log format: when given, each file read is also scanned for plain records. */
  readonly logFormat?: LogFormat;
  /** What the cache knew of the files just before, for the same log format (see {@link knownFiles}): their stamps are not taken again, and this is updated. */
  readonly known?: KnownFiles;
  /** Where to write a file's inflated text while it is checked (undefined: nowhere); removed after `onVerified`. */
  readonly textTo?: (file: LocalFile) => string | undefined;
  /**
   * Called once a file checked here proves whole, with whether it is plain and the path of its text
   * (see `textTo`); the worker that checked it waits for it before it takes the next file.
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
  try {
    await mapLimit(todo, availableParallelism(), async (file) => {
      const stamp = known.stamps.get(file.path)!;
      const scanner = options.logFormat && PlainRecordScanner.forFormat(options.logFormat);
      const text = options.textTo?.(file);
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
        if (text !== undefined) await rm(text, { force: true });
      }
    });
  } finally {
    options.signal?.removeEventListener('abort', abort);
    // Keep what was verified even when a file failed.
    await writeVerifiedCache(cache.path, cache.entries);
    known.changed = false;
  }
  return known;
}
