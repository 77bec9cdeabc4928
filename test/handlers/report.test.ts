import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { join } from 'node:path';
import type { ReportRun } from '../../src/reports/event.js';
import { writeSample } from '../../src/sample/generate.js';
import { lambdaContext, scheduledEvent } from '../catalog/support.js';
import { fakeBucket, SAMPLE_UNTIL } from '../reports/support.js';
import { useTempDir } from '../support/tmp.js';

const s3 = mockClient(S3Client);
// Days that changed are announced on EventBridge (test/handlers/report-notify.test.ts checks what).
const events = mockClient(EventBridgeClient);
const tmp = useTempDir('flowq-report-handler-');
const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ENV = { FLOWQ_ENGINE: 'local', FLOWQ_REPORT_BUCKET: 'flowq-reports', FLOWQ_REPORT_KMS_KEY_ID: KEY };
let handler: (event: unknown, context: Context) => Promise<ReportRun>;
let bucket: ReturnType<typeof fakeBucket>;

beforeAll(async () => {
  const data = join(tmp(), 'data');
  await writeSample({ out: data, days: 3, records: 4000, seed: 3, until: SAMPLE_UNTIL });
  // The handler reads its settings at import, as at a cold start.
  Object.assign(process.env, ENV, { FLOWQ_LOCAL_DATA: data });
  ({ handler } = await import('../../handlers/report.js'));
});

afterAll(() => {
  for (const name of [...Object.keys(ENV), 'FLOWQ_LOCAL_DATA']) delete process.env[name];
});

beforeEach(() => {
  s3.reset();
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  bucket = fakeBucket(s3);
});

const context = lambdaContext('flowq-dev-report');
const DAY_FILES = [
  'new-destinations.json',
  'new-destinations.csv',
  'new-listeners.json',
  'new-listeners.csv',
  'traffic-change.json',
  'traffic-change.csv',
  'top-talkers.json',
  'top-talkers.csv',
  'rejected-ports.json',
  'rejected-ports.csv',
  'eni-bytes.json',
  'eni-bytes.csv',
  'index.html',
  'manifest.json',
];

describe('the report handler', () => {
  it('reports the full UTC day before a schedule event, encrypted with the configured key, and answers where it is', async () => {
    const event = scheduledEvent('2026-11-01T01:15:00Z');
    const run = await handler(event, context);
    expect(run).toEqual({
      trigger: 'schedule',
      location: 's3://flowq-reports/reports/2026/10/31/index.html',
      latest: 's3://flowq-reports/reports/latest.json',
      days: [
        {
          date: '2026-10-31',
          index: 's3://flowq-reports/reports/2026/10/31/index.html',
          manifest: 's3://flowq-reports/reports/2026/10/31/manifest.json',
          templates: ['new-destinations', 'new-listeners', 'traffic-change', 'top-talkers', 'rejected-ports', 'eni-bytes'].map((name) => ({
            name,
            params: { limit: 25 },
            status: 'ok',
            rows: expect.any(Number) as number,
          })),
          latest: true,
          changes: expect.objectContaining({ date: '2026-10-31', baselineDays: 7 }) as unknown,
        },
      ],
    });
    expect([...bucket.keys()]).toEqual([...DAY_FILES.map((f) => `reports/2026/10/31/${f}`), 'reports/latest.json']);
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Bucket, p.ServerSideEncryption, p.SSEKMSKeyId])).toEqual(puts.map(() => ['flowq-reports', 'aws:kms', KEY]));
  });

  it('backfills the days of a direct invocation, answering with the newest', async () => {
    const run = await handler({ start: '2026-10-29', end: '2026-11-01' }, context);
    expect(run.trigger).toBe('invoke');
    expect(run.days.map((d) => [d.date, d.latest])).toEqual([
      ['2026-10-29', true],
      ['2026-10-30', true],
      ['2026-10-31', true],
    ]);
    expect(run.location).toBe('s3://flowq-reports/reports/2026/10/31/index.html');
    const single = await handler({ date: '2026-10-30' }, context);
    expect(single.days.map((d) => [d.date, d.latest])).toEqual([['2026-10-30', false]]);
    expect(JSON.parse(Buffer.from(bucket.get('reports/latest.json')!.body).toString('utf8'))).toMatchObject({ date: '2026-10-31' });
  });

  it('refuses an event of another shape, naming what it takes', async () => {
    await expect(handler({ date: '2026-10-31', templates: ['top-talkers'] }, context)).rejects.toThrow(
      'event: a report takes only date, or start and end, not templates',
    );
    await expect(handler({ date: 'yesterday' }, context)).rejects.toThrow('date: must be a date (YYYY-MM-DD), not "yesterday"');
    expect(bucket.size).toBe(0);
  });
});
