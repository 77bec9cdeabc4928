import { renderAddPartitions, renderCreateTable } from '../../src/catalog/ddl.js';
import { partitionInput, tableInput } from '../../src/catalog/model.js';
import { PARTITION_KEYS } from '../../src/flowlog/layout.js';
import { ACCOUNT_A, LAYOUTS, settingsFor } from './support.js';

const DEFAULT_COLUMNS_DDL = `  \`version\` int,
  \`account_id\` string,
  \`interface_id\` string,
  \`srcaddr\` string,
  \`dstaddr\` string,
  \`srcport\` int,
  \`dstport\` int,
  \`protocol\` int,
  \`packets\` bigint,
  \`bytes\` bigint,
  \`start\` bigint,
  \`end\` bigint,
  \`action\` string,
  \`log_status\` string`;

describe('the CREATE EXTERNAL TABLE statement', () => {
  test('describes a default text table in the plain daily layout with managed partitions', () => {
    const ddl = renderCreateTable('flowq', tableInput(settingsFor()));

    expect(ddl).toBe(`CREATE EXTERNAL TABLE IF NOT EXISTS \`flowq\`.\`flow_logs\` (
${DEFAULT_COLUMNS_DDL}
)
PARTITIONED BY (
  \`aws_account\` string,
  \`aws_region\` string,
  \`dt\` string
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'
WITH SERDEPROPERTIES (
  'field.delim' = ' ',
  'serialization.format' = ' '
)
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://flow-logs-bucket/org/AWSLogs/'
TBLPROPERTIES (
  'classification' = 'csv',
  'skip.header.line.count' = '1'
);`);
  });

  test('describes a Parquet table in the Hive per-hour layout with partition projection, quoting the date format in double quotes', () => {
    const settings = settingsFor({
      hiveCompatiblePartitions: true,
      perHourPartition: true,
      fileFormat: 'parquet',
      partitionMode: 'projection',
      accounts: ACCOUNT_A,
      regions: 'us-east-1',
    });

    const ddl = renderCreateTable('flowq', tableInput(settings));

    expect(ddl).toBe(`CREATE EXTERNAL TABLE IF NOT EXISTS \`flowq\`.\`flow_logs\` (
${DEFAULT_COLUMNS_DDL}
)
PARTITIONED BY (
  \`aws_account\` string,
  \`aws_region\` string,
  \`dt\` string
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES (
  'serialization.format' = '1'
)
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://flow-logs-bucket/org/AWSLogs/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.aws_account.type' = 'enum',
  'projection.aws_account.values' = '111122223333',
  'projection.aws_region.type' = 'enum',
  'projection.aws_region.values' = 'us-east-1',
  'projection.dt.type' = 'date',
  'projection.dt.format' = "'year='yyyy'/month='MM'/day='dd'/hour='HH",
  'projection.dt.range' = 'year=2020/month=01/day=01/hour=00,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'HOURS',
  'storage.location.template' = 's3://flow-logs-bucket/org/AWSLogs/aws-account-id=\${aws_account}/aws-service=vpcflowlogs/aws-region=\${aws_region}/\${dt}/'
);`);
  });

  const combos = LAYOUTS.flatMap(([name, layout]) =>
    (['plain-text', 'parquet'] as const).flatMap((fileFormat) => (['managed', 'projection'] as const).map((mode) => [name, fileFormat, mode, layout] as const)),
  );

  test.each(combos)('carries every part of the TableInput for the %s layout, %s files and %s partitions', (_name, fileFormat, partitionMode, layout) => {
    const table = tableInput(settingsFor({ ...layout, fileFormat, partitionMode, accounts: ACCOUNT_A, regions: 'us-east-1' }));

    const ddl = renderCreateTable('flowq', table);

    const sd = table.StorageDescriptor!;
    const expectedLines = [
      ...sd.Columns!.map((c) => `\`${c.Name}\` ${c.Type}`),
      ...table.PartitionKeys!.map((c) => `\`${c.Name}\` ${c.Type}`),
      `ROW FORMAT SERDE '${sd.SerdeInfo!.SerializationLibrary}'`,
      `STORED AS INPUTFORMAT '${sd.InputFormat}'`,
      `OUTPUTFORMAT '${sd.OutputFormat}'`,
      `LOCATION '${sd.Location}'`,
      ...Object.entries(table.Parameters!)
        .filter(([k]) => k !== 'EXTERNAL')
        .map(([k, v]) => (v.includes("'") ? `'${k}' = "${v}"` : `'${k}' = '${v}'`)),
    ];
    const lines = ddl.split('\n').map((l) => l.trim().replace(/,$/, ''));
    expect(expectedLines.filter((l) => !lines.includes(l))).toEqual([]);
  });
});

describe('the ALTER TABLE ADD PARTITION statement', () => {
  test('adds each partition with its folder, skipping ones that exist', () => {
    const { source } = settingsFor({ hiveCompatiblePartitions: true });
    const partitions = ['year=2026/month=11/day=27', 'year=2026/month=11/day=28'].map((dt) =>
      partitionInput(source, { account: ACCOUNT_A, region: 'us-east-1', dt }),
    );

    const ddl = renderAddPartitions('flowq', 'flow_logs', PARTITION_KEYS, partitions);

    expect(ddl).toBe(`ALTER TABLE \`flowq\`.\`flow_logs\` ADD IF NOT EXISTS
  PARTITION (\`aws_account\` = '111122223333', \`aws_region\` = 'us-east-1', \`dt\` = 'year=2026/month=11/day=27') LOCATION 's3://flow-logs-bucket/org/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=27/'
  PARTITION (\`aws_account\` = '111122223333', \`aws_region\` = 'us-east-1', \`dt\` = 'year=2026/month=11/day=28') LOCATION 's3://flow-logs-bucket/org/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=28/';`);
  });
});
