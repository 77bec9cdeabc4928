import { toResultDocument, type Engine, type ExecutionView, type ResultDocument } from '../engines/engine.js';
import { logger } from '../logger.js';
import { paramsJsonSchema } from '../queries/params.js';
import { renderQuery, type RenderedQuery } from '../queries/render.js';
import { TEMPLATES } from '../queries/templates.js';
import type { Api } from './backend.js';

/** One template as `GET /queries` lists it. */
export interface QueryDescription {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the `params` object the template takes. */
  readonly params: Record<string, unknown>;
}

/** A request to run one template. */
export interface QueryRequest {
  readonly query: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Names the request, so a retry reuses the execution it started (see RunOptions). */
  readonly requestKey?: string;
}

/** The answer to `POST /queries/{name}`: the result, or the execution to fetch it from later. */
export type QueryAnswer =
  | { readonly done: true; readonly document: ResultDocument }
  | { readonly done: false; readonly executionId: string; readonly state: 'QUEUED' | 'RUNNING' };

/** Every template with its description and the JSON Schema of its parameters. */
export function describeQueries(): QueryDescription[] {
  return [...TEMPLATES.values()].map((t) => ({ name: t.name, description: t.description, params: paramsJsonSchema(t.params) }));
}

/** Validates and renders a request for the engine's table. @throws UnknownQuery, InvalidParameter. */
function render(engine: Engine, request: QueryRequest): RenderedQuery {
  logger.appendKeys({ query: request.query });
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
