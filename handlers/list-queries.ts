import { describeQueries, readListingSettings, type ListingSettings } from '../src/api/queries.js';
import { readCorsOrigins } from '../src/config.js';
import { LIST_QUERIES_EVENT } from '../src/http/validators.generated.js';
import { httpRequest, jsonAnswer } from '../src/http/stack.js';
import { lambdaHandler } from '../src/lambda/handler.js';

/** What listing the templates needs: the CORS origins, the log format and limits (no engine, so the bundle carries no AWS SDK). */
interface ListQueriesApi {
  readonly settings: ListingSettings & { readonly corsOrigins: readonly string[] };
}

/** `GET /queries`: every template with its parameters' JSON Schema, result columns, needed fields and whether the configured format has them. */
export function createHandler(api: ListQueriesApi) {
  return lambdaHandler(httpRequest({ eventSchema: LIST_QUERIES_EVENT, corsOrigins: api.settings.corsOrigins }), () =>
    Promise.resolve(jsonAnswer(200, { queries: describeQueries(api.settings) })),
  );
}

export const handler = createHandler({ settings: { ...readListingSettings(process.env), corsOrigins: readCorsOrigins(process.env) } });
