import type { Context } from 'aws-lambda';
import { apiFromEnvironment, type Api } from '../src/api/backend.js';
import { runQueryUntil } from '../src/api/queries.js';
import type { ResultDocument } from '../src/engines/engine.js';
import { invokeStack } from '../src/http/invoke.js';
import { INVOKE_EVENT } from '../src/http/validators.generated.js';

interface RunQueryInvocation {
  readonly query: string;
  readonly params?: Record<string, unknown>;
}

/** A direct invocation carries no caller identity (CloudTrail's Lambda data events record who invoked). */
const DIRECT_INVOCATION = 'direct invocation';

/**
 * Direct invocation (`sls invoke -f runQuery --data '{"query": ..., "params": {...}}'`): the result
 * document, or — when the function's time runs short — the query stopped and QueryTimedOut raised.
 */
export function createHandler(api: Api) {
  return invokeStack<RunQueryInvocation, ResultDocument>(INVOKE_EVENT).handler(async (event, context: Context) => {
    const deadline = api.clock.now() + context.getRemainingTimeInMillis() - api.settings.invokeMarginMs;
    return runQueryUntil(api, { query: event.query, params: event.params ?? {}, requestKey: context.awsRequestId, caller: DIRECT_INVOCATION }, deadline);
  });
}

export const handler = createHandler(apiFromEnvironment());
