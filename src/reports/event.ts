import { InvalidParameter } from '../errors.js';
import { previousFullDay, reportDays, type ReportDay } from './period.js';
import { ReportIncomplete, writeReports, type DayReport, type ReportOptions } from './report.js';

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
 * @throws InvalidParameter for an event of the wrong shape; ReportIncomplete when any template
 * failed, after the others were delivered, so the function ends in error and an alarm fires.
 */
export async function runReportEvent(event: unknown, options: ReportOptions): Promise<ReportRun> {
  const { trigger, days } = daysForEvent(event, options.clock.now());
  const summary = await writeReports(days, options);
  if (summary.failures.length > 0) throw new ReportIncomplete(summary);
  const newest = summary.days[summary.days.length - 1];
  return { trigger, location: newest.index, latest: options.sink.location(`${options.prefix}latest.json`), days: summary.days };
}
