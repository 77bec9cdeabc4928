/**
 * The report function's announcements: one EventBridge event on the default bus per day that changed, and with a
 * topic configured a plain-text summary on SNS. Both SDK clients are loaded and made at the first announcement, not at
 * import, so a cold start that announces nothing loads neither.
 */
import { FlowqError } from '../errors.js';
import { CLIENT_CONFIG, lazyClient } from '../aws/clients.js';
import { renderChangesText, type DayChanges } from './changes.js';

const events = lazyClient(
  () => import('@aws-sdk/client-eventbridge'),
  (sdk) => new sdk.EventBridgeClient(CLIENT_CONFIG.eventBridge),
);
const topics = lazyClient(
  () => import('@aws-sdk/client-sns'),
  (sdk) => new sdk.SNSClient(CLIENT_CONFIG.sns),
);

/** The event's `source` and `detail-type`, what a rule matches. */
export const EVENT_SOURCE = 'flowq';
export const EVENT_DETAIL_TYPE = 'Flow log report';

/** A day's changes with where its report is. */
export type AnnouncedChanges = DayChanges & { readonly indexKey: string; readonly manifestKey: string };

/** The event's `detail`: the date, counts, top items and the S3 keys of the page and the manifest. */
export interface ReportEventDetail {
  readonly date: string;
  readonly baselineDays: number;
  readonly bucket: string;
  readonly index: string;
  readonly manifest: string;
  readonly counts: DayChanges['counts'];
  readonly top: DayChanges['top'];
}

/** The event detail of a day's changes in a bucket. */
export function reportEventDetail(changes: AnnouncedChanges, bucket: string): ReportEventDetail {
  return {
    date: changes.date,
    baselineDays: changes.baselineDays,
    bucket,
    index: changes.indexKey,
    manifest: changes.manifestKey,
    counts: changes.counts,
    top: changes.top,
  };
}

/** An announcement did not reach EventBridge or SNS; the report itself was delivered. */
export class NotificationFailed extends FlowqError {
  override readonly code = 'NOTIFICATION_FAILED';
}

/** Where the announcements go. */
export interface NotifyTarget {
  /** The bucket the reports are in, named in the event. */
  readonly bucket: string;
  /** The SNS topic of the summary, if any. */
  readonly topicArn?: string;
}

/**
 * Puts the day's event on the default bus and, with a topic, publishes the summary (subject: the date and counts).
 * @throws NotificationFailed when EventBridge refuses the entry; the SDK's error when a call fails.
 */
export async function announceChanges(changes: AnnouncedChanges, target: NotifyTarget): Promise<void> {
  const bus = await events();
  const answer = await bus.client.send(
    new bus.sdk.PutEventsCommand({
      Entries: [{ Source: EVENT_SOURCE, DetailType: EVENT_DETAIL_TYPE, Detail: JSON.stringify(reportEventDetail(changes, target.bucket)) }],
    }),
  );
  if ((answer.FailedEntryCount ?? 0) > 0) {
    const entry = answer.Entries?.[0];
    throw new NotificationFailed(
      `EventBridge refused the report event of ${changes.date}: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
    );
  }
  if (target.topicArn === undefined) return;
  const sns = await topics();
  const where = { index: `s3://${target.bucket}/${changes.indexKey}`, manifest: `s3://${target.bucket}/${changes.manifestKey}` };
  await sns.client.send(new sns.sdk.PublishCommand({ TopicArn: target.topicArn, Subject: subject(changes), Message: renderChangesText(changes, where) }));
}

/** `flowq: what changed on 2026-11-27 (4)`: ASCII, under SNS's 100 characters. */
function subject(changes: DayChanges): string {
  const total = Object.values(changes.counts).reduce((a, b) => a + b, 0);
  return `flowq: what changed on ${changes.date} (${total})`;
}
