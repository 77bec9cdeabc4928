import { FIELDS } from '../../src/flowlog/fields.js';
import { PARTITION_KEYS } from '../../src/flowlog/layout.js';
import { databaseInput, partitionInput, tableInput } from '../../src/catalog/model.js';
import { ACCOUNT_A, ACCOUNT_B, LAYOUTS, settingsFor } from './support.js';

const DEFAULT_COLUMNS = [
  { Name: 'version', Type: 'int' },
  { Name: 'account_id', Type: 'string' },
  { Name: 'interface_id', Type: 'string' },
  { Name: 'srcaddr', Type: 'string' },
  { Name: 'dstaddr', Type: 'string' },
  { Name: 'srcport', Type: 'int' },
  { Name: 'dstport', Type: 'int' },
  { Name: 'protocol', Type: 'int' },
  { Name: 'packets', Type: 'bigint' },
  { Name: 'bytes', Type: 'bigint' },
  { Name: 'start', Type: 'bigint' },
  { Name: 'end', Type: 'bigint' },
  { Name: 'action', Type: 'string' },
  { Name: 'log_status', Type: 'string' },
];

const PARTITION_KEY_COLUMNS = [
  { Name: 'aws_account', Type: 'string' },
  { Name: 'aws_region', Type: 'string' },
  { Name: 'dt', Type: 'string' },
];

const STORAGE = {
  'plain-text': {
    InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    Compressed: true,
    SerdeInfo: {
      SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
      Parameters: { 'field.delim': ' ', 'serialization.format': ' ' },
    },
  },
  parquet: {
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    Compressed: false,
    SerdeInfo: {
      SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      Parameters: { 'serialization.format': '1' },
    },
  },
} as const;

const FORMAT_PARAMETERS = {
  'plain-text': { EXTERNAL: 'TRUE', classification: 'csv', 'skip.header.line.count': '1' },
  parquet: { EXTERNAL: 'TRUE', classification: 'parquet' },
} as const;

/** What projection needs per layout: written out by hand from AWS's key layouts. */
const PROJECTION_BY_LAYOUT: Record<string, Record<string, string>> = {
  'plain daily': {
    'projection.dt.format': 'yyyy/MM/dd',
    'projection.dt.range': '2020/01/01,NOW',
    'projection.dt.interval.unit': 'DAYS',
    'storage.location.template': 's3://flow-logs-bucket/org/AWSLogs/${aws_account}/vpcflowlogs/${aws_region}/${dt}/',
  },
  'plain per-hour': {
    'projection.dt.format': 'yyyy/MM/dd/HH',
    'projection.dt.range': '2020/01/01/00,NOW',
    'projection.dt.interval.unit': 'HOURS',
    'storage.location.template': 's3://flow-logs-bucket/org/AWSLogs/${aws_account}/vpcflowlogs/${aws_region}/${dt}/',
  },
  'Hive daily': {
    'projection.dt.format': "'year='yyyy'/month='MM'/day='dd",
    'projection.dt.range': 'year=2020/month=01/day=01,NOW',
    'projection.dt.interval.unit': 'DAYS',
    'storage.location.template': 's3://flow-logs-bucket/org/AWSLogs/aws-account-id=${aws_account}/aws-service=vpcflowlogs/aws-region=${aws_region}/${dt}/',
  },
  'Hive per-hour': {
    'projection.dt.format': "'year='yyyy'/month='MM'/day='dd'/hour='HH",
    'projection.dt.range': 'year=2020/month=01/day=01/hour=00,NOW',
    'projection.dt.interval.unit': 'HOURS',
    'storage.location.template': 's3://flow-logs-bucket/org/AWSLogs/aws-account-id=${aws_account}/aws-service=vpcflowlogs/aws-region=${aws_region}/${dt}/',
  },
};

function projectionParameters(layoutName: string): Record<string, string> {
  const byLayout = PROJECTION_BY_LAYOUT[layoutName];
  return {
    'projection.enabled': 'true',
    'projection.aws_account.type': 'enum',
    'projection.aws_account.values': `${ACCOUNT_A},${ACCOUNT_B}`,
    'projection.aws_region.type': 'enum',
    'projection.aws_region.values': 'eu-west-1,us-east-1',
    'projection.dt.type': 'date',
    'projection.dt.format': byLayout['projection.dt.format'],
    'projection.dt.range': byLayout['projection.dt.range'],
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': byLayout['projection.dt.interval.unit'],
    'storage.location.template': byLayout['storage.location.template'],
  };
}

const CASES = LAYOUTS.flatMap(([layoutName, layout]) =>
  (['plain-text', 'parquet'] as const).flatMap((fileFormat) =>
    (['managed', 'projection'] as const).map((mode) => [layoutName, fileFormat, mode, layout] as const),
  ),
);

describe('the Glue table model', () => {
  test.each(CASES)('builds the exact TableInput for the %s layout, %s files and %s partitions', (layoutName, fileFormat, mode, layout) => {
    // Arrange
    const settings = settingsFor({
      fileFormat,
      hiveCompatiblePartitions: layout.hiveCompatiblePartitions,
      perHourPartition: layout.perHourPartition,
      partitionMode: mode,
      accounts: `${ACCOUNT_B},${ACCOUNT_A}`,
      regions: 'us-east-1,eu-west-1',
    });

    // Act
    const table = tableInput(settings);

    // Assert
    expect(table).toEqual({
      Name: 'flow_logs',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { ...FORMAT_PARAMETERS[fileFormat], ...(mode === 'projection' ? projectionParameters(layoutName) : {}) },
      PartitionKeys: PARTITION_KEY_COLUMNS,
      StorageDescriptor: { Columns: DEFAULT_COLUMNS, Location: 's3://flow-logs-bucket/org/AWSLogs/', ...STORAGE[fileFormat] },
    });
  });

  test('takes the columns of a custom format in its order, with region and account-id as plain data columns', () => {
    const settings = settingsFor({
      logFormat: '${region} ${flow-direction} ${srcaddr} ${tcp-flags} ${account-id} ${traffic-path} ${bytes} ${pkt-src-aws-service}',
    });

    const table = tableInput(settings);

    expect(table.StorageDescriptor?.Columns).toEqual([
      { Name: 'region', Type: 'string' },
      { Name: 'flow_direction', Type: 'string' },
      { Name: 'srcaddr', Type: 'string' },
      { Name: 'tcp_flags', Type: 'int' },
      { Name: 'account_id', Type: 'string' },
      { Name: 'traffic_path', Type: 'int' },
      { Name: 'bytes', Type: 'bigint' },
      { Name: 'pkt_src_aws_service', Type: 'string' },
    ]);
    expect(table.PartitionKeys).toEqual(PARTITION_KEY_COLUMNS);
  });

  test('never gives a partition key the name of a flow-log column, in any version', () => {
    const columns = new Set(FIELDS.map((f) => f.column));

    expect(PARTITION_KEYS.filter((k) => columns.has(k))).toEqual([]);
    const everyField = settingsFor({ logFormat: FIELDS.map((f) => `\${${f.name}}`).join(' ') });
    expect(tableInput(everyField).PartitionKeys).toEqual(PARTITION_KEY_COLUMNS);
    expect(tableInput(everyField).StorageDescriptor?.Columns).toHaveLength(FIELDS.length);
  });

  test('names the database with a description', () => {
    expect(databaseInput(settingsFor())).toEqual({ Name: 'flowq', Description: 'VPC Flow Logs tables kept by flowq' });
  });

  test.each([
    ['plain daily', '2026/11/27', 's3://flow-logs-bucket/org/AWSLogs/111122223333/vpcflowlogs/eu-west-1/2026/11/27/'],
    ['plain per-hour', '2026/11/27/05', 's3://flow-logs-bucket/org/AWSLogs/111122223333/vpcflowlogs/eu-west-1/2026/11/27/05/'],
    [
      'Hive daily',
      'year=2026/month=11/day=27',
      's3://flow-logs-bucket/org/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=27/',
    ],
    [
      'Hive per-hour',
      'year=2026/month=11/day=27/hour=05',
      's3://flow-logs-bucket/org/AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=27/hour=05/',
    ],
  ])('builds a %s partition with the table storage and the folder of its files', (layoutName, dt, location) => {
    const layout = LAYOUTS.find(([name]) => name === layoutName)![1];
    const settings = settingsFor({ ...layout });

    const partition = partitionInput(settings.source, { account: ACCOUNT_A, region: 'eu-west-1', dt });

    expect(partition).toEqual({
      Values: [ACCOUNT_A, 'eu-west-1', dt],
      StorageDescriptor: { Columns: DEFAULT_COLUMNS, Location: location, ...STORAGE['plain-text'] },
    });
  });
});
