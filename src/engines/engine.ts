import type { RenderedQuery } from '../queries/render.js';

/** A result column, named and typed the way Athena names types (`varchar`, `bigint`, `integer`, `double`). */
export interface Column {
  readonly name: string;
  readonly type: string;
}

/** One row, by column name. A bigint beyond 2^53 stays a string. */
export type Row = Record<string, string | number | boolean | null>;

/** What an engine says about the work a query did. */
export interface QueryStats {
  readonly engine: 'local' | 'athena';
  readonly rowsReturned: number;
  readonly elapsedMs: number;
  /** Local engine: files and bytes read (the local counterpart of Athena's data scanned). */
  readonly filesRead?: number;
  readonly bytesRead?: number;
  /** Athena: the engine's own figures. */
  readonly dataScannedBytes?: number;
  readonly engineExecutionMs?: number;
  readonly queueMs?: number;
  readonly totalExecutionMs?: number;
  readonly reused?: boolean;
  readonly costUsd?: number;
}

/** The answer to one rendered query. */
export interface QueryResult {
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  readonly stats: QueryStats;
  /** Athena's execution id, when the query ran there. */
  readonly executionId?: string;
  /** What a reader should know about the answer, e.g. partitions of the range that held no files. */
  readonly notes?: readonly string[];
}

/** Progress of a running query, for a terminal or a log. */
export interface QueryProgress {
  readonly state: string;
  readonly elapsedMs: number;
  readonly dataScannedBytes?: number;
}

/** Options for one run. */
export interface RunOptions {
  /** Epoch milliseconds by which the query must finish, or be stopped. */
  readonly deadline?: number;
  readonly onProgress?: (progress: QueryProgress) => void;
}

/** Runs rendered templates. The local (DuckDB) and Athena engines both implement it. */
export interface Engine {
  readonly name: 'local' | 'athena';
  run(query: RenderedQuery, options?: RunOptions): Promise<QueryResult>;
  close(): Promise<void>;
}

/** The JSON document a query answers with: `flowq run --output json` and the HTTP API. */
export interface ResultDocument {
  readonly query: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  readonly stats: QueryStats;
  readonly executionId?: string;
  readonly notes?: readonly string[];
}

/** Assembles the result document for a query and its result. */
export function toResultDocument(query: RenderedQuery, result: QueryResult): ResultDocument {
  return {
    query: query.template,
    params: query.params,
    columns: result.columns,
    rows: result.rows,
    stats: result.stats,
    ...(result.executionId === undefined ? {} : { executionId: result.executionId }),
    ...(result.notes === undefined || result.notes.length === 0 ? {} : { notes: result.notes }),
  };
}
