import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { mapLimit } from '../../pool.js';
import { headerLine, type LogFormat } from '../../flowlog/format.js';
import { fileSystemError } from './file-system-error.js';
import type { LocalFile } from './scan.js';
import { writeWhole } from '../../files.js';

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

export function isStamp(value: unknown): value is Stamp {
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
  try {
    await mkdir(dirname(cachePath), { recursive: true });
    await writeWhole(cachePath, JSON.stringify(kept));
  } catch {
    // The cache only saves work: a run that cannot keep it still answers.
  }
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
export function lookUp(files: readonly LocalFile[], { entries }: VerifiedCache, header: string | undefined): KnownFiles {
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
