import { readFileSync } from 'node:fs';
import { BatchCreatePartitionCommand, CreateTableCommand, GetDatabaseCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { catalogCommand, DAILY_PARTITIONS_NOTE, locationAboveAwsLogs } from '../../src/cli/catalog.js';
import { COMMAND_HELP } from '../../src/cli/usage.js';
import { UsageError } from '../../src/cli/args.js';
import { InvalidConfiguration } from '../../src/errors.js';
import { awsError } from './support.js';

const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  glue.reset();
  s3.reset();
});

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/catalog/${name}`, import.meta.url), 'utf8');
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await catalogCommand(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const BASE = ['--location', 's3://flow-logs-bucket/org/', '--database', 'flowq', '--table', 'flow_logs'];
const V5_FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${region} ${flow-direction}';

describe('flowq catalog plan', () => {
  test('prints the database, table and partition requests as one JSON document', async () => {
    const result = await run(['plan', ...BASE, '--from', '2026-11-27', '--to', '2026-11-28', '--accounts', '111122223333', '--regions', 'us-east-1,eu-west-1']);

    expect(result).toEqual({ code: 0, out: fixture('plan-plain-daily.json'), err: `${DAILY_PARTITIONS_NOTE}\n` });
    expect(Object.keys(JSON.parse(result.out))).toEqual(['database', 'table', 'partitions']);
  });

  test('plans a Parquet table with partition projection in the Hive per-hour layout, and no partitions to add', async () => {
    const argv = [
      'plan',
      ...BASE,
      '--hive',
      '--per-hour',
      '--file-format',
      'parquet',
      '--partitions',
      'projection',
      '--accounts',
      '111122223333,444455556666',
      '--regions',
      'us-east-1',
      '--log-format',
      V5_FORMAT,
      '--from',
      '2026-11-27',
      '--to',
      '2026-11-28',
    ];

    const result = await run(argv);

    expect(result).toEqual({ code: 0, out: fixture('plan-hive-hourly-parquet-projection.json'), err: '' });
  });

  test('plans no partitions without a range', async () => {
    const result = await run(['plan', ...BASE]);

    expect(JSON.parse(result.out).partitions).toEqual([]);
  });

  test('sends nothing to AWS', async () => {
    await run(['plan', ...BASE, '--from', '2026-11-27', '--to', '2026-11-28', '--accounts', '111122223333', '--regions', 'us-east-1']);

    expect(glue.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('flowq catalog ddl', () => {
  test('prints the CREATE EXTERNAL TABLE statement, and ALTER TABLE ADD PARTITION for a range', async () => {
    const result = await run(['ddl', ...BASE, '--hive', '--from', '2026-11-27', '--to', '2026-11-29', '--accounts', '111122223333', '--regions', 'us-east-1']);

    expect(result).toEqual({ code: 0, out: fixture('ddl-hive-daily.sql'), err: `${DAILY_PARTITIONS_NOTE}\n` });
  });

  test('prints only the CREATE statement without a range', async () => {
    const result = await run(['ddl', ...BASE]);

    expect(result.out.startsWith('CREATE EXTERNAL TABLE IF NOT EXISTS `flowq`.`flow_logs` (\n')).toBe(true);
    expect(result.out).not.toContain('ALTER TABLE');
  });
});

describe('flowq catalog --location', () => {
  test.each(['plan', 'ddl'])('%s takes s3://bucket/prefix/AWSLogs/ as the folder that holds AWSLogs/, with a note', async (subcommand) => {
    const range = ['--from', '2026-11-27', '--to', '2026-11-28', '--accounts', '111122223333', '--regions', 'us-east-1'];
    const given = await run([subcommand, '--location', 's3://flow-logs-bucket/org/AWSLogs/', ...BASE.slice(2), ...range]);
    const parent = await run([subcommand, ...BASE, ...range]);

    expect(given.out).toBe(parent.out);
    expect(given.out).not.toContain('AWSLogs/AWSLogs');
    expect(given.err).toBe(
      `note: --location s3://flow-logs-bucket/org/AWSLogs/ names the AWSLogs/ folder itself; using the folder that holds it, s3://flow-logs-bucket/org/\n${DAILY_PARTITIONS_NOTE}\n`,
    );
  });

  test.each([
    ['s3://b/AWSLogs', 's3://b/'],
    ['s3://b/vpc/AWSLogs', 's3://b/vpc/'],
    ['s3://b/a/b/AWSLogs//', 's3://b/a/b/'],
    ['s3://b/vpc/', 's3://b/vpc/'],
    ['s3://b/vpcAWSLogs/', 's3://b/vpcAWSLogs/'],
    ['s3://b/AWSLogs/x/', 's3://b/AWSLogs/x/'],
  ])('reads %s as %s', (given, meant) => {
    expect(locationAboveAwsLogs(given).location).toBe(meant);
  });
});

describe('flowq catalog apply', () => {
  test("creates the table and the range's partitions for the discovered accounts and regions, and prints what it did", async () => {
    // Arrange
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(CreateTableCommand).resolves({});
    glue.on(BatchCreatePartitionCommand).resolves({});
    s3.on(ListObjectsV2Command, { Prefix: 'org/AWSLogs/' }).resolves({ CommonPrefixes: [{ Prefix: 'org/AWSLogs/111122223333/' }] });
    s3.on(ListObjectsV2Command, { Prefix: 'org/AWSLogs/111122223333/vpcflowlogs/' }).resolves({
      CommonPrefixes: [{ Prefix: 'org/AWSLogs/111122223333/vpcflowlogs/us-east-1/' }],
    });

    // Act
    const result = await run(['apply', ...BASE, '--from', '2026-11-01', '--to', '2026-12-01']);

    // Assert
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      database: 'exists',
      table: 'created',
      changes: [],
      partitions: { trigger: 'backfill', from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', partitions: 30, created: 30, existing: 0, failed: [] },
    });
    expect(result.err).toBe(`${DAILY_PARTITIONS_NOTE}\ndatabase flowq: exists; table flow_logs: created\npartitions 30/30: 30 created, 0 existing, 0 failed\n`);
  });

  test('exits 1 when some partitions could not be created', async () => {
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(CreateTableCommand).resolves({});
    glue.on(BatchCreatePartitionCommand).resolves({
      Errors: [{ PartitionValues: ['111122223333', 'us-east-1', '2026/11/27'], ErrorDetail: { ErrorCode: 'InvalidInputException', ErrorMessage: 'bad' } }],
    });

    const result = await run(['apply', ...BASE, '--from', '2026-11-27', '--to', '2026-11-28', '--accounts', '111122223333', '--regions', 'us-east-1']);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.out).partitions.failed).toEqual([
      { values: ['111122223333', 'us-east-1', '2026/11/27'], code: 'InvalidInputException', message: 'bad' },
    ]);
  });
});

describe('flowq catalog apply with partition projection', () => {
  test('updates the table and adds no partitions', async () => {
    glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'flowq' } });
    glue.on(GetTableCommand).rejects(awsError('EntityNotFoundException'));
    glue.on(CreateTableCommand).resolves({});

    const result = await run([
      'apply',
      ...BASE,
      '--partitions',
      'projection',
      '--accounts',
      '111122223333',
      '--regions',
      'us-east-1',
      '--from',
      '2026-11-01',
      '--to',
      '2026-12-01',
    ]);

    expect(result).toEqual({
      code: 0,
      out: `${JSON.stringify({ database: 'exists', table: 'created', changes: [] }, null, 2)}\n`,
      err: `${DAILY_PARTITIONS_NOTE}\ndatabase flowq: exists; table flow_logs: created\npartition projection is on: no partitions to add\n`,
    });
    expect(glue).toHaveReceivedCommandTimes(BatchCreatePartitionCommand, 0);
  });
});

describe('flowq catalog usage', () => {
  test.each([
    [[], UsageError, 'missing subcommand: expected flowq catalog plan|ddl|apply (flowq catalog --help)'],
    [['drop'], UsageError, "unknown subcommand 'drop': expected flowq catalog plan|ddl|apply (flowq catalog --help)"],
    [['plan', '--database', 'flowq', '--table', 'flow_logs'], UsageError, '--location is required; see flowq catalog plan --help'],
    [['plan', ...BASE, '--bucket', 'x'], UsageError, 'unknown flag --bucket'],
    [['plan', ...BASE, '--from', '2026-11-27'], UsageError, '--from and --to go together'],
    [['plan', ...BASE, '--from', 'soon', '--to', '2026-11-28'], UsageError, "--from: 'soon' is not ISO-8601 UTC"],
    [
      ['plan', ...BASE, '--from', '2026-11-27', '--to', '2026-11-28'],
      UsageError,
      'a plan with --from/--to needs --accounts and --regions (apply discovers them in S3)',
    ],
    [['plan', ...BASE, '--partitions', 'crawler'], InvalidConfiguration, "--partitions: 'crawler' is not one of managed, projection"],
    [
      ['plan', ...BASE, '--partitions', 'projection'],
      InvalidConfiguration,
      'partition projection enumerates accounts and regions: set --accounts and --regions (comma-separated)',
    ],
    [['plan', ...BASE, '--accounts', '1234'], InvalidConfiguration, "--accounts: '1234' is not a 12-digit account id"],
    [
      ['plan', ...BASE.slice(0, 2).map((a) => a.replace('s3://flow-logs-bucket/org/', '/tmp/flows')), ...BASE.slice(2)],
      InvalidConfiguration,
      "--location: '/tmp/flows' is not an S3 location",
    ],
    [['plan', ...BASE.slice(0, 4), '--table', 'Flow-Logs'], InvalidConfiguration, "table name 'Flow-Logs' must match ^[a-z0-9_]{1,255}$"],
  ])('refuses %j with a one-line error', async (argv, type, message) => {
    const attempt = run(argv);

    await expect(attempt).rejects.toThrow(type);
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toThrow(/^[^\n]*$/);
  });

  test('prints its usage on --help', async () => {
    const result = await run(['--help']);

    expect(result).toEqual({ code: 0, out: `${COMMAND_HELP.catalog.usage}\n`, err: '' });
    expect(result.out).toContain('usage: flowq catalog plan|ddl|apply --location s3://bucket/prefix/ --database <db> --table <table>');
  });

  test('refuses --region and --profile on plan and ddl, which call no AWS API', async () => {
    await expect(run(['plan', ...BASE, '--region', 'eu-west-1'])).rejects.toThrow('unknown flag --region');
    await expect(run(['ddl', ...BASE, '--profile', 'ops'])).rejects.toThrow('unknown flag --profile');
  });
});
