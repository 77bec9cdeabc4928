import { InvalidConfiguration } from './errors.js';
import { shorten } from './text.js';

const IDENTIFIER = /^[a-z0-9_]{1,255}$/;

/**
 * Checks an identifier from configuration (database, table).
 * @throws InvalidConfiguration when it is not `^[a-z0-9_]{1,255}$`.
 */
export function checkIdentifier(kind: string, value: string): string {
  if (!IDENTIFIER.test(value)) {
    throw new InvalidConfiguration(`${kind} name '${shorten(value)}' must match ^[a-z0-9_]{1,255}$`);
  }
  return value;
}

/** Quotes a string as a SQL literal: the form Athena's ExecutionParameters take. */
export function sqlStringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes a column name for SQL (DuckDB and Trino alike). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
