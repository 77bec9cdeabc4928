import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { Engine } from '../../src/engines/engine.js';
import { reportDay } from '../../src/reports/period.js';
import { writeDayReport, type ReportOptions, type RunTemplate } from '../../src/reports/report.js';
import { S3Sink } from '../../src/reports/s3-sink.js';
import { reportTemplate } from '../../src/reports/settings.js';
import { useTempDir } from '../support/tmp.js';
import { fakeBucket, FIXED_CLOCK, openSample } from './support.js';

/** The three rankings: how a report writes, fails and compares is the same for every template. */
const RANKINGS = ['top-talkers', 'rejected-ports', 'eni-bytes'].map(reportTemplate);

const s3 = mockClient(S3Client);
const tmp = useTempDir('flowq-s3-sink-');
let engine: Engine;
let run: RunTemplate;

/** What the mocked bucket holds: puts are kept, so a later get sees them as S3 would answer. */
let bucket: Map<string, { body: Uint8Array }>;

beforeAll(async () => {
  ({ engine, run } = await openSample(tmp()));
});

afterAll(() => engine.close());

function awsError(name: string, message: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: status } });
}

beforeEach(() => {
  s3.reset();
  bucket = fakeBucket(s3);
});

const D31 = reportDay(Date.UTC(2026, 9, 31) / 1000);
const DAY_KEYS = [
  'top-talkers.json',
  'top-talkers.csv',
  'rejected-ports.json',
  'rejected-ports.csv',
  'eni-bytes.json',
  'eni-bytes.csv',
  'index.html',
  'manifest.json',
];

function options(sink: S3Sink): ReportOptions {
  return { runTemplate: run, sink, clock: FIXED_CLOCK, prefix: 'reports/', templates: RANKINGS, concurrency: 3 };
}

function puts(): PutObjectCommandInput[] {
  return s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
}

describe('the S3 sink', () => {
  it('puts every object under the prefix with its content type and cache policy, leaving encryption to the bucket default', async () => {
    const report = await writeDayReport(D31, options(new S3Sink({ bucket: 'flowq-reports' })));
    const type = (key: string) =>
      ({ json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8; header=present', html: 'text/html; charset=utf-8' })[key.split('.').pop()!];
    expect(puts().map(({ Body: _body, ...input }) => input)).toEqual([
      ...DAY_KEYS.map((k) => ({ Bucket: 'flowq-reports', Key: `reports/2026/10/31/${k}`, ContentType: type(k), CacheControl: 'private, max-age=300' })),
      { Bucket: 'flowq-reports', Key: 'reports/latest.json', ContentType: 'application/json; charset=utf-8', CacheControl: 'private, no-cache' },
    ]);
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: 'flowq-reports', Key: 'reports/2026/10/31/manifest.json' });
    expect(report.index).toBe('s3://flowq-reports/reports/2026/10/31/index.html');
    expect(JSON.parse(Buffer.from(bucket.get('reports/latest.json')!.body).toString('utf8'))).toMatchObject({
      date: '2026-10-31',
      index: '2026/10/31/index.html',
    });
  });

  it('asks for SSE-KMS with the configured key on every object', async () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await writeDayReport(D31, options(new S3Sink({ bucket: 'flowq-reports', kmsKeyId: key })));
    expect(puts()).toHaveLength(DAY_KEYS.length + 1);
    expect(puts().map((p) => [p.ServerSideEncryption, p.SSEKMSKeyId])).toEqual(puts().map(() => ['aws:kms', key]));
  });

  it('leaves latest.json alone when the manifest cannot be written, and says why', async () => {
    s3.on(PutObjectCommand, { Key: 'reports/2026/10/31/manifest.json' }).rejects(awsError('AccessDenied', 'Access Denied', 403));
    await expect(writeDayReport(D31, options(new S3Sink({ bucket: 'flowq-reports' })))).rejects.toThrow('Access Denied');
    expect(puts().map((p) => p.Key)).toEqual(DAY_KEYS.map((k) => `reports/2026/10/31/${k}`));
    expect(bucket.has('reports/latest.json')).toBe(false);
    expect(bucket.has('reports/2026/10/31/manifest.json')).toBe(false);
  });

  it('stops at the first object that cannot be written, before the page and the manifest', async () => {
    s3.on(PutObjectCommand, { Key: 'reports/2026/10/31/rejected-ports.csv' }).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503));
    await expect(writeDayReport(D31, options(new S3Sink({ bucket: 'flowq-reports' })))).rejects.toThrow('Please reduce your request rate.');
    expect(puts().map((p) => p.Key)).toEqual(DAY_KEYS.slice(0, 4).map((k) => `reports/2026/10/31/${k}`));
    expect([...bucket.keys()].some((k) => k.endsWith('manifest.json') || k.endsWith('latest.json'))).toBe(false);
  });

  it('answers a get of a missing key with nothing and passes other errors on', async () => {
    const sink = new S3Sink({ bucket: 'flowq-reports' });
    await expect(sink.get('reports/2026/10/30/manifest.json')).resolves.toBeUndefined();
    s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
    await expect(sink.get('reports/2026/10/30/manifest.json')).rejects.toThrow('Access Denied');
  });
});
