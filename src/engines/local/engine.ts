import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { SYSTEM_CLOCK, type Clock } from '../../clock.js';
import { DEFAULT_QUERY_SETTINGS, type QuerySettings } from '../../config.js';
import { DataError, FlowqError, QueryTimedOut, UnknownExecution } from '../../errors.js';
import { parseLogFormat } from '../../flowlog/format.js';
import type { FileFormat } from '../../flowlog/layout.js';
import type { Source } from '../../flowlog/source.js';
import { renderTargetFor, type RenderedQuery, type RenderTarget } from '../../queries/render.js';
import { checkIdentifier, quoteIdent, sqlStringLiteral } from '../../sql.js';
import { mark } from '../../timings.js';
import { duckdb } from '../duckdb.js';
import { DUCKDB_MACROS } from '../duckdb-macros.js';
import { overflowFailure, type Column, type Engine, type ExecutionView, type QueryResult, type Row, type RunOptions, type Submission } from '../engine.js';
import type { StatementResult } from '../engine.js';
import { stopOnExit } from '../stop.js';
import { verifiedCachePath } from './cache-paths.js';
import { parquetFormat, textFormat } from './detect.js';
import { verifyGzipFiles } from './gzip-check.js';
import { answerNotes } from './notes.js';
import { hasStandIn, ParquetCache } from './parquet-cache.js';
import { athenaTypeName, filesReadIn, toJsValue } from './results.js';
import { errorLine } from '../../text.js';
import { checkReadOnly, isStatementMistake, lockDown, statementMistake } from './sandbox.js';
import { scanLocation, treeInRange, type LocalFile, type PartitionRange } from './scan.js';
import { knownFiles, openVerifiedCache, rememberedHeaders, type KnownFiles, type VerifiedCache } from './verified-cache.js';
import { parquetViewSql, textViewSql } from './view.js';
import { linkData, linkedPath, makeWorkDir, removeWorkDir, type DataLink } from './work-folder.js';

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

// DuckDB's words for a sum that leaves BIGINT: a HUGEINT sum cast back, or an addition that overflows.
const BIGINT_OVERFLOW = /out of range for the destination type INT64|Overflow in (addition|subtraction|multiplication) of INT64/;

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
  /** The last run's turn at making and reading copies (see `readFromCopies`). */
  private copiesInTurn: Promise<unknown> = Promise.resolve();
  /** Folders under the location whose date or hour is impossible: no partitions, skipped, and said so in each answer. */
  private skippedFolders: readonly string[] = [];

  private constructor(
    readonly source: Source,
    readonly table: string,
    readonly files: readonly LocalFile[],
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly workDir: string,
    private readonly link: DataLink,
    private readonly verifiedCache: VerifiedCache,
    /** None when the cache is off. */
    private readonly parquetCache: ParquetCache | undefined,
    query: QuerySettings,
    private readonly clock: Clock,
  ) {
    this.target = renderTargetFor(table, source, query, 'duckdb');
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
    const workDir = await makeWorkDir();
    try {
      for (const macro of DUCKDB_MACROS) await connection.run(macro);
      mark('duckdb open');
      const link = await linkData(workDir, tree.location);
      const logFormat =
        tree.fileFormat === 'parquet'
          ? await parquetFormat(
              connection,
              tree.files.map((f) => linkedPath(link, f.path)),
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
      const parquetCache =
        options.parquetCache !== undefined && tree.fileFormat === 'plain-text'
          ? await ParquetCache.open(options.parquetCache, options.onlyCopies === true, { source, verifiedCache, workDir, link })
          : undefined;
      const engine = new LocalEngine(source, table, tree.files, instance, connection, workDir, link, verifiedCache, parquetCache, query, clock);
      engine.skippedFolders = scanned.skipped ?? [];
      // Every text file is read typed until a run learns otherwise of the files it reads (see `run`),
      // and a file kept only as its copy from that copy (a run fails naming it if the copy is gone).
      await engine.createView(new Set(tree.fileFormat === 'plain-text' ? tree.files.map((f) => f.path) : []), parquetCache?.standInCopies(tree.files));
      mark('view');
      return engine;
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      await removeWorkDir(workDir);
      throw error;
    }
  }

  private async createView(plain: ReadonlySet<string>, cached: ReadonlyMap<string, string> = new Map()): Promise<void> {
    this.plain = new Set(plain);
    this.cached = new Map(cached);
    // A file kept only as its copy has no text to read: without its copy it is left out (see `readFromCopies`).
    const paths = (keep: (f: LocalFile) => boolean) => this.files.filter((f) => f.standIn === undefined && keep(f)).map((f) => linkedPath(this.link, f.path));
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

  /**
   * With the Parquet cache: verifies the files and makes the copies they lack (see
   * `ParquetCache.makeCopies`), then reads them from their copies.
   * @returns the files found plain, as they are read from their gzip text when a copy goes missing.
   */
  private readFromCopies(files: readonly LocalFile[], signal: AbortSignal, onProgress?: RunOptions['onProgress']): Promise<Set<string>> {
    // One run at a time (a report runs several at once): a run that waits finds the copies made before
    // it instead of making them again.
    const turn = this.copiesInTurn.then(async () => {
      const cache = this.parquetCache!;
      const { files: copied, plain, copies } = await cache.makeCopies(files, signal, onProgress);
      try {
        await this.readAs(copied, plain, copies);
      } catch (error) {
        // A copy removed since it was found (see `namesCopy`): the files are read from their gzip text.
        if (!cache.namesCopy(error) || hasStandIn(copied)) throw error;
        await this.readAs(copied, plain);
      }
      return plain;
    });
    this.copiesInTurn = turn.catch(() => undefined);
    return turn;
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
    const notes = answerNotes(query, { files: this.files, selected, location: this.source.location, skippedFolders: this.skippedFolders });
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
          if (!fromCache || timedOut || !this.parquetCache.namesCopy(error) || hasStandIn(selected)) throw error;
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
      if (BIGINT_OVERFLOW.test(errorLine(error))) throw new DataError(await this.overflowMessage(query), { cause: error });
      throw new DataError(`the local engine could not run ${query.template}: ${errorLine(error).replaceAll(this.link.from, this.link.to)}`, {
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
   * Runs one statement a user wrote (`flowq sql`, a query with no values) over the view. The
   * connection is first locked to the view's files, then the statement must be a single SELECT.
   * The answer names the partition of the last file found, to show how `dt` values are written.
   * @throws InvalidParameter when the statement is refused.
   */
  async runStatement(query: RenderedQuery, options: RunOptions = {}): Promise<StatementResult> {
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
    await lockDown(this.connection, [...this.files.map((f) => linkedPath(this.link, f.path)), ...this.cached.values()], [this.workDir]);
    await checkReadOnly(this.connection, query.sql);
    try {
      const result = await this.run(query, options);
      const held = this.files.at(-1)?.key.dt;
      return held === undefined ? result : { ...result, partitionHeld: held };
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
    await this.parquetCache?.replaceCopied();
    await removeWorkDir(this.workDir);
  }
}
