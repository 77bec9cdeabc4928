import { describeQueries } from '../src/api/queries.js';
import { readCorsOrigins } from '../src/config.js';
import { LIST_QUERIES_EVENT } from '../src/http/validators.generated.js';
import { httpHandler, jsonAnswer } from '../src/http/stack.js';

/** What listing the templates needs: only the CORS origins (so the bundle carries no AWS SDK). */
interface ListQueriesApi {
  readonly settings: { readonly corsOrigins: readonly string[] };
}

/** `GET /queries`: every template with its description and the JSON Schema of its parameters. */
export function createHandler(api: ListQueriesApi) {
  return httpHandler({ eventSchema: LIST_QUERIES_EVENT, corsOrigins: api.settings.corsOrigins }, () => Promise.resolve(jsonAnswer(200, { queries: describeQueries() })));
}

export const handler = createHandler({ settings: { corsOrigins: readCorsOrigins(process.env) } });
