import { apiFromEnvironment, type Api } from '../src/api/backend.js';
import { answerQuery } from '../src/api/queries.js';
import { RUN_QUERY_EVENT } from '../src/http/validators.generated.js';
import { callerOf } from '../src/http/caller.js';
import { httpRequest, jsonAnswer, type ParsedEvent } from '../src/http/stack.js';
import { lambdaHandler } from '../src/lambda/handler.js';

type RunQueryEvent = ParsedEvent<{ params: Record<string, unknown> }, { name: string }>;

/**
 * `POST /queries/{name}` with `{"params": {...}}`: 200 with the result document when the query ends
 * within the sync budget, otherwise 202 with the execution to fetch it from.
 */
export function createHandler(api: Api) {
  return lambdaHandler(httpRequest<RunQueryEvent>({ eventSchema: RUN_QUERY_EVENT, jsonBody: true, corsOrigins: api.settings.corsOrigins }), async (event) => {
    const answer = await answerQuery(api, {
      query: event.pathParameters.name,
      params: event.body.params,
      requestKey: event.headers['idempotency-key'] ?? event.requestContext.requestId,
      caller: callerOf(event),
    });
    if (answer.done) return jsonAnswer(200, answer.document);
    const location = `/executions/${answer.executionId}`;
    return jsonAnswer(202, { executionId: answer.executionId, state: answer.state, location }, { Location: location });
  });
}

export const handler = createHandler(apiFromEnvironment());
