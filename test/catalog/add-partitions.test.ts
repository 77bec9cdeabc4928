import { BatchCreatePartitionCommand, BatchGetPartitionCommand, GlueClient, type PartitionInput } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { addPartitions, missingPartitions, partitionsForPairs, type AddPartitionsProgress } from '../../src/catalog/add-partitions.js';
import { partitionInput } from '../../src/catalog/model.js';
import type { PartitionValues } from '../../src/flowlog/layout.js';
import { ACCOUNT_A, ACCOUNT_B, awsError, settingsFor } from './support.js';
import { FakeClock } from '../support/fake-clock.js';

const glue = mockClient(GlueClient);

beforeEach(() => {
  glue.reset();
});

const DAY = 86_400;
const NOV_27 = Date.UTC(2026, 10, 27) / 1000;

/** `n` distinct daily partitions for one account and region, from 2026-01-01 on. */
function days(n: number): PartitionValues[] {
  const start = Date.UTC(2026, 0, 1) / 1000;
  return partitionsForPairs(settingsFor().source, start, start + n * DAY, [{ account: ACCOUNT_A, region: 'us-east-1' }]);
}

function sentLists(): PartitionInput[][] {
  return glue.commandCalls(BatchCreatePartitionCommand).map((c) => c.args[0].input.PartitionInputList ?? []);
}

describe('partitionsForPairs', () => {
  test('lists every partition of the range for each account and region, by time first, to exclusive', () => {
    const settings = settingsFor();
    const pairs = [
      { account: ACCOUNT_A, region: 'us-east-1' },
      { account: ACCOUNT_B, region: 'eu-west-1' },
    ];

    expect(partitionsForPairs(settings.source, NOV_27, NOV_27 + 2 * DAY, pairs)).toEqual([
      { account: ACCOUNT_A, region: 'us-east-1', dt: '2026/11/27' },
      { account: ACCOUNT_B, region: 'eu-west-1', dt: '2026/11/27' },
      { account: ACCOUNT_A, region: 'us-east-1', dt: '2026/11/28' },
      { account: ACCOUNT_B, region: 'eu-west-1', dt: '2026/11/28' },
    ]);
  });

  test('lists hourly partitions of a Hive per-hour layout across a day boundary', () => {
    const { source } = settingsFor({ hiveCompatiblePartitions: true, perHourPartition: true });

    const dts = partitionsForPairs(source, NOV_27 - 2 * 3600, NOV_27 + 3600, [{ account: ACCOUNT_A, region: 'us-east-1' }]).map((p) => p.dt);

    expect(dts).toEqual(['year=2026/month=11/day=26/hour=22', 'year=2026/month=11/day=26/hour=23', 'year=2026/month=11/day=27/hour=00']);
  });
});

describe('addPartitions', () => {
  test('sends 250 partitions in calls of 100, 100 and 50, each with its exact input', async () => {
    // Arrange
    const settings = settingsFor();
    const partitions = days(250);
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [] });

    // Act
    const result = await addPartitions(settings, partitions, { clock: new FakeClock(), concurrency: 1 });

    // Assert
    expect(result).toEqual({ created: 250, existing: 0, failed: [] });
    expect(sentLists().map((l) => l.length)).toEqual([100, 100, 50]);
    const inputs = partitions.map((p) => partitionInput(settings.source, p));
    expect(glue).toHaveReceivedNthSpecificCommandWith(1, BatchCreatePartitionCommand, {
      DatabaseName: 'flowq',
      TableName: 'flow_logs',
      PartitionInputList: inputs.slice(0, 100),
    });
    expect(glue).toHaveReceivedNthSpecificCommandWith(2, BatchCreatePartitionCommand, {
      DatabaseName: 'flowq',
      TableName: 'flow_logs',
      PartitionInputList: inputs.slice(100, 200),
    });
    expect(glue).toHaveReceivedNthSpecificCommandWith(3, BatchCreatePartitionCommand, {
      DatabaseName: 'flowq',
      TableName: 'flow_logs',
      PartitionInputList: inputs.slice(200),
    });
  });

  test('counts AlreadyExists entries as existing partitions', async () => {
    const partitions = days(5);
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [partitions[1], partitions[3]].map((p) => ({
        PartitionValues: [p.account, p.region, p.dt],
        ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'Partition already exists.' },
      })),
    });

    const result = await addPartitions(settingsFor(), partitions, { clock: new FakeClock() });

    expect(result).toEqual({ created: 3, existing: 2, failed: [] });
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 1);
  });

  test('retries a throttled call after a jittered backoff, then succeeds', async () => {
    const clock = new FakeClock();
    glue.on(BatchCreatePartitionCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves({ Errors: [] });

    const result = await addPartitions(settingsFor(), days(3), { clock });

    expect(result).toEqual({ created: 3, existing: 0, failed: [] });
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 2);
    expect(clock.sleeps).toEqual([50]);
  });

  test('retries only the entries Glue throttled, and counts the rest once', async () => {
    const partitions = days(4);
    const throttled = [partitions[0], partitions[2]];
    glue
      .on(BatchCreatePartitionCommand)
      .resolvesOnce({
        Errors: throttled.map((p) => ({
          PartitionValues: [p.account, p.region, p.dt],
          ErrorDetail: { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
        })),
      })
      .resolves({ Errors: [] });

    const result = await addPartitions(settingsFor(), partitions, { clock: new FakeClock() });

    expect(result).toEqual({ created: 4, existing: 0, failed: [] });
    expect(sentLists()[1]).toEqual(throttled.map((p) => partitionInput(settingsFor().source, p)));
  });

  test('reports a permanent failure with its partition values and does not retry it', async () => {
    const partitions = days(3);
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [
        {
          PartitionValues: [ACCOUNT_A, 'us-east-1', '2026/01/02'],
          ErrorDetail: { ErrorCode: 'InvalidInputException', ErrorMessage: 'The location is invalid.' },
        },
      ],
    });

    const result = await addPartitions(settingsFor(), partitions, { clock: new FakeClock() });

    expect(result).toEqual({
      created: 2,
      existing: 0,
      failed: [{ values: [ACCOUNT_A, 'us-east-1', '2026/01/02'], code: 'InvalidInputException', message: 'The location is invalid.' }],
    });
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 1);
  });

  test('gives up on throttling after the sixth attempt, with backoffs that double, and reports the entries', async () => {
    const clock = new FakeClock(undefined, 0.999);
    glue.on(BatchCreatePartitionCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));

    const result = await addPartitions(settingsFor(), days(2), { clock });

    expect(result).toEqual({
      created: 0,
      existing: 0,
      failed: [
        { values: [ACCOUNT_A, 'us-east-1', '2026/01/01'], code: 'ThrottlingException', message: 'Rate exceeded' },
        { values: [ACCOUNT_A, 'us-east-1', '2026/01/02'], code: 'ThrottlingException', message: 'Rate exceeded' },
      ],
    });
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 6);
    expect(clock.sleeps).toEqual([99, 199, 399, 799, 1598]);
  });

  test('spreads concurrent retries with jitter below each ceiling', async () => {
    const randoms = [0.1, 0.7, 0.3];
    const clock = new FakeClock(undefined, () => randoms.shift() ?? 0);
    glue
      .on(BatchCreatePartitionCommand)
      .rejectsOnce(awsError('InternalServiceException', 'oops', 500))
      .rejectsOnce(awsError('InternalServiceException', 'oops', 500))
      .rejectsOnce(awsError('ThrottlingException'))
      .resolves({});

    await addPartitions(settingsFor(), days(1), { clock });

    expect(clock.sleeps).toEqual([10, 140, 120]);
  });

  test('stops the run on an error no retry can fix, such as a missing table', async () => {
    glue.on(BatchCreatePartitionCommand).rejects(awsError('EntityNotFoundException', 'Table flow_logs not found.'));

    await expect(addPartitions(settingsFor(), days(500), { clock: new FakeClock(), concurrency: 2 })).rejects.toThrow('Table flow_logs not found.');
    expect(glue.commandCalls(BatchCreatePartitionCommand).length).toBeLessThanOrEqual(2);
  });

  test('sends a partition listed twice only once', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({});
    const [first, second] = days(2);

    const result = await addPartitions(settingsFor(), [first, second, first], { clock: new FakeClock() });

    expect(result).toEqual({ created: 2, existing: 0, failed: [] });
    expect(sentLists()).toEqual([[partitionInput(settingsFor().source, first), partitionInput(settingsFor().source, second)]]);
  });

  test('backfills a year of hourly partitions for four account-region pairs (35,040) in 351 calls, four in flight', async () => {
    // Arrange
    const settings = settingsFor({ perHourPartition: true });
    const pairs = [ACCOUNT_A, ACCOUNT_B].flatMap((account) => ['eu-west-1', 'us-east-1'].map((region) => ({ account, region })));
    const from = Date.UTC(2025, 0, 1) / 1000;
    const partitions = partitionsForPairs(settings.source, from, from + 365 * DAY, pairs);
    let inFlight = 0;
    let maxInFlight = 0;
    glue.on(BatchCreatePartitionCommand).callsFake(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { Errors: [] };
    });
    const progress: AddPartitionsProgress[] = [];

    // Act
    const started = performance.now();
    const result = await addPartitions(settings, partitions, { clock: new FakeClock(), onProgress: (p) => progress.push(p) });
    const elapsedMs = performance.now() - started;

    // Assert
    expect(partitions).toHaveLength(35_040);
    expect(result).toEqual({ created: 35_040, existing: 0, failed: [] });
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 351);
    expect(Math.max(...sentLists().map((l) => l.length))).toBe(100);
    expect(
      new Set(
        sentLists()
          .flat()
          .map((p) => p.Values!.join('/')),
      ).size,
    ).toBe(35_040);
    expect(maxInFlight).toBe(4);
    expect(progress).toHaveLength(351);
    expect(progress.at(-1)).toEqual({ done: 35_040, total: 35_040, created: 35_040, existing: 0, failed: [] });
    expect(elapsedMs).toBeLessThan(10_000);
  });
});

describe('missingPartitions', () => {
  test('asks Glue for the partitions in one BatchGetPartition call and returns those it lacks', async () => {
    const partitions = days(3);
    glue.on(BatchGetPartitionCommand).resolves({ Partitions: [{ Values: [ACCOUNT_A, 'us-east-1', '2026/01/02'] }] });

    const missing = await missingPartitions(settingsFor(), partitions);

    expect(missing).toEqual([partitions[0], partitions[2]]);
    expect(glue).toHaveReceivedCommandWith(BatchGetPartitionCommand, {
      DatabaseName: 'flowq',
      TableName: 'flow_logs',
      PartitionsToGet: partitions.map((p) => ({ Values: [p.account, p.region, p.dt] })),
    });
  });
});
