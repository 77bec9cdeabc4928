import { InvalidConfiguration } from '../../src/errors.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../../src/flowlog/format.js';
import { loadCatalogSettings, readCatalogSettings } from '../../src/catalog/settings.js';

const ENV = { FLOWQ_DATABASE: 'flowq', FLOWQ_TABLE: 'flow_logs', FLOWQ_LOCATION: 's3://flow-logs-bucket/org' };

describe('readCatalogSettings', () => {
  test("gives AWS's defaults for what the environment leaves out", () => {
    expect(readCatalogSettings(ENV)).toEqual({
      database: 'flowq',
      table: 'flow_logs',
      source: {
        location: 's3://flow-logs-bucket/org/',
        logFormat: DEFAULT_LOG_FORMAT,
        fileFormat: 'plain-text',
        hiveCompatiblePartitions: false,
        perHourPartition: false,
      },
      partitionMode: 'managed',
      accounts: [],
      regions: [],
      projectionStart: Date.UTC(2020, 0, 1) / 1000,
    });
  });

  test('reads every catalog variable', () => {
    const settings = readCatalogSettings({
      ...ENV,
      FLOWQ_LOG_FORMAT: '${version} ${srcaddr} ${region}',
      FLOWQ_FILE_FORMAT: 'parquet',
      FLOWQ_HIVE_PARTITIONS: 'true',
      FLOWQ_PER_HOUR: 'true',
      FLOWQ_PARTITION_MODE: 'projection',
      FLOWQ_ACCOUNTS: ' 444455556666, 111122223333 ',
      FLOWQ_REGIONS: 'us-east-1,eu-west-1,us-east-1',
      FLOWQ_PROJECTION_START: '2024-06-01',
    });

    expect(settings).toEqual({
      database: 'flowq',
      table: 'flow_logs',
      source: {
        location: 's3://flow-logs-bucket/org/',
        logFormat: parseLogFormat('${version} ${srcaddr} ${region}'),
        fileFormat: 'parquet',
        hiveCompatiblePartitions: true,
        perHourPartition: true,
      },
      partitionMode: 'projection',
      accounts: ['111122223333', '444455556666'],
      regions: ['eu-west-1', 'us-east-1'],
      projectionStart: Date.UTC(2024, 5, 1) / 1000,
    });
  });

  test.each([
    [{ FLOWQ_TABLE: 'flow_logs', FLOWQ_LOCATION: 's3://b/' }, 'environment variable FLOWQ_DATABASE is required'],
    [{ ...ENV, FLOWQ_LOCATION: '/data/flows' }, "FLOWQ_LOCATION: '/data/flows' is not an S3 location (s3://bucket/prefix/); a Glue table can only point at S3"],
    [{ ...ENV, FLOWQ_LOCATION: 's3://flow..logs/vpc/' }, "'s3://flow..logs/vpc/' is not an S3 location (s3://bucket/prefix/)"],
    [{ ...ENV, FLOWQ_PARTITION_MODE: 'msck' }, "FLOWQ_PARTITION_MODE: 'msck' is not one of managed, projection"],
    [
      { ...ENV, FLOWQ_PARTITION_MODE: 'projection', FLOWQ_ACCOUNTS: '111122223333' },
      'partition projection enumerates accounts and regions: set FLOWQ_ACCOUNTS and FLOWQ_REGIONS (comma-separated)',
    ],
    [{ ...ENV, FLOWQ_REGIONS: 'us-east-1,Virginia' }, "FLOWQ_REGIONS: 'Virginia' is not a region name such as us-east-1"],
    [{ ...ENV, FLOWQ_HIVE_PARTITIONS: 'yes' }, "environment variable FLOWQ_HIVE_PARTITIONS must be true or false, not 'yes'"],
    [{ ...ENV, FLOWQ_PROJECTION_START: '2024-02-30' }, "FLOWQ_PROJECTION_START: '2024-02-30' is not a date (YYYY-MM-DD)"],
    [{ ...ENV, FLOWQ_FILE_FORMAT: 'orc' }, "file format 'orc' is not one of plain-text, parquet"],
  ])('refuses %j naming what to fix', (env, message) => {
    expect(() => readCatalogSettings(env)).toThrow(InvalidConfiguration);
    expect(() => readCatalogSettings(env)).toThrow(message);
  });
});

describe('loadCatalogSettings', () => {
  test('reads the environment once and hands out the same settings', () => {
    const env: Record<string, string> = { ...ENV };
    const settings = loadCatalogSettings(env);
    env.FLOWQ_TABLE = 'changed_later';

    expect(settings().table).toBe('flow_logs');
    expect(settings()).toBe(settings());
  });

  test('keeps a configuration error for the call, so a handler can still answer', () => {
    const settings = loadCatalogSettings({});

    expect(() => settings()).toThrow('environment variable FLOWQ_DATABASE is required');
  });
});
