import { createHash, randomUUID } from 'node:crypto';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type QueryExecution,
  type StartQueryExecutionInput,
} from '@aws-sdk/client-athena';
import { CLIENT_CONFIG } from '../aws/clients.js';
import { InvalidConfiguration, QueryCancelled, QueryFailed, QueryTimedOut, UnknownExecution } from '../errors.js';
import { logger } from '../logger.js';
import { renderTargetFor, type RenderedQuery, type RenderTarget } from '../queries/render.js';
import { DEFAULT_QUERY_SETTINGS, type QuerySettings } from '../config.js';
import type { LogFormat } from '../flowlog/format.js';
import type { Layout } from '../flowlog/layout.js';
import { isS3Location } from '../s3/location.js';
import { checkIdentifier } from '../sql.js';
import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { DeadlineReached, isRetryableError, retry } from '../aws/retry.js';
import { stopOnExit } from './stop.js';
import { executionStats, toColumns, toRows } from './athena-results.js';
import {
  isTrinoBigintOverflow,
  overflowFailure,
  type Column,
  type Engine,
  type ExecutionView,
  type QueryResult,
  type ResultPage,
  type Row,
  type RunOptions,
  type Submission,
} from './engine.js';

// flowq retries Athena calls itself, within the caller's deadline (src/aws/retry.ts): see CLIENT_CONFIG.
// Made at import, as openEngine loads this module only for questions that go to Athena.
const athena = new AthenaClient(CLIENT_CONFIG.athena);

/** How the engine polls a running query: starting near 100 ms, growing to about 2 s. */
export const POLL_BACKOFF = { initialMs: 100, factor: 1.5, maxMs: 2000 } as const;

/** The wait before the n-th poll (0-based). */
export function pollDelay(attempt: number): number {
  return Math.min(POLL_BACKOFF.maxMs, Math.round(POLL_BACKOFF.initialMs * POLL_BACKOFF.factor ** attempt));
}

/** Where and how queries run on Athena. */
export interface AthenaSettings {
  /** The Glue database that holds the flow-log table. */
  readonly database: string;
  /** The data catalog; `AwsDataCatalog` unless given. */
  readonly catalog?: string;
  /** The workgroup; Athena's `primary` unless given. */
  readonly workgroup?: string;
  /** `s3://...` for results; only sent when set, since a per-query location disables result reuse. */
  readonly outputLocation?: string;
  /** How old a stored result of the same query may be and still be reused; 0 turns reuse off. */
  readonly resultReuseMinutes?: number;
}

/** The Glue table Athena queries: where it runs, and the table's layout and log format. */
export interface AthenaTable extends AthenaSettings {
  readonly table: string;
  readonly layout: Layout;
  readonly logFormat: LogFormat;
}

/** Athena's five query states. */
export type ExecutionState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** Where an execution stands, with Athena's own record of it. */
export interface ExecutionStatus {
  readonly executionId: string;
  readonly state: ExecutionState;
  readonly execution: QueryExecution;
}

/** Most rows GetQueryResults returns in one call. */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_RESULT_REUSE_MINUTES = 60;
/** Athena keeps no result older than 7 days for reuse. */
const MAX_RESULT_REUSE_MINUTES = 7 * 24 * 60;
const WORKGROUP = /^[a-zA-Z0-9._-]{1,128}$/;

/** Every template's partition predicate, as rendered: the place the parameters' digest joins. */
const PARTITION_PREDICATE = /\bdt BETWEEN \? AND \?/;

/**
 * The query text Athena receives: the rendered SQL with a predicate that is always true and carries
 * a SHA-256 of the execution parameters, `AND 'p:<digest>' <> ''` after the partition predicate.
 * Athena reuses a result only for a matching query string, and documents neither whether it also
 * compares the parameters nor whether it compares comments; in the statement itself, the digest
 * keeps two requests that differ in any value apart, while identical requests still share the text.
 * A statement without parameters (`flowq sql`) is its own text.
 * @throws Error when a statement with parameters has no partition predicate (every template has one).
 */
export function athenaQueryText(query: Pick<RenderedQuery, 'sql' | 'executionParameters'>): string {
  if (query.executionParameters.length === 0) return query.sql;
  if (!PARTITION_PREDICATE.test(query.sql)) throw new Error('a statement with parameters needs the partition predicate dt BETWEEN ? AND ?');
  const digest = createHash('sha256').update(JSON.stringify(query.executionParameters)).digest('hex');
  return query.sql.replace(PARTITION_PREDICATE, (predicate) => `${predicate} AND 'p:${digest}' <> ''`);
}

function isTerminal(state: ExecutionState): boolean {
  return state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'InvalidRequestException' && /not found|does not exist/i.test(e.message ?? '');
}

/**
 * Runs rendered templates on Amazon Athena: the same SQL text the local engine runs, with the
 * values as `ExecutionParameters`. Starts are idempotent (`ClientRequestToken`), polling backs off
 * from 100 ms to 2 s, a run past its deadline is stopped, throttling is retried with jitter.
 */
export class AthenaEngine implements Engine {
  readonly name = 'athena' as const;
  readonly settings: Readonly<Required<Omit<AthenaSettings, 'outputLocation'>>> & Pick<AthenaSettings, 'outputLocation'>;
  readonly target: RenderTarget;

  /** @throws InvalidConfiguration when a setting is malformed. */
  constructor(
    settings: AthenaTable,
    query: QuerySettings = DEFAULT_QUERY_SETTINGS,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    const reuse = settings.resultReuseMinutes ?? DEFAULT_RESULT_REUSE_MINUTES;
    if (!Number.isInteger(reuse) || reuse < 0 || reuse > MAX_RESULT_REUSE_MINUTES) {
      throw new InvalidConfiguration(`result reuse must be 0 to ${MAX_RESULT_REUSE_MINUTES} minutes, not ${reuse}`);
    }
    const workgroup = settings.workgroup ?? 'primary';
    if (!WORKGROUP.test(workgroup)) throw new InvalidConfiguration(`workgroup name '${workgroup}' must match ${WORKGROUP.source}`);
    if (settings.outputLocation !== undefined && !isS3Location(settings.outputLocation)) {
      throw new InvalidConfiguration(`output location '${settings.outputLocation}' is not an S3 location (s3://bucket/prefix/)`);
    }
    this.settings = {
      database: checkIdentifier('database', settings.database),
      catalog: settings.catalog ?? 'AwsDataCatalog',
      workgroup,
      outputLocation: settings.outputLocation,
      resultReuseMinutes: reuse,
    };
    this.target = renderTargetFor(settings.table, { ...settings.layout, logFormat: settings.logFormat }, query, 'athena');
  }

  /**
   * Runs a query to the end and reads all its rows.
   * @throws QueryTimedOut (after StopQueryExecution) when it is still running at `deadline`.
   * @throws QueryFailed, QueryCancelled when Athena reports so.
   */
  async run(query: RenderedQuery, options: RunOptions = {}): Promise<QueryResult> {
    const startedAt = this.clock.now();
    const executionId = await this.start(query, options);
    // An ending process (Ctrl-C) stops the execution rather than leave it running on.
    const unregister = stopOnExit(() => this.stop(executionId));
    let status: ExecutionStatus;
    try {
      status = await this.waitFor(executionId, startedAt, options);
    } finally {
      unregister();
    }
    if (!isTerminal(status.state)) {
      await this.stop(executionId);
      throw new QueryTimedOut(`${query.template} did not finish before its deadline; Athena query ${executionId} was stopped`, { executionId });
    }
    try {
      return await this.collect(status, startedAt);
    } catch (error) {
      // Trino's `bigint addition overflow` (Athena: NUMERIC_VALUE_OUT_OF_RANGE), named as the local engine names it.
      if (error instanceof QueryFailed && isTrinoBigintOverflow(error.message)) {
        throw new QueryFailed(`${overflowFailure(query.template, undefined, query.partitions)} (Athena query ${executionId})`, {
          executionId,
          errorCategory: error.errorCategory,
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * Starts a query and waits for it until `deadline` at most, leaving it running past that.
   * @throws QueryFailed, QueryCancelled when Athena reports so within the wait.
   */
  async submit(query: RenderedQuery, options: RunOptions = {}): Promise<Submission> {
    const startedAt = this.clock.now();
    const executionId = await this.start(query, options);
    const status = await this.waitFor(executionId, startedAt, options);
    if (status.state === 'QUEUED' || status.state === 'RUNNING') return { done: false, executionId, state: status.state };
    return { done: true, result: await this.collect(status, startedAt) };
  }

  /**
   * An execution of this workgroup: its state, or when it succeeded, one page of its rows.
   * @throws UnknownExecution when Athena has no such execution in this workgroup.
   * @throws QueryFailed, QueryCancelled when it ended so.
   */
  async view(executionId: string, page: { nextToken?: string; pageSize?: number } = {}): Promise<ExecutionView> {
    const status = await this.status(executionId);
    if (status.state === 'QUEUED' || status.state === 'RUNNING') return { done: false, executionId, state: status.state };
    this.raiseUnlessSucceeded(status);
    const result = await this.readPage(executionId, page);
    const stats = executionStats(status.execution, result.rows.length, status.execution.Statistics?.TotalExecutionTimeInMillis ?? 0);
    return { done: true, executionId, state: 'SUCCEEDED', stats, ...result };
  }

  /**
   * Sends StartQueryExecution. The token is a hash of everything that makes the query what it
   * is plus the request key, so a retried start, from this process or a retried Lambda, returns
   * the execution already running.
   * @throws QueryTimedOut when throttling lasts past the deadline.
   */
  async start(query: RenderedQuery, options: RunOptions = {}): Promise<string> {
    const { database, catalog, workgroup, outputLocation, resultReuseMinutes } = this.settings;
    const requestKey = options.requestKey ?? randomUUID();
    const token = createHash('sha256')
      .update(JSON.stringify([query.template, query.sql, query.executionParameters, catalog, database, workgroup, outputLocation ?? '', requestKey]))
      .digest('hex');
    const input: StartQueryExecutionInput = {
      QueryString: athenaQueryText(query),
      ExecutionParameters: query.executionParameters.length > 0 ? [...query.executionParameters] : undefined,
      QueryExecutionContext: { Database: database, Catalog: catalog },
      WorkGroup: workgroup,
      ClientRequestToken: token,
      ResultConfiguration: outputLocation === undefined ? undefined : { OutputLocation: outputLocation },
      ResultReuseConfiguration: resultReuseMinutes > 0 ? { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: resultReuseMinutes } } : undefined,
    };
    let output;
    try {
      output = await this.send(() => athena.send(new StartQueryExecutionCommand(input)), options.deadline);
    } catch (error) {
      if (error instanceof DeadlineReached) {
        throw new QueryTimedOut(`${query.template} could not start before its deadline: Athena kept throttling`);
      }
      throw error;
    }
    const executionId = output.QueryExecutionId;
    if (executionId === undefined) throw new QueryFailed('Athena accepted the query but returned no execution id');
    options.onStart?.(executionId);
    return executionId;
  }

  /**
   * GetQueryExecution for an execution of this workgroup.
   * @throws UnknownExecution when Athena does not know it or it belongs to another workgroup.
   */
  async status(executionId: string, deadline?: number): Promise<ExecutionStatus> {
    let output;
    try {
      output = await this.send(() => athena.send(new GetQueryExecutionCommand({ QueryExecutionId: executionId })), deadline);
    } catch (error) {
      if (isNotFound(error)) throw new UnknownExecution(`no query execution ${executionId}`, { cause: error });
      throw error;
    }
    const execution = output.QueryExecution ?? {};
    if (execution.WorkGroup !== undefined && execution.WorkGroup !== this.settings.workgroup) {
      throw new UnknownExecution(`no query execution ${executionId}`);
    }
    return { executionId, state: execution.Status?.State ?? 'QUEUED', execution };
  }

  /** Polls until the execution ends or the deadline comes, whichever is first; returns the last state seen. */
  private async waitFor(executionId: string, startedAt: number, options: RunOptions): Promise<ExecutionStatus> {
    const deadline = options.deadline ?? Number.POSITIVE_INFINITY;
    let last: ExecutionStatus = { executionId, state: 'QUEUED', execution: {} };
    for (let attempt = 0; ; attempt++) {
      try {
        last = await this.status(executionId, deadline);
      } catch (error) {
        if (error instanceof DeadlineReached) return last;
        throw error;
      }
      options.onProgress?.({
        state: last.state,
        elapsedMs: this.clock.now() - startedAt,
        dataScannedBytes: last.execution.Statistics?.DataScannedInBytes,
      });
      const remaining = deadline - this.clock.now();
      if (isTerminal(last.state) || remaining <= 0) return last;
      await this.clock.sleep(Math.min(pollDelay(attempt), remaining));
    }
  }

  /** Sends StopQueryExecution; a failure to stop is logged, never hides the timeout that caused it. */
  async stop(executionId: string): Promise<void> {
    try {
      await this.send(() => athena.send(new StopQueryExecutionCommand({ QueryExecutionId: executionId })));
    } catch (error) {
      logger.warn('could not stop the Athena query', { executionId, error: error as Error });
    }
  }

  private raiseUnlessSucceeded(status: ExecutionStatus): void {
    const { executionId, execution } = status;
    const reason = execution.Status?.StateChangeReason ?? execution.Status?.AthenaError?.ErrorMessage;
    if (status.state === 'FAILED') {
      const category = execution.Status?.AthenaError?.ErrorCategory;
      throw new QueryFailed(`Athena query ${executionId} failed: ${reason ?? 'no reason given'}`, { executionId, errorCategory: category });
    }
    if (status.state === 'CANCELLED') {
      throw new QueryCancelled(`Athena query ${executionId} was cancelled${reason === undefined ? '' : `: ${reason}`}`, { executionId });
    }
  }

  private async collect(status: ExecutionStatus, startedAt: number): Promise<QueryResult> {
    this.raiseUnlessSucceeded(status);
    const rows: Row[] = [];
    let columns: readonly Column[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.readPage(status.executionId, { nextToken, pageSize: MAX_PAGE_SIZE }, columns);
      columns = page.columns;
      rows.push(...page.rows);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    const stats = executionStats(status.execution, rows.length, this.clock.now() - startedAt);
    return { columns, rows, stats, executionId: status.executionId };
  }

  /**
   * One page of rows. The first page starts with a header row, which is dropped; one more row is
   * asked for so a page still holds `pageSize` rows. `known` columns serve a page that comes without
   * its metadata.
   */
  private async readPage(executionId: string, page: { nextToken?: string; pageSize?: number }, known: readonly Column[] = []): Promise<ResultPage> {
    const first = page.nextToken === undefined;
    const pageSize = Math.min(page.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const output = await this.send(() =>
      athena.send(
        new GetQueryResultsCommand({
          QueryExecutionId: executionId,
          NextToken: page.nextToken,
          MaxResults: Math.min(first ? pageSize + 1 : pageSize, MAX_PAGE_SIZE),
        }),
      ),
    );
    const reported = toColumns(output.ResultSet?.ResultSetMetadata?.ColumnInfo);
    const columns = reported.length > 0 ? reported : known;
    const raw = output.ResultSet?.Rows ?? [];
    const rows = toRows(columns, first ? raw.slice(1) : raw);
    return output.NextToken === undefined ? { columns, rows } : { columns, rows, nextToken: output.NextToken };
  }

  /**
   * One SDK call, with throttling and server faults retried.
   * @throws DeadlineReached when they last past `deadline`.
   * @throws QueryFailed when they last past every retry.
   */
  private async send<T>(call: () => Promise<T>, deadline?: number): Promise<T> {
    try {
      return await retry(call, { clock: this.clock, deadline });
    } catch (error) {
      if (isRetryableError(error)) throw new QueryFailed('Athena is throttling requests or unavailable; try again later', { cause: error });
      throw error;
    }
  }

  async close(): Promise<void> {}
}
