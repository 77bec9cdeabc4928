/** Times and durations as flowq reads and writes them: Unix seconds inside, ISO-8601 UTC outside. */

import { shorten } from './text.js';

/** The last second ISO-8601 can write with four year digits: 9999-12-31T23:59:59Z. */
export const MAX_TIME_SECONDS = 253_402_300_799;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch milliseconds of a UTC calendar time; years 0-99 stay years 0-99 (Date.UTC would make them 19xx). */
function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/**
 * Parses a time given as ISO-8601 (UTC unless it names an offset) or Unix seconds, from 1970 to the
 * end of year 9999.
 * @returns Unix seconds, or a message saying what is wrong with the value.
 */
export function parseTime(value: unknown): number | string {
  const range = (seconds: number): number | string =>
    seconds >= 0 && seconds <= MAX_TIME_SECONDS ? seconds : `must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z`;
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? range(value) : 'must be whole Unix seconds or ISO-8601 UTC';
  }
  if (typeof value !== 'string') return 'must be ISO-8601 UTC or Unix seconds';
  const text = value.trim();
  // 20261127 is far more likely a date written without dashes than a moment of August 1970.
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (compact !== null && parseDate(`${compact[1]}-${compact[2]}-${compact[3]}`) !== undefined) {
    return `'${text}' looks like a date: write it ${compact[1]}-${compact[2]}-${compact[3]} (ISO-8601), or give Unix seconds of 9 or more digits`;
  }
  if (/^\d{1,12}$/.test(text)) return range(Number(text));
  const m = ISO.exec(text);
  if (!m) return `'${shorten(value)}' is not ISO-8601 UTC (2026-11-27T00:00:00Z) or Unix seconds`;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  const ms = utcMillis(+y, +mo, +d, +h, +mi, +s);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== +y || check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) {
    return `'${shorten(value)}' is not a valid date and time`;
  }
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const [oh, om] = [Number(digits.slice(0, 2)), Number(digits.slice(2))];
    if (oh > 23 || om > 59) return `'${shorten(value)}' has an offset out of range (at most ±23:59)`;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return range(Math.floor((ms - offsetMinutes * 60_000) / 1000));
}

/**
 * Parses a calendar date `YYYY-MM-DD`.
 * @returns Unix seconds of its midnight UTC, or undefined when it is not a real date.
 */
export function parseDate(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const ms = utcMillis(+m[1], +m[2], +m[3]);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== +m[1] || check.getUTCMonth() !== +m[2] - 1 || check.getUTCDate() !== +m[3] || ms < 0) return undefined;
  return ms / 1000;
}

/** Formats Unix seconds as ISO-8601 UTC without milliseconds. */
export function formatTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

/** Formats Unix seconds as a UTC date, `YYYY-MM-DD`. */
export function formatDate(epochSeconds: number): string {
  return formatTime(epochSeconds).slice(0, 10);
}

const UNIT_SECONDS = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * Parses a duration such as `90`, `90s`, `30m`, `24h` or `7d` into seconds, accepting only the
 * given units (`''` is a bare number of seconds).
 * @returns seconds (more than 0), or undefined when the text is not such a duration.
 */
export function parseDuration(value: string, units: ReadonlyArray<keyof typeof UNIT_SECONDS>): number | undefined {
  const m = /^(\d{1,9})\s*([smhd]?)$/i.exec(value.trim());
  if (!m) return undefined;
  const unit = m[2].toLowerCase() as keyof typeof UNIT_SECONDS;
  if (!units.includes(unit) || Number(m[1]) === 0) return undefined;
  return Number(m[1]) * UNIT_SECONDS[unit];
}
