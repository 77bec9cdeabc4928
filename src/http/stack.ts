import type { MiddlewareObj } from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { HandlerKind } from '../lambda/handler.js';
import { httpFailureNote, jsonErrorHandler } from './errors.js';
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
 * An HTTP API request (API Gateway, payload 2.0), for `lambdaHandler`. The shared HTTP stack, in
 * order: header normalizer, JSON body parser (routes with a body), validation, CORS (only when
 * configured), security headers, and the JSON error handler last. The handler receives the event
 * as the stack left it (body parsed, parts validated against `eventSchema`, hence typed `TEvent`).
 */
export function httpRequest<TEvent extends Partial<ParsedEvent> = ParsedEvent>(
  options: HttpStackOptions,
): HandlerKind<APIGatewayProxyEventV2, APIGatewayProxyResultV2, TEvent> {
  type Middleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;
  const middlewares = [httpHeaderNormalizer() as Middleware];
  if (options.jsonBody) middlewares.push(httpJsonBodyParser());
  middlewares.push(validateEvent(options.eventSchema));
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) {
    middlewares.push(httpCors({ origins: [...options.corsOrigins], headers: 'content-type,authorization,x-amz-date,x-amz-security-token,idempotency-key' }));
  }
  middlewares.push(httpSecurityHeaders(), jsonErrorHandler() as Middleware);
  return { noun: 'request', middlewares, noteOf: httpFailureNote, handed: (event) => event as unknown as TEvent };
}

/** A JSON answer. */
export function jsonAnswer(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 {
  return { statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
