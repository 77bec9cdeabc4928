const ATHENA_NAME: Readonly<Record<string, string>> = {
  INTEGER: 'integer',
  BIGINT: 'bigint',
  HUGEINT: 'bigint',
  VARCHAR: 'varchar',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  SMALLINT: 'smallint',
  TINYINT: 'tinyint',
};

/** A DuckDB type by the name Athena gives it. */
export function athenaTypeName(duckdbType: string): string {
  return ATHENA_NAME[duckdbType] ?? duckdbType.toLowerCase();
}

/** A DuckDB value as JSON holds it: a bigint beyond 2^53 as a string. */
export function toJsValue(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}

/** The number of files the query's scans read, from DuckDB's JSON profile (`Total Files Read`). */
export function filesReadIn(node: unknown): number | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const { extra_info: info, children } = node as { extra_info?: Record<string, unknown>; children?: unknown[] };
  let total = info && typeof info['Total Files Read'] === 'string' ? Number(info['Total Files Read']) : undefined;
  for (const child of children ?? []) {
    const found = filesReadIn(child);
    if (found !== undefined) total = (total ?? 0) + found;
  }
  return total;
}
