import {
  AthenaClient,
  AthenaServiceException,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { readListingSettings } from '../../src/api/queries.js';
import { readCorsOrigins } from '../../src/config.js';
import { InvalidParameter, QueryTimedOut } from '../../src/errors.js';
import { paramsJsonSchema } from '../../src/queries/params.js';
import { renderQuery } from '../../src/queries/render.js';
import { getTemplate, TEMPLATES } from '../../src/queries/templates.js';
import { decodedTalker, EXECUTION_ID, executionIn, FakeClock, resultsPage, TARGET } from '../engines/athena-support.js';
import { fixture, getExecutionEvent, lambdaContext, parsed, postEvent, testApi } from './handler-support.js';
import { athenaQueryText } from '../../src/engines/athena.js';

const listQueries = await import('../../handlers/list-queries.js');
const runQueryHttp = await import('../../handlers/run-query-http.js');
const getExecution = await import('../../handlers/get-execution.js');
const runQuery = await import('../../handlers/run-query.js');

const athenaMock = mockClient(AthenaClient);

const PARAMS = { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z', limit: 5 };
const RENDERED = renderQuery('top-talkers', PARAMS, TARGET);
const COLUMNS = [
  { name: 'srcaddr', type: 'varchar' },
  { name: 'dstaddr', type: 'varchar' },
  { name: 'bytes', type: 'bigint' },
  { name: 'packets', type: 'bigint' },
  { name: 'flows', type: 'bigint' },
  { name: 'first_seen', type: 'bigint' },
  { name: 'last_seen', type: 'bigint' },
];
const STATS = {
  engine: 'athena',
  dataScannedBytes: 0,
  engineExecutionMs: 1200,
  queueMs: 80,
  totalExecutionMs: 1400,
  reused: false,
  costUsd: (10 * 5) / 2 ** 20,
};
// A one-day question on daily partitions: the late-filed margin (10 minutes) adds the next day's folder.
const PARTITIONS_READ = { partitions: ['2026/11/26', '2026/11/27'], marginPartitions: ['2026/11/27'], lateMarginSeconds: 600 };
const SECURITY_HEADERS = {
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
};

function answerSucceeded(rows: number[] = [1, 2]): void {
  athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED'));
  athenaMock.on(GetQueryResultsCommand).resolves(resultsPage(rows, { first: true }));
}

beforeEach(() => {
  athenaMock.reset();
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXECUTION_ID });
});

/** The list handler's collaborators, read from an environment as its cold start reads them. */
function listApi(env: Record<string, string>) {
  return { settings: { ...readListingSettings(env), corsOrigins: readCorsOrigins(env) } };
}

describe('GET /queries', () => {
  test('lists every template with its parameter schema, result columns, needed fields and whether the format has them', async () => {
    const format = '${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';
    const answer = parsed(
      await listQueries.createHandler(listApi({ FLOWQ_LOG_FORMAT: format, FLOWQ_MAX_RANGE_DAYS: '7' }))(fixture('list-queries'), lambdaContext()),
    );

    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toMatchObject({ 'Content-Type': 'application/json', ...SECURITY_HEADERS });
    expect(answer.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    const queries = (answer.body as { queries: { name: string }[] }).queries;
    expect(queries.map((q) => q.name)).toEqual([
      'accepted-traffic',
      'admin-ports',
      'aws-services',
      'conversations',
      'eni-bytes',
      'eni-direction',
      'ip-versions',
      'new-destinations',
      'new-listeners',
      'port-scanners',
      'rejected-ports',
      'rejected-traffic',
      'ssh-rdp',
      'top-addresses',
      'top-instances',
      'top-subnets',
      'top-talkers',
      'top-talkers-packet',
      'traffic-change',
      'traffic-from',
      'traffic-over-time',
      'traffic-paths',
      'traffic-to',
    ]);
    expect(queries.find((q) => q.name === 'top-talkers')).toEqual({
      name: 'top-talkers',
      description: 'Source/destination pairs that moved the most bytes',
      params: paramsJsonSchema(getTemplate('top-talkers').params, { maxRangeDays: 7 }),
      columns: COLUMNS,
      fields: ['srcaddr', 'dstaddr', 'bytes', 'packets', 'start', 'end'],
      order: 'bytes desc, srcaddr, dstaddr',
      chart: { kind: 'bars', value: 'bytes', labels: ['srcaddr', 'dstaddr'] },
      supported: true,
      missingFields: [],
    });
    expect(queries.find((q) => q.name === 'eni-bytes')).toMatchObject({ name: 'eni-bytes', supported: false, missingFields: ['interface-id'] });
    expect(queries.find((q) => q.name === 'top-instances')).toMatchObject({ supported: false, missingFields: ['instance-id'] });
    expect(athenaMock.calls()).toHaveLength(0);
  });

  test('answers 400 naming the missing fields when a template needs fields the format lacks', async () => {
    const api = testApi({ FLOWQ_LOG_FORMAT: '${srcaddr} ${dstaddr} ${bytes} ${packets} ${start} ${end}' });

    const answer = parsed(await runQueryHttp.createHandler(api)(postEvent(JSON.stringify({ params: PARAMS }), { name: 'eni-bytes' }), lambdaContext()));

    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual({
      error: {
        code: 'INVALID_PARAMETER',
        message: 'query: eni-bytes needs fields the log format lacks: interface-id',
        details: [{ param: 'query', message: 'eni-bytes needs fields the log format lacks: interface-id' }],
      },
    });
    expect(athenaMock.calls()).toHaveLength(0);
  });

  test('answers CORS headers only when origins are configured', async () => {
    const event = fixture('list-queries');
    event.headers.origin = 'https://console.example.com';

    const answer = parsed(await listQueries.createHandler(listApi({ FLOWQ_CORS_ORIGINS: 'https://console.example.com' }))(event, lambdaContext()));

    expect(answer.headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://console.example.com' });
  });
});

describe('POST /queries/{name}', () => {
  test('answers 200 with the result document and the execution id when the query ends within the budget', async () => {
    answerSucceeded();

    const answer = parsed(await runQueryHttp.createHandler(testApi())(fixture('run-query'), lambdaContext()));

    expect(answer).toEqual({
      statusCode: 200,
      headers: expect.objectContaining({ 'Content-Type': 'application/json', ...SECURITY_HEADERS }),
      body: {
        query: 'top-talkers',
        params: { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z', limit: 5 },
        columns: COLUMNS,
        rows: [decodedTalker(1), decodedTalker(2)],
        stats: { ...STATS, rowsReturned: 2, elapsedMs: 0, ...PARTITIONS_READ },
        executionId: EXECUTION_ID,
      },
    });
    expect(athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueryString: athenaQueryText(RENDERED),
        ExecutionParameters: RENDERED.executionParameters,
        QueryExecutionContext: { Database: 'flowq', Catalog: 'AwsDataCatalog' },
        WorkGroup: 'flowq',
        ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } },
      },
    ]);
  });

  test('answers 202 with the execution and a Location when the budget runs out, then 202 and 200 on GET /executions/{id}', async () => {
    // Arrange
    const api = testApi();
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('RUNNING'));

    // Act: the query outlasts the 20 s budget
    const accepted = parsed(await runQueryHttp.createHandler(api)(fixture('run-query'), lambdaContext()));
    const running = parsed(await getExecution.createHandler(api)(getExecutionEvent(EXECUTION_ID), lambdaContext()));
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([1, 2], { first: true, nextToken: 'page-2' }));
    const done = parsed(await getExecution.createHandler(api)(getExecutionEvent(EXECUTION_ID, { pageSize: '2' }), lambdaContext()));

    // Assert
    const location = `/executions/${EXECUTION_ID}`;
    expect(api.clock.sleeps.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(athenaMock).toHaveReceivedCommandTimes(StopQueryExecutionCommand, 0);
    expect([accepted, running, done]).toEqual([
      {
        statusCode: 202,
        headers: expect.objectContaining({ Location: location, ...SECURITY_HEADERS }),
        body: { executionId: EXECUTION_ID, state: 'RUNNING', location },
      },
      {
        statusCode: 202,
        headers: expect.objectContaining({ 'Retry-After': '2' }),
        body: { executionId: EXECUTION_ID, state: 'RUNNING', location },
      },
      {
        statusCode: 200,
        headers: expect.objectContaining({ 'Content-Type': 'application/json' }),
        body: {
          executionId: EXECUTION_ID,
          state: 'SUCCEEDED',
          columns: COLUMNS,
          rows: [decodedTalker(1), decodedTalker(2)],
          nextToken: 'page-2',
          stats: { ...STATS, rowsReturned: 2, elapsedMs: 1400 },
        },
      },
    ]);
    expect(athenaMock).toHaveReceivedCommandWith(GetQueryResultsCommand, { QueryExecutionId: EXECUTION_ID, MaxResults: 3 });
  });

  test('answers 400 listing every bad parameter, and sends nothing to Athena', async () => {
    const body = JSON.stringify({
      params: { start: 'yesterday', end: '2026-11-27T00:00:00Z', limit: 0, interface_id: "eni-1'; DROP TABLE flow_logs; --", colour: 'red' },
    });

    const answer = parsed(await runQueryHttp.createHandler(testApi())(postEvent(body), lambdaContext()));

    const details = [
      {
        param: 'colour',
        message: 'unknown parameter; expected one of start, end, limit, interface_id, vpc_id, subnet_id, action, protocol, src_cidr, dst_cidr',
      },
      { param: 'start', message: "'yesterday' is not ISO-8601 UTC (2026-11-27T00:00:00Z) or Unix seconds" },
      { param: 'limit', message: 'must be a whole number from 1 to 1000' },
      { param: 'interface_id', message: 'must look like eni-0123456789abcdef0' },
    ];
    expect(answer).toEqual({
      statusCode: 400,
      headers: expect.objectContaining({ 'Content-Type': 'application/json', ...SECURITY_HEADERS }),
      body: { error: { code: 'INVALID_PARAMETER', message: new InvalidParameter(details).message, details } },
    });
    expect(athenaMock.calls()).toHaveLength(0);
  });

  test('answers 400 naming each field when the body is not {"params": {...}}', async () => {
    const answer = parsed(await runQueryHttp.createHandler(testApi())(postEvent(JSON.stringify({ parms: {} })), lambdaContext()));

    const details = [
      { param: 'params', message: 'is required' },
      { param: 'parms', message: 'is not allowed' },
    ];
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'INVALID_PARAMETER', message: 'params: is required; parms: is not allowed', details } });
  });

  test('answers 400 when params is not an object', async () => {
    const answer = parsed(await runQueryHttp.createHandler(testApi())(postEvent(JSON.stringify({ params: [PARAMS] })), lambdaContext()));

    const details = [{ param: 'params', message: 'must be an object of parameter values' }];
    expect(answer).toMatchObject({ statusCode: 400, body: { error: { code: 'INVALID_PARAMETER', details } } });
    expect(athenaMock.calls()).toHaveLength(0);
  });

  test('answers 404 for a template that does not exist', async () => {
    const answer = parsed(await runQueryHttp.createHandler(testApi())(postEvent(JSON.stringify({ params: PARAMS }), { name: 'nope' }), lambdaContext()));

    expect(answer).toEqual({
      statusCode: 404,
      headers: expect.objectContaining({ 'Content-Type': 'application/json' }),
      body: { error: { code: 'UNKNOWN_QUERY', message: `unknown query 'nope'; known queries: ${[...TEMPLATES.keys()].join(', ')}` } },
    });
  });

  test.each([
    ['text/plain', JSON.stringify({ params: PARAMS })],
    [null, JSON.stringify({ params: PARAMS })],
    ['application/x-www-form-urlencoded', 'start=2026-11-26'],
  ])('answers 415 for a body of content type %s', async (contentType, body) => {
    const answer = parsed(await runQueryHttp.createHandler(testApi())(postEvent(body, { contentType }), lambdaContext()));

    expect(answer).toEqual({
      statusCode: 415,
      headers: expect.objectContaining({ 'Content-Type': 'application/json' }),
      body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Media Type' } },
    });
  });

  test.each([['{"params": '], ['{"params": {"start": "2026-11-26",}}'], [''], [undefined], ['{"__proto__": {"x": 1}, "params": {}}']])(
    'answers 422 for the malformed JSON body %j',
    async (body) => {
      const answer = parsed(await runQueryHttp.createHandler(testApi())(postEvent(body), lambdaContext()));

      expect(answer.statusCode).toBe(422);
      expect((answer.body as { error: { code: string } }).error.code).toBe('MALFORMED_JSON');
      expect(athenaMock.calls()).toHaveLength(0);
    },
  );

  test('answers 502 with Athena reason and the execution id when the query failed', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('FAILED', { reason: 'HIVE_BAD_DATA: Error parsing field value', errorCategory: 2 }));

    const answer = parsed(await runQueryHttp.createHandler(testApi())(fixture('run-query'), lambdaContext()));

    expect(answer).toEqual({
      statusCode: 502,
      headers: expect.objectContaining({ 'Content-Type': 'application/json' }),
      body: {
        error: { code: 'QUERY_FAILED', message: `Athena query ${EXECUTION_ID} failed: HIVE_BAD_DATA: Error parsing field value`, executionId: EXECUTION_ID },
      },
    });
  });

  test('answers 504 when Athena throttles the start past the budget', async () => {
    athenaMock.on(StartQueryExecutionCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const api = testApi({ FLOWQ_SYNC_BUDGET_MS: '1000' }, new FakeClock(undefined, 0.99));

    const answer = parsed(await runQueryHttp.createHandler(api)(fixture('run-query'), lambdaContext()));

    expect(answer).toEqual({
      statusCode: 504,
      headers: expect.objectContaining({ 'Content-Type': 'application/json' }),
      body: { error: { code: 'QUERY_TIMED_OUT', message: 'top-talkers could not start before its deadline: Athena kept throttling' } },
    });
  });

  test("answers 502 naming an AWS service's refusal, without its message, which names the role and account", async () => {
    const refusal = new AthenaServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      message: 'User: arn:aws:sts::123456789012:assumed-role/flowq-run-query/fn is not authorized to perform: athena:StartQueryExecution\nmore',
      $metadata: { httpStatusCode: 400 },
    });
    athenaMock.on(StartQueryExecutionCommand).rejects(refusal);

    const answer = parsed(await runQueryHttp.createHandler(testApi())(fixture('run-query'), lambdaContext()));

    expect(answer).toEqual({
      statusCode: 502,
      headers: expect.objectContaining({ 'Content-Type': 'application/json' }),
      body: { error: { code: 'AWS_ERROR', message: 'AWS refused the call: AccessDeniedException' } },
    });
  });

  test('answers 500 without any detail when something unexpected breaks', async () => {
    athenaMock.on(GetQueryExecutionCommand).rejects(new Error('connect ECONNREFUSED 10.0.0.1:443 at /var/task/index.mjs:1:2'));

    const answer = parsed(await runQueryHttp.createHandler(testApi())(fixture('run-query'), lambdaContext()));

    expect(answer).toEqual({
      statusCode: 500,
      headers: expect.objectContaining({ 'Content-Type': 'application/json' }),
      body: { error: { code: 'INTERNAL_ERROR', message: 'internal error' } },
    });
  });

  test('requests with the same Idempotency-Key share one ClientRequestToken; requests without one do not', async () => {
    answerSucceeded();
    const handler = runQueryHttp.createHandler(testApi());
    const withKey = (requestId: string) => {
      const event = postEvent(JSON.stringify({ params: PARAMS }), { headers: { 'Idempotency-Key': 'report-2026-11-26' } });
      event.requestContext.requestId = requestId;
      return event;
    };

    await handler(withKey('a'), lambdaContext());
    await handler(withKey('b'), lambdaContext());
    await handler(fixture('run-query'), lambdaContext());

    const tokens = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect([tokens[0] === tokens[1], tokens[1] === tokens[2]]).toEqual([true, false]);
  });
});

describe('GET /executions/{id}', () => {
  test('answers 400 for an id that is not a UUID, without asking Athena', async () => {
    const answer = parsed(await getExecution.createHandler(testApi())(getExecutionEvent('not-a-uuid'), lambdaContext()));

    const details = [{ param: 'id', message: 'must be a query execution id (a UUID)' }];
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'INVALID_PARAMETER', message: 'id: must be a query execution id (a UUID)', details } });
    expect(athenaMock.calls()).toHaveLength(0);
  });

  test('answers 400 for a page size out of range or an unknown query string parameter', async () => {
    const answer = parsed(await getExecution.createHandler(testApi())(getExecutionEvent(EXECUTION_ID, { pageSize: '5000', page: '2' }), lambdaContext()));

    expect(answer).toMatchObject({
      statusCode: 400,
      body: {
        error: {
          details: [
            { param: 'page', message: 'is not allowed' },
            { param: 'pageSize', message: 'must be <= 1000' },
          ],
        },
      },
    });
  });

  test('answers 404 for an execution Athena does not know', async () => {
    athenaMock.on(GetQueryExecutionCommand).rejects(new InvalidRequestException({ message: `QueryExecution ${EXECUTION_ID} was not found`, $metadata: {} }));

    const answer = parsed(await getExecution.createHandler(testApi())(getExecutionEvent(EXECUTION_ID), lambdaContext()));

    expect(answer).toMatchObject({ statusCode: 404, body: { error: { code: 'UNKNOWN_EXECUTION', message: `no query execution ${EXECUTION_ID}` } } });
  });

  test('answers 502 with the reason for an execution that failed', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('FAILED', { reason: 'Query exhausted resources at this scale factor', errorCategory: 1 }));

    const answer = parsed(await getExecution.createHandler(testApi())(getExecutionEvent(EXECUTION_ID), lambdaContext()));

    expect(answer).toMatchObject({
      statusCode: 502,
      body: {
        error: {
          code: 'QUERY_FAILED',
          message: `Athena query ${EXECUTION_ID} failed: Query exhausted resources at this scale factor`,
          executionId: EXECUTION_ID,
        },
      },
    });
  });

  test('takes a null query string as none, as serverless-offline sends it', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('RUNNING'));
    const event = getExecutionEvent(EXECUTION_ID);
    (event as { queryStringParameters: unknown }).queryStringParameters = null;

    const answer = parsed(await getExecution.createHandler(testApi())(event, lambdaContext()));

    expect(answer).toMatchObject({ statusCode: 202, body: { executionId: EXECUTION_ID, state: 'RUNNING' } });
  });

  test('passes the next token on and asks Athena for exactly a page', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([3], { first: false }));

    const answer = parsed(
      await getExecution.createHandler(testApi())(getExecutionEvent(EXECUTION_ID, { nextToken: 'page-2', pageSize: '2' }), lambdaContext()),
    );

    expect(answer.body).toEqual({
      executionId: EXECUTION_ID,
      state: 'SUCCEEDED',
      columns: COLUMNS,
      rows: [decodedTalker(3)],
      stats: { ...STATS, rowsReturned: 1, elapsedMs: 1400 },
    });
    expect(athenaMock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: EXECUTION_ID, NextToken: 'page-2', MaxResults: 2 },
    ]);
  });
});

describe('direct invocation (sls invoke -f runQuery)', () => {
  test('returns the result document', async () => {
    answerSucceeded([1]);

    const document = await runQuery.createHandler(testApi())({ query: 'top-talkers', params: PARAMS }, lambdaContext());

    expect(document).toEqual({
      query: 'top-talkers',
      params: { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z', limit: 5 },
      columns: COLUMNS,
      rows: [decodedTalker(1)],
      stats: { ...STATS, rowsReturned: 1, elapsedMs: 0, ...PARTITIONS_READ },
      executionId: EXECUTION_ID,
    });
    expect(athenaMock).toHaveReceivedCommandWith(StartQueryExecutionCommand, {
      QueryString: athenaQueryText(RENDERED),
      ExecutionParameters: RENDERED.executionParameters,
    });
  });

  test('stops the query and raises QueryTimedOut when the remaining time less the margin runs out', async () => {
    // Arrange: 10 s left, 3 s kept back
    const api = testApi();
    const startedAt = api.clock.now();
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('RUNNING'));
    athenaMock.on(StopQueryExecutionCommand).resolves({});

    // Act
    const error = await runQuery
      .createHandler(api)({ query: 'top-talkers', params: PARAMS }, lambdaContext(10_000))
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(QueryTimedOut);
    expect((error as QueryTimedOut).executionId).toBe(EXECUTION_ID);
    expect(api.clock.now() - startedAt).toBe(7_000);
    expect(athenaMock).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: EXECUTION_ID });
  });

  test('a retried invocation (same request id) sends the same ClientRequestToken', async () => {
    answerSucceeded([1]);
    const handler = runQuery.createHandler(testApi());

    await handler({ query: 'top-talkers', params: PARAMS }, lambdaContext(29_000, 'request-1'));
    await handler({ query: 'top-talkers', params: PARAMS }, lambdaContext(29_000, 'request-1'));

    const tokens = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens[1]).toBe(tokens[0]);
  });

  test.each([
    [
      { query: 'top-talkers', params: { start: 'soon' } },
      [
        { param: 'start', message: "'soon' is not ISO-8601 UTC (2026-11-27T00:00:00Z) or Unix seconds" },
        { param: 'end', message: 'is required' },
      ],
    ],
    [{ params: PARAMS }, [{ param: 'query', message: 'is required' }]],
    [
      { query: 'top-talkers', params: 'start=1', extra: true },
      [
        { param: 'extra', message: 'is not allowed' },
        { param: 'params', message: 'must be an object of parameter values' },
      ],
    ],
  ])('an invalid invocation %j raises InvalidParameter naming each problem', async (event, details) => {
    const error = await runQuery
      .createHandler(testApi())(event as never, lambdaContext())
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidParameter);
    expect((error as InvalidParameter).details).toEqual(details);
    expect(athenaMock.calls()).toHaveLength(0);
  });
});
