import { InvalidConfiguration } from './errors.js';
import { shorten, splitList } from './text.js';

/**
 * Settings shared by every entry point, with their defaults. Lambda handlers read them from the
 * environment once (`readConfig`); the CLI builds them from flags.
 */
export interface QuerySettings {
  /** How far past a range's end a record can be filed: the longest aggregation interval. */
  readonly lateMarginSeconds: number;
  /** The longest range a query may cover. */
  readonly maxRangeDays: number;
}

export const DEFAULT_QUERY_SETTINGS: QuerySettings = { lateMarginSeconds: 600, maxRangeDays: 31 };

/** The environment as flowq reads it: `process.env`, or a test's own variables. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads a required variable. @throws InvalidConfiguration naming it. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new InvalidConfiguration(`environment variable ${name} is required`);
  return value.trim();
}

/** Reads an optional variable: undefined when unset or blank. */
export function optionalEnv(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Reads an optional whole number. @throws InvalidConfiguration naming it when malformed. */
export function intEnv(env: Env, name: string, fallback: number, min = 0): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new InvalidConfiguration(`environment variable ${name} must be a whole number >= ${min}, not '${shorten(value)}'`);
  }
  return Number(value);
}

/** Reads an optional boolean (`true`/`false`). @throws InvalidConfiguration naming it when malformed. */
export function boolEnv(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value !== 'true' && value !== 'false') throw new InvalidConfiguration(`environment variable ${name} must be true or false, not '${shorten(value)}'`);
  return value === 'true';
}

/** The longest late-filed margin a setting may choose: one hour. */
export const MAX_LATE_MARGIN_SECONDS = 3600;

/**
 * Query settings from `FLOWQ_LATE_MARGIN_SECONDS` (0-3600, default 600) and `FLOWQ_MAX_RANGE_DAYS`.
 * @throws InvalidConfiguration naming the variable that is malformed or out of range.
 */
export function readQuerySettings(env: Env = process.env): QuerySettings {
  const lateMarginSeconds = intEnv(env, 'FLOWQ_LATE_MARGIN_SECONDS', DEFAULT_QUERY_SETTINGS.lateMarginSeconds);
  if (lateMarginSeconds > MAX_LATE_MARGIN_SECONDS) {
    throw new InvalidConfiguration(
      `environment variable FLOWQ_LATE_MARGIN_SECONDS must be at most ${MAX_LATE_MARGIN_SECONDS} (one hour), not '${lateMarginSeconds}'`,
    );
  }
  return {
    lateMarginSeconds,
    maxRangeDays: intEnv(env, 'FLOWQ_MAX_RANGE_DAYS', DEFAULT_QUERY_SETTINGS.maxRangeDays, 1),
  };
}

/** Origins allowed by CORS, from `FLOWQ_CORS_ORIGINS` (comma-separated); empty means none. */
export function readCorsOrigins(env: Env = process.env): string[] {
  return splitList(env.FLOWQ_CORS_ORIGINS ?? '');
}
