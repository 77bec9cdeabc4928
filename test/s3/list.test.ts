import { ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { listObjects } from '../../src/s3/list.js';

const s3 = mockClient(S3Client);

beforeEach(() => {
  s3.reset();
});

/** A bucket's keys as S3 would page them: `perPage` keys a page, folders (one level deep) counted among them. */
function pagesOf(keys: readonly string[], prefix: string, oneLevel: boolean, perPage: number): Partial<ListObjectsV2CommandOutput>[] {
  const entries = new Map<string, { folder: boolean }>();
  for (const key of [...keys].sort()) {
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (oneLevel && slash !== -1) entries.set(`${prefix}${rest.slice(0, slash + 1)}`, { folder: true });
    else entries.set(key, { folder: false });
  }
  const all = [...entries];
  const pages: Partial<ListObjectsV2CommandOutput>[] = [];
  for (let i = 0; i < all.length; i += perPage) {
    const slice = all.slice(i, i + perPage);
    const last = i + perPage >= all.length;
    pages.push({
      Contents: slice.filter(([, e]) => !e.folder).map(([key]) => ({ Key: key, ETag: `"${key.length}"`, Size: key.length * 10 })),
      CommonPrefixes: slice.filter(([, e]) => e.folder).map(([folder]) => ({ Prefix: folder })),
      IsTruncated: !last,
      ...(last ? {} : { NextContinuationToken: `after-${i + perPage}` }),
    });
  }
  return pages;
}

const KEYS = [
  'vpc/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/27/a.log.gz',
  'vpc/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/28/b.log.gz',
  'vpc/AWSLogs/444455556666/vpcflowlogs/eu-west-1/2026/11/27/c.log.gz',
  'vpc/AWSLogs/aws-account-id=111122223333/d.log.gz',
  'vpc/AWSLogs/readme.txt',
  'vpc/AWSLogs/zz/e.log.gz',
  'vpc/other.txt',
];

function answer(pages: Partial<ListObjectsV2CommandOutput>[]): void {
  const stub = s3.on(ListObjectsV2Command);
  for (const page of pages) stub.resolvesOnce(page);
}

describe('listObjects', () => {
  test('reads every page, following the continuation tokens, and returns every object under the prefix', async () => {
    // Arrange
    const prefix = 'vpc/AWSLogs/';
    const under = KEYS.filter((k) => k.startsWith(prefix));
    answer(pagesOf(under, prefix, false, 2));

    // Act
    const listing = await listObjects('flow-logs', prefix);

    // Assert
    expect(listing).toEqual({ objects: under.map((key) => ({ key, etag: `"${key.length}"`, size: key.length * 10 })), folders: [] });
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 3);
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'flow-logs', Prefix: prefix, Delimiter: undefined, ContinuationToken: undefined },
      { Bucket: 'flow-logs', Prefix: prefix, Delimiter: undefined, ContinuationToken: 'after-2' },
      { Bucket: 'flow-logs', Prefix: prefix, Delimiter: undefined, ContinuationToken: 'after-4' },
    ]);
  });

  test('one level deep, returns the objects directly in the prefix and the folders below it, over several pages', async () => {
    const prefix = 'vpc/AWSLogs/';
    answer(
      pagesOf(
        KEYS.filter((k) => k.startsWith(prefix)),
        prefix,
        true,
        2,
      ),
    );

    const listing = await listObjects('flow-logs', prefix, { oneLevel: true });

    expect(listing).toEqual({
      objects: [{ key: 'vpc/AWSLogs/readme.txt', etag: `"${'vpc/AWSLogs/readme.txt'.length}"`, size: 'vpc/AWSLogs/readme.txt'.length * 10 }],
      folders: ['vpc/AWSLogs/111122223333/', 'vpc/AWSLogs/444455556666/', 'vpc/AWSLogs/aws-account-id=111122223333/', 'vpc/AWSLogs/zz/'],
    });
    expect(s3.commandCalls(ListObjectsV2Command).map((c) => [c.args[0].input.Delimiter, c.args[0].input.ContinuationToken])).toEqual([
      ['/', undefined],
      ['/', 'after-2'],
      ['/', 'after-4'],
    ]);
  });

  test('ends at a page that says it is truncated but gives no continuation token, as the listings before it did', async () => {
    answer([
      { Contents: [{ Key: 'a', ETag: '"1"', Size: 1 }], IsTruncated: true, NextContinuationToken: 'next' },
      { Contents: [{ Key: 'b', ETag: '"2"', Size: 2 }], IsTruncated: true },
      { Contents: [{ Key: 'never-asked-for', ETag: '"3"', Size: 3 }], IsTruncated: false },
    ]);

    const listing = await listObjects('flow-logs', '');

    expect(listing).toEqual({
      objects: [
        { key: 'a', etag: '"1"', size: 1 },
        { key: 'b', etag: '"2"', size: 2 },
      ],
      folders: [],
    });
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
  });

  test('leaves out entries without a key, an ETag or a size', async () => {
    answer([
      {
        Contents: [
          { Key: 'kept', ETag: '"1"', Size: 0 },
          { ETag: '"2"', Size: 2 },
          { Key: 'no-etag', Size: 3 },
          { Key: 'no-size', ETag: '"4"' },
        ],
        CommonPrefixes: [{}],
      },
    ]);

    expect(await listObjects('flow-logs', '', { oneLevel: true })).toEqual({ objects: [{ key: 'kept', etag: '"1"', size: 0 }], folders: [] });
  });

  test('lets an S3 error through as it is, for the caller to name the bucket and prefix', async () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'a', ETag: '"1"', Size: 1 }], IsTruncated: true, NextContinuationToken: 'next' })
      .rejectsOnce(denied);

    await expect(listObjects('flow-logs', 'vpc/')).rejects.toBe(denied);
  });
});
