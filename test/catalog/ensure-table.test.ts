import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { describeChanges, ensureTable } from '../../src/catalog/ensure-table.js';
import { CatalogConflict } from '../../src/catalog/errors.js';
import { tableInput } from '../../src/catalog/model.js';
import { awsError, settingsFor } from './support.js';

const glue = mockClient(GlueClient);

beforeEach(() => {
  glue.reset();
});

/** What GetTable returns for a table created from this input: Glue adds its own fields. */
function storedTable(input: ReturnType<typeof tableInput>, extra: Partial<Table> = {}): Table {
  return {
    ...input,
    Name: input.Name!,
    DatabaseName: 'flowq',
    CreateTime: new Date('2026-11-01T00:00:00Z'),
    UpdateTime: new Date('2026-11-01T00:00:00Z'),
    CreatedBy: 'arn:aws:iam::111122223333:role/flowq',
    IsRegisteredWithLakeFormation: false,
    CatalogId: '111122223333',
    VersionId: '0',
    ...extra,
  };
}

describe('ensureTable', () => {
  test('creates the database and the table when neither exists', async () => {
    // Arrange
    const settings = settingsFor();
    glue.on(GetDatabaseCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(CreateDatabaseCommand).resolves({});
    glue.on(GetTableCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(CreateTableCommand).resolves({});

    // Act
    const result = await ensureTable(settings);

    // Assert
    expect(result).toEqual({ database: 'created', table: 'created', changes: [] });
    expect(glue).toHaveReceivedCommandWith(CreateDatabaseCommand, { DatabaseInput: { Name: 'flowq', Description: 'VPC Flow Logs tables kept by flowq' } });
    expect(glue).toHaveReceivedCommandWith(CreateTableCommand, { DatabaseName: 'flowq', TableInput: tableInput(settings) });
    expect(glue).toHaveReceivedCommandTimes(UpdateTableCommand, 0);
  });

  test('creates the table in a database that exists', async () => {
    const settings = settingsFor();
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(CreateTableCommand).resolves({});

    const result = await ensureTable(settings);

    expect(result).toEqual({ database: 'exists', table: 'created', changes: [] });
    expect(glue).toHaveReceivedCommandTimes(CreateDatabaseCommand, 0);
    expect(glue).toHaveReceivedCommandWith(GetTableCommand, { DatabaseName: 'flowq', Name: 'flow_logs' });
  });

  test('does nothing when the table is identical, whatever Glue added to it', async () => {
    const settings = settingsFor({ partitionMode: 'projection', accounts: '111122223333', regions: 'us-east-1' });
    const input = tableInput(settings);
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).resolves({
      Table: storedTable(input, { Parameters: { ...input.Parameters, transient_lastDdlTime: '1790000000', comment: 'ours' } }),
    });

    const result = await ensureTable(settings);

    expect(result).toEqual({ database: 'exists', table: 'unchanged', changes: [] });
    expect(glue).toHaveReceivedCommandTimes(CreateTableCommand, 0);
    expect(glue).toHaveReceivedCommandTimes(UpdateTableCommand, 0);
    expect(glue).toHaveReceivedCommandTimes(CreateDatabaseCommand, 0);
  });

  test('updates a table whose format, location and partition mode differ, reports each change, and keeps the parameters and description it does not own', async () => {
    // Arrange: the table was made for the default format under another prefix, with projection on.
    const old = tableInput(
      settingsFor({ location: 's3://flow-logs-bucket/old/', partitionMode: 'projection', accounts: '111122223333', regions: 'us-east-1' }),
    );
    const settings = settingsFor({
      logFormat:
        '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id}',
    });
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).resolves({
      Table: storedTable(old, { Description: 'flow logs of the org', Parameters: { ...old.Parameters, owner_team: 'network' } }),
    });
    glue.on(UpdateTableCommand).resolves({});

    // Act
    const result = await ensureTable(settings);

    // Assert
    expect(result).toEqual({
      database: 'exists',
      table: 'updated',
      changes: [
        'column vpc_id string added',
        'location s3://flow-logs-bucket/old/AWSLogs/ → s3://flow-logs-bucket/org/AWSLogs/',
        "table parameter projection.aws_account.type 'enum' → (none)",
        "table parameter projection.aws_account.values '111122223333' → (none)",
        "table parameter projection.aws_region.type 'enum' → (none)",
        "table parameter projection.aws_region.values 'us-east-1' → (none)",
        "table parameter projection.dt.format 'yyyy/MM/dd' → (none)",
        "table parameter projection.dt.interval '1' → (none)",
        "table parameter projection.dt.interval.unit 'DAYS' → (none)",
        "table parameter projection.dt.range '2020/01/01,NOW' → (none)",
        "table parameter projection.dt.type 'date' → (none)",
        "table parameter projection.enabled 'true' → (none)",
        "table parameter storage.location.template 's3://flow-logs-bucket/old/AWSLogs/${aws_account}/vpcflowlogs/${aws_region}/${dt}/' → (none)",
      ],
    });
    const desired = tableInput(settings);
    expect(glue).toHaveReceivedCommandWith(UpdateTableCommand, {
      DatabaseName: 'flowq',
      TableInput: { ...desired, Description: 'flow logs of the org', Parameters: { owner_team: 'network', ...desired.Parameters } },
    });
    expect(glue).toHaveReceivedCommandTimes(GetPartitionsCommand, 0);
  });

  test('reports a change of file format as SerDe, formats and compression changes', () => {
    const text = tableInput(settingsFor());
    const parquet = tableInput(settingsFor({ fileFormat: 'parquet' }));

    expect(describeChanges(storedTable(text), parquet)).toEqual([
      'serde org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe → org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      "serde parameter field.delim ' ' → (none)",
      "serde parameter serialization.format ' ' → '1'",
      'input format org.apache.hadoop.mapred.TextInputFormat → org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      'output format org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat → org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      'compressed true → false',
      "table parameter classification 'csv' → 'parquet'",
      "table parameter skip.header.line.count '1' → (none)",
    ]);
  });

  test('reports retyped, removed and reordered columns', () => {
    const desired = tableInput(settingsFor({ logFormat: '${srcaddr} ${version} ${protocol}' }));
    const existing = storedTable({
      ...desired,
      StorageDescriptor: {
        ...desired.StorageDescriptor,
        Columns: [
          { Name: 'version', Type: 'int' },
          { Name: 'srcaddr', Type: 'string' },
          { Name: 'protocol', Type: 'bigint' },
          { Name: 'dstaddr', Type: 'string' },
        ],
      },
    });

    expect(describeChanges(existing, desired)).toEqual(['column protocol type bigint → int', 'column dstaddr string removed', 'columns reordered']);
  });

  test('refuses to change the partition keys of a table that has partitions, and changes nothing', async () => {
    const settings = settingsFor();
    const input = tableInput(settings);
    const awsStyle = {
      ...input,
      PartitionKeys: [
        { Name: 'region', Type: 'string' },
        { Name: 'date', Type: 'date' },
      ],
    };
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).resolves({ Table: storedTable(awsStyle) });
    glue.on(GetPartitionsCommand).resolves({ Partitions: [{ Values: ['us-east-1', '2026-11-27'] }] });

    const attempt = ensureTable(settings);

    await expect(attempt).rejects.toThrow(CatalogConflict);
    await expect(attempt).rejects.toThrow(
      'table flowq.flow_logs has partitions under the keys (region string, date date); flowq will not change them to ' +
        "(aws_account string, aws_region string, dt string). Choose another table name, or delete the table's partitions first",
    );
    expect(glue).toHaveReceivedCommandWith(GetPartitionsCommand, { DatabaseName: 'flowq', TableName: 'flow_logs', MaxResults: 1 });
    expect(glue).toHaveReceivedCommandTimes(UpdateTableCommand, 0);
  });

  test('changes the partition keys of a table without partitions', async () => {
    const settings = settingsFor();
    const input = tableInput(settings);
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).resolves({ Table: storedTable({ ...input, PartitionKeys: [{ Name: 'day', Type: 'string' }] }) });
    glue.on(GetPartitionsCommand).resolves({ Partitions: [] });
    glue.on(UpdateTableCommand).resolves({});

    const result = await ensureTable(settings);

    expect(result).toEqual({
      database: 'exists',
      table: 'updated',
      changes: ['partition keys (day string) → (aws_account string, aws_region string, dt string)'],
    });
    expect(glue).toHaveReceivedCommandWith(UpdateTableCommand, { DatabaseName: 'flowq', TableInput: input });
  });

  test('compares with the table another run created between its read and its write', async () => {
    const settings = settingsFor();
    glue.on(GetDatabaseCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(CreateDatabaseCommand).rejects(awsError('AlreadyExistsException'));
    glue
      .on(GetTableCommand)
      .rejectsOnce(awsError('EntityNotFoundException'))
      .resolves({ Table: storedTable(tableInput(settings)) });
    glue.on(CreateTableCommand).rejects(awsError('AlreadyExistsException'));

    const result = await ensureTable(settings);

    expect(result).toEqual({ database: 'exists', table: 'unchanged', changes: [] });
  });

  test('passes on an error it cannot handle', async () => {
    glue.on(GetDatabaseCommand).rejects(awsError('AccessDeniedException', 'not allowed to glue:GetDatabase'));

    await expect(ensureTable(settingsFor())).rejects.toThrow('not allowed to glue:GetDatabase');
  });
});
