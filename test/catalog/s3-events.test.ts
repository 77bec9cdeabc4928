import { InvalidEvent } from '../../src/catalog/errors.js';
import { partitionsFromS3Event, type S3NotificationRecord } from '../../src/catalog/s3-events.js';
import { objectKey } from '../../src/flowlog/layout.js';
import { ACCOUNT_A, ACCOUNT_B, LAYOUTS, settingsFor } from './support.js';

/** How S3 writes a key into a notification: URL-encoded, spaces as `+`. */
function encodeKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+');
}

function record(key: string, overrides: Partial<{ bucket: string; eventName: string }> = {}): S3NotificationRecord {
  return {
    eventSource: 'aws:s3',
    eventName: overrides.eventName ?? 'ObjectCreated:Put',
    s3: { bucket: { name: overrides.bucket ?? 'flow-logs-bucket' }, object: { key: encodeKey(key) } },
  };
}

const FILE_TIME = Date.UTC(2026, 10, 27, 5, 55) / 1000;

function keyFor(
  layout: { hiveCompatiblePartitions: boolean; perHourPartition: boolean },
  account = ACCOUNT_A,
  fileTime = FILE_TIME,
  fileFormat: 'plain-text' | 'parquet' = 'plain-text',
) {
  return `org/${objectKey(layout, fileFormat, { account, region: 'us-east-1', flowLogId: 'fl-0123456789abcdef0', fileTime, hash: 'a1b2c3d4' })}`;
}

const EXPECTED_DT: Record<string, string> = {
  'plain daily': '2026/11/27',
  'plain per-hour': '2026/11/27/05',
  'Hive daily': 'year=2026/month=11/day=27',
  'Hive per-hour': 'year=2026/month=11/day=27/hour=05',
};

describe('partitionsFromS3Event', () => {
  test.each(LAYOUTS)('derives the partition of a new file in the %s layout from its URL-encoded key', (name, layout) => {
    const settings = settingsFor({ ...layout });

    const result = partitionsFromS3Event(settings, [record(keyFor(layout))]);

    expect(result).toEqual({ partitions: [{ account: ACCOUNT_A, region: 'us-east-1', dt: EXPECTED_DT[name] }], skipped: [] });
  });

  test('derives the partition of a Parquet file for a Parquet table', () => {
    const layout = { hiveCompatiblePartitions: true, perHourPartition: false };
    const settings = settingsFor({ ...layout, fileFormat: 'parquet' });

    const result = partitionsFromS3Event(settings, [record(keyFor(layout, ACCOUNT_A, FILE_TIME, 'parquet'))]);

    expect(result.partitions).toEqual([{ account: ACCOUNT_A, region: 'us-east-1', dt: 'year=2026/month=11/day=27' }]);
  });

  test('names each partition once however many files of the batch fall in it', () => {
    const layout = { hiveCompatiblePartitions: false, perHourPartition: false };
    const records = [
      record(keyFor(layout, ACCOUNT_A, FILE_TIME)),
      record(keyFor(layout, ACCOUNT_A, FILE_TIME + 300)),
      record(keyFor(layout, ACCOUNT_B, FILE_TIME)),
      record(keyFor(layout, ACCOUNT_A, FILE_TIME + 600)),
      record(keyFor(layout, ACCOUNT_A, FILE_TIME + 86_400)),
    ];

    const result = partitionsFromS3Event(settingsFor(), records);

    expect(result).toEqual({
      partitions: [
        { account: ACCOUNT_A, region: 'us-east-1', dt: '2026/11/27' },
        { account: ACCOUNT_B, region: 'us-east-1', dt: '2026/11/27' },
        { account: ACCOUNT_A, region: 'us-east-1', dt: '2026/11/28' },
      ],
      skipped: [],
    });
  });

  test('skips keys outside the table, each with its reason', () => {
    const plain = { hiveCompatiblePartitions: false, perHourPartition: false };
    const hive = { hiveCompatiblePartitions: true, perHourPartition: false };
    const hourly = { hiveCompatiblePartitions: false, perHourPartition: true };
    const good = keyFor(plain);
    const records = [
      record(good, { bucket: 'someone-elses-bucket' }),
      record(good.replace('org/', 'other/')),
      record(`org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/us-east-1/2026/11/27/notes.txt`),
      record(`org/AWSLogs/${ACCOUNT_A}/CloudTrail/us-east-1/2026/11/27/${ACCOUNT_A}_CloudTrail_us-east-1_20261127T0555Z_abc.json.gz`),
      record(keyFor(hive)),
      record(keyFor(hourly)),
      record(keyFor(plain, ACCOUNT_A, FILE_TIME, 'parquet')),
      record(good, { eventName: 'ObjectRemoved:Delete' }),
      record(good),
    ];

    const result = partitionsFromS3Event(settingsFor(), records);

    expect(result).toEqual({
      partitions: [{ account: ACCOUNT_A, region: 'us-east-1', dt: '2026/11/27' }],
      skipped: [
        { key: good, reason: "bucket someone-elses-bucket is not the table's bucket flow-logs-bucket" },
        { key: good.replace('org/', 'other/'), reason: "outside the table's location s3://flow-logs-bucket/org/" },
        { key: `org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/us-east-1/2026/11/27/notes.txt`, reason: "not a flow-log file in AWS's key layout" },
        {
          key: `org/AWSLogs/${ACCOUNT_A}/CloudTrail/us-east-1/2026/11/27/${ACCOUNT_A}_CloudTrail_us-east-1_20261127T0555Z_abc.json.gz`,
          reason: "not a flow-log file in AWS's key layout",
        },
        { key: keyFor(hive), reason: 'in the Hive-compatible daily layout; the table uses the plain daily layout' },
        { key: keyFor(hourly), reason: 'in the plain per-hour layout; the table uses the plain daily layout' },
        { key: keyFor(plain, ACCOUNT_A, FILE_TIME, 'parquet'), reason: 'a parquet file; the table reads plain-text' },
        { key: good, reason: 'ObjectRemoved:Delete is not an object-created notification' },
      ],
    });
  });

  test('skips a key that is not valid URL encoding', () => {
    const bad: S3NotificationRecord = {
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: 'flow-logs-bucket' }, object: { key: 'org/AWSLogs/%E0%A4%A' } },
    };

    expect(partitionsFromS3Event(settingsFor(), [bad])).toEqual({
      partitions: [],
      skipped: [{ key: 'org/AWSLogs/%E0%A4%A', reason: 'the key is not valid URL encoding' }],
    });
  });

  test('refuses a record that is not an S3 notification, naming what it lacks', () => {
    const records = [
      record(keyFor({ hiveCompatiblePartitions: false, perHourPartition: false })),
      { eventSource: 'aws:sqs', body: '{}' } as S3NotificationRecord,
    ];

    expect(() => partitionsFromS3Event(settingsFor(), records)).toThrow(InvalidEvent);
    expect(() => partitionsFromS3Event(settingsFor(), records)).toThrow(
      'Records[1] is not an S3 notification: it needs eventSource aws:s3, s3.bucket.name and s3.object.key',
    );
  });
});
