import { InvalidConfiguration } from './errors.js';

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

type Env = Readonly<Record<string, string | undefined>>;

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
    throw new InvalidConfiguration(`environment variable ${name} must be a whole number >= ${min}, not '${value}'`);
  }
  return Number(value);
}

/** Reads an optional boolean (`true`/`false`). @throws InvalidConfiguration naming it when malformed. */
export function boolEnv(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value !== 'true' && value !== 'false') throw new InvalidConfiguration(`environment variable ${name} must be true or false, not '${value}'`);
  return value === 'true';
}

/** Query settings from `FLOWQ_LATE_MARGIN_SECONDS` and `FLOWQ_MAX_RANGE_DAYS`. */
export function readQuerySettings(env: Env = process.env): QuerySettings {
  return {
    lateMarginSeconds: intEnv(env, 'FLOWQ_LATE_MARGIN_SECONDS', DEFAULT_QUERY_SETTINGS.lateMarginSeconds),
    maxRangeDays: intEnv(env, 'FLOWQ_MAX_RANGE_DAYS', DEFAULT_QUERY_SETTINGS.maxRangeDays, 1),
  };
}
