import type { QuerySettings } from '../config.js';
import { InvalidParameter } from '../errors.js';
import { partitionBounds, partitionsForRange, type Layout } from '../flowlog/layout.js';
import type { LogFormat } from '../flowlog/format.js';
import { cidrContainsAnySql, cidrContainsSql, type Dialect } from './dialect.js';
import { CIDR_CONTAINS, IF_COLUMN, IF_NO_COLUMN, PLACEHOLDER } from './header.js';
import { checkIdentifier, sqlStringLiteral } from '../sql.js';
import { formatTime } from '../time.js';
import { validateParams, type ParamValue, type ParamValues, type ValidationLimits } from './params.js';
import { getTemplate, missingFields, type Template } from './templates.js';

/** A value bound to one positional `?`, typed so both engines read it the same way. */
export type BoundValue = { readonly type: 'varchar'; readonly value: string } | { readonly type: 'bigint'; readonly value: number };

export type { Dialect } from './dialect.js';

/** A template made ready for an engine: SQL with positional `?` and the values that fill them. */
export interface RenderedQuery {
  readonly template: string;
  /** The validated parameters as a caller should see them echoed back. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The SQL text: identical for every engine, apart from the dialect hook. */
  readonly sql: string;
  /** One value per `?`, in order. */
  readonly values: readonly BoundValue[];
  /** The same values as the SQL literals Athena's `ExecutionParameters` take. */
  readonly executionParameters: readonly string[];
  /** The `dt` bounds of the partition predicates: the partitions this query reads, its baseline's included. */
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
  /** For a template that compares the range with the days before it: the first ones of `all`, read only for that baseline. */
  readonly baselineOnly?: readonly string[];
}

/**
 * The partitions a query over [start, end) reads with the late-filed margin, and those it would skip without; with
 * `baselineStart`, also those of [baselineStart, start) that only the baseline needs.
 */
export function partitionsRead(layout: Layout, start: number, end: number, lateMarginSeconds: number, baselineStart?: number): PartitionsRead {
  const range = partitionsForRange(layout, start, end, lateMarginSeconds);
  const needed = new Set(partitionsForRange(layout, start, end, 0));
  const read = { marginOnly: range.filter((dt) => !needed.has(dt)), lateMarginSeconds };
  if (baselineStart === undefined) return { all: range, ...read };
  const inRange = new Set(range);
  const baselineOnly = partitionsForRange(layout, baselineStart, start, lateMarginSeconds).filter((dt) => !inRange.has(dt));
  return { all: [...baselineOnly, ...range], ...read, baselineOnly };
}

/**
 * The time range a query's records come from, as validated parameters give it: [start, end), or from its baseline's
 * first second when it compares the range with the days before (`baseline_days`). What `--data s3://...` fetches.
 */
export function recordsRange(params: ParamValues): { start: number; end: number } {
  const [start, end] = [params.start as number, params.end as number];
  return { start: typeof params.baseline_days === 'number' ? start - params.baseline_days * 86_400 : start, end };
}

/** What a template with `baseline_days` compares its range with: the days before `start`. */
function baselineOf(layout: Layout, params: ParamValues, lateMarginSeconds: number): ParamValues {
  const start = params.start as number;
  const baselineStart = recordsRange(params).start;
  const [from, to] = partitionBounds(layout, baselineStart, start, lateMarginSeconds);
  return { baseline_start: baselineStart, baseline_partition_from: from, baseline_partition_to: to };
}

/** A placeholder, with the index of one element when a hook spreads a list over several (`:internal_cidrs[2]`). */
const PLACEHOLDER_ITEM = /(?<![:\w]):([a-z_][a-z0-9_]*)(?:\[(\d+)\])?/g;

/** What rendering needs to know about the table a template runs against. */
export interface RenderTarget {
  /** The table (or local view) name; checked against `^[a-z0-9_]{1,255}$`. */
  readonly table: string;
  readonly layout: Layout;
  readonly logFormat: LogFormat;
  /** How far past the range's end a record's file can be filed (the longest aggregation interval). */
  readonly lateMarginSeconds: number;
  readonly limits?: ValidationLimits;
  /** The engine's dialect, for the one hook whose text differs: `{{cidr_contains(...)}}`. */
  readonly dialect: Dialect;
}

/**
 * The render target of a table or view over a Source's layout and log format, under the query
 * settings, in an engine's dialect: the one derivation every engine's target comes from.
 * @throws InvalidConfiguration when the table name is not a plain identifier.
 */
export function renderTargetFor(table: string, source: Layout & { readonly logFormat: LogFormat }, settings: QuerySettings, dialect: Dialect): RenderTarget {
  return {
    table: checkIdentifier('table', table),
    layout: { hiveCompatiblePartitions: source.hiveCompatiblePartitions, perHourPartition: source.perHourPartition },
    logFormat: source.logFormat,
    lateMarginSeconds: settings.lateMarginSeconds,
    limits: { maxRangeDays: settings.maxRangeDays },
    dialect,
  };
}

function bind(value: string | number): BoundValue {
  return typeof value === 'number' ? { type: 'bigint', value } : { type: 'varchar', value };
}

/**
 * Checks that the log format has every field a template needs, and the field of every filter given.
 * @throws InvalidParameter naming the missing fields as the log format names them.
 */
function checkFields(template: Template, params: ParamValues, format: LogFormat): void {
  const present = new Set(format.fields.map((f) => f.name));
  const problems = template.params
    .filter((s) => s.field !== undefined && params[s.name] !== undefined && !present.has(s.field))
    .map((s) => ({ param: s.name, message: `the log format has no ${s.field} field to filter on` }));
  if (problems.length > 0) throw new InvalidParameter(problems);
}

/**
 * Validates a request's parameters and renders the template for a table. Values never enter the
 * SQL text: each `:name` becomes `?` (a list one `?` per element) with its value bound beside it.
 * A line that names an optional parameter the caller left out is dropped, and so is a line marked
 * `-- if-column c` when the log format has no column `c` (`-- if-no-column c`: when it has one).
 * Only the table name (checked) and `limit` (a validated integer, since Athena takes `?` only in
 * WHERE) are written into the text.
 * @throws InvalidParameter when the format lacks a field the template needs, a value is bad, or a
 * filter needs a field the format lacks.
 */
export function renderQuery(templateOrName: Template | string, raw: Readonly<Record<string, unknown>>, target: RenderTarget): RenderedQuery {
  const template = typeof templateOrName === 'string' ? getTemplate(templateOrName) : templateOrName;
  const table = checkIdentifier('table', target.table);
  const missing = missingFields(template, target.logFormat);
  if (missing.length > 0) {
    throw new InvalidParameter([{ param: 'query', message: `${template.name} needs fields the log format lacks: ${missing.join(', ')}` }]);
  }
  const params = validateParams(template.params, raw, target.limits);
  checkFields(template, params, target.logFormat);

  const [start, end] = [params.start as number, params.end as number];
  const [partitionFrom, partitionTo] = partitionBounds(target.layout, start, end, target.lateMarginSeconds);
  const baseline = params.baseline_days === undefined ? {} : baselineOf(target.layout, params, target.lateMarginSeconds);
  const all: ParamValues = { ...params, partition_from: partitionFrom, partition_to: partitionTo, ...baseline };
  const columns = new Set(target.logFormat.fields.map((f) => f.column));

  const values: BoundValue[] = [];
  const lines: string[] = [];
  for (const line of template.body.split('\n')) {
    if (line.trimStart().startsWith('--')) continue;
    const ifColumn = IF_COLUMN.exec(line);
    if (ifColumn && !columns.has(ifColumn[1])) continue;
    const ifNoColumn = IF_NO_COLUMN.exec(line);
    if (ifNoColumn && columns.has(ifNoColumn[1])) continue;
    if ([...line.matchAll(PLACEHOLDER)].some((m) => all[m[1]] === undefined)) continue;
    const sql = line
      .replace(IF_COLUMN, '')
      .replace(IF_NO_COLUMN, '')
      .replace(CIDR_CONTAINS, (_, param: string, column: string) => {
        const value = all[param];
        if (!Array.isArray(value)) return cidrContainsSql(target.dialect, `:${param}`, column);
        return cidrContainsAnySql(
          target.dialect,
          value.map((_item, i) => `:${param}[${i}]`),
          column,
        );
      })
      .replace(PLACEHOLDER_ITEM, (_, name: string, item: string | undefined) => {
        const value = all[name] as ParamValue;
        const list: readonly (string | number)[] = typeof value === 'object' ? value : [value];
        if (item !== undefined) {
          values.push(bind(list[Number(item)]));
          return '?';
        }
        values.push(...list.map(bind));
        return list.map(() => '?').join(', ');
      })
      .replaceAll('{{table}}', table)
      .replaceAll('{{limit}}', String(params.limit));
    lines.push(sql);
  }
  const echoed: Record<string, ParamValue> = {};
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
    partitions: { from: (baseline.baseline_partition_from as string | undefined) ?? partitionFrom, to: partitionTo },
    partitionsRead: partitionsRead(target.layout, start, end, target.lateMarginSeconds, baseline.baseline_start as number | undefined),
  };
}
