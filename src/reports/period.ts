import { InvalidParameter } from '../errors.js';
import { formatDate, parseDate } from '../time.js';

const DAY = 86_400;

/** The longest backfill one run covers, in days. */
export const MAX_REPORT_DAYS = 31;

/** One UTC day a report covers: [start, end) in Unix seconds. */
export interface ReportDay {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly start: number;
  readonly end: number;
}

/** Which days to report: one date, a range of dates (end exclusive), or neither for the previous full day. */
export interface ReportRequest {
  readonly date?: unknown;
  readonly start?: unknown;
  readonly end?: unknown;
}

/** The UTC day that starts at `start` (Unix seconds at midnight). */
export function reportDay(start: number): ReportDay {
  return { date: formatDate(start), start, end: start + DAY };
}

/** The last UTC day that has ended by `nowMs`. */
export function previousFullDay(nowMs: number): ReportDay {
  return reportDay(Math.floor(nowMs / 1000 / DAY) * DAY - DAY);
}

/** The day before this one. */
export function dayBefore(day: ReportDay): ReportDay {
  return reportDay(day.start - DAY);
}

/** The day's folder under the report prefix: `YYYY/MM/DD/`. */
export function dayFolder(day: ReportDay): string {
  return `${day.date.replaceAll('-', '/')}/`;
}

function dateParam(param: string, value: unknown): number {
  const start = typeof value === 'string' ? parseDate(value) : undefined;
  if (start === undefined) throw new InvalidParameter([{ param, message: `must be a date (YYYY-MM-DD), not ${JSON.stringify(value)}` }]);
  return start;
}

/**
 * The days a request asks for: `date` alone, `start` and `end` (dates, end exclusive, at most 31
 * days), or, when neither is given, the previous full UTC day.
 * @throws InvalidParameter naming the bad field.
 */
export function reportDays(request: ReportRequest, nowMs: number): ReportDay[] {
  const { date, start, end } = request;
  if (date !== undefined) {
    if (start !== undefined || end !== undefined) throw new InvalidParameter([{ param: 'date', message: 'give either date or start and end, not both' }]);
    return [reportDay(dateParam('date', date))];
  }
  if (start === undefined && end === undefined) return [previousFullDay(nowMs)];
  if (start === undefined || end === undefined)
    throw new InvalidParameter([{ param: start === undefined ? 'start' : 'end', message: 'start and end go together' }]);
  const from = dateParam('start', start);
  const to = dateParam('end', end);
  const days = (to - from) / DAY;
  if (days < 1) throw new InvalidParameter([{ param: 'end', message: 'must be after start (end is exclusive)' }]);
  if (days > MAX_REPORT_DAYS) throw new InvalidParameter([{ param: 'end', message: `a run covers at most ${MAX_REPORT_DAYS} days, not ${days}` }]);
  return Array.from({ length: days }, (_, i) => reportDay(from + i * DAY));
}
