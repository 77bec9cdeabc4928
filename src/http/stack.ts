import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type MiddyfiedHandler } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { logger } from '../logger.js';
import { jsonErrorHandler } from './errors.js';
import { validateEvent } from './validate.js';
import type { CompiledValidator } from './validators.generated.js';

/** What one HTTP handler's stack needs to know. */
export interface HttpStackOptions {
  /**
   * The event's validator, compiled from its JSON Schema (path, query string and body after parsing)
   * at build time: see src/http/schemas.ts and validators.generated.ts.
   */
  readonly eventSchema: CompiledValidator;
  /** True when the route takes a JSON body (415 for another content type, 422 for bad JSON). */
  readonly jsonBody?: boolean;
  /** Origins allowed by CORS; without any, no CORS middleware runs. */
  readonly corsOrigins?: readonly string[];
}

/** An API Gateway v2 event whose body the stack has parsed and whose parts it has validated. */
export type ParsedEvent<TBody = unknown, TPath = Record<string, string>, TQuery = Record<string, unknown>> = Omit<
  APIGatewayProxyEventV2,
  'body' | 'pathParameters' | 'queryStringParameters'
> & { body: TBody; pathParameters: TPath; queryStringParameters?: TQuery };

/**
 * The shared middy stack of every HTTP handler, in order: Powertools Logger context, header
 * normalizer, JSON body parser (routes with a body), validation, CORS (only when configured),
 * security headers, and the JSON error handler last.
 */
export function httpStack(options: HttpStackOptions): MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  type Middleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;
  const middlewares = [injectLambdaContext(logger, { resetKeys: true }) as Middleware, httpHeaderNormalizer() as Middleware];
  if (options.jsonBody) middlewares.push(httpJsonBodyParser());
  middlewares.push(validateEvent(options.eventSchema));
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) {
    middlewares.push(httpCors({ origins: [...options.corsOrigins], headers: 'content-type,authorization,x-amz-date,x-amz-security-token,idempotency-key' }));
  }
  middlewares.push(httpSecurityHeaders(), jsonErrorHandler() as Middleware);
  return middlewares.reduce((chain, m) => chain.use(m), middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>());
}

/**
 * An HTTP handler: the shared stack around `handle`, which receives the event as the stack left it
 * (body parsed, parts validated against `eventSchema`, hence typed `TEvent`).
 */
export function httpHandler<TEvent extends Partial<ParsedEvent>>(
  options: HttpStackOptions,
  handle: (event: TEvent, context: Context) => Promise<APIGatewayProxyResultV2>,
): MiddyfiedHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2> {
  return httpStack(options).handler((event, context) => handle(event as unknown as TEvent, context));
}

/** A JSON answer. */
export function jsonAnswer(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 {
  return { statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
