import { apiFromEnvironment, type Api } from '../src/api/backend.js';
import { describeQueries } from '../src/api/queries.js';
import { LIST_QUERIES_EVENT } from '../src/http/schemas.js';
import { httpHandler, jsonAnswer } from '../src/http/stack.js';

/** `GET /queries`: every template with its description and the JSON Schema of its parameters. */
export function createHandler(api: Api) {
  return httpHandler({ eventSchema: LIST_QUERIES_EVENT, corsOrigins: api.settings.corsOrigins }, () => Promise.resolve(jsonAnswer(200, { queries: describeQueries() })));
}

export const handler = createHandler(apiFromEnvironment());
