import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTrinoCreateTable, renderTrinoRegisterPartitions, trinoLocation } from '../../src/catalog/trino-ddl.js';
import { makeCatalogSettings, ENV_LABELS } from '../../src/catalog/settings.js';
import { InvalidConfiguration } from '../../src/errors.js';
import { cli } from '../support/cli-in-process.js';

const settings = (options: Record<string, unknown>) =>
  makeCatalogSettings({ database: 'flowq', table: 'flow_logs', location: 's3://my-flow-logs/vpc/', ...options }, ENV_LABELS, { localFolders: true });

describe('Trino DDL from the Source model', () => {
  test('a text table: the log format in order with Trino types, the partition keys last, the text storage Athena reads', () => {
    expect(renderTrinoCreateTable('hive', settings({ logFormat: '${version} ${vpc-id} ${srcaddr} ${dstport} ${bytes} ${end}' }))).toBe(
      `CREATE TABLE IF NOT EXISTS "hive"."flowq"."flow_logs" (
  "version" integer,
  "vpc_id" varchar,
  "srcaddr" varchar,
  "dstport" integer,
  "bytes" bigint,
  "end" bigint,
  "aws_account" varchar,
  "aws_region" varchar,
  "dt" varchar
)
WITH (
  format = 'TEXTFILE',
  textfile_field_separator = ' ',
  skip_header_line_count = 1,
  external_location = 's3://my-flow-logs/vpc/AWSLogs/',
  partitioned_by = ARRAY['aws_account', 'aws_region', 'dt']
);`,
    );
  });

  test('a Parquet table has no text properties; a local folder is a local:// location', () => {
    const ddl = renderTrinoCreateTable('lake', settings({ location: '/data/flows', fileFormat: 'parquet', logFormat: '${srcaddr} ${bytes}' }));
    expect(ddl.split('\n').slice(-5)).toEqual([
      'WITH (',
      "  format = 'PARQUET',",
      "  external_location = 'local:///data/flows/AWSLogs/',",
      "  partitioned_by = ARRAY['aws_account', 'aws_region', 'dt']",
      ');',
    ]);
    expect(ddl.split('\n')[0]).toBe('CREATE TABLE IF NOT EXISTS "lake"."flowq"."flow_logs" (');
  });

  test.each([
    [false, false, '2026/11/27', 's3://my-flow-logs/vpc/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27/'],
    [false, true, '2026/11/27/05', 's3://my-flow-logs/vpc/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27/05/'],
    [
      true,
      false,
      'year=2026/month=11/day=27',
      's3://my-flow-logs/vpc/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=27/',
    ],
    [
      true,
      true,
      'year=2026/month=11/day=27/hour=05',
      's3://my-flow-logs/vpc/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=27/hour=05/',
    ],
  ])('hive %s, per hour %s: a partition is registered with its folder', (hive, perHour, dt, location) => {
    const [call] = renderTrinoRegisterPartitions('hive', settings({ hiveCompatiblePartitions: hive, perHourPartition: perHour }), [
      { account: '111122223333', region: 'us-east-1', dt },
    ]);
    expect(call).toBe(
      `CALL "hive".system.register_partition(schema_name => 'flowq', table_name => 'flow_logs', partition_columns => ARRAY['aws_account', 'aws_region', 'dt'], ` +
        `partition_values => ARRAY['111122223333', 'us-east-1', '${dt}'], location => '${location}');`,
    );
  });

  test('a relative folder is refused: Trino needs an absolute one', () => {
    expect(() => trinoLocation('data/flows/')).toThrow(
      new InvalidConfiguration("'data/flows/' is not an absolute folder or an S3 location; Trino needs one of them"),
    );
  });
});

describe('flowq catalog ddl --dialect trino', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowq-trino-ddl-'));
    mkdirSync(join(dir, 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('prints the table and only the partitions whose local folder exists, and says how many it left out', async () => {
    const { code, out, err } = await cli(
      'catalog',
      'ddl',
      '--dialect',
      'trino',
      '--location',
      dir,
      '--database',
      'flowq',
      '--table',
      'flow_logs',
      '--accounts',
      '111122223333',
      '--regions',
      'us-east-1',
      '--from',
      '2026-11-26',
      '--to',
      '2026-11-28',
    );
    expect(code).toBe(0);
    expect(out.match(/^CALL .*$/gm)).toEqual([
      expect.stringContaining(`partition_values => ARRAY['111122223333', 'us-east-1', '2026/11/27'], location => 'local://${dir}/AWSLogs/`),
    ]);
    expect(out).toContain(`external_location = 'local://${dir}/AWSLogs/'`);
    expect(err).toContain('note: 1 of 2 partitions have no folder yet and are left out (Trino refuses them)\n');
  });

  test.each([
    [['--dialect', 'presto'], "flowq: --dialect must be athena or trino, not 'presto'\n"],
    [['--catalog', 'hive'], 'flowq: --catalog goes with --dialect trino\n'],
  ])('%j is refused in one line (exit 2)', async (flags, message) => {
    const result = await cli('catalog', 'ddl', '--location', 's3://b/p/', '--database', 'flowq', '--table', 'flow_logs', ...flags);
    expect({ code: result.code, err: result.err.replace(/^note: daily.*\n/m, '') }).toEqual({ code: 2, err: message });
  });
});
