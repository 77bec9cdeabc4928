import { InvalidParameter } from '../errors.js';
import { logger } from '../logger.js';
import { changeCount } from './changes.js';
import { NotificationFailed, type AnnouncedChanges } from './notify.js';
import { previousFullDay, reportDays, type ReportDay } from './period.js';
import { describeFailure, ReportIncomplete, writeReports, type DayReport, type ReportOptions } from './report.js';

/** What the report function answers with. */
export interface ReportRun {
  readonly trigger: 'schedule' | 'invoke';
  /** The page of the newest day written (`s3://bucket/prefix/YYYY/MM/DD/index.html`). */
  readonly location: string;
  /** The pointer to the newest complete day. */
  readonly latest: string;
  readonly days: readonly DayReport[];
}

function refuse(message: string): never {
  throw new InvalidParameter([{ param: 'event', message }]);
}

/**
 * The days an event asks for: a schedule event the full UTC day before its `time` (so a late retry
 * still reports the intended day); a direct invocation `{"date"}`, `{"start", "end"}` (dates, end
 * exclusive) or `{}` for the previous full day.
 * @throws InvalidParameter naming what is wrong.
 */
export function daysForEvent(event: unknown, nowMs: number): { trigger: ReportRun['trigger']; days: ReportDay[] } {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) refuse('expected a schedule event or {"date": "YYYY-MM-DD"} or {"start", "end"}');
  const e = event as Record<string, unknown>;
  if (e['detail-type'] === 'Scheduled Event' || e.source === 'aws.events') {
    const time = typeof e.time === 'string' ? Date.parse(e.time) : NaN;
    return { trigger: 'schedule', days: [previousFullDay(Number.isNaN(time) ? nowMs : time)] };
  }
  const extra = Object.keys(e).filter((k) => k !== 'date' && k !== 'start' && k !== 'end');
  if (extra.length > 0) refuse(`a report takes only date, or start and end, not ${extra.join(', ')}`);
  return { trigger: 'invoke', days: reportDays(e, nowMs) };
}

/**
 * Handles one event of the report function: writes the report of each day it asks for.
 * With `announce`, each day whose change templates found something is announced once its manifest is written.
 * @throws InvalidParameter for an event of the wrong shape; ReportIncomplete when any template
 * failed, after the others were delivered, so the function ends in error and an alarm fires;
 * NotificationFailed when an announcement failed, after every report was delivered.
 */
export async function runReportEvent(
  event: unknown,
  options: ReportOptions & { readonly announce?: (changes: AnnouncedChanges) => Promise<void> },
): Promise<ReportRun> {
  const { trigger, days } = daysForEvent(event, options.clock.now());
  const summary = await writeReports(days, options);
  // Each day that changed is announced after its manifest is written; a failed announcement is logged, the others
  // are still made, and the run ends in error once every report is delivered.
  const unannounced: string[] = [];
  for (const day of summary.days) {
    if (options.announce === undefined || day.changes === undefined || changeCount(day.changes) === 0) continue;
    try {
      await options.announce(day.changes);
    } catch (error) {
      logger.error('report announcement failed', { date: day.date, error: describeFailure(error) });
      unannounced.push(`${day.date}: ${describeFailure(error)}`);
    }
  }
  if (summary.failures.length > 0) throw new ReportIncomplete(summary);
  if (unannounced.length > 0) {
    throw new NotificationFailed(`the reports were delivered, but announcing what changed failed for ${unannounced.join('; ')}`);
  }
  const newest = summary.days[summary.days.length - 1];
  return { trigger, location: newest.index, latest: options.sink.location(`${options.prefix}latest.json`), days: summary.days };
}
