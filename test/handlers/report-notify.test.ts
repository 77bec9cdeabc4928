/**
 * The report function's announcements (issue 20): after a day's manifest is written, one EventBridge event on the
 * default bus with the day's counts, top items and keys, and the plain-text summary on the configured SNS topic; no
 * announcement for a day where nothing changed; a failed announcement fails the invocation after the report is
 * delivered. The expected event is built from the result documents the report stored, and the expected message is
 * written out here line by line.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { join } from 'node:path';
import type { ResultDocument, Row } from '../../src/engines/engine.js';
import type { ReportRun } from '../../src/reports/event.js';
import { writeSample } from '../../src/sample/generate.js';
import { lambdaContext, scheduledEvent } from '../catalog/support.js';
import { fakeBucket, SAMPLE_UNTIL } from '../reports/support.js';
import { useTempDir } from '../support/tmp.js';

const s3 = mockClient(S3Client);
const events = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);
const tmp = useTempDir('flowq-report-notify-');
const TOPIC = 'arn:aws:sns:us-east-1:111122223333:flowq-changes';
const ENV = { FLOWQ_ENGINE: 'local', FLOWQ_REPORT_BUCKET: 'flowq-reports', FLOWQ_NOTIFY_TOPIC_ARN: TOPIC };
let handler: (event: unknown, context: Context) => Promise<ReportRun>;
let bucket: ReturnType<typeof fakeBucket>;

beforeAll(async () => {
  const data = join(tmp(), 'data');
  await writeSample({ out: data, days: 8, records: 6000, seed: 3, until: SAMPLE_UNTIL });
  Object.assign(process.env, ENV, { FLOWQ_LOCAL_DATA: data });
  ({ handler } = await import('../../handlers/report.js'));
}, 60_000);

afterAll(() => {
  for (const name of [...Object.keys(ENV), 'FLOWQ_LOCAL_DATA']) delete process.env[name];
});

beforeEach(() => {
  s3.reset();
  events.reset();
  sns.reset();
  bucket = fakeBucket(s3);
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

const context = lambdaContext('flowq-dev-report');
const DAY = 'reports/2026/10/31/';
const CHANGES = ['new-destinations', 'new-listeners', 'traffic-change'] as const;

function stored(key: string): ResultDocument {
  return JSON.parse(Buffer.from(bucket.get(key)!.body).toString('utf8')) as ResultDocument;
}

const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const human = (n: number) => (n >= 1e6 ? MB(n) : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);
const hhmm = (t: number) => `${new Date(t * 1000).toISOString().slice(11, 16)} UTC`;
const PROTOCOLS: Record<number, string> = { 6: 'TCP', 17: 'UDP', 1: 'ICMP', 58: 'ICMPv6' };

/** The issue's one-line items, written out for each template. */
function line(template: (typeof CHANGES)[number], r: Row): string {
  if (template === 'new-destinations') {
    return `- ${r.srcaddr} → ${r.dstaddr}:${r.dstport}/${PROTOCOLS[r.protocol as number]}, first seen ${hhmm(r.first_seen as number)}, ${human(r.bytes as number)}`;
  }
  if (template === 'new-listeners') {
    const sources = r.sources === 1 ? '1 source' : `${r.sources} sources`;
    return `- ${r.address} accepted ${r.port}/${PROTOCOLS[r.protocol as number]} from ${sources}, first seen ${hhmm(r.first_seen as number)}, ${human(r.bytes as number)}`;
  }
  if (r.change === 'new') return `- ${r.key} new: ${human(r.bytes as number)}, none in the baseline`;
  const ratio = r.ratio as number;
  const times = ratio >= 10 ? Math.round(ratio) : Number(ratio.toFixed(2));
  return `- ${r.key} ${r.change} ${times}×: ${human(r.bytes as number)} against a daily mean of ${human(Math.round(r.baseline_daily_mean as number))}`;
}

describe('the report function announcing what changed', () => {
  it('puts one event with the counts, top five items and keys, and publishes the summary, after the manifest', async () => {
    const run = await handler(scheduledEvent('2026-11-01T01:15:00Z'), context);
    expect(run.days.map((d) => d.date)).toEqual(['2026-10-31']);
    const docs = Object.fromEntries(CHANGES.map((t) => [t, stored(`${DAY}${t}.json`)]));
    // The sample plants a new destination, a new listener and a jump on its last day.
    expect(docs['new-destinations'].rows[0]).toMatchObject({ srcaddr: '10.0.0.11', dstaddr: '203.0.113.23', dstport: 4444, protocol: 6, flows: 4 });
    expect(docs['new-listeners'].rows).toContainEqual(expect.objectContaining({ address: '10.0.0.12', port: 8443, protocol: 6, sources: 3, flows: 6 }));
    expect(docs['traffic-change'].rows[0]).toMatchObject({ change: 'up' });
    const counts = Object.fromEntries(CHANGES.map((t) => [t, docs[t].rows.length]));
    const top = Object.fromEntries(CHANGES.map((t) => [t, docs[t].rows.slice(0, 5)]));

    expect(events.commandCalls(PutEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Entries: [
          {
            Source: 'flowq',
            DetailType: 'Flow log report',
            Detail: JSON.stringify({
              date: '2026-10-31',
              baselineDays: 7,
              bucket: 'flowq-reports',
              index: `${DAY}index.html`,
              manifest: `${DAY}manifest.json`,
              counts,
              top,
            }),
          },
        ],
      },
    ]);
    const words = { 'new-destinations': 'new destination', 'new-listeners': 'new listener', 'traffic-change': 'traffic change' };
    const headings = { 'new-destinations': 'New external destinations', 'new-listeners': 'New listening ports', 'traffic-change': 'Traffic changes' };
    const message = [
      `flowq: what changed on 2026-10-31 against the 7 days before: ${CHANGES.map((t) => `${counts[t]} ${words[t]}${counts[t] === 1 ? '' : 's'}`).join(', ')}`,
      ...CHANGES.flatMap((t) =>
        top[t].length === 0 ? [] : ['', `${headings[t]}:`, ...top[t].map((r) => line(t, r)), ...(counts[t] > 5 ? [`- and ${counts[t] - 5} more`] : [])],
      ),
      '',
      `Report: s3://flowq-reports/${DAY}index.html`,
      `Manifest: s3://flowq-reports/${DAY}manifest.json`,
      '',
    ].join('\n');
    const total = CHANGES.reduce((n, t) => n + counts[t], 0);
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: TOPIC, Subject: `flowq: what changed on 2026-10-31 (${total})`, Message: message },
    ]);
    expect(message).toContain(`- 10.0.0.11 → 203.0.113.23:4444/TCP, first seen 03:12 UTC, 42.0 MB`);
    // The manifest was written before the announcement, and counts the changes too.
    const manifest = JSON.parse(Buffer.from(bucket.get(`${DAY}manifest.json`)!.body).toString('utf8')) as { changes: unknown };
    expect(manifest.changes).toEqual({ baselineDays: 7, counts });
  });

  it('announces nothing for a day where nothing changed', async () => {
    const run = await handler({ date: '2026-10-01' }, context);
    expect(run.days.map((d) => d.changes?.counts)).toEqual([{ 'new-destinations': 0, 'new-listeners': 0, 'traffic-change': 0 }]);
    expect(events.commandCalls(PutEventsCommand)).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });

  it('fails the invocation after delivering the report when EventBridge refuses the event, and publishes nothing', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not authorized' }] });
    await expect(handler({ date: '2026-10-31' }, context)).rejects.toThrow(
      'the reports were delivered, but announcing what changed failed for 2026-10-31: EventBridge refused the report event of 2026-10-31: AccessDeniedException not authorized',
    );
    expect(bucket.has(`${DAY}manifest.json`)).toBe(true);
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });
});
