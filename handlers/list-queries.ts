import { optionalEnv, readCorsOrigins, readQuerySettings } from '../src/config.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat, type LogFormat } from '../src/flowlog/format.js';
import { LIST_QUERIES_EVENT } from '../src/http/validators.generated.js';
import { httpHandler, jsonAnswer } from '../src/http/stack.js';
import type { ValidationLimits } from '../src/queries/params.js';
import { describeTemplates } from '../src/queries/templates.js';

/** What listing the templates needs: CORS origins, the configured log format and range limit; no engine, so the bundle carries no AWS SDK. */
export interface ListQueriesSettings {
  readonly corsOrigins: readonly string[];
  readonly logFormat: LogFormat;
  readonly limits: ValidationLimits;
}

/** The listing's settings from the environment: `FLOWQ_CORS_ORIGINS`, `FLOWQ_LOG_FORMAT` (default: the default format), `FLOWQ_MAX_RANGE_DAYS`. */
export function readListQueriesSettings(env: Readonly<Record<string, string | undefined>> = process.env): ListQueriesSettings {
  const format = optionalEnv(env, 'FLOWQ_LOG_FORMAT');
  return { corsOrigins: readCorsOrigins(env), logFormat: format === undefined ? DEFAULT_LOG_FORMAT : parseLogFormat(format), limits: readQuerySettings(env) };
}

/** `GET /queries`: every template with its parameters' JSON Schema, result columns, needed fields and whether the configured format has them. */
export function createHandler(settings: ListQueriesSettings) {
  return httpHandler({ eventSchema: LIST_QUERIES_EVENT, corsOrigins: settings.corsOrigins }, () =>
    Promise.resolve(jsonAnswer(200, { queries: describeTemplates(settings.logFormat, settings.limits) })),
  );
}

export const handler = createHandler(readListQueriesSettings());
