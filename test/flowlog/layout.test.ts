import fc from 'fast-check';
import {
  objectKey,
  parseObjectKey,
  partitionBounds,
  partitionDt,
  partitionPrefix,
  partitionPrefixTemplate,
  partitionsForRange,
  type Layout,
} from '../../src/flowlog/layout.js';

const at = (iso: string) => Date.parse(iso) / 1000;
const PLAIN: Layout = { hiveCompatiblePartitions: false, perHourPartition: false };
const PLAIN_HOURLY: Layout = { hiveCompatiblePartitions: false, perHourPartition: true };
const HIVE: Layout = { hiveCompatiblePartitions: true, perHourPartition: false };
const HIVE_HOURLY: Layout = { hiveCompatiblePartitions: true, perHourPartition: true };
const LAYOUTS = [PLAIN, PLAIN_HOURLY, HIVE, HIVE_HOURLY];
const NAME = { account: '123456789012', region: 'us-east-1', flowLogId: 'fl-1234abcd', fileTime: at('2026-11-27T05:35:00Z'), hash: 'fe123456' };

describe('object keys', () => {
  it('follow AWS layout and file naming in each of the four layouts', () => {
    const file = '123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20261127T0535Z_fe123456.log.gz';
    expect(LAYOUTS.map((l) => objectKey(l, 'plain-text', NAME))).toEqual([
      `AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/27/${file}`,
      `AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/27/05/${file}`,
      `AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=27/${file}`,
      `AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=27/hour=05/${file}`,
    ]);
    expect(objectKey(PLAIN, 'parquet', NAME).endsWith('_fe123456.log.parquet')).toBe(true);
  });

  it('parse back to the values they were made from, under any prefix, in every layout', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LAYOUTS),
        fc.constantFrom('plain-text' as const, 'parquet' as const),
        fc.integer({ min: at('2015-01-01T00:00:00Z') / 300, max: at('2035-12-31T23:55:00Z') / 300 }),
        fc.stringMatching(/^[a-z0-9/]{0,12}$/),
        (layout, fileFormat, window, prefix) => {
          const fileTime = window * 300;
          const key = objectKey(layout, fileFormat, { ...NAME, fileTime });
          const parsed = parseObjectKey(`${prefix}${prefix ? '/' : ''}${key}`);
          expect(parsed).toEqual({
            account: NAME.account,
            region: NAME.region,
            dt: partitionDt(layout, fileTime),
            layout,
            fileFormat,
            relativeKey: key,
            fileTime,
          });
        },
      ),
    );
  });

  it('are refused when they are not flow-log files in an AWS layout', () => {
    expect(parseObjectKey('AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/27/notes.txt')).toBeUndefined();
    expect(parseObjectKey('AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/11/27/x.log.gz')).toBeUndefined();
    expect(
      parseObjectKey('AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/27/999999999999_vpcflowlogs_us-east-1_fl-1_20261127T0535Z_ab.log.gz'),
    ).toBeUndefined();
    expect(parseObjectKey('logs/2026/11/27/123456789012_vpcflowlogs_us-east-1_fl-1_20261127T0535Z_ab.log.gz')).toBeUndefined();
  });
});

describe('partitions', () => {
  it('have one prefix and one projection template per layout, ending with a slash', () => {
    const values = { account: '123456789012', region: 'eu-west-1', dt: 'year=2026/month=11/day=27' };
    expect(partitionPrefix(HIVE, values)).toBe('AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=27/');
    expect(partitionPrefixTemplate(PLAIN)).toBe('AWSLogs/${aws_account}/vpcflowlogs/${aws_region}/${dt}/');
    expect(partitionPrefixTemplate(HIVE_HOURLY)).toBe('AWSLogs/aws-account-id=${aws_account}/aws-service=vpcflowlogs/aws-region=${aws_region}/${dt}/');
  });

  it('for a day include the next day, where flows that end after midnight are filed', () => {
    expect(partitionsForRange(PLAIN, at('2026-11-26T00:00:00Z'), at('2026-11-27T00:00:00Z'), 600)).toEqual(['2026/11/26', '2026/11/27']);
    expect(partitionsForRange(PLAIN, at('2026-11-26T00:00:00Z'), at('2026-11-27T00:00:00Z'), 0)).toEqual(['2026/11/26']);
    expect(partitionsForRange(PLAIN, at('2026-11-26T08:00:00Z'), at('2026-11-26T09:00:00Z'), 600)).toEqual(['2026/11/26']);
  });

  it('cross month and year boundaries', () => {
    expect(partitionsForRange(HIVE, at('2026-12-30T12:00:00Z'), at('2027-01-02T00:00:00Z'), 600)).toEqual([
      'year=2026/month=12/day=30',
      'year=2026/month=12/day=31',
      'year=2027/month=01/day=01',
      'year=2027/month=01/day=02',
    ]);
    expect(partitionsForRange(PLAIN, at('2028-02-28T23:00:00Z'), at('2028-03-01T00:00:00Z'), 600)).toEqual(['2028/02/28', '2028/02/29', '2028/03/01']);
  });

  it('in hourly layouts are hours, with the late margin reaching into the next hour', () => {
    expect(partitionsForRange(PLAIN_HOURLY, at('2026-12-31T22:30:00Z'), at('2027-01-01T00:00:00Z'), 600)).toEqual([
      '2026/12/31/22',
      '2026/12/31/23',
      '2027/01/01/00',
    ]);
    expect(partitionsForRange(HIVE_HOURLY, at('2026-11-27T05:00:00Z'), at('2026-11-27T05:49:00Z'), 600)).toEqual(['year=2026/month=11/day=27/hour=05']);
    expect(partitionsForRange(HIVE_HOURLY, at('2026-11-27T05:00:00Z'), at('2026-11-27T05:50:01Z'), 600)).toEqual([
      'year=2026/month=11/day=27/hour=05',
      'year=2026/month=11/day=27/hour=06',
    ]);
  });

  it('are exactly those whose dt lies between the predicate bounds, in string order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LAYOUTS),
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z') }),
        fc.integer({ min: 1, max: 40 * 86_400 }),
        fc.integer({ min: 0, max: 3600 }),
        (layout, start, length, margin) => {
          const list = partitionsForRange(layout, start, start + length, margin);
          const [from, to] = partitionBounds(layout, start, start + length, margin);
          expect(list[0]).toBe(from);
          expect(list[list.length - 1]).toBe(to);
          expect([...list].sort()).toEqual(list);
          expect(new Set(list).size).toBe(list.length);
          // Every record whose start is in range and whose end is at most `margin` later is filed in a listed partition.
          for (const t of [start, start + length - 1]) {
            for (const end of [t, t + margin]) expect(list).toContain(partitionDt(layout, Math.floor(end / 300) * 300));
          }
        },
      ),
    );
  });
});
