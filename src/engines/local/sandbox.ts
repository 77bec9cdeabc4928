import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdb } from '../duckdb.js';
import { InvalidParameter } from '../../errors.js';
import { firstLine, shorten } from '../../text.js';
import { listLiteral } from './view.js';

const { DuckDBInstance, StatementType } = duckdb;

// Absolute paths, quoted or not (`/home/me/...`, `C:\\...`): a refusal names what was refused, never where the host keeps things.
const HOST_PATH = /(["'])(?:\/|[A-Za-z]:\\)[^"']*\1|(?<![\w.:/-])\/(?:[^\s/"'()]+\/)*[^\s/"'()]+/g;

function refused(message: string): InvalidParameter {
  return new InvalidParameter([{ param: 'sql', message: message.replace(HOST_PATH, (path, quote?: string) => (quote ? `${quote}…${quote}` : '…')) }]);
}

/**
 * Functions and catalog views that show the host (settings with absolute paths and the home
 * folder, secrets, extensions, the temporary files), sniff files or switch on logging: a statement
 * that names one is refused before it binds, whatever it would have answered.
 */
const HOST_FUNCTIONS = /^(duckdb_|pragma_)|^(current_setting|sniff_csv|enable_logging|disable_logging|truncate_duckdb_logs|which_secret|getenv)$/i;

/** The first host-revealing function or view a parsed statement (DuckDB's `json_serialize_sql`) names. */
function hostFunctionIn(node: unknown): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = hostFunctionIn(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const record = node as Record<string, unknown>;
  for (const key of ['function_name', 'table_name']) {
    const name = record[key];
    if (typeof name === 'string' && HOST_FUNCTIONS.test(name)) return name;
  }
  return hostFunctionIn(Object.values(record));
}

/** Refuses a parsed statement that names a host-revealing function. @throws InvalidParameter. */
function refuseHostFunctions(parsed: unknown): void {
  const name = hostFunctionIn(parsed);
  if (name !== undefined) throw refused(`${name} is not available: it shows the host, not the flow logs`);
}

/** DuckDB's error classes that say the statement itself is wrong, not the data or the machine. */
const STATEMENT_MISTAKE = /^(?:Error: )?(?:Failed to extract statements: )?(?:Parser|Binder|Catalog|Conversion|Out of Range) Error: /;

/** Whether DuckDB's error is a mistake in the statement (a misspelt column, a value of the wrong type). */
export function isStatementMistake(error: unknown): boolean {
  return STATEMENT_MISTAKE.test(messageOf(error));
}

/** An error's message; DuckDB's errors may come from another realm than this module's `Error`. */
function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}

/** At most this many characters of the statement around the position DuckDB points at. */
const LINE_WINDOW = 60;

/**
 * DuckDB's message, shortened but with its help kept: the error, then its hints ("Candidate
 * bindings: ...", "Did you mean ...?", at most five candidates) and the `LINE n: ... ^` position,
 * the line cut to a window around the caret, as lines of their own.
 */
export function describeDuckdbError(error: unknown): { readonly message: string; readonly hints: string[] } {
  const lines = messageOf(error)
    .replace(/^Error: /, '')
    .replace(/^Failed to extract statements: /, '')
    .split('\n');
  const at = lines.findIndex((l) => /^LINE \d+: /.test(l));
  const hints = lines
    .slice(1, at === -1 ? undefined : at)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const candidates = /^(Candidate \w+: )(.*)$/.exec(l);
      if (candidates === null) return shorten(l, 200);
      const names = candidates[2].split(', ');
      return `${candidates[1]}${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''}`;
    });
  if (at !== -1) {
    const caret = (lines[at + 1] ?? '').indexOf('^');
    const label = /^LINE \d+: /.exec(lines[at])![0];
    const text = lines[at].slice(label.length);
    const pos = Math.max(0, caret - label.length);
    const from = text.length <= LINE_WINDOW ? 0 : Math.max(0, Math.min(pos - LINE_WINDOW / 2, text.length - LINE_WINDOW));
    const to = Math.min(text.length, from + LINE_WINDOW);
    hints.push(`${label}${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`);
    if (caret !== -1) hints.push(`${' '.repeat(label.length + pos - from + (from > 0 ? 1 : 0))}^`);
  }
  return { message: shorten(lines[0], 300), hints };
}

/** A mistake in a user's statement, as `flowq sql` answers it: DuckDB's message with its help, exit code 2. */
export function statementMistake(error: unknown): InvalidParameter {
  const { message, hints } = describeDuckdbError(error);
  return new InvalidParameter([{ param: 'sql', message }], { hints });
}

/**
 * Shuts a connection in: from now on it reads only the `readable` files and the `writable` folders
 * (none of the user's other files, no network, no extensions), and no setting can change again.
 * Idempotent.
 */
export async function lockDown(connection: DuckDBConnection, readable: readonly string[], writable: readonly string[]): Promise<void> {
  const locked = await connection.runAndReadAll(`SELECT current_setting('lock_configuration')`);
  if (locked.getRowsJS()[0][0] === true) return;
  await connection.run(`SET allowed_paths = ${listLiteral(readable)}`);
  await connection.run(`SET allowed_directories = ${listLiteral(writable)}`);
  await connection.run('SET autoinstall_known_extensions = false');
  await connection.run('SET autoload_known_extensions = false');
  await connection.run('SET allow_community_extensions = false');
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
}

/**
 * Checks, with DuckDB's own parser and binder, that `sql` is exactly one SELECT that reads nothing
 * but what the connection may read (see {@link lockDown}, which must come first: binding a statement
 * already opens the files it names).
 * @throws InvalidParameter (param `sql`) naming why the statement is refused.
 */
export async function checkReadOnly(connection: DuckDBConnection, sql: string): Promise<void> {
  let extracted;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (error) {
    throw statementMistake(error);
  }
  if (extracted.count !== 1) throw refused(`give exactly one statement, not ${extracted.count}`);
  const serialized = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
  refuseHostFunctions(JSON.parse(serialized.getRowsJS()[0][0] as string));
  let prepared;
  try {
    prepared = await extracted.prepare(0);
  } catch (error) {
    const message = firstLine(messageOf(error)).replace(/^Error: /, '');
    // DuckDB's message names the host path it refused: it is left out.
    if (message.startsWith('Permission Error')) throw refused('the statement reaches a file outside the flow logs');
    throw statementMistake(error);
  }
  try {
    if (prepared.statementType !== StatementType.SELECT) {
      throw refused(`only queries (SELECT ...) may run; this statement is ${StatementType[prepared.statementType] ?? 'not a query'}`);
    }
  } finally {
    prepared.destroySync();
  }
}

/**
 * Checks that `sql` parses as exactly one SELECT that names no host-revealing function, before any
 * engine opens (and alone for Athena, which cannot be sandboxed here): DuckDB's parser alone decides,
 * without binding, so Trino functions are no obstacle.
 * @throws InvalidParameter (param `sql`) naming why the statement is refused.
 */
export async function checkSelectSyntax(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { enable_external_access: 'false' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)', [sql]);
    const parsed = JSON.parse(reader.getRowsJS()[0][0] as string) as { error?: boolean; error_message?: string; statements?: unknown[] };
    if (parsed.error && !parsed.error_message?.startsWith('Only SELECT')) {
      // The parser alone (no binding) gives the message again with its `LINE n: ... ^` position.
      await connection.extractStatements(sql).catch((error: unknown) => {
        throw statementMistake(error);
      });
    }
    if (parsed.error) {
      throw refused(
        parsed.error_message?.startsWith('Only SELECT') ? 'only queries (SELECT ...) may run' : (parsed.error_message ?? 'cannot parse the statement'),
      );
    }
    if (parsed.statements?.length !== 1) throw refused(`give exactly one statement, not ${parsed.statements?.length ?? 0}`);
    refuseHostFunctions(parsed);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
