import { apiFromEnvironment, type Api } from '../src/api/backend.js';
import { runQueryUntil } from '../src/api/queries.js';
import type { ResultDocument } from '../src/engines/engine.js';
import { INVOKE_EVENT } from '../src/http/validators.generated.js';
import { deadlineFrom } from '../src/lambda/deadline.js';
import { lambdaHandler } from '../src/lambda/handler.js';
import { directInvocation } from '../src/lambda/invocation.js';

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
  return lambdaHandler(directInvocation<RunQueryInvocation, ResultDocument>(INVOKE_EVENT), async (event, context) => {
    const deadline = deadlineFrom(context, api.settings.invokeMarginMs, api.clock);
    return runQueryUntil(api, { query: event.query, params: event.params ?? {}, requestKey: context.awsRequestId, caller: DIRECT_INVOCATION }, deadline);
  });
}

export const handler = createHandler(apiFromEnvironment());
