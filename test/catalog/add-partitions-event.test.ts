import { BatchCreatePartitionCommand, BatchGetPartitionCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { onAddPartitionsEvent, parseRange, scheduleRange, type AddPartitionsEventOptions } from '../../src/catalog/add-partitions-event.js';
import { InvalidEvent } from '../../src/catalog/errors.js';
import { partitionInput } from '../../src/catalog/model.js';
import type { CatalogSettings } from '../../src/catalog/settings.js';
import { objectKey } from '../../src/flowlog/layout.js';
import { ACCOUNT_A, ACCOUNT_B, settingsFor } from './support.js';
import { FakeClock } from '../support/fake-clock.js';

const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  glue.reset();
  s3.reset();
});

const scheduled = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT_A,
  time: '2026-11-27T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:111122223333:rule/flowq-dev-addPartitions-schedule'],
  detail: {},
};

function options(extra: Partial<AddPartitionsEventOptions> = {}): AddPartitionsEventOptions {
  return { clock: new FakeClock(), known: new Set(), ...extra };
}

function s3Record(key: string) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-27T06:01:02.000Z',
    eventName: 'ObjectCreated:Put',
    s3: {
      s3SchemaVersion: '1.0',
      bucket: { name: 'flow-logs-bucket', arn: 'arn:aws:s3:::flow-logs-bucket' },
      object: { key: encodeURIComponent(key).replaceAll('%2F', '/'), size: 1024 },
    },
  };
}

function fileKey(account: string, fileTime: number, settings: CatalogSettings = settingsFor()) {
  return `org/${objectKey(settings.source, 'plain-text', { account, region: 'us-east-1', flowLogId: 'fl-0123456789abcdef0', fileTime, hash: 'abc123' })}`;
}

const T = Date.UTC(2026, 10, 27, 5, 55) / 1000;

describe('the schedule', () => {
  test('covers yesterday, today and tomorrow in UTC, or the days its input names', () => {
    const now = Date.UTC(2026, 11, 31, 23, 59) / 1000;

    expect([scheduleRange(now), scheduleRange(now, { daysBefore: 0, daysAfter: 0 }), scheduleRange(now, { daysBefore: 3, daysAfter: 2 })]).toEqual([
      { from: Date.UTC(2026, 11, 30) / 1000, to: Date.UTC(2027, 0, 2) / 1000 },
      { from: Date.UTC(2026, 11, 31) / 1000, to: Date.UTC(2027, 0, 1) / 1000 },
      { from: Date.UTC(2026, 11, 28) / 1000, to: Date.UTC(2027, 0, 3) / 1000 },
    ]);
  });

  test("adds yesterday's, today's and tomorrow's partitions for every discovered account and region", async () => {
    // Arrange
    const settings = settingsFor();
    s3.on(ListObjectsV2Command, { Prefix: 'org/AWSLogs/' }).resolves({ CommonPrefixes: [{ Prefix: `org/AWSLogs/${ACCOUNT_A}/` }] });
    s3.on(ListObjectsV2Command, { Prefix: `org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/` }).resolves({
      CommonPrefixes: [{ Prefix: `org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/eu-west-1/` }, { Prefix: `org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/us-east-1/` }],
    });
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [{ PartitionValues: [ACCOUNT_A, 'eu-west-1', '2026/11/27'], ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' } }],
    });

    // Act
    const run = await onAddPartitionsEvent(scheduled, () => settings, options());

    // Assert
    expect(run).toEqual({ trigger: 'schedule', from: '2026-11-26T00:00:00Z', to: '2026-11-29T00:00:00Z', partitions: 6, created: 5, existing: 1, failed: [] });
    expect(glue).toHaveReceivedCommandWith(BatchCreatePartitionCommand, {
      DatabaseName: 'flowq',
      TableName: 'flow_logs',
      PartitionInputList: [
        { account: ACCOUNT_A, region: 'eu-west-1', dt: '2026/11/26' },
        { account: ACCOUNT_A, region: 'us-east-1', dt: '2026/11/26' },
        { account: ACCOUNT_A, region: 'eu-west-1', dt: '2026/11/27' },
        { account: ACCOUNT_A, region: 'us-east-1', dt: '2026/11/27' },
        { account: ACCOUNT_A, region: 'eu-west-1', dt: '2026/11/28' },
        { account: ACCOUNT_A, region: 'us-east-1', dt: '2026/11/28' },
      ].map((p) => partitionInput(settings.source, p)),
    });
  });

  test('uses the clock when the schedule event carries no time', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({});
    const settings = settingsFor({ accounts: ACCOUNT_A, regions: 'us-east-1', perHourPartition: true });

    const run = await onAddPartitionsEvent({ source: 'aws.events' }, () => settings, options({ now: () => T }));

    expect(run).toMatchObject({ trigger: 'schedule', from: '2026-11-26T00:00:00Z', to: '2026-11-29T00:00:00Z', partitions: 72, created: 72 });
  });

  test('takes its time and days from the input the rule passes (serverless.yml), as EventBridge fills it in', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({});
    const settings = settingsFor({ accounts: ACCOUNT_A, regions: 'us-east-1' });

    const runs = [
      await onAddPartitionsEvent({ time: '2026-11-27T12:00:00Z', daysBefore: 1, daysAfter: 1 }, () => settings, options()),
      await onAddPartitionsEvent({ time: '2026-11-27T12:00:00Z', daysBefore: 5, daysAfter: 0 }, () => settings, options()),
    ];

    expect(runs.map((r) => [r.trigger, r.from, r.to, r.partitions])).toEqual([
      ['schedule', '2026-11-26T00:00:00Z', '2026-11-29T00:00:00Z', 3],
      ['schedule', '2026-11-22T00:00:00Z', '2026-11-28T00:00:00Z', 6],
    ]);
  });

  test.each([
    [{ time: '2026-11-27T12:00:00Z', daysBefore: -1, daysAfter: 1 }, 'daysBefore: must be a whole number from 0 to 31'],
    [{ time: '2026-11-27T12:00:00Z', daysBefore: 1, daysAfter: '1' }, 'daysAfter: must be a whole number from 0 to 31'],
    [{ time: '2026-11-27T12:00:00Z', daysBefore: 1, from: '2026-01-01' }, 'a schedule takes only time, daysBefore and daysAfter, not from'],
  ])('refuses the schedule input %j with a clear error', async (event, message) => {
    const attempt = onAddPartitionsEvent(event, () => settingsFor({ accounts: ACCOUNT_A, regions: 'us-east-1' }), options());

    await expect(attempt).rejects.toThrow(new InvalidEvent(message));
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 0);
  });
});

describe('a backfill', () => {
  test('adds every partition of [from, to) for the configured accounts and regions', async () => {
    glue.on(BatchCreatePartitionCommand).resolves({});
    const settings = settingsFor({ accounts: `${ACCOUNT_A},${ACCOUNT_B}`, regions: 'us-east-1' });

    const run = await onAddPartitionsEvent({ from: '2026-01-01', to: '2026-04-01' }, () => settings, options());

    expect(run).toEqual({
      trigger: 'backfill',
      from: '2026-01-01T00:00:00Z',
      to: '2026-04-01T00:00:00Z',
      partitions: 180,
      created: 180,
      existing: 0,
      failed: [],
    });
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 2);
  });

  test.each([
    [{ from: 'yesterday', to: '2026-01-02' }, "from: 'yesterday' is not ISO-8601 UTC (2026-11-27T00:00:00Z) or Unix seconds"],
    [{ from: '2026-01-02', to: '2026-01-01' }, 'to: must be after from (to is exclusive)'],
    [{ from: '2026-01-01' }, 'to: must be ISO-8601 UTC or Unix seconds'],
    [{ from: '2026-01-01', to: '2026-01-02', accounts: [ACCOUNT_A] }, 'a backfill takes only from and to, not accounts'],
  ])('refuses the malformed request %j with a clear error', async (event, message) => {
    const attempt = onAddPartitionsEvent(event, () => settingsFor({ accounts: ACCOUNT_A, regions: 'us-east-1' }), options());

    await expect(attempt).rejects.toThrow(InvalidEvent);
    await expect(attempt).rejects.toThrow(message);
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 0);
  });

  test('refuses a range too long for one run', async () => {
    const settings = settingsFor({ accounts: ACCOUNT_A, regions: 'us-east-1,eu-west-1', perHourPartition: true });

    await expect(onAddPartitionsEvent({ from: '2000-01-01', to: '2026-01-01' }, () => settings, options())).rejects.toThrow(
      'the range needs 455856 partitions; one run adds at most 175200: split it',
    );
  });

  test('parses Unix seconds as well as ISO-8601', () => {
    expect(parseRange(1_767_225_600, '2026-01-02T00:00:00Z')).toEqual({ from: 1_767_225_600, to: 1_767_312_000 });
  });
});

describe('S3 notifications', () => {
  test('add only the partitions Glue lacks, each once', async () => {
    // Arrange
    const settings = settingsFor();
    const event = { Records: [s3Record(fileKey(ACCOUNT_A, T)), s3Record(fileKey(ACCOUNT_A, T + 300)), s3Record(fileKey(ACCOUNT_B, T))] };
    glue.on(BatchGetPartitionCommand).resolves({ Partitions: [{ Values: [ACCOUNT_A, 'us-east-1', '2026/11/27'] }] });
    glue.on(BatchCreatePartitionCommand).resolves({});

    // Act
    const run = await onAddPartitionsEvent(event, () => settings, options());

    // Assert
    expect(run).toEqual({ trigger: 's3', partitions: 2, skipped: 0, created: 1, existing: 1, failed: [] });
    expect(glue).toHaveReceivedCommandWith(BatchGetPartitionCommand, {
      DatabaseName: 'flowq',
      TableName: 'flow_logs',
      PartitionsToGet: [{ Values: [ACCOUNT_A, 'us-east-1', '2026/11/27'] }, { Values: [ACCOUNT_B, 'us-east-1', '2026/11/27'] }],
    });
    expect(glue).toHaveReceivedCommandWith(BatchCreatePartitionCommand, {
      DatabaseName: 'flowq',
      TableName: 'flow_logs',
      PartitionInputList: [partitionInput(settings.source, { account: ACCOUNT_B, region: 'us-east-1', dt: '2026/11/27' })],
    });
  });

  test('cost no Glue call for partitions a warm function already saw', async () => {
    const settings = settingsFor();
    const known = new Set<string>();
    glue.on(BatchGetPartitionCommand).resolves({ Partitions: [] });
    glue.on(BatchCreatePartitionCommand).resolves({});
    await onAddPartitionsEvent({ Records: [s3Record(fileKey(ACCOUNT_A, T))] }, () => settings, options({ known }));

    const second = await onAddPartitionsEvent({ Records: [s3Record(fileKey(ACCOUNT_A, T + 300))] }, () => settings, options({ known }));

    expect(second).toEqual({ trigger: 's3', partitions: 1, skipped: 0, created: 0, existing: 1, failed: [] });
    expect(glue).toHaveReceivedCommandTimes(BatchGetPartitionCommand, 1);
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 1);
  });

  test('skip keys outside the layout with no error and no Glue call', async () => {
    const event = { Records: [s3Record('org/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27/README.txt')] };

    const run = await onAddPartitionsEvent(event, () => settingsFor(), options());

    expect(run).toEqual({ trigger: 's3', partitions: 0, skipped: 1, created: 0, existing: 0, failed: [] });
    expect(glue).toHaveReceivedCommandTimes(BatchGetPartitionCommand, 0);
  });

  test('arrive through EventBridge too, with the key plain or URL-encoded', async () => {
    // Arrange
    const settings = settingsFor({ hiveCompatiblePartitions: true });
    const key = fileKey(ACCOUNT_A, T, settings);
    const objectCreated = (k: string) => ({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: ACCOUNT_A,
      time: '2026-11-27T06:01:02Z',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::flow-logs-bucket'],
      detail: { version: '0', bucket: { name: 'flow-logs-bucket' }, object: { key: k, size: 1024 }, reason: 'PutObject' },
    });
    glue.on(BatchGetPartitionCommand).resolves({ Partitions: [] });
    glue.on(BatchCreatePartitionCommand).resolves({});

    // Act
    const plain = await onAddPartitionsEvent(objectCreated(key), () => settings, options());
    const encoded = await onAddPartitionsEvent(objectCreated(encodeURIComponent(key).replaceAll('%2F', '/')), () => settings, options());

    // Assert
    const expected = { trigger: 's3', partitions: 1, skipped: 0, created: 1, existing: 0, failed: [] };
    expect([plain, encoded]).toEqual([expected, expected]);
    expect(glue.commandCalls(BatchCreatePartitionCommand).map((c) => c.args[0].input.PartitionInputList)).toEqual([
      [partitionInput(settings.source, { account: ACCOUNT_A, region: 'us-east-1', dt: 'year=2026/month=11/day=27' })],
      [partitionInput(settings.source, { account: ACCOUNT_A, region: 'us-east-1', dt: 'year=2026/month=11/day=27' })],
    ]);
  });

  test('answer the S3 test event with nothing to do', async () => {
    const run = await onAddPartitionsEvent({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'flow-logs-bucket' }, () => settingsFor(), options());

    expect(run).toEqual({ trigger: 's3', partitions: 0, created: 0, existing: 0, failed: [] });
  });
});

describe('any event', () => {
  test('adds nothing when the table uses partition projection', async () => {
    const settings = settingsFor({ partitionMode: 'projection', accounts: ACCOUNT_A, regions: 'us-east-1' });

    const run = await onAddPartitionsEvent(scheduled, () => settings, options());

    expect(run).toEqual({ trigger: 'schedule', partitions: 0, created: 0, existing: 0, failed: [] });
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 0);
  });

  test.each([
    [null, 'expected an object: a schedule event, {"from": ..., "to": ...} or an S3 notification'],
    [[1, 2], 'expected an object: a schedule event, {"from": ..., "to": ...} or an S3 notification'],
    [{ hello: 'world' }, 'unrecognised event with keys hello: expected a schedule event, {"from": ..., "to": ...} or an S3 notification'],
    [{ Records: [] }, 'Records must be a non-empty list of S3 notification records'],
    [
      { Records: [{ eventSource: 'aws:s3', s3: { bucket: { name: 'b' } } }] },
      'Records[0] is not an S3 notification: it needs eventSource aws:s3, s3.bucket.name and s3.object.key',
    ],
    [{ ...scheduled, time: 'noon' }, "time: 'noon' is not ISO-8601 UTC (2026-11-27T00:00:00Z) or Unix seconds"],
  ])('refuses the malformed event %j with a clear error', async (event, message) => {
    const attempt = onAddPartitionsEvent(event, () => settingsFor(), options());

    await expect(attempt).rejects.toThrow(InvalidEvent);
    await expect(attempt).rejects.toThrow(message);
  });
});
