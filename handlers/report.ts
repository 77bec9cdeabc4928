import { apiFromEnvironment } from '../src/api/backend.js';
import { runTemplate } from '../src/engines/engine.js';
import { deadlineFrom } from '../src/lambda/deadline.js';
import { awsEvent } from '../src/lambda/event.js';
import { lambdaHandler } from '../src/lambda/handler.js';
import { logger } from '../src/logger.js';
import { runReportEvent, type ReportRun } from '../src/reports/event.js';
import { announceChanges } from '../src/reports/notify.js';
import { S3Sink } from '../src/reports/s3-sink.js';
import { readReportSettings } from '../src/reports/settings.js';

const settings = readReportSettings(process.env);
const api = apiFromEnvironment();
const sink = new S3Sink({ bucket: settings.bucket, kmsKeyId: settings.kmsKeyId });

/**
 * The daily report: the schedule reports the previous full UTC day; a direct invocation with
 * `{"date"}` or `{"start", "end"}` backfills. Each day that changed is announced on EventBridge (and SNS).
 * Ends in error when a template or an announcement failed, after the reports were delivered.
 */
export const handler = lambdaHandler(awsEvent<ReportRun>(), async (event, context) => {
  const engine = await api.engine();
  const deadline = deadlineFrom(context, api.settings.invokeMarginMs, api.clock);
  const run = await runReportEvent(event, {
    ...settings,
    sink,
    clock: api.clock,
    // A retried invocation (same request id) finds the Athena executions it started.
    runTemplate: (name, params) => runTemplate(engine, name, params, { deadline, requestKey: context.awsRequestId }),
    onTemplate: (day, outcome) => logger.info('report template done', { date: day.date, ...outcome }),
    // A day that changed: one EventBridge event, and the summary on the topic when one is set.
    announce: (changes) => announceChanges(changes, { bucket: settings.bucket, topicArn: settings.notifyTopicArn }),
  });
  logger.info('report delivered', { location: run.location, days: run.days.length });
  return run;
});
