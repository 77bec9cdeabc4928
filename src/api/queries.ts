import { optionalEnv, readQuerySettings, type Env, type QuerySettings } from '../config.js';
import { toResultDocument, type Engine, type ExecutionView, type ResultDocument } from '../engines/engine.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat, type LogFormat } from '../flowlog/format.js';
import { logger } from '../logger.js';
import { renderQuery, type RenderedQuery } from '../queries/render.js';
import { describeTemplates, type QueryDescription } from '../queries/templates.js';
import type { Api } from './backend.js';

/** A request to run one template. */
export interface QueryRequest {
  readonly query: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Names the request, so a retry reuses the execution it started (see RunOptions). */
  readonly requestKey?: string;
  /** Who asked (the IAM caller's ARN, the token's subject, or how the function was invoked): logged with the execution id. */
  readonly caller?: string;
}

/** The answer to `POST /queries/{name}`: the result, or the execution to fetch it from later. */
export type QueryAnswer =
  { readonly done: true; readonly document: ResultDocument } | { readonly done: false; readonly executionId: string; readonly state: 'QUEUED' | 'RUNNING' };

/** What listing the templates reads: the configured log format and query limits, and no engine. */
export interface ListingSettings {
  readonly logFormat: LogFormat;
  readonly query: QuerySettings;
}

/**
 * Reads `FLOWQ_LOG_FORMAT` (default: the version-2 format) and the query settings. In local mode
 * without `FLOWQ_LOG_FORMAT` the files' own format decides what runs; the listing then assumes the default.
 * @throws InvalidConfiguration naming the variable that is malformed.
 */
export function readListingSettings(env: Env): ListingSettings {
  const text = optionalEnv(env, 'FLOWQ_LOG_FORMAT');
  return { logFormat: text === undefined ? DEFAULT_LOG_FORMAT : parseLogFormat(text), query: readQuerySettings(env) };
}

/** Every template as published for the configured log format and limits (see describeTemplates). */
export function describeQueries(settings: ListingSettings): QueryDescription[] {
  return describeTemplates(settings.logFormat, { maxRangeDays: settings.query.maxRangeDays });
}

/** Validates and renders a request for the engine's table. @throws UnknownQuery, InvalidParameter. */
function render(engine: Engine, request: QueryRequest): RenderedQuery {
  logger.appendKeys({ query: request.query, ...(request.caller !== undefined && { caller: request.caller }) });
  return renderQuery(request.query, request.params, engine.target);
}

function noteStart(executionId: string): void {
  logger.appendKeys({ executionId });
  logger.info('query started');
}

/**
 * Answers a request within the API's sync budget: with the result document when the query ends in
 * time, otherwise with the id and state of the execution, which keeps running.
 * @throws UnknownQuery, InvalidParameter before anything runs; QueryFailed, QueryCancelled, QueryTimedOut.
 */
export async function answerQuery(api: Api, request: QueryRequest): Promise<QueryAnswer> {
  const engine = await api.engine();
  const query = render(engine, request);
  const deadline = api.clock.now() + api.settings.syncBudgetMs;
  const submission = await engine.submit(query, { deadline, requestKey: request.requestKey, onStart: noteStart });
  if (!submission.done) {
    logger.info('query still running; answered with its execution id', { state: submission.state });
    return submission;
  }
  return { done: true, document: toResultDocument(query, submission.result) };
}

/**
 * Runs a request to the end or to `deadline`, whichever is first; at the deadline the query is
 * stopped and the timeout raised, so a caller answers before it is cut off.
 * @throws UnknownQuery, InvalidParameter before anything runs; QueryFailed, QueryCancelled, QueryTimedOut.
 */
export async function runQueryUntil(api: Api, request: QueryRequest, deadline: number): Promise<ResultDocument> {
  const engine = await api.engine();
  const query = render(engine, request);
  return toResultDocument(query, await engine.run(query, { deadline, requestKey: request.requestKey, onStart: noteStart }));
}

/**
 * An execution started by `POST /queries/{name}`: its state, or a page of its rows.
 * @throws UnknownExecution when there is no such execution (always, in local mode); QueryFailed, QueryCancelled.
 */
export async function readExecution(api: Api, executionId: string, page: { nextToken?: string; pageSize?: number }): Promise<ExecutionView> {
  const engine = await api.engine();
  logger.appendKeys({ executionId });
  return engine.view(executionId, page);
}
