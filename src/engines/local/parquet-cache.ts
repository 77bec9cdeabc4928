import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, stat, symlink, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { DataError } from '../../errors.js';
import { duckdb } from '../duckdb.js';
import type { Source } from '../../flowlog/source.js';
import { mapLimit } from '../../pool.js';
import { sqlStringLiteral } from '../../sql.js';
import type { RunOptions } from '../engine.js';
import { fileSystemError } from './file-system-error.js';
import { CheckWorkers } from './check-workers.js';
import { inThisThread, verifyGzipFiles } from './gzip-check.js';
import type { LocalFile } from './scan.js';
import { readStandIn, replaceByStandIn, STAND_IN, type StandIn } from './stand-in.js';
import { fileStamp, knownFiles, stampVersion, type Stamp, type VerifiedCache } from './verified-cache.js';
import { textRecordsSql } from './view.js';
import { linkedPath, processExists, type DataLink } from './work-folder.js';

/** How the Parquet cache's copies are written: zstd's fastest level, as small as its default here and cheaper to write. */
const PARQUET_COPY = 'COMPRESSION zstd, COMPRESSION_LEVEL 1';

/** The version of flowq's own writer of copies (see {@link PlainColumns}), in the recipe: a change to it makes new copies. */
const PARQUET_WRITER = 'plain-columns 1';

/**
 * How long a superseded copy in the Parquet cache is kept: a run that chose it before the newer copy
 * was made may still be reading it (another process, a query up to its deadline, 30 minutes by
 * default). Copies are never changed once written, only removed this long after they were superseded.
 */
export const SUPERSEDED_COPY_GRACE_MS = 24 * 3600 * 1000;

/**
 * Sweeps a folder of the Parquet cache: each copy superseded (by a newer copy of the same file) more
 * than {@link SUPERSEDED_COPY_GRACE_MS} ago, and temporary files that a process which has since ended
 * left there. `source` limits the sweep to one file's copies.
 */
async function removeStaleCopies(folder: string, now: number, source?: string): Promise<void> {
  const copies = new Map<string, Array<{ entry: string; mtimeMs: number }>>();
  for (const entry of await readdir(folder).catch(() => [] as string[])) {
    if (source !== undefined && !entry.startsWith(`${source}.`)) continue;
    const temp = /\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(entry);
    if (temp !== null && !processExists(Number(temp[1]))) await unlink(join(folder, entry)).catch(() => undefined);
    const copy = /^(.+)\.[0-9a-f]{16}-[0-9a-f]{8}\.parquet$/.exec(entry);
    if (copy === null) continue;
    const info = await stat(join(folder, entry)).catch(() => undefined);
    if (info !== undefined) copies.set(copy[1], [...(copies.get(copy[1]) ?? []), { entry, mtimeMs: info.mtimeMs }]);
  }
  for (const versions of copies.values()) {
    versions.sort((a, b) => a.mtimeMs - b.mtimeMs);
    // A copy was superseded when the next one was written.
    for (let i = 0; i + 1 < versions.length; i++) {
      if (now - versions[i + 1].mtimeMs > SUPERSEDED_COPY_GRACE_MS) await unlink(join(folder, versions[i].entry)).catch(() => undefined);
    }
  }
}

/** The file, with its stand-in if it has one now: the stand-in is put in place before the gzip file is removed. */
function withStandIn(file: LocalFile): LocalFile {
  const standIn = file.standIn ?? readStandIn(file.path);
  return standIn === undefined ? file : { ...file, standIn };
}

/** Whether some of the files are kept only as their Parquet copies, so have no gzip text to fall back on. */
export const hasStandIn = (files: readonly LocalFile[]): boolean => files.some((f) => f.standIn !== undefined);

/**
 * The DuckDB that makes the copies flowq's own writer does not (see {@link PlainColumns}), `size` at
 * once, opened on first use, each of its connections lent to one copy at a time. It runs one thread
 * per copy: a copy is one small file's read and write, which DuckDB's threads share poorly; with two
 * threads each, two copies at once took about a third more CPU.
 */
function copier(workDir: string, size: number) {
  let instance: Promise<DuckDBInstance> | undefined;
  const all: DuckDBConnection[] = [];
  const idle: DuckDBConnection[] = [];
  const waiting: Array<(connection: DuckDBConnection) => void> = [];
  const open = async (): Promise<void> => {
    if (instance !== undefined) return void (await instance);
    instance = duckdb.DuckDBInstance.create(':memory:', { threads: '1', temp_directory: join(workDir, 'tmp') });
    const connections = await Promise.all(Array.from({ length: size }, async () => (await instance!).connect()));
    all.push(...connections);
    idle.push(...connections);
  };
  return {
    async use<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
      await open();
      const connection = idle.pop() ?? (await new Promise<DuckDBConnection>((lend) => waiting.push(lend)));
      try {
        return await task(connection);
      } finally {
        const next = waiting.shift();
        if (next) next(connection);
        else idle.push(connection);
      }
    },
    interrupt: () => all.forEach((c) => c.interrupt()),
    close: async () => {
      all.forEach((c) => c.closeSync());
      (await instance?.catch(() => undefined))?.closeSync();
    },
  };
}

/** What a Parquet cache makes its copies of: the data an engine opened, and where that engine works. */
export interface CopiedData {
  readonly source: Source;
  readonly verifiedCache: VerifiedCache;
  /** The engine's work folder: a file's text inflated while it is checked is written there. */
  readonly workDir: string;
  readonly link: DataLink;
}

/** Copies made for some files: the files (with the stand-ins they have now), those found plain, and the path DuckDB reads each copy by. */
export interface Copies {
  readonly files: readonly LocalFile[];
  readonly plain: Set<string>;
  readonly copies: Map<string, string>;
}

/**
 * The opt-in Parquet cache of one engine's data: gzip text files are converted once, after they are
 * verified, and read from their copies afterwards.
 */
export class ParquetCache {
  /** A hash of how copies are made for this format, in each copy's name: a change to the reads makes new copies. */
  private readonly recipe: string;
  /**
   * The gzip files with a copy, to replace by their stand-ins (see `LocalEngineOptions.onlyCopies`) when
   * the engine closes: until then the view, and the runs in flight, may still read them.
   */
  private readonly replaceAtClose = new Map<string, StandIn>();
  /** Folders of the cache swept of superseded copies. */
  private readonly sweptFolders = new Set<string>();

  private constructor(
    /** The cache's folder for this data (`to`), and the link DuckDB reads it through (`from`). */
    private readonly folder: DataLink,
    /** Whether the data's files are replaced by stand-ins once copied (see `LocalEngineOptions.onlyCopies`). */
    readonly onlyCopies: boolean,
    private readonly data: CopiedData,
  ) {
    this.recipe = createHash('sha256')
      .update(PARQUET_WRITER)
      .update(textRecordsSql(data.source, [''], true))
      .update(textRecordsSql(data.source, [''], false))
      .digest('hex')
      .slice(0, 8);
  }

  /** Opens the cache under `root` for the data, making its folder and the link to it in the work folder. */
  static async open(root: string, onlyCopies: boolean, data: CopiedData): Promise<ParquetCache> {
    // One folder per data location, so that two copies of a bucket never share a name.
    const folder = { from: join(data.workDir, 'cache'), to: join(resolve(root), createHash('sha256').update(data.link.to).digest('hex').slice(0, 16)) };
    await mkdir(folder.to, { recursive: true }).catch((error: unknown) => {
      throw fileSystemError(folder.to, error, 'make the Parquet cache folder');
    });
    await symlink(folder.to, folder.from, 'dir');
    return new ParquetCache(folder, onlyCopies, data);
  }

  /** The files kept only as their Parquet copies (see `StandIn`) whose copies are there: the path DuckDB reads each copy by. */
  standInCopies(files: readonly LocalFile[]): Map<string, string> {
    const copies = new Map<string, string>();
    for (const file of files) {
      if (file.standIn === undefined) continue;
      const name = this.copyName(file, file.standIn.stamp);
      if (existsSync(join(this.folder.to, name))) copies.set(file.path, join(this.folder.from, name));
    }
    return copies;
  }

  /** A copy's name in the Parquet cache: the file's key path, the version of it that was verified, and the recipe. */
  private copyName(file: LocalFile, stamp: Stamp): string {
    return `${relative(this.data.link.to, file.path)}.${stampVersion(stamp)}-${this.recipe}.parquet`;
  }

  /**
   * Puts one file's Parquet copy in place: `write` (unless it is written already) writes it to
   * `temp`, which is then renamed, so no reader sees half a copy; copies it superseded long ago are
   * removed. A copy that cannot be made is only a lost shortcut: that file is read from its gzip text.
   * @returns whether the copy is in place.
   */
  private async placeCopy(file: LocalFile, stamp: Stamp, temp: string, write?: () => Promise<unknown>): Promise<boolean> {
    const target = join(this.folder.to, this.copyName(file, stamp));
    try {
      if (write !== undefined) {
        await mkdir(dirname(target), { recursive: true });
        await write();
      }
      // A file that changed while it was copied may have been read in part: its copy is dropped.
      if (stampVersion(fileStamp(file)) !== stampVersion(stamp)) throw new DataError(`${file.path} changed while it was copied`);
      await rename(temp, target);
      await removeStaleCopies(dirname(target), Date.now(), basename(file.path));
      return true;
    } catch {
      await unlink(temp).catch(() => undefined);
      return false;
    }
  }

  /** DuckDB's copy of a file, read from its gzip file as the view would read it (typed if plain, else the exact way). */
  private duckdbCopy(connection: DuckDBConnection, file: LocalFile, plain: boolean, temp: string): Promise<unknown> {
    const records = textRecordsSql(this.data.source, [linkedPath(this.data.link, file.path)], plain);
    return connection.run(`COPY (SELECT * EXCLUDE (filename) FROM (${records})) TO ${sqlStringLiteral(temp)} (FORMAT parquet, ${PARQUET_COPY})`);
  }

  /**
   * Verifies the files and makes the copies they lack in one pass, in worker threads when this
   * process has a script for them (see `checkFilesInWorkers`). A plain file's copy is written from the
   * text inflated to check it, once it proves whole, so it is inflated once (a file verified before is
   * checked again as it is copied); any other file is copied by DuckDB from its gzip file. A file that
   * fails the check gets no copy, and the run fails naming it.
   * @returns the copies, and the files found plain, as they are read from their gzip text when a copy goes missing.
   */
  async makeCopies(listed: readonly LocalFile[], signal: AbortSignal, onProgress?: RunOptions['onProgress']): Promise<Copies> {
    // Files replaced by their copies since the engine found them (by another flowq, closing).
    const files = this.onlyCopies ? listed.map(withStandIn) : listed;
    const known = knownFiles(files, this.data.verifiedCache, this.data.source.logFormat);
    const stamp = (f: LocalFile) => known.stamps.get(f.path)!;
    const target = (f: LocalFile) => join(this.folder.to, this.copyName(f, stamp(f)));
    const exists = await mapLimit(files, 16, (f) =>
      stat(target(f)).then(
        (s) => s.isFile(),
        () => false,
      ),
    );
    const lost = files.find((f, i) => f.standIn !== undefined && !exists[i]);
    if (lost !== undefined) {
      // Nothing left to copy from: without its stand-in, the next question fetches the file again.
      await unlink(`${lost.path}${STAND_IN}`).catch(() => undefined);
      throw new DataError(`${lost.path} was kept only as its Parquet copy, which is gone or was made by another version of flowq: ask again to fetch it again`);
    }
    const made = new Set(files.filter((_, i) => exists[i]).map((f) => f.path));
    // Folders of copies found are swept once per engine; those of copies made, as they are made.
    const folders = [...new Set(files.filter((_, i) => exists[i]).map((f) => dirname(target(f))))].filter((d) => !this.sweptFolders.has(d));
    for (const folder of folders) this.sweptFolders.add(folder);
    await mapLimit(folders, 8, (folder) => removeStaleCopies(folder, Date.now()));
    const missing = files.filter((_, i) => !exists[i]);
    const pool = copier(this.data.workDir, Math.min(availableParallelism(), missing.length));
    const workers = CheckWorkers.start(Math.min(availableParallelism(), missing.length));
    const checker = workers ?? inThisThread();
    const stop = () => pool.interrupt();
    signal.addEventListener('abort', stop);
    const started = performance.now();
    let done = 0;
    const counted = () => onProgress?.({ state: 'COPYING', elapsedMs: performance.now() - started, files: { done: ++done, total: missing.length } });
    // Where each copy is written before it is renamed into place.
    const temps = new Map(missing.map((f) => [f.path, `${target(f)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`]));
    // A plain file's copy is written as it is checked (see PlainColumns); any other's, or one whose
    // text that writer does not take, by DuckDB from its gzip file.
    const place = async (file: LocalFile, plain: boolean, copied: boolean) => {
      const temp = temps.get(file.path)!;
      const write = copied ? undefined : () => pool.use((connection) => this.duckdbCopy(connection, file, plain, temp));
      if (signal.aborted) await unlink(temp).catch(() => undefined);
      else if (await this.placeCopy(file, stamp(file), temp, write)) made.add(file.path);
      counted();
    };
    // A file verified before is checked again for its copy, which costs little more than reading it.
    const copyVerified = async (file: LocalFile) => {
      const plain = known.plain.has(file.path);
      const job = { path: file.path, size: stamp(file).size, format: this.data.source.logFormat.text, copyTo: temps.get(file.path)! };
      const check = plain ? await checker.check(job, signal).catch(() => undefined) : { copied: false };
      // One that no longer proves whole gets no copy.
      if (check === undefined) counted();
      else await place(file, plain, check.copied);
    };
    const [verified, copied] = await Promise.allSettled([
      verifyGzipFiles(files, this.data.verifiedCache, {
        signal,
        logFormat: this.data.source.logFormat,
        known,
        checker,
        copyTo: (f) => temps.get(f.path),
        onVerified: async (f, plain, copied) => (temps.has(f.path) ? place(f, plain, copied) : undefined),
      }).catch((error: unknown) => {
        // A file failed its check: the run fails, so the copies in flight stop too.
        pool.interrupt();
        throw error;
      }),
      mapLimit(
        missing.filter((f) => known.verified.has(f.path)),
        checker.concurrency,
        copyVerified,
      ),
    ]);
    signal.removeEventListener('abort', stop);
    await Promise.all([pool.close(), workers?.close()]);
    if (verified.status === 'rejected') throw verified.reason;
    if (copied.status === 'rejected') throw copied.reason;
    const plain = verified.value.plain;
    const copies = new Map(files.filter((f) => made.has(f.path)).map((f) => [f.path, join(this.folder.from, this.copyName(f, stamp(f)))]));
    if (this.onlyCopies) {
      for (const file of files)
        if (made.has(file.path) && file.standIn === undefined) this.replaceAtClose.set(file.path, { stamp: stamp(file), copy: target(file) });
    }
    return { files, plain, copies };
  }

  /** Whether an error is DuckDB failing to open a Parquet copy (it names the path it reads copies by). */
  namesCopy(error: unknown): boolean {
    const cache = this.folder;
    // Read by shape: DuckDB's errors may come from another realm than this module's Error.
    const text = (e: unknown): string => (typeof (e as { message?: unknown } | null)?.message === 'string' ? (e as { message: string }).message : '');
    const message = `${text(error)}\n${text((error as { cause?: unknown } | null)?.cause)}`;
    return (message.includes(cache.from) || message.includes(cache.to)) && /No files found|Cannot open file|No such file/i.test(message);
  }

  /** Replaces the files copied by their stand-ins (see `onlyCopies`), once nothing reads them. Should a stand-in fail, its gzip file stays: one form more than needed, nothing lost. */
  async replaceCopied(): Promise<void> {
    for (const [path, standIn] of this.replaceAtClose) await replaceByStandIn(path, standIn).catch(() => undefined);
  }
}
