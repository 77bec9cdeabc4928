// Shared by the handler tests: API Gateway v2 fixtures, a Lambda context, an API on a fake clock.
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createApi, type Api } from '../../src/api/backend.js';
import { readApiSettings } from '../../src/api/settings.js';
import { FakeClock } from '../engines/athena-support.js';

// The modules under test read the environment at import (cold start): these are the deployed values.
export const ENVIRONMENT = { FLOWQ_DATABASE: 'flowq', FLOWQ_TABLE: 'flow_logs', FLOWQ_WORKGROUP: 'flowq' } as const;
Object.assign(process.env, ENVIRONMENT);

/** A fresh copy of a recorded event from test/fixtures/apigw/. */
export function fixture(name: 'list-queries' | 'run-query' | 'get-execution'): APIGatewayProxyEventV2 {
  return JSON.parse(readFileSync(new URL(`../fixtures/apigw/${name}.json`, import.meta.url), 'utf8')) as APIGatewayProxyEventV2;
}

/** The run-query fixture with another body (and content type). */
export function postEvent(
  body: string | undefined,
  options: { name?: string; contentType?: string | null; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const event = fixture('run-query');
  const name = options.name ?? 'top-talkers';
  event.pathParameters = { name };
  event.rawPath = `/queries/${name}`;
  event.body = body;
  if (body === undefined) delete event.headers['content-length'];
  else event.headers['content-length'] = String(Buffer.byteLength(body));
  if (options.contentType === null) delete event.headers['content-type'];
  else if (options.contentType !== undefined) event.headers['content-type'] = options.contentType;
  Object.assign(event.headers, options.headers);
  return event;
}

/** The get-execution fixture for an id and query string. */
export function getExecutionEvent(id: string, query?: Record<string, string>): APIGatewayProxyEventV2 {
  const event = fixture('get-execution');
  event.pathParameters = { id };
  event.rawPath = `/executions/${id}`;
  event.queryStringParameters = query;
  event.rawQueryString = new URLSearchParams(query).toString();
  return event;
}

/** A Lambda context with this much time left. */
export function lambdaContext(remainingMs = 29_000, awsRequestId = 'c6af9ac6-7b61-11e6-9a41-93e812345678'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'flowq-dev-runQuery',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:flowq-dev-runQuery',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/flowq-dev-runQuery',
    logStreamName: '2026/11/27/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The API as deployed, on a fake clock, with settings overridden from the environment's. */
export function testApi(env: Record<string, string> = {}, clock = new FakeClock()): Api & { clock: FakeClock } {
  return createApi(readApiSettings({ ...ENVIRONMENT, ...env }), clock) as Api & { clock: FakeClock };
}

/** An HTTP answer with its body parsed. */
export function parsed(result: unknown): { statusCode: number; headers: Record<string, unknown>; body: unknown } {
  const r = result as APIGatewayProxyStructuredResultV2;
  return { statusCode: r.statusCode ?? 0, headers: r.headers ?? {}, body: r.body === undefined ? undefined : JSON.parse(r.body) };
}
