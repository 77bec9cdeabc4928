import { BatchCreatePartitionCommand, BatchGetPartitionCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { partitionInput } from '../../src/catalog/model.js';
import { readCatalogSettings } from '../../src/catalog/settings.js';
import { lambdaContext, scheduledEvent } from '../catalog/support.js';

const ENV = {
  FLOWQ_DATABASE: 'flowq',
  FLOWQ_TABLE: 'flow_logs',
  FLOWQ_LOCATION: 's3://flow-logs-bucket/',
  FLOWQ_PER_HOUR: 'true',
  FLOWQ_ACCOUNTS: '111122223333',
  FLOWQ_REGIONS: 'us-east-1',
};

const glue = mockClient(GlueClient);
let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  Object.assign(process.env, ENV);
  ({ handler } = await import('../../handlers/add-partitions.js'));
});

afterAll(() => {
  for (const name of Object.keys(ENV)) delete process.env[name];
});

beforeEach(() => {
  glue.reset();
  glue.on(BatchCreatePartitionCommand).resolves({});
  glue.on(BatchGetPartitionCommand).resolves({ Partitions: [] });
});

const context = lambdaContext('flowq-dev-addPartitions');

describe('the add-partitions handler', () => {
  test("adds yesterday's, today's and tomorrow's hourly partitions on the daily schedule, from its event or the input the rule makes of it", async () => {
    const runs = [
      await handler(scheduledEvent('2026-11-27T12:00:00Z'), context),
      await handler({ time: '2026-11-27T12:00:00Z', daysBefore: 1, daysAfter: 1 }, context),
    ];

    const expected = { trigger: 'schedule', from: '2026-11-26T00:00:00Z', to: '2026-11-29T00:00:00Z', partitions: 72, created: 72, existing: 0, failed: [] };
    expect(runs).toEqual([expected, expected]);
  });

  test('backfills the range of a direct invocation', async () => {
    const run = await handler({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, context);

    expect(run).toEqual({
      trigger: 'backfill',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-02T00:00:00Z',
      partitions: 24,
      created: 24,
      existing: 0,
      failed: [],
    });
  });

  test('adds the partition of a delivered file named in an S3 notification', async () => {
    const key = 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27/05/111122223333_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20261127T0555Z_abc123.log.gz';
    const event = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'flow-logs-bucket' }, object: { key } } }] };

    const run = await handler(event, context);

    expect(run).toEqual({ trigger: 's3', partitions: 1, skipped: 0, created: 1, existing: 0, failed: [] });
    const { source } = readCatalogSettings(ENV);
    expect(glue).toHaveReceivedCommandWith(BatchCreatePartitionCommand, {
      DatabaseName: 'flowq',
      TableName: 'flow_logs',
      PartitionInputList: [partitionInput(source, { account: '111122223333', region: 'us-east-1', dt: '2026/11/27/05' })],
    });
  });

  test('fails a malformed event with a clear error', async () => {
    await expect(handler({ start: 'yesterday' }, context)).rejects.toThrow(
      'unrecognised event with keys start: expected a schedule event, {"from": ..., "to": ...} or an S3 notification',
    );
  });
});
