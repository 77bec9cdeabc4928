import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { logsOf, type LogLine } from '../support/logs.js';

// The logger reads its level when its module loads: INFO here, so the lines under test are written.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
const { fixture, lambdaContext, parsed, postEvent, testApi } = await import('../handlers/handler-support.js');
const { EXECUTION_ID, executionIn, resultsPage } = await import('../engines/athena-support.js');
const runQueryHttp = await import('../../handlers/run-query-http.js');
const runQuery = await import('../../handlers/run-query.js');

const RANGE = { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z' };

describe('the log line of a refused request', () => {
  test.each<[string, () => APIGatewayProxyEventV2]>([
    ['a bad parameter value (400)', () => postEvent(JSON.stringify({ params: { ...RANGE, start: 'soon' } }))],
    ['an unknown parameter (the validator, 400)', () => postEvent(JSON.stringify({ params: { ...RANGE, colour: 'red' } }))],
    ['an unknown query (404)', () => postEvent(JSON.stringify({ params: RANGE }), { name: 'top-speakers' })],
    ['a body that is not JSON (415)', () => postEvent('start=today', { contentType: 'text/plain' })],
    ['malformed JSON (422)', () => postEvent('{"params": ', { contentType: 'application/json' })],
  ])('keeps the reason for %s, and Powertools warns of no dropped key', async (_what, event) => {
    let answer: ReturnType<typeof parsed> | undefined;

    const lines = await logsOf(async () => {
      answer = parsed(await runQueryHttp.createHandler(testApi())(event(), lambdaContext()));
    });

    const body = answer?.body as { error: { code: string; message: string } };
    expect(answer?.statusCode).toBeGreaterThanOrEqual(400);
    expect(lines.map(({ level, message, statusCode, code, reason }) => ({ level, message, statusCode, code, reason }))).toEqual([
      { level: 'INFO', message: 'request refused', statusCode: answer?.statusCode, code: body.error.code, reason: body.error.message },
    ]);
    expect(body.error.message.length).toBeGreaterThan(0);
  });

  test('keeps the reason for a refused direct invocation, without a stack', async () => {
    let refusal: unknown;

    const lines = await logsOf(async () => {
      refusal = await runQuery
        .createHandler(testApi())({ query: 'top-talkers', params: { ...RANGE, limit: 0 } }, lambdaContext())
        .catch((error: unknown) => error);
    });

    expect(refusal).toMatchObject({ code: 'INVALID_PARAMETER', message: 'limit: must be a whole number from 1 to 1000' });
    expect(lines.map(({ level, message, code, reason, error }) => ({ level, message, code, reason, error }))).toEqual([
      { level: 'INFO', message: 'invocation refused', code: 'INVALID_PARAMETER', reason: 'limit: must be a whole number from 1 to 1000', error: undefined },
    ]);
  });
});

describe('the log line of a failed request', () => {
  const athenaMock = mockClient(AthenaClient);

  afterAll(() => athenaMock.restore());

  test.each([
    ['an AWS service refusing a call (502)', Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: {} }), 502],
    ['a bug (500)', new TypeError("Cannot read properties of undefined (reading 'QueryExecutionId')"), 500],
  ])('names %s with the status answered, the error and its stack, at ERROR', async (_what, thrown, statusCode) => {
    athenaMock.reset();
    athenaMock.on(StartQueryExecutionCommand).rejects(thrown);
    let answer: ReturnType<typeof parsed> | undefined;

    const lines = await logsOf(async () => {
      answer = parsed(await runQueryHttp.createHandler(testApi())(postEvent(JSON.stringify({ params: RANGE })), lambdaContext()));
    });

    const failures = lines.filter((l) => l.level !== 'INFO');
    expect(answer?.statusCode).toBe(statusCode);
    expect(
      failures.map(({ level, message, statusCode: status, error }) => ({ level, message, statusCode: status, error: (error as { name: string }).name })),
    ).toEqual([{ level: 'ERROR', message: 'request failed', statusCode, error: thrown.name }]);
    expect((failures[0].error as { stack: string }).stack).toContain(thrown.message);
  });
});

describe('the log line of a query start', () => {
  const athenaMock = mockClient(AthenaClient);

  beforeEach(() => {
    athenaMock.reset();
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXECUTION_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([1], { first: true }));
  });

  afterAll(() => athenaMock.restore());

  const started = (lines: LogLine[]) =>
    lines.filter((l) => l.message === 'query started').map(({ query, caller, executionId }) => ({ query, caller, executionId }));

  test('names the IAM caller the authorizer established, or the token subject, with the execution id', async () => {
    const signed = postEvent(JSON.stringify({ params: RANGE }));
    const withToken = postEvent(JSON.stringify({ params: RANGE }));
    (withToken.requestContext as unknown as { authorizer: unknown }).authorizer = { jwt: { claims: { sub: 'user-7f3a', scope: 'flowq' }, scopes: null } };
    const iamArn = (fixture('run-query').requestContext as unknown as { authorizer: { iam: { userArn: string } } }).authorizer.iam.userArn;

    const lines = await logsOf(async () => {
      for (const event of [signed, withToken]) expect(parsed(await runQueryHttp.createHandler(testApi())(event, lambdaContext())).statusCode).toBe(200);
    });

    expect(started(lines)).toEqual([
      { query: 'top-talkers', caller: iamArn, executionId: EXECUTION_ID },
      { query: 'top-talkers', caller: 'jwt:user-7f3a', executionId: EXECUTION_ID },
    ]);
    expect(iamArn).toMatch(/^arn:aws:iam::\d{12}:/);
  });

  test('says a direct invocation was one, with the execution id', async () => {
    const lines = await logsOf(() => runQuery.createHandler(testApi())({ query: 'top-talkers', params: RANGE }, lambdaContext()));

    expect(started(lines)).toEqual([{ query: 'top-talkers', caller: 'direct invocation', executionId: EXECUTION_ID }]);
  });
});
