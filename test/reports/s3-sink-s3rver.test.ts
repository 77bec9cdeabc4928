import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { Engine } from '../../src/engines/engine.js';
import { reportDay } from '../../src/reports/period.js';
import type * as ReportModule from '../../src/reports/report.js';
import type { Manifest, ReportOptions, RunTemplate } from '../../src/reports/report.js';
import type * as SinkModule from '../../src/reports/s3-sink.js';
import { reportTemplate } from '../../src/reports/settings.js';
import { useTempDir } from '../support/tmp.js';
import { FIXED_CLOCK, openSample } from './support.js';

/** The three rankings: how a report writes, fails and compares is the same for every template. */
const RANKINGS = ['top-talkers', 'rejected-ports', 'eni-bytes'].map(reportTemplate);

// The S3 sink over real HTTP: s3rver in-process on 127.0.0.1, reached through the SDK's own
// AWS_ENDPOINT_URL_S3, the way a deployment that sets nothing reaches S3 itself.
const tmp = useTempDir('flowq-s3rver-');
const BUCKET = 'flowq-reports';
let server: S3rver;
let engine: Engine;
let run: RunTemplate;
let reader: S3Client;
let report: typeof ReportModule;
let sinks: typeof SinkModule;

beforeAll(async () => {
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(tmp(), 's3'), configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  // s3rver knows one key pair, its own.
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
  // Imported after the endpoint is set: the sink's client is made once, at import, as in Lambda.
  sinks = await import('../../src/reports/s3-sink.js');
  report = await import('../../src/reports/report.js');
  reader = new S3Client({ endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true });
  ({ engine, run } = await openSample(tmp()));
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_S3;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  reader.destroy();
  await engine.close();
  await server.close();
});

async function listKeys(): Promise<string[]> {
  const answer = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (answer.Contents ?? []).map((o) => o.Key!).sort();
}

async function getObject(key: string): Promise<{ body: Buffer; contentType?: string; cacheControl?: string }> {
  const answer = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { body: Buffer.from(await answer.Body!.transformToByteArray()), contentType: answer.ContentType, cacheControl: answer.CacheControl };
}

const NAMES = ['top-talkers', 'rejected-ports', 'eni-bytes'];
const dayKeys = (day: string) => [...NAMES.flatMap((n) => [`${n}.csv`, `${n}.json`]), 'index.html', 'manifest.json'].map((f) => `reports/${day}/${f}`);

describe('the S3 sink against s3rver', () => {
  it('delivers two days whose objects carry the content types and hashes their manifests list, and latest.json on the newer', async () => {
    const options = (kmsKeyId?: string): ReportOptions => ({
      runTemplate: run,
      sink: new sinks.S3Sink({ bucket: BUCKET, kmsKeyId }),
      clock: FIXED_CLOCK,
      prefix: 'reports/',
      templates: RANKINGS,
      concurrency: 3,
    });
    await report.writeDayReport(reportDay(Date.UTC(2026, 9, 30) / 1000), options());
    const newer = await report.writeDayReport(reportDay(Date.UTC(2026, 9, 31) / 1000), options('alias/flowq-reports'));
    expect(newer.index).toBe(`s3://${BUCKET}/reports/2026/10/31/index.html`);
    expect(await listKeys()).toEqual([...dayKeys('2026/10/30'), ...dayKeys('2026/10/31'), 'reports/latest.json'].sort());

    for (const day of ['2026/10/30', '2026/10/31']) {
      const manifest = JSON.parse((await getObject(`reports/${day}/manifest.json`)).body.toString('utf8')) as Manifest;
      expect(manifest.objects.map((o) => o.key).sort()).toEqual(
        dayKeys(day)
          .filter((k) => !k.endsWith('manifest.json'))
          .sort(),
      );
      for (const listed of manifest.objects) {
        const stored = await getObject(listed.key);
        expect({
          size: stored.body.length,
          contentType: stored.contentType,
          sha256: createHash('sha256').update(stored.body).digest('hex'),
          cacheControl: stored.cacheControl,
        }).toEqual({
          size: listed.size,
          contentType: listed.contentType,
          sha256: listed.sha256,
          cacheControl: 'private, max-age=300',
        });
      }
    }
    const latest = await getObject('reports/latest.json');
    expect(JSON.parse(latest.body.toString('utf8'))).toMatchObject({
      date: '2026-10-31',
      index: '2026/10/31/index.html',
      manifest: '2026/10/31/manifest.json',
    });
    expect(latest.cacheControl).toBe('private, no-cache');
    // The newer day was compared with the older one, read back over HTTP.
    expect((await getObject('reports/2026/10/31/index.html')).body.toString('utf8')).toContain('rows marked new were not in the report of 2026-10-30');
  });

  it('writes the same keys when a day is run again', async () => {
    const before = await listKeys();
    await report.writeDayReport(reportDay(Date.UTC(2026, 9, 31) / 1000), {
      runTemplate: run,
      sink: new sinks.S3Sink({ bucket: BUCKET }),
      clock: FIXED_CLOCK,
      prefix: 'reports/',
      templates: RANKINGS,
      concurrency: 3,
    });
    expect(await listKeys()).toEqual(before);
  });
});
