import { PARTITION_KEYS, partitionPathPattern } from '../../flowlog/layout.js';
import type { Source } from '../../flowlog/source.js';
import { quoteIdent, sqlStringLiteral } from '../../sql.js';
import { DUCKDB_TYPE } from '../duckdb-types.js';

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

/**
 * DuckDB's read buffer for a text file: 2 MiB, its longest line. Its default, 32 MiB for each file,
 * costs more than reading a small one: a day of 2,304 files of 450 bytes took 40% less time to query
 * with this, and files of 10 MB took the same.
 */
const READ_BUFFER_BYTES = 2 << 20;

/** How DuckDB reads a gzip text file. */
const TEXT_READ = `delim = ' ', header = false, skip = 1, auto_detect = false, quote = '', escape = '', compression = 'gzip', filename = true, hive_partitioning = false, buffer_size = ${READ_BUFFER_BYTES}`;

/**
 * The records of text files, with the format's columns and `filename`. Plain files (see
 * `PlainRecordScanner`) are read typed, the fast way: numbers parsed by the reader, `-` and `\\N`
 * read as NULL, and `-` put back in the string columns, where nothing else can be NULL in such a
 * file. Other files are read the exact way: every field as text, numbers by {@link athenaNumberSql},
 * `-` kept in string columns, `\\N` as NULL, short lines padded with NULLs (null_padding) and extra
 * fields dropped (strict_mode off). DuckDB's typed read alone would read `1.5` as 2 and `0x10` as 16
 * without a word.
 */
export function textRecordsSql(source: Source, paths: readonly string[], plain: boolean): string {
  const fields = source.logFormat.fields;
  if (plain) {
    const types = fields.map((f, i) => `'c${i}': '${DUCKDB_TYPE[f.athenaType]}'`).join(', ');
    const columns = fields.map((f, i) => (f.athenaType === 'string' ? `coalesce(c${i}, '-')` : `c${i}`) + ` AS ${quoteIdent(f.column)}`);
    return `SELECT ${columns.join(', ')}, filename
FROM read_csv(${listLiteral(paths)}, ${TEXT_READ}, columns = {${types}}, nullstr = ['-', '\\N'])`;
  }
  const raw = fields.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const columns = fields.map((f, i) =>
    f.athenaType === 'string' ? `c${i} AS ${quoteIdent(f.column)}` : `${athenaNumberSql(`c${i}`, DUCKDB_TYPE[f.athenaType])} AS ${quoteIdent(f.column)}`,
  );
  return `SELECT ${columns.join(',\n  ')}, filename
FROM read_csv(${listLiteral(paths)}, ${TEXT_READ}, columns = {${raw}}, null_padding = true, strict_mode = false, nullstr = '\\N')`;
}

/** How the view reads each text file: typed, the exact way, or its copy in the Parquet cache (written by {@link textRecordsSql}). */
export interface TextPlan {
  readonly plain: readonly string[];
  readonly other: readonly string[];
  readonly cached: readonly string[];
}

/** The view over text files, each read as the plan says; the partition columns come from the file's path. */
export function textViewSql(table: string, source: Source, plan: TextPlan): string {
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

export function parquetViewSql(table: string, source: Source, paths: readonly string[]): string {
  return `CREATE OR REPLACE VIEW ${table} AS SELECT
  ${typedColumns(source)},
  ${partitionColumns(source)}
FROM read_parquet(${listLiteral(paths)}, filename = true, union_by_name = true, hive_partitioning = false)`;
}

export function listLiteral(paths: readonly string[]): string {
  return `[${paths.map((p) => sqlStringLiteral(p)).join(', ')}]`;
}
