import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BIGINT,
  VARCHAR,
  DuckDBInstance,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { DEFAULT_QUERY_SETTINGS, type QuerySettings } from '../config.js';
import { DataError, UnknownExecution } from '../errors.js';
import { FIELD_BY_COLUMN } from '../flowlog/fields.js';
import { headerLine, parseHeaderLine, parseLogFormat, type LogFormat } from '../flowlog/format.js';
import { partitionPathPattern, PARTITION_KEYS, type FileFormat } from '../flowlog/layout.js';
import type { Source } from '../flowlog/source.js';
import { renderTargetFor, type RenderedQuery, type RenderTarget } from '../queries/render.js';
import { mapLimit } from '../pool.js';
import { checkIdentifier, quoteIdent, sqlStringLiteral } from '../sql.js';
import type { Column, Engine, ExecutionView, QueryResult, Row, RunOptions, Submission } from './engine.js';
import { readHeaderLine, scanLocation, verifyGzipFiles, type LocalFile } from './local-files.js';
import { DUCKDB_TYPE } from './duckdb-types.js';
import { DUCKDB_MACROS } from './duckdb-macros.js';
import { checkReadOnly, lockDown, treeInRange, type PartitionRange } from './local-sql.js';

/** Where the local engine finds its data, and what it may assume about it. */
export interface LocalEngineOptions {
  /** The local folder that holds `AWSLogs/` (a copy of `s3://bucket/prefix/`). */
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
}

const ATHENA_NAME: Readonly<Record<string, string>> = {
  INTEGER: 'integer', BIGINT: 'bigint', HUGEINT: 'bigint', VARCHAR: 'varchar', DOUBLE: 'double',
  BOOLEAN: 'boolean', DATE: 'date', TIMESTAMP: 'timestamp', SMALLINT: 'smallint', TINYINT: 'tinyint',
};

function listLiteral(files: readonly LocalFile[]): string {
  return `[${files.map((f) => sqlStringLiteral(f.path)).join(', ')}]`;
}

/** The log format of text files: every header must agree with each other and with the configured format. */
async function textFormat(files: readonly LocalFile[], configured: LogFormat | undefined): Promise<LogFormat> {
  const headers = await mapLimit(files, 16, async (f) => ({ file: f, header: await readHeaderLine(f.path) }));
  const expected = configured ?? parseHeaderLine(headers[0].header);
  const want = headerLine(expected);
  for (const { file, header } of headers) {
    if (header.trim().split(/\s+/).join(' ') !== want) {
      const what = configured ? 'the log format' : `${headers[0].file.path}`;
      throw new DataError(`${file.path} has header '${header.trim()}' but ${what} says '${want}'`);
    }
  }
  return expected;
}

function partitionColumns(source: Source): string {
  const pattern = sqlStringLiteral(partitionPathPattern(source));
  return PARTITION_KEYS.map((key, i) => `regexp_extract(filename, ${pattern}, ${i + 1}) AS ${key}`).join(',\n  ');
}

function textViewSql(table: string, source: Source, files: readonly LocalFile[]): string {
  const fields = source.logFormat.fields;
  const raw = fields.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  // Every field is read as text and only whole decimal integers are converted (DuckDB's own cast also
  // takes 0x10, 1e3, 1_000 and 1.5, which Athena reads as NULL): a `-` or any other value in a
  // numeric column becomes NULL and stays `-` in a string column, as LazySimpleSerDe does. Short
  // lines are padded with NULLs (null_padding) and extra fields dropped (strict_mode off).
  const columns = fields.map((f, i) =>
    f.athenaType === 'string'
      ? `c${i} AS ${quoteIdent(f.column)}`
      : `CASE WHEN regexp_full_match(c${i}, '[+-]?[0-9]+') THEN TRY_CAST(c${i} AS ${DUCKDB_TYPE[f.athenaType]}) END AS ${quoteIdent(f.column)}`,
  );
  return `CREATE OR REPLACE VIEW ${table} AS SELECT
  ${columns.join(',\n  ')},
  ${partitionColumns(source)}
FROM read_csv(${listLiteral(files)}, delim = ' ', header = false, skip = 1, auto_detect = false,
  columns = {${raw}}, null_padding = true, strict_mode = false, quote = '', escape = '',
  nullstr = '\\N', compression = 'gzip', filename = true, hive_partitioning = false)`;
}

function parquetViewSql(table: string, source: Source, files: readonly LocalFile[]): string {
  const columns = source.logFormat.fields.map((f) => `CAST(${quoteIdent(f.column)} AS ${DUCKDB_TYPE[f.athenaType]}) AS ${quoteIdent(f.column)}`);
  return `CREATE OR REPLACE VIEW ${table} AS SELECT
  ${columns.join(',\n  ')},
  ${partitionColumns(source)}
FROM read_parquet(${listLiteral(files)}, filename = true, union_by_name = true, hive_partitioning = false)`;
}

function toJsValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** The number of files the query's scan read, from DuckDB's JSON profile (`Total Files Read`). */
function filesReadIn(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const { extra_info: info, children } = node as { extra_info?: Record<string, unknown>; children?: unknown[] };
  if (info && typeof info['Total Files Read'] === 'string') return Number(info['Total Files Read']);
  for (const child of children ?? []) {
    const found = filesReadIn(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The embedded engine: DuckDB over local files, presented to the SQL as Athena sees the Glue table —
 * a view named like the table, with the partition columns taken from each file's key path, so the
 * partition predicate prunes files here as it prunes partitions there.
 */
export class LocalEngine implements Engine {
  readonly name = 'local' as const;
  readonly target: RenderTarget;

  private constructor(
    readonly source: Source,
    readonly table: string,
    readonly files: readonly LocalFile[],
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly profileDir: string,
    private readonly verifiedCache: string | undefined,
    query: QuerySettings,
  ) {
    this.target = renderTargetFor(table, source, query, 'duckdb');
  }

  /** Opens the data under a local folder: finds the files, checks their format, creates the view. */
  static async open(options: LocalEngineOptions, query: QuerySettings = DEFAULT_QUERY_SETTINGS): Promise<LocalEngine> {
    const table = checkIdentifier('table', options.table ?? 'flow_logs');
    const scanned = await scanLocation(options.location, {
      layout: { hiveCompatiblePartitions: options.hiveCompatiblePartitions, perHourPartition: options.perHourPartition },
      fileFormat: options.fileFormat,
    });
    const tree = options.range === undefined ? scanned : treeInRange(scanned, options.range, options.location);
    const configured = options.logFormat === undefined ? undefined : parseLogFormat(options.logFormat);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const profileDir = await mkdtemp(join(tmpdir(), 'flowq-'));
    try {
      for (const macro of DUCKDB_MACROS) await connection.run(macro);
      const logFormat =
        tree.fileFormat === 'parquet' ? await parquetFormat(connection, tree.files, configured) : await textFormat(tree.files, configured);
      const source: Source = {
        location: options.location.endsWith('/') ? options.location : `${options.location}/`,
        logFormat,
        fileFormat: tree.fileFormat,
        ...tree.layout,
      };
      const view = tree.fileFormat === 'parquet' ? parquetViewSql(table, source, tree.files) : textViewSql(table, source, tree.files);
      await connection.run(view);
      await connection.run('SET preserve_insertion_order = false');
      // The JSON profile of each query tells which files its scan read (`Total Files Read`).
      await connection.run(`SET enable_profiling = 'json'`);
      await connection.run(`SET profiling_output = ${sqlStringLiteral(join(profileDir, 'profile.json'))}`);
      return new LocalEngine(source, table, tree.files, instance, connection, profileDir, options.verifiedCache, query);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      await rm(profileDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The view's columns in order, with Athena type names: data columns, then the partition keys. */
  async viewColumns(): Promise<Column[]> {
    const reader = await this.connection.runAndReadAll(`SELECT * FROM ${this.table} LIMIT 0`);
    return reader.columnNames().map((name, i) => ({ name, type: athenaTypeName(String(reader.columnTypes()[i])) }));
  }

  /** Runs a rendered template: the same SQL text Athena receives, with the values bound to its `?`. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the deadline is honoured in a later change
  async run(query: RenderedQuery, options: RunOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    const { from, to } = query.partitions;
    const selected = this.files.filter((f) => f.key.dt >= from && f.key.dt <= to);
    if (selected.length === 0) {
      throw new DataError(`no flow-log files for ${String(query.params.start)} to ${String(query.params.end)} under ${this.source.location}AWSLogs (partitions ${from} to ${to})`);
    }
    if (this.source.fileFormat === 'plain-text') await verifyGzipFiles(selected, this.verifiedCache);
    const values: DuckDBValue[] = query.values.map((v) => (v.type === 'bigint' ? BigInt(v.value) : v.value));
    const types: DuckDBType[] = query.values.map((v) => (v.type === 'bigint' ? BIGINT : VARCHAR));
    let reader;
    try {
      reader = await this.connection.runAndReadAll(query.sql, values, types);
    } catch (error) {
      throw new DataError(`the local engine could not run ${query.template}: ${firstLine(error)}`, { cause: error });
    }
    const names = reader.columnNames();
    const columns = names.map((name, i) => ({ name, type: athenaTypeName(String(reader.columnTypes()[i])) }));
    const rows: Row[] = reader.getRowsJS().map((values) => Object.fromEntries(names.map((n, i) => [n, toJsValue(values[i])])));
    // DuckDB's profile counts the files its scan read but names only a few of them, so the bytes
    // are those of the files in the partitions the predicate selects: the same set when pruning works.
    return {
      columns,
      rows,
      stats: {
        engine: 'local',
        rowsReturned: rows.length,
        elapsedMs: Math.round(performance.now() - started),
        filesRead: (await this.lastFilesRead()) ?? selected.length,
        bytesRead: selected.reduce((sum, f) => sum + f.size, 0),
      },
    };
  }

  /**
   * Runs one statement a user wrote (`flowq sql`, a query with no values) over the view. The
   * connection is first locked to the view's files, then the statement must be a single SELECT.
   * @throws InvalidParameter when the statement is refused.
   */
  async runStatement(query: RenderedQuery): Promise<QueryResult> {
    await lockDown(this.connection, this.files.map((f) => f.path), [this.profileDir]);
    await checkReadOnly(this.connection, query.sql);
    return this.run(query);
  }

  private async lastFilesRead(): Promise<number | undefined> {
    try {
      return filesReadIn(JSON.parse(await readFile(join(this.profileDir, 'profile.json'), 'utf8')));
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
    await rm(this.profileDir, { recursive: true, force: true });
  }
}

function athenaTypeName(duckdbType: string): string {
  return ATHENA_NAME[duckdbType] ?? duckdbType.toLowerCase();
}

/** The log format of Parquet files: configured (and checked against the files) or read from their columns. */
async function parquetFormat(connection: DuckDBConnection, files: readonly LocalFile[], configured: LogFormat | undefined): Promise<LogFormat> {
  let names: string[];
  try {
    const reader = await connection.runAndReadAll(
      `SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(${listLiteral(files)}, union_by_name = true, hive_partitioning = false))`,
    );
    names = reader.getRowsJS().map((r) => String(r[0]));
  } catch (error) {
    throw new DataError(`cannot read the Parquet files: ${firstLine(error)}`, { cause: error });
  }
  const fromFiles = parseLogFormat(
    names.map((n) => {
      if (!FIELD_BY_COLUMN.has(n)) throw new DataError(`Parquet column '${n}' is not a flow-log field`);
      return `\${${FIELD_BY_COLUMN.get(n)!.name}}`;
    }).join(' '),
  );
  if (!configured) return fromFiles;
  const missing = configured.fields.filter((f) => !names.includes(f.column)).map((f) => f.name);
  if (missing.length > 0) throw new DataError(`the Parquet files have no column for ${missing.join(', ')} of the log format`);
  return configured;
}

/** Opens the local engine over a folder. See {@link LocalEngine.open}. */
export function openLocalEngine(options: LocalEngineOptions, query: QuerySettings = DEFAULT_QUERY_SETTINGS): Promise<LocalEngine> {
  return LocalEngine.open(options, query);
}
