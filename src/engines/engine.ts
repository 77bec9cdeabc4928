import { renderQuery, type RenderedQuery, type RenderTarget } from '../queries/render.js';

/** A result column, named and typed the way Athena names types (`varchar`, `bigint`, `integer`, `double`). */
export interface Column {
  readonly name: string;
  readonly type: string;
}

/** One row, by column name. A bigint beyond 2^53 stays a string. */
export type Row = Record<string, string | number | boolean | null>;

/** The engines flowq runs templates on. */
export type EngineName = 'local' | 'athena' | 'trino';

/** What an engine says about the work a query did. */
export interface QueryStats {
  readonly engine: EngineName;
  readonly rowsReturned: number;
  readonly elapsedMs: number;
  /** Local engine: files and bytes read (the local counterpart of Athena's data scanned). */
  readonly filesRead?: number;
  readonly bytesRead?: number;
  /** Athena and Trino: the engine's own figures (Trino's physical input bytes as data scanned). */
  readonly dataScannedBytes?: number;
  readonly engineExecutionMs?: number;
  readonly queueMs?: number;
  readonly totalExecutionMs?: number;
  readonly reused?: boolean;
  readonly costUsd?: number;
  /** Every partition (`dt`) the query read; in result documents, not in an execution fetched by id. */
  readonly partitions?: readonly string[];
  /** Those of `partitions` read only for the late-filed margin: records filed after the range's end. */
  readonly marginPartitions?: readonly string[];
  /** The late-filed margin the query ran with. */
  readonly lateMarginSeconds?: number;
  /** Those of `partitions` read only for the baseline a template compares its range with (`baseline_days`). */
  readonly baselinePartitions?: readonly string[];
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

/** The answer to a statement a user wrote (see {@link Engine.runStatement}). */
export interface StatementResult extends QueryResult {
  /** A partition the data holds, when the engine knows its files: how the data's `dt` values are written. */
  readonly partitionHeld?: string;
}

/** Progress of a running query, for a terminal or a log. */
export interface QueryProgress {
  readonly state: string;
  readonly elapsedMs: number;
  readonly dataScannedBytes?: number;
  /** Counted work before the query (the local engine's Parquet copies, state `COPYING`): so many of so many files. */
  readonly files?: { readonly done: number; readonly total: number };
}

/** Options for one run or submission. */
export interface RunOptions {
  /** Epoch milliseconds by which the query must finish, or be stopped (`run`) or left running (`submit`). */
  readonly deadline?: number;
  readonly onProgress?: (progress: QueryProgress) => void;
  /**
   * Names the request a run answers (a Lambda request id, an `Idempotency-Key`): on Athena a retry
   * with the same key gets the same execution instead of a second query. A fresh key when left out.
   */
  readonly requestKey?: string;
  /** Called once the engine has accepted the query, with its execution id. */
  readonly onStart?: (executionId: string) => void;
}

/** A query answered within the caller's wait, or still running when the wait ended. */
export type Submission =
  { readonly done: true; readonly result: QueryResult } | { readonly done: false; readonly executionId: string; readonly state: 'QUEUED' | 'RUNNING' };

/** One page of a finished execution's rows. */
export interface ResultPage {
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** Present when more rows follow. */
  readonly nextToken?: string;
}

/** An execution as the API shows it: still running, or a page of its rows. */
export type ExecutionView =
  | { readonly done: false; readonly executionId: string; readonly state: 'QUEUED' | 'RUNNING' }
  | ({ readonly done: true; readonly executionId: string; readonly state: 'SUCCEEDED'; readonly stats: QueryStats } & ResultPage);

/**
 * The one port every engine offers, so handlers, the CLI and reports never ask which engine runs.
 * The local (DuckDB), Athena and Trino engines implement it; `openEngine` opens any of them.
 */
export interface Engine {
  readonly name: EngineName;
  /** What templates render for on this engine: derived from its Source and settings by `renderTargetFor`. */
  readonly target: RenderTarget;
  /**
   * Runs a query to the end and reads all its rows.
   * @throws QueryTimedOut when it is still running at the deadline (it is stopped first).
   */
  run(query: RenderedQuery, options?: RunOptions): Promise<QueryResult>;
  /**
   * Runs one statement a user wrote (`flowq sql`), shut in so that it reads only the flow logs: the
   * engines that can sandbox a statement offer it (the local engine); on the others `run` runs it.
   * @throws InvalidParameter when the statement is refused.
   */
  runStatement?(query: RenderedQuery, options?: RunOptions): Promise<StatementResult>;
  /** Starts a query and waits until the deadline at most; a query still running then keeps running. */
  submit(query: RenderedQuery, options?: RunOptions): Promise<Submission>;
  /**
   * A submitted execution: its state, or one page of its rows.
   * @throws UnknownExecution when the engine has no such execution.
   */
  view(executionId: string, page?: { readonly nextToken?: string; readonly pageSize?: number }): Promise<ExecutionView>;
  close(): Promise<void>;
}

/** The JSON document a query answers with: `flowq run --output json` and the HTTP API. */
export interface ResultDocument {
  readonly query: string;
  readonly params: RenderedQuery['params'];
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  readonly stats: QueryStats;
  readonly executionId?: string;
  readonly notes?: readonly string[];
}

/** Assembles the result document for a query and its result. */
export function toResultDocument(query: RenderedQuery, result: QueryResult): ResultDocument {
  const read = query.partitionsRead;
  const stats: QueryStats =
    read === undefined
      ? result.stats
      : {
          ...result.stats,
          partitions: read.all,
          marginPartitions: read.marginOnly,
          lateMarginSeconds: read.lateMarginSeconds,
          ...(read.baselineOnly === undefined ? {} : { baselinePartitions: read.baselineOnly }),
        };
  return {
    query: query.template,
    params: query.params,
    columns: result.columns,
    rows: result.rows,
    stats,
    ...(result.executionId === undefined ? {} : { executionId: result.executionId }),
    ...(result.notes === undefined || result.notes.length === 0 ? {} : { notes: result.notes }),
  };
}

/**
 * Renders one template for an engine's target, runs it and assembles its result document: what
 * `flowq run`, `flowq report` and the report handler share.
 * @throws UnknownQuery, InvalidParameter before anything runs; the engine's errors after.
 */
export async function runTemplate(engine: Engine, name: string, raw: Readonly<Record<string, unknown>>, options?: RunOptions): Promise<ResultDocument> {
  const query = renderQuery(name, raw, engine.target);
  return toResultDocument(query, await engine.run(query, options));
}

/** Whether Trino's (and so Athena's) failure message is a bigint overflow, `bigint addition overflow: 9223372036854775807 + 1`. */
export function isTrinoBigintOverflow(message: string): boolean {
  return /\bbigint (addition|subtraction|multiplication) overflow/i.test(message);
}

/**
 * The one line a template fails with when one of its sums passes bigint (2^63 − 1), on every engine:
 * Trino fails such a sum ("bigint addition overflow") and so does DuckDB once the sum is cast back,
 * so the rule is an error that names the template and the partitions, never a wrong number. Only
 * a record with a value no flow reaches (`bytes = 9223372036854775807`) gets there.
 * @param partitions the partitions whose own records sum past bigint, when known; else the range's are named.
 */
export function overflowFailure(template: string, partitions: readonly string[] | undefined, range: RenderedQuery['partitions']): string {
  const where =
    partitions === undefined
      ? range.from === ''
        ? 'its partitions'
        : `partitions ${range.from} to ${range.to}`
      : `partition${partitions.length === 1 ? '' : 's'} ${partitions.join(', ')}`;
  return `${template}: a sum passes the largest bigint (9223372036854775807) in ${where}: a record there holds a value no flow reaches`;
}
