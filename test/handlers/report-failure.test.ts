import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { join } from 'node:path';
import type { Manifest, ReportIncomplete } from '../../src/reports/report.js';
import { writeSample } from '../../src/sample/generate.js';
import { lambdaContext } from '../catalog/support.js';
import { fakeBucket, SAMPLE_UNTIL } from '../reports/support.js';
import { useTempDir } from '../support/tmp.js';

// A data set whose log format lacks `action`: rejected-ports cannot run on it, the others can.
const FORMAT =
  '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${log-status}';
const s3 = mockClient(S3Client);
const tmp = useTempDir('flowq-report-failure-');
// The three rankings: this test is about one of them failing among the others.
const RANKINGS = JSON.stringify(['top-talkers', 'rejected-ports', 'eni-bytes'].map((name) => ({ name, params: { limit: 25 } })));
const ENV = { FLOWQ_ENGINE: 'local', FLOWQ_REPORT_BUCKET: 'flowq-reports', FLOWQ_REPORT_PREFIX: 'daily', FLOWQ_REPORT_TEMPLATES: RANKINGS };
let handler: (event: unknown, context: Context) => Promise<unknown>;

beforeAll(async () => {
  const data = join(tmp(), 'data');
  await writeSample({ out: data, days: 1, records: 2000, seed: 5, until: SAMPLE_UNTIL, logFormat: FORMAT });
  Object.assign(process.env, ENV, { FLOWQ_LOCAL_DATA: data });
  ({ handler } = await import('../../handlers/report.js'));
});

afterAll(() => {
  for (const name of [...Object.keys(ENV), 'FLOWQ_LOCAL_DATA']) delete process.env[name];
});

describe('the report handler when a template fails', () => {
  it('delivers the other templates, the page and the manifest, then ends in error naming the failed one', async () => {
    s3.reset();
    const bucket = fakeBucket(s3);
    const failure = (await handler({ date: '2026-10-31' }, lambdaContext('flowq-dev-report')).then(
      () => undefined,
      (error: unknown) => error,
    )) as ReportIncomplete;
    expect(failure.name).toBe('ReportIncomplete');
    expect(failure.message).toBe(
      '1 report template(s) failed, the rest were delivered to s3://flowq-reports/daily/2026/10/31/index.html: 2026-10-31 rejected-ports: query: rejected-ports needs fields the log format lacks: action',
    );
    const day = 'daily/2026/10/31/';
    expect([...bucket.keys()]).toEqual([
      `${day}top-talkers.json`,
      `${day}top-talkers.csv`,
      `${day}eni-bytes.json`,
      `${day}eni-bytes.csv`,
      `${day}index.html`,
      `${day}manifest.json`,
      'daily/latest.json',
    ]);
    const manifest = JSON.parse(Buffer.from(bucket.get(`${day}manifest.json`)!.body).toString('utf8')) as Manifest;
    expect(manifest.templates.map((t) => [t.name, t.status, t.error])).toEqual([
      ['top-talkers', 'ok', undefined],
      ['rejected-ports', 'failed', 'query: rejected-ports needs fields the log format lacks: action'],
      ['eni-bytes', 'ok', undefined],
    ]);
    expect(failure.summary.days[0].templates).toEqual(manifest.templates);
  });
});
