import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { athenaQueryText, type AthenaSettings } from '../../src/engines/athena.js';
import { stopWorkInFlight } from '../../src/engines/stop.js';
import { QueryCancelled, QueryFailed, QueryTimedOut, UnknownExecution } from '../../src/errors.js';
import { renderQuery } from '../../src/queries/render.js';
import { decodedTalker, EXECUTION_ID, executionIn, FakeClock, resultsPage, TARGET, athenaEngine } from './athena-support.js';

const athenaMock = mockClient(AthenaClient);
const SETTINGS: AthenaSettings = { database: 'flowq', workgroup: 'flowq' };
const QUERY = renderQuery('top-talkers', { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z', limit: 5 }, TARGET);
const COLUMNS = [
  { name: 'srcaddr', type: 'varchar' },
  { name: 'dstaddr', type: 'varchar' },
  { name: 'bytes', type: 'bigint' },
  { name: 'packets', type: 'bigint' },
  { name: 'flows', type: 'bigint' },
  { name: 'first_seen', type: 'bigint' },
  { name: 'last_seen', type: 'bigint' },
];

function throttled(name: 'TooManyRequestsException' | 'ThrottlingException'): Error {
  if (name === 'TooManyRequestsException') return new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
  return Object.assign(new Error('Rate exceeded'), { name });
}

function commandNames(): string[] {
  return athenaMock.calls().map((call) => (call.args[0] as object).constructor.name);
}

function startInputs(): unknown[] {
  return athenaMock.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input);
}

function failWith<T>(promise: Promise<T>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeEach(() => {
  athenaMock.reset();
  athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXECUTION_ID });
});

describe('AthenaEngine.run', () => {
  test('a query that goes QUEUED, RUNNING, SUCCEEDED is read over three result pages without the header row', async () => {
    // Arrange
    const clock = new FakeClock();
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce(executionIn('QUEUED'))
      .resolvesOnce(executionIn('RUNNING', { scanned: 5_000_000 }))
      .resolves(executionIn('SUCCEEDED', { scanned: 52_428_801 }));
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce(resultsPage([1, 2], { first: true, nextToken: 'page-2' }))
      .resolvesOnce(resultsPage([3, 4], { first: false, nextToken: 'page-3' }))
      .resolvesOnce(resultsPage([5], { first: false }));
    const progress: unknown[] = [];
    const engine = athenaEngine(SETTINGS, clock);

    // Act
    const result = await engine.run(QUERY, { requestKey: 'request-1', onProgress: (p) => progress.push(p) });

    // Assert
    expect(result).toEqual({
      columns: COLUMNS,
      rows: [1, 2, 3, 4, 5].map(decodedTalker),
      executionId: EXECUTION_ID,
      stats: {
        engine: 'athena',
        rowsReturned: 5,
        elapsedMs: 250,
        dataScannedBytes: 52_428_801,
        engineExecutionMs: 1200,
        queueMs: 80,
        totalExecutionMs: 1400,
        reused: false,
        costUsd: (51 * 5) / 2 ** 20,
      },
    });
    expect(progress).toEqual([
      { state: 'QUEUED', elapsedMs: 0, dataScannedBytes: 0 },
      { state: 'RUNNING', elapsedMs: 100, dataScannedBytes: 5_000_000 },
      { state: 'SUCCEEDED', elapsedMs: 250, dataScannedBytes: 52_428_801 },
    ]);
    expect(clock.sleeps).toEqual([100, 150]);
    expect(commandNames()).toEqual([
      'StartQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryResultsCommand',
      'GetQueryResultsCommand',
      'GetQueryResultsCommand',
    ]);
    expect(startInputs()).toEqual([
      {
        QueryString: athenaQueryText(QUERY),
        ExecutionParameters: QUERY.executionParameters,
        QueryExecutionContext: { Database: 'flowq', Catalog: 'AwsDataCatalog' },
        WorkGroup: 'flowq',
        ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } },
      },
    ]);
    expect(athenaMock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: EXECUTION_ID, MaxResults: 1000 },
      { QueryExecutionId: EXECUTION_ID, NextToken: 'page-2', MaxResults: 1000 },
      { QueryExecutionId: EXECUTION_ID, NextToken: 'page-3', MaxResults: 1000 },
    ]);
  });

  test('a FAILED query raises QueryFailed with the reason, the error category and the execution id, and reads no results', async () => {
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolves(executionIn('FAILED', { reason: "TABLE_NOT_FOUND: line 9:6: Table 'awsdatacatalog.flowq.flow_logs' does not exist", errorCategory: 2 }));

    const error = await failWith(athenaEngine(SETTINGS, new FakeClock()).run(QUERY));

    expect(error).toBeInstanceOf(QueryFailed);
    expect({ ...(error as QueryFailed), message: (error as Error).message }).toEqual({
      name: 'QueryFailed',
      code: 'QUERY_FAILED',
      executionId: EXECUTION_ID,
      errorCategory: 2,
      message: `Athena query ${EXECUTION_ID} failed: TABLE_NOT_FOUND: line 9:6: Table 'awsdatacatalog.flowq.flow_logs' does not exist`,
    });
    expect(commandNames()).toEqual(['StartQueryExecutionCommand', 'GetQueryExecutionCommand']);
  });

  test("a sum past bigint (Trino's `bigint addition overflow`) fails naming the template and the range's partitions, as the local engine does", async () => {
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolves(executionIn('FAILED', { reason: 'NUMERIC_VALUE_OUT_OF_RANGE: bigint addition overflow: 9223372036854775807 + 100', errorCategory: 2 }));

    const error = await failWith(athenaEngine(SETTINGS, new FakeClock()).run(QUERY));

    expect({ ...(error as QueryFailed), message: (error as Error).message }).toEqual({
      name: 'QueryFailed',
      code: 'QUERY_FAILED',
      executionId: EXECUTION_ID,
      errorCategory: 2,
      message: `${QUERY.template}: a sum passes the largest bigint (9223372036854775807) in partitions ${QUERY.partitions.from} to ${QUERY.partitions.to}: a record there holds a value no flow reaches (Athena query ${EXECUTION_ID})`,
    });
  });

  test('a CANCELLED query raises QueryCancelled and polls no further', async () => {
    athenaMock
      .on(GetQueryExecutionCommand)
      .resolvesOnce(executionIn('RUNNING'))
      .resolves(executionIn('CANCELLED', { reason: 'Query cancelled by user' }));

    const error = await failWith(athenaEngine(SETTINGS, new FakeClock()).run(QUERY));

    expect(error).toBeInstanceOf(QueryCancelled);
    expect([(error as QueryCancelled).executionId, (error as Error).message]).toEqual([
      EXECUTION_ID,
      `Athena query ${EXECUTION_ID} was cancelled: Query cancelled by user`,
    ]);
    expect(commandNames()).toEqual(['StartQueryExecutionCommand', 'GetQueryExecutionCommand', 'GetQueryExecutionCommand']);
  });

  test('an ending process (SIGINT, SIGTERM) stops the running execution with StopQueryExecution', async () => {
    // Arrange: a query that keeps running; the clock's waits never end, as if the user waited on.
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('RUNNING'));
    athenaMock.on(StopQueryExecutionCommand).resolves({});
    const waiting = { now: () => 0, sleep: () => new Promise<void>(() => undefined), random: () => 0.5 };
    void athenaEngine(SETTINGS, waiting).run(QUERY, { deadline: 3_600_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(athenaMock).toHaveReceivedCommandTimes(StopQueryExecutionCommand, 0);

    // Act: what the CLI does on a signal before it exits.
    await stopWorkInFlight();

    // Assert
    expect(athenaMock).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: EXECUTION_ID });
    expect(commandNames().at(-1)).toBe('StopQueryExecutionCommand');
  });

  test('at the deadline the query is stopped with StopQueryExecution and a timeout carrying the execution id is raised', async () => {
    // Arrange
    const clock = new FakeClock();
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('RUNNING'));
    athenaMock.on(StopQueryExecutionCommand).resolves({});
    const deadline = clock.now() + 3000;

    // Act
    const error = await failWith(athenaEngine(SETTINGS, clock).run(QUERY, { deadline }));

    // Assert
    expect(error).toBeInstanceOf(QueryTimedOut);
    expect([(error as QueryTimedOut).executionId, (error as Error).message]).toEqual([
      EXECUTION_ID,
      `top-talkers did not finish before its deadline; Athena query ${EXECUTION_ID} was stopped`,
    ]);
    expect(clock.sleeps).toEqual([100, 150, 225, 338, 506, 759, 922]);
    expect(clock.now()).toBe(deadline);
    expect(athenaMock).toHaveReceivedCommandTimes(GetQueryExecutionCommand, 8);
    expect(athenaMock).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: EXECUTION_ID });
    expect(commandNames().at(-1)).toBe('StopQueryExecutionCommand');
    expect(athenaMock).toHaveReceivedCommandTimes(GetQueryResultsCommand, 0);
  });

  test('a start throttled twice (TooManyRequestsException, ThrottlingException) is retried with jittered backoff and the same token', async () => {
    // Arrange
    const clock = new FakeClock(undefined, 0.25);
    athenaMock
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttled('TooManyRequestsException'))
      .rejectsOnce(throttled('ThrottlingException'))
      .resolves({ QueryExecutionId: EXECUTION_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED'));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([1], { first: true }));

    // Act
    const result = await athenaEngine(SETTINGS, clock).run(QUERY, { requestKey: 'request-1' });

    // Assert
    expect(result.rows).toEqual([decodedTalker(1)]);
    expect(clock.sleeps).toEqual([0.25 * 100, 0.25 * 200]);
    const tokens = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
  });

  test('polls and result reads are retried through throttling too', async () => {
    const clock = new FakeClock();
    athenaMock.on(GetQueryExecutionCommand).rejectsOnce(throttled('TooManyRequestsException')).resolves(executionIn('SUCCEEDED'));
    athenaMock
      .on(GetQueryResultsCommand)
      .rejectsOnce(throttled('ThrottlingException'))
      .resolves(resultsPage([1], { first: true }));

    const result = await athenaEngine(SETTINGS, clock).run(QUERY);

    expect(result.rows).toEqual([decodedTalker(1)]);
    expect(clock.sleeps).toEqual([0.5 * 100, 0.5 * 100]);
  });

  test('throttling that outlasts every retry becomes QueryFailed after a bounded number of attempts', async () => {
    const clock = new FakeClock(undefined, 0.999);
    athenaMock.on(StartQueryExecutionCommand).rejects(throttled('TooManyRequestsException'));

    const error = await failWith(athenaEngine(SETTINGS, clock).run(QUERY));

    expect(error).toBeInstanceOf(QueryFailed);
    expect((error as Error).message).toBe('Athena is throttling requests or unavailable; try again later');
    expect(athenaMock).toHaveReceivedCommandTimes(StartQueryExecutionCommand, 6);
    expect(clock.sleeps).toEqual([99, 199, 399, 799, 1598]);
  });

  test('throttling that lasts past the deadline raises a timeout without waiting beyond it', async () => {
    const clock = new FakeClock(undefined, 0.9);
    athenaMock.on(StartQueryExecutionCommand).rejects(throttled('TooManyRequestsException'));
    const deadline = clock.now() + 1000;

    const error = await failWith(athenaEngine(SETTINGS, clock).run(QUERY, { deadline }));

    expect(error).toBeInstanceOf(QueryTimedOut);
    expect((error as Error).message).toBe('top-talkers could not start before its deadline: Athena kept throttling');
    expect(clock.now()).toBeLessThan(deadline);
    expect(athenaMock).toHaveReceivedCommandTimes(StopQueryExecutionCommand, 0);
  });

  test('throttled polls near the deadline still end in a stop and a timeout', async () => {
    const clock = new FakeClock(undefined, 0.9);
    athenaMock.on(GetQueryExecutionCommand).resolvesOnce(executionIn('RUNNING')).rejects(throttled('TooManyRequestsException'));
    athenaMock.on(StopQueryExecutionCommand).resolves({});

    const error = await failWith(athenaEngine(SETTINGS, clock).run(QUERY, { deadline: clock.now() + 500 }));

    expect(error).toBeInstanceOf(QueryTimedOut);
    expect(athenaMock).toHaveReceivedCommandWith(StopQueryExecutionCommand, { QueryExecutionId: EXECUTION_ID });
  });

  test('a failed stop is logged and the timeout is still raised', async () => {
    const clock = new FakeClock();
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('RUNNING'));
    athenaMock.on(StopQueryExecutionCommand).rejects(new InvalidRequestException({ message: 'already finished', $metadata: {} }));

    const error = await failWith(athenaEngine(SETTINGS, clock).run(QUERY, { deadline: clock.now() + 100 }));

    expect(error).toBeInstanceOf(QueryTimedOut);
  });
});

describe('ClientRequestToken', () => {
  async function tokenFor(query: typeof QUERY, requestKey: string, settings: AthenaSettings = SETTINGS): Promise<string | undefined> {
    athenaMock.resetHistory();
    await athenaEngine(settings, new FakeClock()).start(query, { requestKey });
    return athenaMock.commandCalls(StartQueryExecutionCommand)[0].args[0].input.ClientRequestToken;
  }

  test('a retried start of the same request sends the same token; another request, query, parameter or workgroup does not', async () => {
    const other = renderQuery('top-talkers', { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z', limit: 6 }, TARGET);

    const tokens = [
      await tokenFor(QUERY, 'request-1'),
      await tokenFor(QUERY, 'request-1'),
      await tokenFor(QUERY, 'request-2'),
      await tokenFor(other, 'request-1'),
      await tokenFor(QUERY, 'request-1', { ...SETTINGS, workgroup: 'other' }),
    ];

    expect(tokens[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens[1]).toBe(tokens[0]);
    expect(new Set(tokens).size).toBe(4);
  });

  test('runs without a request key get a fresh token each', async () => {
    const engine = athenaEngine(SETTINGS, new FakeClock());
    await engine.start(QUERY);
    await engine.start(QUERY);

    const tokens = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(new Set(tokens).size).toBe(2);
  });
});

describe('settings', () => {
  test('an output location is sent only when set, and reuse can be turned off', async () => {
    await athenaEngine({ database: 'flowq', outputLocation: 's3://flowq-results/q/', resultReuseMinutes: 0, catalog: 'other_catalog' }).start(QUERY, {
      requestKey: 'r',
    });

    expect(startInputs()).toEqual([
      {
        QueryString: athenaQueryText(QUERY),
        ExecutionParameters: QUERY.executionParameters,
        QueryExecutionContext: { Database: 'flowq', Catalog: 'other_catalog' },
        WorkGroup: 'primary',
        ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
        ResultConfiguration: { OutputLocation: 's3://flowq-results/q/' },
      },
    ]);
  });

  test.each([
    [{ database: 'Flow-Logs' }, "database name 'Flow-Logs' must match ^[a-z0-9_]{1,255}$"],
    [{ database: 'flowq', workgroup: 'bad name' }, "workgroup name 'bad name' must match ^[a-zA-Z0-9._-]{1,128}$"],
    [{ database: 'flowq', outputLocation: 'https://example.com/' }, "output location 'https://example.com/' is not an S3 location (s3://bucket/prefix/)"],
    [{ database: 'flowq', resultReuseMinutes: 20000 }, 'result reuse must be 0 to 10080 minutes, not 20000'],
  ])('a malformed setting %j is refused: %s', (settings, message) => {
    expect(() => athenaEngine(settings)).toThrow(message);
  });
});

describe('AthenaEngine.submit and view', () => {
  test('submit answers with the result when the query ends within the wait', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED', { reused: true }));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([1], { first: true }));

    const clock = new FakeClock();
    const submission = await athenaEngine(SETTINGS, clock).submit(QUERY, { deadline: clock.now() + 1000 });

    expect(submission).toEqual({
      done: true,
      result: {
        columns: COLUMNS,
        rows: [decodedTalker(1)],
        executionId: EXECUTION_ID,
        stats: {
          engine: 'athena',
          rowsReturned: 1,
          elapsedMs: 0,
          dataScannedBytes: 0,
          engineExecutionMs: 1200,
          queueMs: 80,
          totalExecutionMs: 1400,
          reused: true,
          costUsd: 0,
        },
      },
    });
  });

  test('submit leaves a query that outlasts the wait running and answers with its id and state', async () => {
    const clock = new FakeClock();
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('RUNNING'));

    const submission = await athenaEngine(SETTINGS, clock).submit(QUERY, { deadline: clock.now() + 500 });

    expect(submission).toEqual({ done: false, executionId: EXECUTION_ID, state: 'RUNNING' });
    expect(athenaMock).toHaveReceivedCommandTimes(StopQueryExecutionCommand, 0);
  });

  test('view shows a running execution by its state', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('QUEUED'));

    expect(await athenaEngine(SETTINGS).view(EXECUTION_ID)).toEqual({ done: false, executionId: EXECUTION_ID, state: 'QUEUED' });
  });

  test('view pages through a finished execution: the first page drops the header and asks for one row more', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED', { scanned: 1024 }));
    athenaMock
      .on(GetQueryResultsCommand)
      .resolvesOnce(resultsPage([1, 2], { first: true, nextToken: 'next' }))
      .resolvesOnce(resultsPage([3], { first: false }));
    const engine = athenaEngine(SETTINGS);

    const first = await engine.view(EXECUTION_ID, { pageSize: 2 });
    const second = await engine.view(EXECUTION_ID, { pageSize: 2, nextToken: 'next' });

    const stats = {
      engine: 'athena',
      elapsedMs: 1400,
      dataScannedBytes: 1024,
      engineExecutionMs: 1200,
      queueMs: 80,
      totalExecutionMs: 1400,
      reused: false,
      costUsd: (10 * 5) / 2 ** 20,
    };
    expect([first, second]).toEqual([
      {
        done: true,
        executionId: EXECUTION_ID,
        state: 'SUCCEEDED',
        columns: COLUMNS,
        rows: [1, 2].map(decodedTalker),
        nextToken: 'next',
        stats: { ...stats, rowsReturned: 2 },
      },
      { done: true, executionId: EXECUTION_ID, state: 'SUCCEEDED', columns: COLUMNS, rows: [decodedTalker(3)], stats: { ...stats, rowsReturned: 1 } },
    ]);
    expect(athenaMock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: EXECUTION_ID, MaxResults: 3 },
      { QueryExecutionId: EXECUTION_ID, NextToken: 'next', MaxResults: 2 },
    ]);
  });

  test('view raises UnknownExecution for an id Athena does not know and for one of another workgroup', async () => {
    athenaMock
      .on(GetQueryExecutionCommand)
      .rejectsOnce(new InvalidRequestException({ message: `QueryExecution ${EXECUTION_ID} was not found`, $metadata: {} }))
      .resolves(executionIn('SUCCEEDED', { workgroup: 'someone-else' }));
    const engine = athenaEngine(SETTINGS);

    const errors = [await failWith(engine.view(EXECUTION_ID)), await failWith(engine.view(EXECUTION_ID))];

    expect(errors.map((e) => [e instanceof UnknownExecution, (e as Error).message])).toEqual([
      [true, `no query execution ${EXECUTION_ID}`],
      [true, `no query execution ${EXECUTION_ID}`],
    ]);
    expect(athenaMock).toHaveReceivedCommandTimes(GetQueryResultsCommand, 0);
  });

  test('view raises QueryFailed for a failed execution', async () => {
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('FAILED', { reason: 'Query exhausted resources at this scale factor', errorCategory: 1 }));

    const error = await failWith(athenaEngine(SETTINGS).view(EXECUTION_ID));

    expect(error).toBeInstanceOf(QueryFailed);
    expect((error as Error).message).toBe(`Athena query ${EXECUTION_ID} failed: Query exhausted resources at this scale factor`);
  });
});
