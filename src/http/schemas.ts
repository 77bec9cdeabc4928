/**
 * JSON Schemas of the events the query handlers accept, checked by middy's validator. They check
 * the request's shape; a template's own parameters are checked by `validateParams`, which names
 * every bad one.
 */

const EXECUTION_ID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

const PARAMS = { type: 'object', errorMessage: { type: 'must be an object of parameter values' } };

/** `GET /queries`: nothing to check. */
export const LIST_QUERIES_EVENT = { type: 'object' };

/** `POST /queries/{name}` with `{"params": {...}}`, and an optional `Idempotency-Key` header. */
export const RUN_QUERY_EVENT = {
  type: 'object',
  required: ['pathParameters', 'body'],
  properties: {
    pathParameters: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255 } } },
    body: { type: 'object', required: ['params'], properties: { params: PARAMS }, additionalProperties: false },
  },
};

/** `GET /executions/{id}?nextToken=...&pageSize=...`. */
export const GET_EXECUTION_EVENT = {
  type: 'object',
  required: ['pathParameters'],
  properties: {
    pathParameters: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', pattern: EXECUTION_ID, errorMessage: { pattern: 'must be a query execution id (a UUID)' } } },
    },
    // serverless-offline sends null where API Gateway leaves the key out.
    queryStringParameters: {
      type: 'object',
      nullable: true,
      properties: {
        nextToken: { type: 'string', minLength: 1, maxLength: 1024 },
        pageSize: { type: 'integer', minimum: 1, maximum: 1000 },
      },
      additionalProperties: false,
    },
  },
};

/** A direct invocation: `{"query": "top-talkers", "params": {...}}`. */
export const INVOKE_EVENT = {
  type: 'object',
  required: ['query'],
  properties: { query: { type: 'string' }, params: PARAMS },
  additionalProperties: false,
};

/**
 * Every event schema with the options middy's validator compiles it with; scripts/compile-validators.mjs
 * turns them into src/http/validators.generated.ts. A parsed JSON body or an invocation is never
 * coerced; query strings are text, so their numbers must be.
 */
export const EVENT_SCHEMAS = {
  LIST_QUERIES_EVENT: { schema: LIST_QUERIES_EVENT },
  RUN_QUERY_EVENT: { schema: RUN_QUERY_EVENT, coerceTypes: false },
  GET_EXECUTION_EVENT: { schema: GET_EXECUTION_EVENT },
  INVOKE_EVENT: { schema: INVOKE_EVENT, coerceTypes: false },
} as const;
