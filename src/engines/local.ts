import { createHash, randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { duckdb } from './duckdb.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { DEFAULT_QUERY_SETTINGS, type QuerySettings } from '../config.js';
import { DataError, FlowqError, QueryTimedOut, UnknownExecution } from '../errors.js';
import { FIELD_BY_COLUMN } from '../flowlog/fields.js';
import { headerLine, parseHeaderLine, parseLogFormat, type LogFormat } from '../flowlog/format.js';
import { partitionPathPattern, PARTITION_KEYS, skippedFoldersNote, type FileFormat } from '../flowlog/layout.js';
import type { Source } from '../flowlog/source.js';
import { renderTargetFor, type RenderedQuery, type RenderTarget } from '../queries/render.js';
import { mapLimit } from '../pool.js';
import { checkIdentifier, quoteIdent, sqlStringLiteral } from '../sql.js';
import { overflowFailure, type Column, type Engine, type ExecutionView, type QueryResult, type Row, type RunOptions, type Submission } from './engine.js';
import { verifiedCachePath } from './cache-paths.js';
import {
  fileStamp,
  fileSystemError,
  knownFiles,
  openVerifiedCache,
  readHeaderLine,
  readStandIn,
  rememberedHeaders,
  replaceByStandIn,
  scanLocation,
  stampVersion,
  STAND_IN,
  verifyGzipFiles,
  type KnownFiles,
  type LocalFile,
  type StandIn,
  type Stamp,
  type VerifiedCache,
} from './local-files.js';
import { DUCKDB_TYPE } from './duckdb-types.js';
import { DUCKDB_MACROS } from './duckdb-macros.js';
import { stopOnExit } from './stop.js';
import { mark } from '../timings.js';
import { firstLine } from '../text.js';
import { checkReadOnly, isStatementMistake, lockDown, statementMistake, treeInRange, type PartitionRange } from './local-sql.js';

/** Where the local engine finds its data, and what it may assume about it. */
export interface LocalEngineOptions {
  /** The local folder that holds `AWSLogs/` (a copy of `s3://bucket/prefix/`), or `AWSLogs/` itself. */
  readonly location: string;
  /** The file that remembers verified gzip files; default {@link verifiedCachePath}. */
  readonly verifiedCache?: string;
  /** The view's name, as the Glue table's; default `flow_logs`. */
  readonly table?: string;
  /** The expected format; by default read from the files' header lines (or Parquet schema). */
  readonly logFormat?: string;
  readonly fileFormat?: FileFormat;
  readonly hiveCompatiblePartitions?: boolean;
  readonly perHourPartition?: boolean;
  /** Only the files in this range's partitions are opened; by default every file under the location. */
  readonly range?: PartitionRange;
  /**
   * The folder of the opt-in Parquet cache (see `parquetCachePath`): gzip text files are
   * converted once, after they are verified, and read from there afterwards. Off when left out.
   */
  readonly parquetCache?: string;
  /**
   * The location is a cache of data kept elsewhere (the S3 mirror): once a gzip file's Parquet copy is
   * made, the file is replaced by a stand-in that names the copy (see `StandIn`), so the cache holds
   * one form. Only with `parquetCache`.
   */
  readonly onlyCopies?: boolean;
}

const { BIGINT, VARCHAR } = duckdb;

const ATHENA_NAME: Readonly<Record<string, string>> = {
  INTEGER: 'integer',
  BIGINT: 'bigint',
  HUGEINT: 'bigint',
  VARCHAR: 'varchar',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  SMALLINT: 'smallint',
  TINYINT: 'tinyint',
};

// DuckDB's words for a sum that leaves BIGINT: a HUGEINT sum cast back, or an addition that overflows.
const BIGINT_OVERFLOW = /out of range for the destination type INT64|Overflow in (addition|subtraction|multiplication) of INT64/;

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
async function textFormat(files: readonly LocalFile[], configured: LogFormat | undefined, remembered: ReadonlyMap<string, string>): Promise<LogFormat> {
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

function partitionColumns(source: Source): string {
  const pattern = sqlStringLiteral(partitionPathPattern(source));
  return PARTITION_KEYS.map((key, i) => `regexp_extract(filename, ${pattern}, ${i + 1}) AS ${key}`).join(',\n  ');
}

/**
 * A numeric field read as Athena's text reader does (Trino's `LongEncoding`): an optional sign,
 * digits and an optional decimal part of digits that is dropped, within the column type's range;
 * anything else is NULL. Almost every field is plain digits, which a `GLOB` test lets straight
 * through to the cast (DuckDB's own cast alone would also take `0x10`, `1e3`, `1_000` and round
 * `1.5` to 2); the rest, `-` first, take the exact path.
 */
export function athenaNumberSql(column: string, type: string): string {
  const sign = `regexp_extract(${column}, '^[+-]?')`;
  const digits = `regexp_extract(${column}, '^[+-]?([0-9]*)', 1)`;
  return `CASE WHEN NOT (${column} GLOB '*[!0-9]*') THEN TRY_CAST(${column} AS ${type})
    WHEN ${column} = '-' THEN NULL
    WHEN regexp_full_match(${column}, '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]*)') THEN TRY_CAST(${sign} || CASE WHEN ${digits} = '' THEN '0' ELSE ${digits} END AS ${type})
  END`;
}

/** How DuckDB reads a text file: gzip, or (for a copy) the text inflated while it was checked. */
const textRead = (compression: 'gzip' | 'none') =>
  `delim = ' ', header = false, skip = 1, auto_detect = false, quote = '', escape = '', compression = '${compression}', filename = true, hive_partitioning = false`;

/** How the Parquet cache's copies are written: zstd's fastest level, as small as its default here and cheaper to write. */
const PARQUET_COPY = 'COMPRESSION zstd, COMPRESSION_LEVEL 1';

/**
 * The records of text files, with the format's columns and `filename`. Plain files (see
 * `PlainRecordScanner`) are read typed, the fast way: numbers parsed by the reader, `-` and `\\N`
 * read as NULL, and `-` put back in the string columns, where nothing else can be NULL in such a
 * file. Other files are read the exact way: every field as text, numbers by {@link athenaNumberSql},
 * `-` kept in string columns, `\\N` as NULL, short lines padded with NULLs (null_padding) and extra
 * fields dropped (strict_mode off). DuckDB's typed read alone would read `1.5` as 2 and `0x10` as 16
 * without a word.
 */
function textRecordsSql(source: Source, paths: readonly string[], plain: boolean, compression: 'gzip' | 'none' = 'gzip'): string {
  const fields = source.logFormat.fields;
  if (plain) {
    const types = fields.map((f, i) => `'c${i}': '${DUCKDB_TYPE[f.athenaType]}'`).join(', ');
    const columns = fields.map((f, i) => (f.athenaType === 'string' ? `coalesce(c${i}, '-')` : `c${i}`) + ` AS ${quoteIdent(f.column)}`);
    return `SELECT ${columns.join(', ')}, filename
FROM read_csv(${listLiteral(paths)}, ${textRead(compression)}, columns = {${types}}, nullstr = ['-', '\\N'])`;
  }
  const raw = fields.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const columns = fields.map((f, i) =>
    f.athenaType === 'string' ? `c${i} AS ${quoteIdent(f.column)}` : `${athenaNumberSql(`c${i}`, DUCKDB_TYPE[f.athenaType])} AS ${quoteIdent(f.column)}`,
  );
  return `SELECT ${columns.join(',\n  ')}, filename
FROM read_csv(${listLiteral(paths)}, ${textRead(compression)}, columns = {${raw}}, null_padding = true, strict_mode = false, nullstr = '\\N')`;
}

/** How the view reads each text file: typed, the exact way, or its copy in the Parquet cache (written by {@link textRecordsSql}). */
interface TextPlan {
  readonly plain: readonly string[];
  readonly other: readonly string[];
  readonly cached: readonly string[];
}

/** The view over text files, each read as the plan says; the partition columns come from the file's path. */
function textViewSql(table: string, source: Source, plan: TextPlan): string {
  const names = source.logFormat.fields.map((f) => quoteIdent(f.column)).join(', ');
  const branches = [
    ...(plan.plain.length > 0 ? [textRecordsSql(source, plan.plain, true)] : []),
    ...(plan.other.length > 0 ? [textRecordsSql(source, plan.other, false)] : []),
    // The cache keeps each file under its key path, so the partitions come from its name as well.
    ...(plan.cached.length > 0
      ? [`SELECT ${typedColumns(source)}, filename FROM read_parquet(${listLiteral(plan.cached)}, filename = true, hive_partitioning = false)`]
      : []),
  ];
  return `CREATE OR REPLACE VIEW ${table} AS SELECT
  ${names},
  ${partitionColumns(source)}
FROM (${branches.join('\nUNION ALL\n')})`;
}

/** The format's columns, each cast to its type: Parquet files (AWS's, or the cache's copies) may store a narrower one. */
function typedColumns(source: Source): string {
  return source.logFormat.fields.map((f) => `CAST(${quoteIdent(f.column)} AS ${DUCKDB_TYPE[f.athenaType]}) AS ${quoteIdent(f.column)}`).join(',\n  ');
}

function parquetViewSql(table: string, source: Source, paths: readonly string[]): string {
  return `CREATE OR REPLACE VIEW ${table} AS SELECT
  ${typedColumns(source)},
  ${partitionColumns(source)}
FROM read_parquet(${listLiteral(paths)}, filename = true, union_by_name = true, hive_partitioning = false)`;
}

function listLiteral(paths: readonly string[]): string {
  return `[${paths.map((p) => sqlStringLiteral(p)).join(', ')}]`;
}

function toJsValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}

/** The first line of an error's message. */
const messageLine = (error: unknown): string => firstLine(error instanceof Error ? error.message : String(error));

/** The number of files the query's scans read, from DuckDB's JSON profile (`Total Files Read`). */
function filesReadIn(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const { extra_info: info, children } = node as { extra_info?: Record<string, unknown>; children?: unknown[] };
  let total = info && typeof info['Total Files Read'] === 'string' ? Number(info['Total Files Read']) : undefined;
  for (const child of children ?? []) {
    const found = filesReadIn(child);
    if (found !== undefined) total = (total ?? 0) + found;
  }
  return total;
}

/** `a, b to d, f`: runs of consecutive partitions written as ranges. */
function describePartitions(all: readonly string[], missing: ReadonlySet<string>): string {
  const runs: string[] = [];
  for (let i = 0; i < all.length; i++) {
    if (!missing.has(all[i])) continue;
    let j = i;
    while (j + 1 < all.length && missing.has(all[j + 1])) j++;
    runs.push(i === j ? all[i] : `${all[i]} to ${all[j]}`);
    i = j;
  }
  return runs.join(', ');
}

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

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The file, with its stand-in if it has one now: the stand-in is put in place before the gzip file is removed. */
function withStandIn(file: LocalFile): LocalFile {
  const standIn = file.standIn ?? readStandIn(file.path);
  return standIn === undefined ? file : { ...file, standIn };
}

/** Whether some of the files are kept only as their Parquet copies, so have no gzip text to fall back on. */
const hasStandIn = (files: readonly LocalFile[]): boolean => files.some((f) => f.standIn !== undefined);

/** A few DuckDB connections, each lent to one task at a time. */
async function connectionPool(instance: DuckDBInstance, size: number) {
  const all = await Promise.all(Array.from({ length: size }, () => instance.connect()));
  const idle = [...all];
  const waiting: Array<(connection: DuckDBConnection) => void> = [];
  return {
    size,
    async use<T>(task: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
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
    close: () => all.forEach((c) => c.closeSync()),
  };
}

/** Work folders of engines not closed yet: removed if the process exits first (a reader that closed the pipe, an error). */
const openWorkDirs = new Set<string>();
let removesAtExit = false;

async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  openWorkDirs.delete(dir);
}

/** A work folder's name: its process id, then mkdtemp's six characters. */
const WORK_DIR = /^flowq-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Removes the work folders of processes that have ended without removing theirs: killed (SIGKILL),
 * or a host that ends its Lambda workers without exit handlers (`sls offline` on SIGTERM).
 */
async function sweepWorkDirs(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const entry of entries) {
    const owner = WORK_DIR.exec(entry);
    if (owner !== null && !processExists(Number(owner[1]))) await rm(join(tmpdir(), entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

function removeAtExit(dir: string): void {
  openWorkDirs.add(dir);
  if (removesAtExit) return;
  removesAtExit = true;
  process.once('exit', () => {
    for (const open of openWorkDirs) rmSync(open, { recursive: true, force: true });
  });
}

/**
 * The embedded engine: DuckDB over local files, presented to the SQL as Athena sees the Glue table —
 * a view named like the table, with the partition columns taken from each file's key path, so the
 * partition predicate prunes files here as it prunes partitions there.
 */
export class LocalEngine implements Engine {
  readonly name = 'local' as const;
  readonly target: RenderTarget;

  /** The files read typed, the fast way: found plain (see `PlainRecordScanner`), or not verified yet (see `typedFiles`). */
  private plain = new Set<string>();
  /** The files read from the Parquet cache: the path DuckDB reads each one's copy by. */
  private cached = new Map<string, string>();
  /** A hash of how copies are made for this format, in each copy's name: a change to the reads makes new copies. */
  private readonly copyRecipe: string;
  /**
   * The gzip files with a copy, to replace by their stand-ins (see `LocalEngineOptions.onlyCopies`) when
   * the engine closes: until then the view, and the runs in flight, may still read them.
   */
  private readonly replaceAtClose = new Map<string, StandIn>();
  /** The last run's turn at making and reading copies (see `readFromCopies`). */
  private copiesInTurn: Promise<unknown> = Promise.resolve();
  /** Folders of the Parquet cache this engine has swept of superseded copies. */
  private readonly sweptFolders = new Set<string>();
  /** Folders under the location whose date or hour is impossible: no partitions, skipped, and said so in each answer. */
  private skippedFolders: readonly string[] = [];

  private constructor(
    readonly source: Source,
    readonly table: string,
    readonly files: readonly LocalFile[],
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly workDir: string,
    private readonly alias: { readonly from: string; readonly to: string },
    private readonly verifiedCache: VerifiedCache,
    /** The Parquet cache's folder for this data, and the link DuckDB reads it through; none when the cache is off. */
    private readonly parquetCache: { readonly from: string; readonly to: string; readonly onlyCopies: boolean } | undefined,
    query: QuerySettings,
    private readonly clock: Clock,
  ) {
    this.target = renderTargetFor(table, source, query, 'duckdb');
    this.copyRecipe = createHash('sha256')
      .update(textRecordsSql(source, [''], true))
      .update(textRecordsSql(source, [''], false))
      .digest('hex')
      .slice(0, 8);
  }

  /** Opens the data under a local folder: finds the files, checks their format, creates the view. */
  static async open(options: LocalEngineOptions, query: QuerySettings = DEFAULT_QUERY_SETTINGS, clock: Clock = SYSTEM_CLOCK): Promise<LocalEngine> {
    const table = checkIdentifier('table', options.table ?? 'flow_logs');
    const scanned = await scanLocation(options.location, {
      layout: { hiveCompatiblePartitions: options.hiveCompatiblePartitions, perHourPartition: options.perHourPartition },
      fileFormat: options.fileFormat,
    });
    const tree = options.range === undefined ? scanned : treeInRange(scanned, options.range, options.location);
    const configured = options.logFormat === undefined ? undefined : parseLogFormat(options.logFormat);
    // Read once, for every run of this engine; only gzip text is verified.
    const cachePath = options.verifiedCache ?? verifiedCachePath();
    const verifiedCache: VerifiedCache = tree.fileFormat === 'plain-text' ? await openVerifiedCache(cachePath) : { path: cachePath, entries: new Map() };
    mark('files found');
    const instance = await duckdb.DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await sweepWorkDirs();
    const workDir = await mkdtemp(join(tmpdir(), `flowq-${process.pid}-`));
    removeAtExit(workDir);
    try {
      for (const macro of DUCKDB_MACROS) await connection.run(macro);
      mark('duckdb open');
      // DuckDB expands glob characters (`*`, `?`, `[`) in the paths it is given, and a folder name
      // may hold them: it reads the files through a link whose path has none.
      const alias = { from: join(workDir, 'data'), to: resolve(tree.location) };
      await symlink(alias.to, alias.from, 'dir');
      const logFormat =
        tree.fileFormat === 'parquet'
          ? await parquetFormat(
              connection,
              tree.files.map((f) => join(alias.from, relative(alias.to, f.path))),
              configured,
            )
          : await textFormat(tree.files, configured, rememberedHeaders(tree.files, verifiedCache));
      const source: Source = {
        location: tree.location.endsWith('/') ? tree.location : `${tree.location}/`,
        logFormat,
        fileFormat: tree.fileFormat,
        ...tree.layout,
      };
      await connection.run('SET preserve_insertion_order = false');
      // DuckDB may read and write its temporary directory whatever the sandbox allows: it is the
      // work folder's, never `.tmp` in the current folder.
      await connection.run(`SET temp_directory = ${sqlStringLiteral(join(workDir, 'tmp'))}`);
      // The JSON profile of each query tells which files its scan read (`Total Files Read`).
      await connection.run(`SET enable_profiling = 'json'`);
      await connection.run(`SET profiling_output = ${sqlStringLiteral(join(workDir, 'profile.json'))}`);
      let parquetCache: { from: string; to: string; onlyCopies: boolean } | undefined;
      if (options.parquetCache !== undefined && tree.fileFormat === 'plain-text') {
        // One folder per data location, so that two copies of a bucket never share a name.
        parquetCache = {
          from: join(workDir, 'cache'),
          to: join(resolve(options.parquetCache), createHash('sha256').update(alias.to).digest('hex').slice(0, 16)),
          onlyCopies: options.onlyCopies === true,
        };
        const folder = parquetCache.to;
        await mkdir(folder, { recursive: true }).catch((error: unknown) => {
          throw fileSystemError(folder, error, 'make the Parquet cache folder');
        });
        await symlink(parquetCache.to, parquetCache.from, 'dir');
      }
      const engine = new LocalEngine(source, table, tree.files, instance, connection, workDir, alias, verifiedCache, parquetCache, query, clock);
      engine.skippedFolders = scanned.skipped ?? [];
      // Every text file is read typed until a run learns otherwise of the files it reads (see `run`),
      // and a file kept only as its copy from that copy (a run fails naming it if the copy is gone).
      await engine.createView(new Set(tree.fileFormat === 'plain-text' ? tree.files.map((f) => f.path) : []), engine.standInCopies());
      mark('view');
      return engine;
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      await removeWorkDir(workDir);
      throw error;
    }
  }

  /** The path DuckDB reads a file by: under the link, free of glob characters. */
  private duckdbPath(file: LocalFile): string {
    return join(this.alias.from, relative(this.alias.to, file.path));
  }

  private async createView(plain: ReadonlySet<string>, cached: ReadonlyMap<string, string> = new Map()): Promise<void> {
    this.plain = new Set(plain);
    this.cached = new Map(cached);
    // A file kept only as its copy has no text to read: without its copy it is left out (see `readFromCopies`).
    const paths = (keep: (f: LocalFile) => boolean) => this.files.filter((f) => f.standIn === undefined && keep(f)).map((f) => this.duckdbPath(f));
    await this.connection.run(
      this.source.fileFormat === 'parquet'
        ? parquetViewSql(
            this.table,
            this.source,
            paths(() => true),
          )
        : textViewSql(this.table, this.source, {
            plain: paths((f) => plain.has(f.path) && !cached.has(f.path)),
            other: paths((f) => !plain.has(f.path) && !cached.has(f.path)),
            cached: this.files.flatMap((f) => cached.get(f.path) ?? []),
          }),
    );
  }

  /**
   * The files to read typed: those verified and found plain, and those not verified yet, which are
   * read typed on the hope that they are plain (AWS writes nothing else) while they are verified.
   */
  private static typedFiles(files: readonly LocalFile[], known: KnownFiles): Set<string> {
    return new Set(files.filter((f) => known.plain.has(f.path) || !known.verified.has(f.path)).map((f) => f.path));
  }

  /**
   * Reads these of `files` typed from now on and the others the exact way, but those in `cached`
   * from their Parquet copies; the view is made again only if that changes.
   */
  private async readAs(files: readonly LocalFile[], typed: ReadonlySet<string>, cached: ReadonlyMap<string, string> = new Map()): Promise<void> {
    const checked = new Set(files.map((f) => f.path));
    const plain = new Set([...[...this.plain].filter((p) => !checked.has(p)), ...typed]);
    const copies = new Map([...[...this.cached].filter(([p]) => !checked.has(p)), ...cached]);
    const samePlain = plain.size === this.plain.size && [...plain].every((p) => this.plain.has(p));
    const sameCopies = copies.size === this.cached.size && [...copies].every(([p, copy]) => this.cached.get(p) === copy);
    if (!samePlain || !sameCopies) await this.createView(plain, copies);
  }

  /** The files kept only as their Parquet copies (see `StandIn`) whose copies are there: the path DuckDB reads each copy by. */
  private standInCopies(): Map<string, string> {
    const copies = new Map<string, string>();
    for (const file of this.files) {
      if (file.standIn === undefined || this.parquetCache === undefined) continue;
      const name = this.copyName(file, file.standIn.stamp);
      if (existsSync(join(this.parquetCache.to, name))) copies.set(file.path, join(this.parquetCache.from, name));
    }
    return copies;
  }

  /** A copy's name in the Parquet cache: the file's key path, the version of it that was verified, and the recipe. */
  private copyName(file: LocalFile, stamp: Stamp): string {
    return `${relative(this.alias.to, file.path)}.${stampVersion(stamp)}-${this.copyRecipe}.parquet`;
  }

  /**
   * Makes one file's Parquet copy, read as the view would read the file (typed if plain, else the
   * exact way) from `text` (its inflated text, checked whole) or else from the gzip file, written to a
   * temporary file and renamed, so no reader sees half a copy; copies it superseded long ago are removed.
   * A copy that cannot be made is only a lost shortcut: that file is read from its gzip text.
   * @returns whether the copy is in place.
   */
  private async copyFile(connection: DuckDBConnection, file: LocalFile, stamp: Stamp, plain: boolean, text?: string): Promise<boolean> {
    const target = join(this.parquetCache!.to, this.copyName(file, stamp));
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(target), { recursive: true });
      const records = textRecordsSql(this.source, [text ?? this.duckdbPath(file)], plain, text === undefined ? 'gzip' : 'none');
      await connection.run(`COPY (SELECT * EXCLUDE (filename) FROM (${records})) TO ${sqlStringLiteral(temp)} (FORMAT parquet, ${PARQUET_COPY})`);
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

  /**
   * With the Parquet cache: verifies the files and makes the copies they lack in one pass, then
   * reads them from their copies. A file not verified before is copied from the text Node inflates
   * to check it, once it proves whole, so it is inflated once; a file verified before is copied from
   * its gzip file. A file that fails the check gets no copy, and the run fails naming it.
   * @returns the files found plain, as they are read from their gzip text when a copy goes missing.
   */
  private readFromCopies(files: readonly LocalFile[], signal: AbortSignal, onProgress?: RunOptions['onProgress']): Promise<Set<string>> {
    // One run at a time (a report runs several at once): a run that waits finds the copies made before
    // it instead of making them again.
    const turn = this.copiesInTurn.then(() => this.makeAndReadCopies(files, signal, onProgress));
    this.copiesInTurn = turn.catch(() => undefined);
    return turn;
  }

  private async makeAndReadCopies(listed: readonly LocalFile[], signal: AbortSignal, onProgress?: RunOptions['onProgress']): Promise<Set<string>> {
    // Files replaced by their copies since the engine found them (by another flowq, closing).
    const files = this.parquetCache!.onlyCopies ? listed.map(withStandIn) : listed;
    const known = knownFiles(files, this.verifiedCache, this.source.logFormat);
    const stamp = (f: LocalFile) => known.stamps.get(f.path)!;
    const target = (f: LocalFile) => join(this.parquetCache!.to, this.copyName(f, stamp(f)));
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
    const pool = await connectionPool(this.instance, Math.min(availableParallelism(), missing.length));
    const stop = () => pool.interrupt();
    signal.addEventListener('abort', stop);
    const started = performance.now();
    let done = 0;
    const copy = (file: LocalFile, plain: boolean, text?: string) =>
      pool.use(async (connection) => {
        if (!signal.aborted && (await this.copyFile(connection, file, stamp(file), plain, text))) made.add(file.path);
        onProgress?.({ state: 'COPYING', elapsedMs: performance.now() - started, files: { done: ++done, total: missing.length } });
      });
    const toCopy = new Set(missing.map((f) => f.path));
    const [verified, copied] = await Promise.allSettled([
      verifyGzipFiles(files, this.verifiedCache, {
        signal,
        logFormat: this.source.logFormat,
        known,
        // Named apart from those of other runs in flight on this engine (a report runs several at once).
        textTo: (f) => (toCopy.has(f.path) ? join(this.workDir, `text-${randomBytes(8).toString('hex')}`) : undefined),
        onVerified: async (f, plain, text) => (text === undefined ? undefined : copy(f, plain, text)),
      }).catch((error: unknown) => {
        // A file failed its check: the run fails, so the copies in flight stop too.
        pool.interrupt();
        throw error;
      }),
      mapLimit(
        missing.filter((f) => known.verified.has(f.path)),
        pool.size,
        (f) => copy(f, known.plain.has(f.path)),
      ),
    ]);
    signal.removeEventListener('abort', stop);
    pool.close();
    if (verified.status === 'rejected') throw verified.reason;
    if (copied.status === 'rejected') throw copied.reason;
    const plain = verified.value.plain;
    const copies = new Map(files.filter((f) => made.has(f.path)).map((f) => [f.path, join(this.parquetCache!.from, this.copyName(f, stamp(f)))]));
    if (this.parquetCache!.onlyCopies) {
      for (const file of files)
        if (made.has(file.path) && file.standIn === undefined) this.replaceAtClose.set(file.path, { stamp: stamp(file), copy: target(file) });
    }
    try {
      await this.readAs(files, plain, copies);
    } catch (error) {
      // A copy removed since it was found (see `namesCopy`): the files are read from their gzip text.
      if (!this.namesCopy(error) || hasStandIn(files)) throw error;
      await this.readAs(files, plain);
    }
    return plain;
  }

  /** Whether an error is DuckDB failing to open a Parquet copy (it names the path it reads copies by). */
  private namesCopy(error: unknown): boolean {
    const cache = this.parquetCache;
    // Read by shape: DuckDB's errors may come from another realm than this module's Error.
    const text = (e: unknown): string => (typeof (e as { message?: unknown } | null)?.message === 'string' ? (e as { message: string }).message : '');
    const message = `${text(error)}\n${text((error as { cause?: unknown } | null)?.cause)}`;
    return cache !== undefined && (message.includes(cache.from) || message.includes(cache.to)) && /No files found|Cannot open file|No such file/i.test(message);
  }

  /** The view's columns in order, with Athena type names: data columns, then the partition keys. */
  async viewColumns(): Promise<Column[]> {
    const reader = await this.connection.runAndReadAll(`SELECT * FROM ${this.table} LIMIT 0`);
    return reader.columnNames().map((name, i) => ({ name, type: athenaTypeName(String(reader.columnTypes()[i])) }));
  }

  /**
   * Runs a rendered template: the same SQL text Athena receives, with the values bound to its `?`.
   * Gzip files not verified before are checked while the query runs, and its answer is dropped
   * unless every one proves whole, so no answer comes from a partial file. A range with no files answers no rows, as Athena does, with a
   * note naming the partitions that had none.
   * @throws QueryTimedOut when `options.deadline` passes first (DuckDB is interrupted).
   */
  async run(query: RenderedQuery, options: RunOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    const { from, to } = query.partitions;
    const selected = this.files.filter((f) => f.key.dt >= from && f.key.dt <= to);
    const notes = [...this.baselineNotes(query), ...this.missingPartitionNotes(query, selected)];
    const abort = new AbortController();
    let timedOut = false;
    let executing = false;
    const timeout = (): QueryTimedOut => new QueryTimedOut(`${query.template} did not finish before its deadline; the local engine stopped it`);
    let timer: NodeJS.Timeout | undefined;
    if (options.deadline !== undefined) {
      // The deadline is on the caller's clock; the wait for it is real time.
      const left = options.deadline - this.clock.now();
      if (left <= 0) throw timeout();
      timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
        // DuckDB is interrupted only while it runs the query; verification stops on the abort signal.
        if (executing) this.connection.interrupt();
      }, left);
    }
    // A signal (see `stopWorkInFlight`) stops the run as its deadline would, and waits until it has.
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const unregister = stopOnExit(() => {
      abort.abort();
      if (executing) this.connection.interrupt();
      return settled;
    });
    const execute = async () => {
      if (timedOut) throw timeout();
      executing = true;
      try {
        return await this.execute(query);
      } catch (error) {
        throw timedOut ? timeout() : error;
      } finally {
        executing = false;
      }
    };
    try {
      let answered: { columns: Column[]; rows: Row[] };
      let fromCache = false;
      if (this.source.fileFormat !== 'plain-text' || selected.length === 0) {
        answered = await execute();
      } else if (this.parquetCache !== undefined) {
        const plain = await this.readFromCopies(selected, abort.signal, options.onProgress).catch((error: unknown) => {
          throw timedOut ? timeout() : error;
        });
        fromCache = this.cached.size > 0;
        try {
          answered = await execute();
        } catch (error) {
          // A copy removed under this run (by a hand, or a sweep past its grace): its gzip file is read instead.
          if (!fromCache || timedOut || !this.namesCopy(error) || hasStandIn(selected)) throw error;
          await this.readAs(selected, plain);
          fromCache = false;
          answered = await execute();
        }
      } else if (hasStandIn(selected)) {
        throw new DataError(`${selected.find((f) => f.standIn !== undefined)!.path} is kept only as its Parquet copy: read it with the Parquet cache on`);
      } else {
        // Files not verified yet are read typed while they are verified: both inflate every file, so
        // they share the cores. The answer stands only if every file proves whole and plain; a file
        // that is not plain is read again the exact way, and a corrupt one stops the query.
        const known = knownFiles(selected, this.verifiedCache, this.source.logFormat);
        const hoped = LocalEngine.typedFiles(selected, known);
        await this.readAs(selected, hoped);
        const verifying = verifyGzipFiles(selected, this.verifiedCache, { signal: abort.signal, logFormat: this.source.logFormat, known }).catch(
          (error: unknown) => {
            if (executing) this.connection.interrupt();
            throw timedOut ? timeout() : error;
          },
        );
        const [verified, first] = await Promise.allSettled([verifying, execute()]);
        if (verified.status === 'rejected') throw verified.reason;
        const plain = verified.value.plain;
        if ([...hoped].some((p) => !plain.has(p))) {
          await this.readAs(selected, plain);
          answered = await execute();
        } else if (first.status === 'rejected') throw first.reason;
        else answered = first.value;
      }
      const { columns, rows } = answered;
      // DuckDB's profile counts the files its scans read but names only a few of them, so the bytes
      // are those of the files in the partitions the predicate selects: the same set when pruning works.
      // From Parquet copies the profile is not used: DuckDB does not count a copy its statistics rule
      // out. The files and bytes are then those of the gzip files the copies stand for.
      return {
        columns,
        rows,
        stats: {
          engine: 'local',
          rowsReturned: rows.length,
          elapsedMs: Math.round(performance.now() - started),
          filesRead: (fromCache ? undefined : await this.lastFilesRead()) ?? selected.length,
          bytesRead: selected.reduce((sum, f) => sum + f.size, 0),
        },
        ...(notes.length > 0 ? { notes } : {}),
      };
    } finally {
      clearTimeout(timer);
      unregister();
      settle();
    }
  }

  private async execute(query: RenderedQuery): Promise<{ columns: Column[]; rows: Row[] }> {
    const values: DuckDBValue[] = query.values.map((v) => (v.type === 'bigint' ? BigInt(v.value) : v.value));
    const types: DuckDBType[] = query.values.map((v) => (v.type === 'bigint' ? BIGINT : VARCHAR));
    let reader;
    try {
      reader = await this.connection.runAndReadAll(query.sql, values, types);
    } catch (error) {
      if (error instanceof FlowqError) throw error;
      if (BIGINT_OVERFLOW.test(messageLine(error))) throw new DataError(await this.overflowMessage(query), { cause: error });
      throw new DataError(`the local engine could not run ${query.template}: ${messageLine(error).replaceAll(this.alias.from, this.alias.to)}`, {
        cause: error,
      });
    }
    const names = reader.columnNames();
    const columns = names.map((name, i) => ({ name, type: athenaTypeName(String(reader.columnTypes()[i])) }));
    const rows: Row[] = reader.getRowsJS().map((values) => Object.fromEntries(names.map((n, i) => [n, toJsValue(values[i])])));
    return { columns, rows };
  }

  /**
   * Why a query failed on a sum past bigint: the template, and the partitions whose own records sum
   * past it (a record with a value no flow reaches, `bytes = 9223372036854775807`), or the range's
   * partitions when only their total does. Trino fails such a sum too ("bigint addition overflow"),
   * and the Athena engine names the template and the range's partitions alike (see `overflowFailure`).
   */
  private async overflowMessage(query: RenderedQuery): Promise<string> {
    const { from, to } = query.partitions;
    const summed = ['packets', 'bytes'].filter((c) => this.source.logFormat.fields.some((f) => f.column === c));
    let partitions: string[] = [];
    try {
      const past = summed.map((c) => `abs(sum(CAST(${quoteIdent(c)} AS HUGEINT))) > 9223372036854775807`).join(' OR ');
      const reader = await this.connection.runAndReadAll(
        `SELECT dt FROM ${this.table} WHERE dt BETWEEN $1 AND $2 GROUP BY dt HAVING ${past || 'false'} ORDER BY dt`,
        [from, to],
        [VARCHAR, VARCHAR],
      );
      partitions = reader.getRowsJS().map((r) => r[0] as string);
    } catch {
      // The range's partitions are named instead.
    }
    return overflowFailure(query.template, partitions.length > 0 ? partitions : undefined, query.partitions);
  }

  /**
   * A note when a template's baseline begins before the data set's first partition: what the range holds is then
   * new only relative to the days there are, not to the whole baseline.
   */
  private baselineNotes(query: RenderedQuery): string[] {
    const baseline = query.partitionsRead?.baselineOnly;
    if (baseline === undefined || baseline.length === 0) return [];
    const first = this.files.reduce<string | undefined>((min, f) => (min === undefined || f.key.dt < min ? f.key.dt : min), undefined);
    // Data that begin after the range leave the answer empty, which the partition notes say.
    if (first === undefined || first <= baseline[0] || first > query.partitions.to) return [];
    const days = String(query.params.baseline_days);
    return [
      `the ${days}-day baseline begins at partition ${baseline[0]}, before the first partition with flow logs (${first}): ` +
        `what the range holds is compared only with what there is from ${first} on, so more of it may be reported as new or changed`,
    ];
  }

  /** Notes on what the answer leaves out: skipped folders, and the partitions of the range that hold no file. */
  private missingPartitionNotes(query: RenderedQuery, selected: readonly LocalFile[]): string[] {
    return [...(this.skippedFolders.length === 0 ? [] : [skippedFoldersNote(this.skippedFolders)]), ...this.partitionNotes(query, selected)];
  }

  private partitionNotes(query: RenderedQuery, selected: readonly LocalFile[]): string[] {
    const { from, to } = query.partitions;
    const present = new Set(selected.map((f) => f.key.dt));
    // The partitions the renderer listed; a statement over every partition lists none. A baseline's are the
    // baseline note's concern.
    const baseline = new Set(query.partitionsRead?.baselineOnly ?? []);
    const all = (query.partitionsRead?.all ?? []).filter((dt) => !baseline.has(dt));
    const missing = new Set(all.filter((dt) => !present.has(dt)));
    if (missing.size === 0) return [];
    const where = `${this.source.location}AWSLogs`;
    if (missing.size === all.length) return [`no flow-log files for partitions ${all[0] ?? from} to ${all.at(-1) ?? to} under ${where}: the answer is empty`];
    return [`no flow-log files for partition${missing.size === 1 ? '' : 's'} ${describePartitions(all, missing)} under ${where}`];
  }

  /**
   * Runs one statement a user wrote (`flowq sql`, a query with no values) over the view. The
   * connection is first locked to the view's files, then the statement must be a single SELECT.
   * @throws InvalidParameter when the statement is refused.
   */
  async runStatement(query: RenderedQuery, options: RunOptions = {}): Promise<QueryResult> {
    // Parquet copies are made before the lock, which stops every write but the profile's.
    if (this.parquetCache !== undefined && this.files.length > 0) {
      const abort = new AbortController();
      const unregister = stopOnExit(() => abort.abort());
      try {
        await this.readFromCopies(this.files, abort.signal, options.onProgress);
      } finally {
        unregister();
      }
    }
    // DuckDB reads the files through the link (see `open`), and writes its profile in the work folder.
    await lockDown(this.connection, [...this.files.map((f) => this.duckdbPath(f)), ...this.cached.values()], [this.workDir]);
    await checkReadOnly(this.connection, query.sql);
    try {
      return await this.run(query, options);
    } catch (error) {
      // A value the statement cannot convert (`dstport = '22x'`) shows only when it runs: still the statement's mistake.
      if (error instanceof DataError && isStatementMistake(error.cause)) throw statementMistake(error.cause);
      throw error;
    }
  }

  private async lastFilesRead(): Promise<number | undefined> {
    try {
      return filesReadIn(JSON.parse(await readFile(join(this.workDir, 'profile.json'), 'utf8')));
    } catch {
      return undefined;
    }
  }

  /** Locally a submission runs to the end: the answer is always there when `submit` returns. */
  async submit(query: RenderedQuery, options: RunOptions = {}): Promise<Submission> {
    return { done: true, result: await this.run(query, options) };
  }

  /** The local engine keeps no executions to fetch later. @throws UnknownExecution always. */
  view(executionId: string): Promise<ExecutionView> {
    return Promise.reject(new UnknownExecution(`no query execution ${executionId}: the local engine keeps no executions`));
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    // Should a stand-in fail, its gzip file stays: one form more than needed, nothing lost.
    for (const [path, standIn] of this.replaceAtClose) await replaceByStandIn(path, standIn).catch(() => undefined);
    await removeWorkDir(this.workDir);
  }
}

function athenaTypeName(duckdbType: string): string {
  return ATHENA_NAME[duckdbType] ?? duckdbType.toLowerCase();
}

/** The log format of Parquet files: configured (and checked against the files) or read from their columns. */
async function parquetFormat(connection: DuckDBConnection, paths: readonly string[], configured: LogFormat | undefined): Promise<LogFormat> {
  let names: string[];
  try {
    const reader = await connection.runAndReadAll(
      `SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(${listLiteral(paths)}, union_by_name = true, hive_partitioning = false))`,
    );
    names = reader.getRowsJS().map((r) => `${r[0] as string}`);
  } catch (error) {
    throw new DataError(`cannot read the Parquet files: ${messageLine(error)}`, { cause: error });
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

/** Opens the local engine over a folder. See {@link LocalEngine.open}. */
export function openLocalEngine(options: LocalEngineOptions, query: QuerySettings = DEFAULT_QUERY_SETTINGS, clock: Clock = SYSTEM_CLOCK): Promise<LocalEngine> {
  return LocalEngine.open(options, query, clock);
}
