import { AthenaClient, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { AccessDeniedException, BatchCreatePartitionCommand, BatchGetPartitionCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { logsOf, type LogLine } from '../support/logs.js';

// The logger reads its level when its module loads, and the handlers their settings (as at a cold start).
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
Object.assign(process.env, {
  FLOWQ_LOCATION: 's3://flow-logs-bucket/',
  FLOWQ_ACCOUNTS: '111122223333',
  FLOWQ_REGIONS: 'us-east-1',
  FLOWQ_REPORT_BUCKET: 'flowq-reports',
});
const { lambdaContext, testApi } = await import('../handlers/handler-support.js');
const { deadlineFrom } = await import('../../src/lambda/deadline.js');
const { FakeClock } = await import('../support/fake-clock.js');
const addPartitions = await import('../../handlers/add-partitions.js');
const report = await import('../../handlers/report.js');
const runQuery = await import('../../handlers/run-query.js');

const glue = mockClient(GlueClient);
const athena = mockClient(AthenaClient);

afterAll(() => {
  glue.restore();
  athena.restore();
});

/** The level, message, code and reason of each line, and the name and message of the error it logs. */
function summary(lines: readonly LogLine[]) {
  return lines.map(({ level, message, code, reason, error }) => {
    const e = error as { name?: string; message?: string } | undefined;
    return { level, message, code, reason, error: e && { name: e.name, message: e.message } };
  });
}

/** The summary of a failure's line: ERROR, no code or reason, the error as thrown. */
function failedLine(message: string, error: Error) {
  return { level: 'ERROR', message, code: undefined, reason: undefined, error: { name: error.name, message: error.message } };
}

/** Calls `call` and returns the error it ended with, and what it logged. */
async function failureOf(call: () => Promise<unknown>): Promise<{ error: unknown; lines: LogLine[] }> {
  let error: unknown;
  const lines = await logsOf(() =>
    call().then(
      () => expect('the call to fail').toBe('it failed'),
      (e: unknown) => (error = e),
    ),
  );
  return { error, lines };
}

describe('the log line of a failed event', () => {
  test('an event the catalog function does not know is logged at ERROR with the error', async () => {
    const { error, lines } = await failureOf(() => addPartitions.handler({ from: '2026-11-27', to: '2026-11-26' }, lambdaContext()));

    expect(error).toMatchObject({ name: 'InvalidEvent', code: 'INVALID_EVENT', message: 'to: must be after from (to is exclusive)' });
    expect(summary(lines)).toEqual([failedLine('event failed', error as Error)]);
  });

  test("an AWS service's refusal is logged at ERROR with the service's error", async () => {
    glue.reset();
    glue.on(BatchGetPartitionCommand).resolves({ Partitions: [] });
    glue.on(BatchCreatePartitionCommand).rejects(new AccessDeniedException({ message: 'not authorized to perform glue:BatchCreatePartition', $metadata: {} }));

    const { error, lines } = await failureOf(() => addPartitions.handler({ from: '2026-11-26', to: '2026-11-27' }, lambdaContext()));

    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(summary(lines).filter((l) => l.level !== 'INFO')).toEqual([failedLine('event failed', error as Error)]);
  });

  test("a report request of the wrong shape is the caller's mistake: INFO with its code and reason, no stack", async () => {
    const { error, lines } = await failureOf(() => report.handler({ colour: 'red' }, lambdaContext()));

    expect(error).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(summary(lines)).toEqual([
      { level: 'INFO', message: 'event refused', code: 'INVALID_PARAMETER', reason: (error as Error).message, error: undefined },
    ]);
  });
});

describe('the log line of a failed direct invocation', () => {
  test("an AWS service's refusal is logged at ERROR, and the caller gets the service's error", async () => {
    athena.reset();
    const refusal = Object.assign(new Error('not authorized to perform athena:StartQueryExecution'), { name: 'AccessDeniedException', $metadata: {} });
    athena.on(StartQueryExecutionCommand).rejects(refusal);
    const params = { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z' };

    const { error, lines } = await failureOf(() => runQuery.createHandler(testApi())({ query: 'top-talkers', params }, lambdaContext()));

    expect(error).toBe(refusal);
    expect(summary(lines).filter((l) => l.level !== 'INFO')).toEqual([failedLine('invocation failed', error as Error)]);
  });
});

describe('deadlineFrom', () => {
  test("is the clock's now plus the function's remaining time, less the margin", () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 27));

    expect(deadlineFrom(lambdaContext(29_000), 5_000, clock)).toBe(Date.UTC(2026, 10, 27) + 24_000);
  });
});
