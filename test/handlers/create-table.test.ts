import { jest } from '@jest/globals';
import { CreateDatabaseCommand, CreateTableCommand, GetDatabaseCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { tableInput } from '../../src/catalog/model.js';
import { readCatalogSettings } from '../../src/catalog/settings.js';
import { lambdaContext } from '../catalog/support.js';

const ENV = {
  FLOWQ_DATABASE: 'flowq',
  FLOWQ_TABLE: 'flow_logs',
  FLOWQ_LOCATION: 's3://flow-logs-bucket/org/',
  FLOWQ_HIVE_PARTITIONS: 'true',
  FLOWQ_FILE_FORMAT: 'parquet',
};

const glue = mockClient(GlueClient);
let handler: (event: unknown, context: Context) => Promise<unknown>;
let fetchMock: jest.SpiedFunction<typeof fetch>;

beforeAll(async () => {
  Object.assign(process.env, ENV);
  ({ handler } = await import('../../handlers/create-table.js'));
});

afterAll(() => {
  for (const name of Object.keys(ENV)) delete process.env[name];
});

beforeEach(() => {
  glue.reset();
  fetchMock = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(null, { status: 200 }));
});

afterEach(() => {
  fetchMock.mockRestore();
});

const createRequest = {
  RequestType: 'Create',
  ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:flowq-dev-createTable',
  ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/response?X-Amz-Signature=abc',
  StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/flowq-dev/5b0a6c70',
  RequestId: 'a1b2c3',
  LogicalResourceId: 'FlowLogsTable',
  ResourceType: 'Custom::FlowLogsTable',
  ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:flowq-dev-createTable', Database: 'flowq', Table: 'flow_logs' },
};

describe('the create-table handler', () => {
  test('creates the table from the environment on a CloudFormation Create and answers SUCCESS', async () => {
    glue.on(GetDatabaseCommand).rejects(Object.assign(new Error('no database'), { name: 'EntityNotFoundException' }));
    glue.on(CreateDatabaseCommand).resolves({});
    glue.on(GetTableCommand).rejects(Object.assign(new Error('no table'), { name: 'EntityNotFoundException' }));
    glue.on(CreateTableCommand).resolves({});

    const outcome = await handler(createRequest, lambdaContext('flowq-dev-createTable'));

    expect(outcome).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'flowq.flow_logs',
      StackId: createRequest.StackId,
      RequestId: 'a1b2c3',
      LogicalResourceId: 'FlowLogsTable',
      Data: { Database: 'flowq', Table: 'flow_logs', Result: 'created', Changes: '' },
    });
    expect(glue).toHaveReceivedCommandWith(CreateTableCommand, { DatabaseName: 'flowq', TableInput: tableInput(readCatalogSettings(ENV)) });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(JSON.parse((fetchMock.mock.calls[0][1] as RequestInit).body as string)).toEqual(outcome);
  });

  test('leaves the table in place on Delete', async () => {
    const outcome = await handler({ ...createRequest, RequestType: 'Delete', PhysicalResourceId: 'flowq.flow_logs' }, lambdaContext('flowq-dev-createTable'));

    expect(outcome).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'flowq.flow_logs' });
    expect(glue.calls()).toHaveLength(0);
  });

  test('runs ensureTable when invoked directly', async () => {
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).resolves({ Table: { ...tableInput(readCatalogSettings(ENV)), Name: 'flow_logs' } });

    expect(await handler({}, lambdaContext('flowq-dev-createTable'))).toEqual({ database: 'exists', table: 'unchanged', changes: [] });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
