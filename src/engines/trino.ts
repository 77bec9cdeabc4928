import { SYSTEM_CLOCK, type Clock } from '../clock.js';
import { DEFAULT_QUERY_SETTINGS, type QuerySettings } from '../config.js';
import { InvalidConfiguration, QueryCancelled, QueryFailed, QueryTimedOut, UnknownExecution } from '../errors.js';
import { FIELD_BY_COLUMN } from '../flowlog/fields.js';
import { parseLogFormat, type LogFormat } from '../flowlog/format.js';
import { PARTITION_KEYS, type Layout } from '../flowlog/layout.js';
import { renderTargetFor, type RenderedQuery, type RenderTarget } from '../queries/render.js';
import { checkIdentifier, sqlStringLiteral } from '../sql.js';
import { firstLine, shorten } from '../text.js';
import {
  isTrinoBigintOverflow,
  overflowFailure,
  type Column,
  type Engine,
  type ExecutionView,
  type QueryResult,
  type Row,
  type RunOptions,
  type Submission,
} from './engine.js';
import { stopOnExit } from './stop.js';

/** Where a Trino cluster is and which table holds the flow logs. */
export interface TrinoSettings {
  /** `http://host:port` or `https://host:port` (TLS). */
  readonly server: string;
  readonly catalog: string;
  readonly schema: string;
  readonly table: string;
  readonly user: string;
  /** HTTP basic authentication's password (Trino allows it over https only). */
  readonly password?: string;
  /** A bearer token (JWT or OAuth 2.0 access token). */
  readonly token?: string;
  /** The table's log format and layout; read from the table itself when left out. */
  readonly logFormat?: LogFormat;
  readonly layout?: Layout;
}

/** One page of Trino's client protocol (`/v1/statement`), the fields flowq reads. */
interface QueryResults {
  readonly id: string;
  readonly nextUri?: string;
  readonly columns?: ReadonlyArray<{ readonly name: string; readonly type: string }>;
  readonly data?: ReadonlyArray<ReadonlyArray<unknown>>;
  readonly stats?: {
    readonly state?: string;
    readonly elapsedTimeMillis?: number;
    readonly queuedTimeMillis?: number;
    readonly processedBytes?: number;
    readonly physicalInputBytes?: number;
  };
  readonly error?: { readonly message?: string; readonly errorName?: string; readonly errorType?: string };
}

/** The name the prepared statement carries in the `X-Trino-Prepared-Statement` header. */
const STATEMENT_NAME = 'flowq_statement';
/** How long to wait before asking again when Trino answers 503 (its protocol's "busy, try again"). */
const BUSY_RETRY_MS = 250;

/**
 * JSON text with every integer too large for a double written as a string, so a bigint beyond 2^53
 * keeps its digits (`JSON.parse` would round it). Text inside strings is left alone.
 */
export function parseTrinoJson(text: string): unknown {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      const token = m?.[0] ?? c;
      if (m !== null && m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(last, i)}"${token}"`;
        last = i + token.length;
      }
      i += token.length - 1;
    }
  }
  return JSON.parse(out + text.slice(last));
}

/** A value of Trino's JSON result by its column type, as the other engines give it: numbers, booleans, else text. */
function decodeValue(type: string, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return type === 'bigint' && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
  return JSON.stringify(value);
}

/** Trino's type name without its parameters: `varchar(7)` is `varchar`. */
function baseType(type: string): string {
  return type.replace(/\(.*$/, '').toLowerCase();
}

/** Reads the layout from one partition's `dt` value (`2026/11/27/05`, `year=2026/month=11/day=27`, ...). */
export function layoutOfDt(dt: string): Layout {
  return { hiveCompatiblePartitions: dt.startsWith('year='), perHourPartition: dt.split('/').length === 4 };
}

/**
 * Runs the templates' Athena text on a Trino cluster over its client protocol: the statement is
 * prepared (the `X-Trino-Prepared-Statement` header) and run with `EXECUTE ... USING` and the same
 * literals Athena's execution parameters carry, so values never enter the statement's text. The
 * deadline cancels the query (DELETE on its next URI).
 */
export class TrinoEngine implements Engine {
  readonly name = 'trino' as const;

  private constructor(
    private readonly connection: TrinoConnection,
    readonly target: RenderTarget,
  ) {}

  /**
   * Checks the settings, then reads the table's columns (its log format) and one partition (its
   * layout) from Trino, unless given.
   * @throws InvalidConfiguration for a bad setting or a table that is not a flow-log table.
   * @throws QueryFailed when Trino cannot be reached or refuses.
   */
  static async open(settings: TrinoSettings, query: QuerySettings = DEFAULT_QUERY_SETTINGS, clock: Clock = SYSTEM_CLOCK): Promise<TrinoEngine> {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(settings.server)) {
      throw new InvalidConfiguration(`Trino server '${shorten(settings.server)}' must look like http://host:port or https://host:port`);
    }
    if (settings.password !== undefined && !settings.server.startsWith('https://')) {
      throw new InvalidConfiguration('Trino accepts a password over https only: use an https:// server');
    }
    checkIdentifier('catalog', settings.catalog);
    checkIdentifier('schema', settings.schema);
    const connection = new TrinoConnection({ ...settings, server: settings.server.replace(/\/$/, '') }, clock);
    const logFormat = settings.logFormat ?? (await readLogFormat(connection, settings));
    const layout = settings.layout ?? (await readLayout(connection, settings));
    return new TrinoEngine(connection, renderTargetFor(settings.table, { ...layout, logFormat }, query, 'athena'));
  }

  /**
   * Runs a query to the end and reads all its rows.
   * @throws QueryTimedOut when it is still running at the deadline (it is cancelled first).
   * @throws QueryFailed with Trino's message when Trino refuses or fails it, or cannot be reached.
   */
  async run(query: RenderedQuery, options: RunOptions = {}): Promise<QueryResult> {
    try {
      return await this.connection.execute(query.sql, query.executionParameters, options, query.template);
    } catch (error) {
      // A sum past bigint, named as every engine names it (see `overflowFailure`).
      if (error instanceof QueryFailed && isTrinoBigintOverflow(error.message)) {
        throw new QueryFailed(`${overflowFailure(query.template, undefined, query.partitions)} (Trino query ${error.executionId})`, {
          executionId: error.executionId,
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Trino streams a result to the client that started it: a submission is answered whole, within its deadline. */
  async submit(query: RenderedQuery, options: RunOptions = {}): Promise<Submission> {
    return { done: true, result: await this.run(query, options) };
  }

  /** @throws UnknownExecution always: Trino keeps no result to fetch later by id. */
  view(executionId: string): Promise<ExecutionView> {
    return Promise.reject(new UnknownExecution(`no query execution ${shorten(executionId)}: the Trino engine answers each query in full when it is asked`));
  }

  async close(): Promise<void> {}
}

/** The log format of a table's data columns, in their order. */
async function readLogFormat(connection: TrinoConnection, settings: TrinoSettings): Promise<LogFormat> {
  const { catalog, schema, table } = settings;
  const result = await connection.execute(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position',
    [sqlStringLiteral(schema), sqlStringLiteral(table)],
  );
  const columns = result.rows.map((r) => String(r.column_name)).filter((c) => !(PARTITION_KEYS as readonly string[]).includes(c));
  if (columns.length === 0) throw new InvalidConfiguration(`Trino has no table ${catalog}.${schema}.${table}`);
  const unknown = columns.filter((c) => !FIELD_BY_COLUMN.has(c));
  if (unknown.length > 0) throw new InvalidConfiguration(`table ${schema}.${table} has columns that are no flow-log field: ${shorten(unknown.join(', '))}`);
  return parseLogFormat(columns.map((c) => `\${${FIELD_BY_COLUMN.get(c)!.name}}`).join(' '));
}

/** The layout one registered partition's `dt` shows; AWS's default layout when there is none yet. */
async function readLayout(connection: TrinoConnection, settings: TrinoSettings): Promise<Layout> {
  const result = await connection.execute(`SELECT dt FROM "${checkIdentifier('table', settings.table)}$partitions" LIMIT 1`, []);
  const dt = result.rows[0]?.dt;
  return typeof dt === 'string' ? layoutOfDt(dt) : { hiveCompatiblePartitions: false, perHourPartition: false };
}

/** A client of Trino's `/v1/statement` protocol for one user, catalog and schema. */
export class TrinoConnection {
  constructor(
    private readonly settings: Omit<TrinoSettings, 'table' | 'logFormat' | 'layout'>,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  private headers(prepared?: string): Record<string, string> {
    const { user, catalog, schema, password, token } = this.settings;
    const headers: Record<string, string> = {
      'X-Trino-User': user,
      'X-Trino-Source': 'flowq',
      'X-Trino-Catalog': catalog,
      'X-Trino-Schema': schema,
    };
    if (prepared !== undefined) headers['X-Trino-Prepared-Statement'] = `${STATEMENT_NAME}=${encodeURIComponent(prepared)}`;
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    else if (password !== undefined) headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    return headers;
  }

  /** One call of the protocol; a 503 is asked again. @throws QueryFailed when Trino cannot be reached or answers an error status. */
  private async call(
    method: 'POST' | 'GET' | 'DELETE',
    url: string,
    init: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<QueryResults | undefined> {
    for (;;) {
      let response: Response;
      try {
        response = await fetch(url, { method, body: init.body, headers: init.headers ?? this.headers() });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new QueryFailed(`cannot reach Trino at ${this.settings.server}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
      }
      if (response.status === 503) {
        await this.clock.sleep(BUSY_RETRY_MS);
        continue;
      }
      const text = await response.text();
      if (method === 'DELETE') return undefined;
      if (!response.ok) {
        const what = response.status === 401 ? 'refused the credentials (set FLOWQ_TRINO_PASSWORD or FLOWQ_TRINO_TOKEN)' : `answered HTTP ${response.status}`;
        throw new QueryFailed(`Trino at ${this.settings.server} ${what}: ${shorten(firstLine(text))}`);
      }
      return parseTrinoJson(text) as QueryResults;
    }
  }

  /**
   * Sends a statement (prepared, with its values as literals, when it has values) and follows it to the end.
   * @throws QueryTimedOut, QueryCancelled, QueryFailed as {@link TrinoEngine.run} says.
   */
  async execute(sql: string, literals: readonly string[], options: RunOptions = {}, template = 'sql'): Promise<QueryResult> {
    const started = this.clock.now();
    const prepared = literals.length > 0;
    const body = prepared ? `EXECUTE ${STATEMENT_NAME} USING ${literals.join(', ')}` : sql;
    let page = await this.call('POST', `${this.settings.server}/v1/statement`, { body, headers: this.headers(prepared ? sql : undefined) });
    if (page === undefined) throw new QueryFailed('Trino answered without a query');
    options.onStart?.(page.id);
    let columns: Column[] | undefined;
    const data: unknown[][] = [];
    // An ending process (Ctrl-C) cancels the query, as its deadline does.
    let current = page;
    const unregister = stopOnExit(async () => {
      if (current.nextUri !== undefined) await this.call('DELETE', current.nextUri);
    });
    try {
      for (;;) {
        if (page.columns !== undefined) columns ??= page.columns.map((c) => ({ name: c.name, type: baseType(c.type) }));
        if (page.data !== undefined) data.push(...page.data.map((r) => [...r]));
        options.onProgress?.({
          state: page.stats?.state ?? 'QUEUED',
          elapsedMs: this.clock.now() - started,
          dataScannedBytes: page.stats?.physicalInputBytes ?? page.stats?.processedBytes,
        });
        if (page.error !== undefined) {
          const message = page.error.message ?? page.error.errorName ?? 'no reason given';
          if (page.error.errorName === 'USER_CANCELED') throw new QueryCancelled(`Trino query ${page.id} was cancelled: ${message}`, { executionId: page.id });
          throw new QueryFailed(`Trino query ${page.id} failed: ${message}`, { executionId: page.id });
        }
        if (page.nextUri === undefined) break;
        if (options.deadline !== undefined && this.clock.now() >= options.deadline) {
          await this.call('DELETE', page.nextUri);
          throw new QueryTimedOut(`${template} did not finish before its deadline; Trino query ${page.id} was cancelled`, { executionId: page.id });
        }
        const next: QueryResults | undefined = await this.call('GET', page.nextUri);
        if (next === undefined) throw new QueryFailed(`Trino query ${page.id} answered nothing`);
        page = next;
        current = next;
      }
    } finally {
      unregister();
    }
    const cols = columns ?? [];
    const rows: Row[] = data.map((values) => Object.fromEntries(cols.map((c, i) => [c.name, decodeValue(c.type, values[i])])));
    const stats = page.stats ?? {};
    return {
      columns: cols,
      rows,
      executionId: page.id,
      stats: {
        engine: 'trino',
        rowsReturned: rows.length,
        elapsedMs: this.clock.now() - started,
        dataScannedBytes: stats.physicalInputBytes ?? stats.processedBytes ?? 0,
        engineExecutionMs: stats.elapsedTimeMillis ?? 0,
        queueMs: stats.queuedTimeMillis ?? 0,
      },
    };
  }
}
