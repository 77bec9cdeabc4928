import { userInfo } from 'node:os';
import type { Env } from '../config.js';
import type { TrinoSettings } from '../engines/trino.js';
import { parseLogFormat } from '../flowlog/format.js';
import { booleanFlag, UsageError, type ParsedArgs } from './args.js';

/** The flags `--engine trino` reads besides the template's parameters (`_` for `-`). */
export const TRINO_FLAGS = ['server', 'catalog', 'schema', 'table', 'user', 'log_format', 'hive', 'per_hour'] as const;

function required(args: ParsedArgs, name: string, hint: string): string {
  const value = args.flags.get(name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required with --engine trino: ${hint}`);
  return value.trim();
}

/** The login name of the process, Trino's user unless `--user` names another. */
function processUser(env: Env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'flowq';
  }
}

/**
 * The Trino table for `--engine trino`, from flags: `--server http(s)://host:port`, `--catalog`,
 * `--schema` and `--table` (required), `--user` (default: the login name); a password
 * (`FLOWQ_TRINO_PASSWORD`, https only) or a bearer token (`FLOWQ_TRINO_TOKEN`) from the environment,
 * never a flag. The table's log format and layout are read from Trino unless `--log-format`,
 * `--hive` or `--per-hour` say them.
 * @throws UsageError for a missing flag.
 */
export function trinoSettingsFromFlags(args: ParsedArgs, env: Env = process.env): TrinoSettings {
  const logFormat = args.flags.get('log_format');
  const hive = booleanFlag(args, 'hive');
  const perHour = booleanFlag(args, 'per_hour');
  const password = env.FLOWQ_TRINO_PASSWORD;
  const token = env.FLOWQ_TRINO_TOKEN;
  return {
    server: required(args, 'server', 'the Trino coordinator, http(s)://host:port (npm run trino -- start prints one)'),
    catalog: required(args, 'catalog', 'the Hive catalog that holds the table (hive)'),
    schema: required(args, 'schema', 'the schema that holds the flow-log table'),
    table: required(args, 'table', 'the flow-log table (flowq catalog ddl --dialect trino makes it)'),
    user: args.flags.get('user')?.trim() || processUser(env),
    ...(password ? { password } : {}),
    ...(token ? { token } : {}),
    ...(logFormat === undefined ? {} : { logFormat: parseLogFormat(logFormat) }),
    ...(hive === undefined && perHour === undefined ? {} : { layout: { hiveCompatiblePartitions: hive ?? false, perHourPartition: perHour ?? false } }),
  };
}
