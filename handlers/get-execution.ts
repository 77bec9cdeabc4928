import { apiFromEnvironment, type Api } from '../src/api/backend.js';
import { readExecution } from '../src/api/queries.js';
import { GET_EXECUTION_EVENT } from '../src/http/validators.generated.js';
import { httpRequest, jsonAnswer, type ParsedEvent } from '../src/http/stack.js';
import { lambdaHandler } from '../src/lambda/handler.js';

type GetExecutionEvent = ParsedEvent<unknown, { id: string }, { nextToken?: string; pageSize?: number }>;

/**
 * `GET /executions/{id}[?nextToken=...&pageSize=...]`: 200 with a page of rows when the query is
 * done, 202 with its state while it is queued or running.
 */
export function createHandler(api: Api) {
  return lambdaHandler(httpRequest<GetExecutionEvent>({ eventSchema: GET_EXECUTION_EVENT, corsOrigins: api.settings.corsOrigins }), async (event) => {
    const { nextToken, pageSize } = event.queryStringParameters ?? {};
    const view = await readExecution(api, event.pathParameters.id.toLowerCase(), { nextToken, pageSize });
    if (!view.done) {
      const location = `/executions/${view.executionId}`;
      return jsonAnswer(202, { executionId: view.executionId, state: view.state, location }, { 'Retry-After': '2' });
    }
    const { done: _done, ...page } = view;
    return jsonAnswer(200, page);
  });
}

export const handler = createHandler(apiFromEnvironment());
