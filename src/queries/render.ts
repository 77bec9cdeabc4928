import type { QuerySettings } from '../config.js';
import { InvalidParameter } from '../errors.js';
import { partitionBounds, partitionsForRange, type Layout } from '../flowlog/layout.js';
import type { LogFormat } from '../flowlog/format.js';
import { checkIdentifier, sqlStringLiteral } from '../sql.js';
import { formatTime } from '../time.js';
import { validateParams, type ParamValues, type ValidationLimits } from './params.js';
import { getTemplate, type Template } from './templates.js';

/** A value bound to one positional `?`, typed so both engines read it the same way. */
export type BoundValue = { readonly type: 'varchar'; readonly value: string } | { readonly type: 'bigint'; readonly value: number };

/** A template made ready for an engine: SQL with positional `?` and the values that fill them. */
export interface RenderedQuery {
  readonly template: string;
  /** The validated parameters as a caller should see them echoed back. */
  readonly params: Readonly<Record<string, string | number>>;
  /** The SQL text: identical for every engine. */
  readonly sql: string;
  /** One value per `?`, in order. */
  readonly values: readonly BoundValue[];
  /** The same values as the SQL literals Athena's `ExecutionParameters` take. */
  readonly executionParameters: readonly string[];
  /** The `dt` bounds of the partition predicate: the partitions this query reads. */
  readonly partitions: { readonly from: string; readonly to: string };
  /** Every partition the query reads, and which of them only the late-filed margin needs; absent for a statement over every partition. */
  readonly partitionsRead?: PartitionsRead;
}

/** The partitions a query reads, listed: what the stats of every result show. */
export interface PartitionsRead {
  /** Every `dt` from the partition of `start` through that of `end` plus the margin, in order. */
  readonly all: readonly string[];
  /** The last ones of `all`, read only because a record can be filed up to the margin after `end`. */
  readonly marginOnly: readonly string[];
  readonly lateMarginSeconds: number;
}

/** The partitions a query over [start, end) reads with the late-filed margin, and those it would skip without. */
export function partitionsRead(layout: Layout, start: number, end: number, lateMarginSeconds: number): PartitionsRead {
  const all = partitionsForRange(layout, start, end, lateMarginSeconds);
  const needed = new Set(partitionsForRange(layout, start, end, 0));
  return { all, marginOnly: all.filter((dt) => !needed.has(dt)), lateMarginSeconds };
}

/** What rendering needs to know about the table a template runs against. */
export interface RenderTarget {
  /** The table (or local view) name; checked against `^[a-z0-9_]{1,255}$`. */
  readonly table: string;
  readonly layout: Layout;
  readonly logFormat: LogFormat;
  /** How far past the range's end a record's file can be filed (the longest aggregation interval). */
  readonly lateMarginSeconds: number;
  readonly limits?: ValidationLimits;
}

/**
 * The render target of a table or view over a Source's layout and log format, under the query
 * settings: the one derivation every engine's target comes from.
 * @throws InvalidConfiguration when the table name is not a plain identifier.
 */
export function renderTargetFor(table: string, source: Layout & { readonly logFormat: LogFormat }, settings: QuerySettings): RenderTarget {
  return {
    table: checkIdentifier('table', table),
    layout: { hiveCompatiblePartitions: source.hiveCompatiblePartitions, perHourPartition: source.perHourPartition },
    logFormat: source.logFormat,
    lateMarginSeconds: settings.lateMarginSeconds,
    limits: { maxRangeDays: settings.maxRangeDays },
  };
}

const PLACEHOLDER = /(?<![:\w]):([a-z_][a-z0-9_]*)/g;
const IF_COLUMN = /\s*--\s*if-column\s+([a-z0-9_]+)\s*$/;

/** Parameters a template uses that the renderer derives rather than the caller gives. */
export const DERIVED_PARAMS = ['partition_from', 'partition_to'] as const;

function bind(value: string | number): BoundValue {
  return typeof value === 'number' ? { type: 'bigint', value } : { type: 'varchar', value };
}

/** The names of the value placeholders in a template's SQL, in order of appearance. */
export function placeholderNames(sql: string): string[] {
  return [...stripComments(sql).matchAll(PLACEHOLDER)].map((m) => m[1]);
}

function stripComments(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .map((line) => line.replace(IF_COLUMN, ''))
    .join('\n');
}

/**
 * Validates a request's parameters and renders the template for a table. Values never enter the
 * SQL text: each `:name` becomes `?` with its value bound beside it. A line that names an optional
 * parameter the caller left out is dropped, and so is a line marked `-- if-column c` when the log
 * format has no column `c`. Only the table name (checked) and `limit` (a validated integer, since
 * Athena takes `?` only in WHERE) are written into the text.
 * @throws InvalidParameter when a value is bad or a filter needs a column the format lacks.
 */
export function renderQuery(templateOrName: Template | string, raw: Readonly<Record<string, unknown>>, target: RenderTarget): RenderedQuery {
  const template = typeof templateOrName === 'string' ? getTemplate(templateOrName) : templateOrName;
  const table = checkIdentifier('table', target.table);
  const columns = new Set(target.logFormat.fields.map((f) => f.column));
  const params = validateParams(template.params, raw, target.limits);

  const missing = template.requiredColumns.filter((c) => !columns.has(c));
  const filterProblems = template.params
    .filter((s) => (s.kind === 'pattern' || s.kind === 'enum') && params[s.name] !== undefined && !columns.has(s.column))
    .map((s) => ({ param: s.name, message: `the log format has no ${s.name.replaceAll('_', '-')} field to filter on` }));
  if (missing.length > 0) {
    filterProblems.push({ param: 'query', message: `${template.name} needs fields the log format lacks: ${missing.map((c) => c.replaceAll('_', '-')).join(', ')}` });
  }
  if (filterProblems.length > 0) throw new InvalidParameter(filterProblems);

  const [partitionFrom, partitionTo] = partitionBounds(target.layout, params.start as number, params.end as number, target.lateMarginSeconds);
  const all: ParamValues = { ...params, partition_from: partitionFrom, partition_to: partitionTo };

  const values: BoundValue[] = [];
  const lines: string[] = [];
  for (const line of template.sql.split('\n')) {
    if (line.trimStart().startsWith('--')) continue;
    const ifColumn = IF_COLUMN.exec(line);
    if (ifColumn && !columns.has(ifColumn[1])) continue;
    const names = [...line.matchAll(PLACEHOLDER)].map((m) => m[1]);
    if (names.some((n) => all[n] === undefined)) continue;
    for (const n of names) values.push(bind(all[n] as string | number));
    lines.push(line.replace(IF_COLUMN, '').replace(PLACEHOLDER, '?').replaceAll('{{table}}', table).replaceAll('{{limit}}', String(params.limit)));
  }
  const echoed: Record<string, string | number> = {};
  for (const spec of template.params) {
    const value = params[spec.name];
    if (value !== undefined) echoed[spec.name] = spec.kind === 'time' ? formatTime(value as number) : value;
  }
  return {
    template: template.name,
    params: echoed,
    sql: lines.join('\n').trim(),
    values,
    executionParameters: values.map((v) => (v.type === 'bigint' ? String(v.value) : sqlStringLiteral(v.value))),
    partitions: { from: partitionFrom, to: partitionTo },
    partitionsRead: partitionsRead(target.layout, params.start as number, params.end as number, target.lateMarginSeconds),
  };
}
