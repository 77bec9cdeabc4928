import { jest } from '@jest/globals';
import {
  BatchCreatePartitionCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { onCreateTableEvent, sendCustomResourceResponse, type CustomResourceRequest } from '../../src/catalog/custom-resource.js';
import { InvalidEvent } from '../../src/catalog/errors.js';
import { partitionInput, tableInput } from '../../src/catalog/model.js';
import { readCatalogSettings, loadCatalogSettings } from '../../src/catalog/settings.js';
import { awsError, settingsFor } from './support.js';
import { FakeClock } from '../support/fake-clock.js';

const glue = mockClient(GlueClient);
let fetchMock: jest.SpiedFunction<typeof fetch>;

beforeEach(() => {
  glue.reset();
  fetchMock = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(null, { status: 200 }));
});

afterEach(() => {
  fetchMock.mockRestore();
});

const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation?X-Amz-Signature=abc';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:111122223333:stack/flowq-dev/5b0a6c70-abcd-11ef-9a4b-0e1234567890';
const context = { getRemainingTimeInMillis: () => 300_000 };

function request(type: 'Create' | 'Update' | 'Delete', extra: Partial<CustomResourceRequest> = {}): CustomResourceRequest {
  return {
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:flowq-dev-createTable',
    ResponseURL: RESPONSE_URL,
    StackId: STACK_ID,
    RequestId: `request-${type.toLowerCase()}`,
    LogicalResourceId: 'FlowLogsTable',
    ResourceType: 'Custom::FlowLogsTable',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:flowq-dev-createTable', Database: 'flowq', Table: 'flow_logs' },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'flowq.flow_logs' }),
    ...extra,
  } as CustomResourceRequest;
}

/** The one response the handler PUT, parsed, with the request details it was sent with. */
function sentResponse() {
  expect(fetchMock).toHaveBeenCalledTimes(1);
  const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
  return { url, method: init.method, headers: init.headers, body: JSON.parse(init.body as string) };
}

const settings = () => settingsFor();

describe('the create-table custom resource', () => {
  test('on Create makes the database and table and answers SUCCESS at the response URL', async () => {
    // Arrange
    glue.on(GetDatabaseCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(GetTableCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(CreateTableCommand).resolves({});

    // Act
    const outcome = await onCreateTableEvent(request('Create'), context, settings, { clock: new FakeClock() });

    // Assert
    const expected = {
      Status: 'SUCCESS',
      PhysicalResourceId: 'flowq.flow_logs',
      StackId: STACK_ID,
      RequestId: 'request-create',
      LogicalResourceId: 'FlowLogsTable',
      Data: { Database: 'flowq', Table: 'flow_logs', Result: 'created', Changes: '' },
    };
    expect(outcome).toEqual(expected);
    const body = JSON.stringify(expected);
    expect(sentResponse()).toEqual({
      url: RESPONSE_URL,
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': String(body.length) },
      body: expected,
    });
    expect(glue).toHaveReceivedCommandWith(CreateTableCommand, { DatabaseName: 'flowq', TableInput: tableInput(settingsFor()) });
  });

  describe('with BackfillDays (as CloudFormation passes it, text)', () => {
    const listed = () => settingsFor({ accounts: '111122223333', regions: 'us-east-1,eu-west-1' });
    /** The UTC days from `before` days before the clock's day to the day after it, as `dt` values. */
    const days = (before: number) =>
      Array.from({ length: before + 2 }, (_, i) => new Date(Date.UTC(2026, 10, 27 - before + i)).toISOString().slice(0, 10).replaceAll('-', '/'));

    beforeEach(() => {
      glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
      glue.on(GetTableCommand).rejects(awsError('EntityNotFoundException'));
      glue.on(CreateTableCommand).resolves({});
    });

    test("on Create adds the partitions of that many days before today, today's and tomorrow's, and says so", async () => {
      glue.on(BatchCreatePartitionCommand).resolves({});

      const outcome = await onCreateTableEvent(
        request('Create', { ResourceProperties: { ...request('Create').ResourceProperties, BackfillDays: '7' } }),
        context,
        listed,
        { clock: new FakeClock() },
      );

      const expected = days(7).flatMap((dt) => listed().regions.map((region) => ({ account: '111122223333', region, dt })));
      expect(expected).toHaveLength(18);
      expect(glue.commandCalls(BatchCreatePartitionCommand).flatMap((c) => c.args[0].input.PartitionInputList)).toEqual(
        expected.map((p) => partitionInput(listed().source, p)),
      );
      expect(outcome).toMatchObject({
        Status: 'SUCCESS',
        Data: { Result: 'created', Backfill: '2026-11-20T00:00:00Z to 2026-11-29T00:00:00Z: 18 created, 0 existing, 0 failed' },
      });
    });

    test('on Update adds none', async () => {
      glue.on(GetTableCommand).resolves({ Table: { ...tableInput(listed()), Name: 'flow_logs' } });

      const outcome = await onCreateTableEvent(
        request('Update', { ResourceProperties: { ...request('Update').ResourceProperties, BackfillDays: '7' } }),
        context,
        listed,
        { clock: new FakeClock() },
      );

      expect(outcome).toMatchObject({ Status: 'SUCCESS', Data: { Result: 'unchanged' } });
      expect((outcome as { Data: object }).Data).not.toHaveProperty('Backfill');
      expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 0);
    });

    test('on Create still answers SUCCESS when Glue refuses the partitions, saying why, since the table is there and the schedule adds them', async () => {
      glue.on(BatchCreatePartitionCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: glue:BatchCreatePartition'));

      const outcome = await onCreateTableEvent(
        request('Create', { ResourceProperties: { ...request('Create').ResourceProperties, BackfillDays: '0' } }),
        context,
        listed,
        { clock: new FakeClock() },
      );

      expect(outcome).toMatchObject({
        Status: 'SUCCESS',
        Data: { Result: 'created', Backfill: 'failed: AccessDeniedException: not authorized to perform: glue:BatchCreatePartition' },
      });
    });

    test('adds nothing with partition projection', async () => {
      const projected = () => settingsFor({ accounts: '111122223333', regions: 'us-east-1', partitionMode: 'projection' });

      const outcome = await onCreateTableEvent(
        request('Create', { ResourceProperties: { ...request('Create').ResourceProperties, BackfillDays: '7' } }),
        context,
        projected,
        { clock: new FakeClock() },
      );

      expect(outcome).toMatchObject({ Status: 'SUCCESS', Data: { Backfill: 'none: partition projection' } });
      expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 0);
    });

    test.each(['-1', '7.5', 'seven', '400'])('answers FAILED to BackfillDays %j, naming it', async (value) => {
      const outcome = await onCreateTableEvent(
        request('Create', { ResourceProperties: { ...request('Create').ResourceProperties, BackfillDays: value } }),
        context,
        listed,
        { clock: new FakeClock() },
      );

      expect(outcome).toMatchObject({ Status: 'FAILED', Reason: `BackfillDays must be a whole number from 0 to 366, not '${value}'` });
      expect(glue.calls()).toHaveLength(0);
    });
  });

  test('on Update changes the table and reports what changed', async () => {
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    const old = tableInput(settingsFor({ fileFormat: 'plain-text' }));
    glue
      .on(GetTableCommand)
      .resolves({ Table: { ...old, Name: 'flow_logs', StorageDescriptor: { ...old.StorageDescriptor, Location: 's3://flow-logs-bucket/AWSLogs/' } } });
    glue.on(UpdateTableCommand).resolves({});

    const outcome = await onCreateTableEvent(request('Update'), context, settings, { clock: new FakeClock() });

    expect(outcome).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'flowq.flow_logs',
      StackId: STACK_ID,
      RequestId: 'request-update',
      LogicalResourceId: 'FlowLogsTable',
      Data: {
        Database: 'flowq',
        Table: 'flow_logs',
        Result: 'updated',
        Changes: 'location s3://flow-logs-bucket/AWSLogs/ → s3://flow-logs-bucket/org/AWSLogs/',
      },
    });
    expect(sentResponse().body).toEqual(outcome);
  });

  test('on a failed Update answers FAILED with the reason and keeps the physical id, so the stack rolls back instead of hanging', async () => {
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    const input = tableInput(settingsFor());
    glue.on(GetTableCommand).resolves({ Table: { ...input, Name: 'flow_logs', PartitionKeys: [{ Name: 'date', Type: 'string' }] } });
    glue.on(GetPartitionsCommand).resolves({ Partitions: [{ Values: ['2026/11/27'] }] });

    const outcome = await onCreateTableEvent(request('Update', { PhysicalResourceId: 'flowq.flow_logs' }), context, settings, { clock: new FakeClock() });

    expect(outcome).toEqual({
      Status: 'FAILED',
      Reason:
        'table flowq.flow_logs has partitions under the keys (date string); flowq will not change them to ' +
        "(aws_account string, aws_region string, dt string). Choose another table name, or delete the table's partitions first",
      PhysicalResourceId: 'flowq.flow_logs',
      StackId: STACK_ID,
      RequestId: 'request-update',
      LogicalResourceId: 'FlowLogsTable',
    });
    expect(sentResponse().body).toEqual(outcome);
    expect(glue).toHaveReceivedCommandTimes(UpdateTableCommand, 0);
  });

  test('answers FAILED with the AWS error when Glue refuses', async () => {
    glue.on(GetDatabaseCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform: glue:GetDatabase'));

    const outcome = await onCreateTableEvent(request('Create'), context, settings, { clock: new FakeClock() });

    expect(outcome).toMatchObject({
      Status: 'FAILED',
      Reason: 'AccessDeniedException: User is not authorized to perform: glue:GetDatabase',
      PhysicalResourceId: 'FlowLogsTable-request-create',
    });
  });

  test('answers FAILED naming the missing variable when the settings are incomplete', async () => {
    const broken = loadCatalogSettings({ FLOWQ_DATABASE: 'flowq', FLOWQ_TABLE: 'flow_logs' });

    const outcome = await onCreateTableEvent(request('Create'), context, broken, { clock: new FakeClock() });

    expect(outcome).toMatchObject({ Status: 'FAILED', Reason: 'environment variable FLOWQ_LOCATION is required' });
    expect(glue.calls()).toHaveLength(0);
  });

  test('answers FAILED before the Lambda times out when Glue does not answer', async () => {
    glue.on(GetDatabaseCommand).callsFake(() => new Promise(() => undefined));

    const outcome = await onCreateTableEvent(request('Create'), { getRemainingTimeInMillis: () => 10_050 }, settings, { clock: new FakeClock() });

    expect(outcome).toMatchObject({ Status: 'FAILED', Reason: 'Glue did not finish in time: gave up 10 s before the Lambda timeout' });
  });

  test('on Delete leaves the table in place and answers SUCCESS with the same physical id', async () => {
    const outcome = await onCreateTableEvent(request('Delete'), context, settings, { clock: new FakeClock() });

    expect(outcome).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'flowq.flow_logs',
      StackId: STACK_ID,
      RequestId: 'request-delete',
      LogicalResourceId: 'FlowLogsTable',
    });
    expect(sentResponse().body).toEqual(outcome);
    expect(glue.calls()).toHaveLength(0);
  });

  test('answers FAILED to an unknown request type', async () => {
    const outcome = await onCreateTableEvent({ ...request('Update'), RequestType: 'Replace' }, context, settings, { clock: new FakeClock() });

    expect(outcome).toMatchObject({ Status: 'FAILED', Reason: "RequestType 'Replace' is not one of Create, Update, Delete" });
  });

  test('refuses a request it cannot answer, naming the missing fields', async () => {
    const { ResponseURL: _url, StackId: _stack, ...partial } = request('Create');

    const attempt = onCreateTableEvent(partial, context, settings, { clock: new FakeClock() });

    await expect(attempt).rejects.toThrow(InvalidEvent);
    await expect(attempt).rejects.toThrow('custom-resource request lacks ResponseURL, StackId');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test('cuts a long reason so the response stays under 4,096 bytes', async () => {
    glue.on(GetDatabaseCommand).rejects(awsError('InternalServiceException', 'x'.repeat(10_000), 400));

    const outcome = await onCreateTableEvent(request('Create'), context, settings, { clock: new FakeClock() });

    expect(outcome).toMatchObject({ Status: 'FAILED' });
    expect(Buffer.byteLength(JSON.stringify(outcome))).toBeLessThan(4096);
  });
});

describe('sendCustomResourceResponse', () => {
  const response = { Status: 'SUCCESS', PhysicalResourceId: 'flowq.flow_logs', StackId: STACK_ID, RequestId: 'r', LogicalResourceId: 'FlowLogsTable' } as const;

  test('retries the PUT after a network error or a server error', async () => {
    fetchMock
      .mockRejectedValueOnce(new TypeError('fetch failed'))
      .mockResolvedValueOnce(new Response(null, { status: 503 }))
      .mockResolvedValueOnce(new Response(null, { status: 200 }));
    const clock = new FakeClock();

    await sendCustomResourceResponse(RESPONSE_URL, response, clock);

    expect(fetchMock).toHaveBeenCalledTimes(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  test('gives up after six attempts with the last error', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 403 }));

    await expect(sendCustomResourceResponse(RESPONSE_URL, response, new FakeClock())).rejects.toThrow('the response URL answered HTTP 403');
    expect(fetchMock).toHaveBeenCalledTimes(6);
  });
});

describe('direct invocation of create-table', () => {
  test('runs ensureTable and returns what it did', async () => {
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).resolves({ Table: { ...tableInput(settingsFor()), Name: 'flow_logs' } });

    expect(await onCreateTableEvent({}, context, settings)).toEqual({ database: 'exists', table: 'unchanged', changes: [] });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  test('refuses an event that is not an object', async () => {
    await expect(onCreateTableEvent('create please', context, settings)).rejects.toThrow(
      'expected a CloudFormation custom-resource request or an object (direct invocation)',
    );
  });

  test('reads the same settings from the environment as the table model uses', () => {
    expect(readCatalogSettings({ FLOWQ_DATABASE: 'flowq', FLOWQ_TABLE: 'flow_logs', FLOWQ_LOCATION: 's3://flow-logs-bucket/org/' })).toEqual(settingsFor());
  });
});
