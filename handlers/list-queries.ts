import { apiFromEnvironment, type Api } from '../src/api/backend.js';
import { describeQueries } from '../src/api/queries.js';
import { LIST_QUERIES_EVENT } from '../src/http/schemas.js';
import { httpHandler, jsonAnswer } from '../src/http/stack.js';

/** `GET /queries`: every template with its parameters' JSON Schema, result columns, needed fields and whether the configured format has them. */
export function createHandler(api: Api) {
  return httpHandler({ eventSchema: LIST_QUERIES_EVENT, corsOrigins: api.settings.corsOrigins }, async () => jsonAnswer(200, { queries: await describeQueries(api) }));
}

export const handler = createHandler(apiFromEnvironment());
