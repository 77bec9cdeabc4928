import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { headerLine, type LogFormat } from '../flowlog/format.js';
import { objectKey, type FileFormat, type Layout } from '../flowlog/layout.js';
import { sqlStringLiteral } from '../sql.js';
import { DUCKDB_TYPE } from '../engines/duckdb-types.js';

const gzip = promisify(gzipCallback);

/** Where and how files are written: a local folder laid out like `s3://bucket/prefix/`. */
export interface WriteTarget extends Layout {
  /** The folder that will hold `AWSLogs/`. */
  readonly location: string;
  readonly logFormat: LogFormat;
  readonly fileFormat: FileFormat;
  /** gzip level for text files; 6 is zlib's default, 1 is much faster for large benchmark sets. */
  readonly gzipLevel?: number;
}

/** One delivered file: whose it is, its 5-minute window, and its records as field values in format order. */
export interface FlowLogFile {
  readonly account: string;
  readonly region: string;
  readonly flowLogId: string;
  /** The start of the window that holds the records' end times (Unix seconds). */
  readonly fileTime: number;
  readonly records: ReadonlyArray<readonly string[]>;
}

/**
 * Writes flow-log files exactly as AWS delivers them: gzip text with a header line, or Parquet with
 * underscore column names and AWS's column types, at AWS's object keys. Each file is written to a
 * temporary name and renamed, so a failure never leaves half a file behind.
 */
export class FlowLogWriter {
  private duck?: { instance: DuckDBInstance; connection: DuckDBConnection };

  constructor(readonly target: WriteTarget) {}

  /** Writes one file and returns its path. */
  async write(file: FlowLogFile): Promise<string> {
    const text = `${file.records.map((r) => r.join(' ')).join('\n')}\n`;
    const hash = createHash('sha1').update(`${file.flowLogId}/${file.fileTime}/${text}`).digest('hex').slice(0, 8);
    const key = objectKey(this.target, this.target.fileFormat, { ...file, hash });
    const path = join(this.target.location, key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.tmp-${process.pid}`;
    try {
      if (this.target.fileFormat === 'parquet') await this.writeParquet(temp, file);
      else await writeFile(temp, await gzip(`${headerLine(this.target.logFormat)}\n${text}`, { level: this.target.gzipLevel ?? 6 }));
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return path;
  }

  private async writeParquet(path: string, file: FlowLogFile): Promise<void> {
    this.duck ??= await (async () => {
      const instance = await DuckDBInstance.create(':memory:');
      return { instance, connection: await instance.connect() };
    })();
    const fields = this.target.logFormat.fields;
    const rows = file.records.map(
      (r) => `(${fields.map((f, i) => (r[i] === undefined || (r[i] === '-' && f.athenaType !== 'string') ? 'NULL' : sqlStringLiteral(r[i]))).join(', ')})`,
    );
    const names = fields.map((f, i) => `c${i}`).join(', ');
    const select = fields.map((f, i) => `TRY_CAST(c${i} AS ${DUCKDB_TYPE[f.athenaType]}) AS "${f.column}"`).join(', ');
    const values = rows.length > 0 ? `VALUES ${rows.join(',\n')}` : `SELECT ${fields.map(() => 'NULL::VARCHAR').join(', ')} WHERE false`;
    await this.duck.connection.run(`COPY (SELECT ${select} FROM (${values}) AS v(${names})) TO ${sqlStringLiteral(path)} (FORMAT parquet, COMPRESSION gzip)`);
  }

  close(): Promise<void> {
    this.duck?.connection.closeSync();
    this.duck?.instance.closeSync();
    this.duck = undefined;
    return Promise.resolve();
  }
}
