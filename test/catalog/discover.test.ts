import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { resolveAccountRegions } from '../../src/catalog/discover.js';
import { ACCOUNT_A, ACCOUNT_B, settingsFor } from './support.js';

const s3 = mockClient(S3Client);

beforeEach(() => {
  s3.reset();
});

function folders(...prefixes: string[]) {
  return { CommonPrefixes: prefixes.map((Prefix) => ({ Prefix })), IsTruncated: false };
}

describe('resolveAccountRegions', () => {
  test('discovers accounts and their regions in the plain layout by listing folders with a delimiter, page by page', async () => {
    // Arrange
    s3.on(ListObjectsV2Command, { Prefix: 'org/AWSLogs/' })
      .resolvesOnce({
        CommonPrefixes: [{ Prefix: `org/AWSLogs/${ACCOUNT_A}/` }, { Prefix: 'org/AWSLogs/o-abc123/' }],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      })
      .resolvesOnce(folders(`org/AWSLogs/${ACCOUNT_B}/`));
    s3.on(ListObjectsV2Command, { Prefix: `org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/` }).resolves(
      folders(`org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/us-east-1/`, `org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/eu-west-1/`),
    );
    s3.on(ListObjectsV2Command, { Prefix: `org/AWSLogs/${ACCOUNT_B}/vpcflowlogs/` }).resolves(folders(`org/AWSLogs/${ACCOUNT_B}/vpcflowlogs/ap-southeast-2/`));

    // Act
    const pairs = await resolveAccountRegions(settingsFor());

    // Assert
    expect(pairs).toEqual([
      { account: ACCOUNT_A, region: 'eu-west-1' },
      { account: ACCOUNT_A, region: 'us-east-1' },
      { account: ACCOUNT_B, region: 'ap-southeast-2' },
    ]);
    expect(s3).toHaveReceivedNthSpecificCommandWith(1, ListObjectsV2Command, {
      Bucket: 'flow-logs-bucket',
      Prefix: 'org/AWSLogs/',
      Delimiter: '/',
      ContinuationToken: undefined,
    });
    expect(s3).toHaveReceivedNthSpecificCommandWith(2, ListObjectsV2Command, {
      Bucket: 'flow-logs-bucket',
      Prefix: 'org/AWSLogs/',
      Delimiter: '/',
      ContinuationToken: 'page-2',
    });
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 4);
  });

  test('discovers accounts and regions in the Hive-compatible layout', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'AWSLogs/' }).resolves(folders(`AWSLogs/aws-account-id=${ACCOUNT_A}/`, `AWSLogs/${ACCOUNT_B}/`));
    s3.on(ListObjectsV2Command, { Prefix: `AWSLogs/aws-account-id=${ACCOUNT_A}/aws-service=vpcflowlogs/` }).resolves(
      folders(`AWSLogs/aws-account-id=${ACCOUNT_A}/aws-service=vpcflowlogs/aws-region=us-west-2/`),
    );

    const pairs = await resolveAccountRegions(settingsFor({ location: 's3://flow-logs-bucket', hiveCompatiblePartitions: true }));

    expect(pairs).toEqual([{ account: ACCOUNT_A, region: 'us-west-2' }]);
  });

  test('takes listed accounts and regions as given, with no listing', async () => {
    const pairs = await resolveAccountRegions(settingsFor({ accounts: `${ACCOUNT_B},${ACCOUNT_A}`, regions: 'us-east-1,eu-west-1' }));

    expect(pairs).toEqual([
      { account: ACCOUNT_A, region: 'eu-west-1' },
      { account: ACCOUNT_A, region: 'us-east-1' },
      { account: ACCOUNT_B, region: 'eu-west-1' },
      { account: ACCOUNT_B, region: 'us-east-1' },
    ]);
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 0);
  });

  test('lists only the regions of listed accounts', async () => {
    s3.on(ListObjectsV2Command, { Prefix: `org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/` }).resolves(folders(`org/AWSLogs/${ACCOUNT_A}/vpcflowlogs/us-east-1/`));

    const pairs = await resolveAccountRegions(settingsFor({ accounts: ACCOUNT_A }));

    expect(pairs).toEqual([{ account: ACCOUNT_A, region: 'us-east-1' }]);
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 1);
  });
});
