/**
 * The template file format (docs/templates.md): a header of `-- @tag` lines that describes the
 * template, then the SQL body with named placeholders.
 */
import { checkDefault, SHARED_PARAMS, type ParamSpec } from './params.js';

/** Result column types, as Athena names them. */
export const COLUMN_TYPES = ['varchar', 'bigint', 'integer', 'double', 'boolean'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** One result column a template returns. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
}

/** How a report draws a template's rows: bars (one per row) or columns (a time series). */
export interface ChartSpec {
  readonly kind: 'bars' | 'columns';
  /** The column whose value sets a bar's length. */
  readonly value: string;
  /** The columns that label a bar, joined. */
  readonly labels: readonly string[];
}

/** What a template's header says about it. */
export interface TemplateHeader {
  readonly name: string;
  readonly description: string;
  /** Shared parameters (`@params`, with `@param` overrides), then the template's own, in header order. */
  readonly params: readonly ParamSpec[];
  /** The log-format fields the template reads, as the format names them (`interface-id`). */
  readonly fields: readonly string[];
  readonly columns: readonly ColumnSpec[];
  /** The complete ordering, in words. */
  readonly order: string;
  readonly chart?: ChartSpec;
}

/** A template file whose header or body breaks the format; raised when the registry is built. */
export class TemplateDefinitionError extends Error {
  constructor(file: string, message: string) {
    super(`queries/${file}.sql: ${message}`);
    this.name = 'TemplateDefinitionError';
  }
}

/** A named value placeholder in a template body: `:start`. */
export const PLACEHOLDER = /(?<![:\w]):([a-z_][a-z0-9_]*)/g;
/** A line kept only when the log format has the column: `... -- if-column log_status`. */
export const IF_COLUMN = /\s*--\s*if-column\s+([a-z0-9_]+)\s*$/;
/** A line kept only when the log format lacks the column: `... -- if-no-column traffic_path`. */
export const IF_NO_COLUMN = /\s*--\s*if-no-column\s+([a-z0-9_]+)\s*$/;
/** The dialect hook: `{{cidr_contains(:src_cidr, srcaddr)}}`. */
export const CIDR_CONTAINS = /\{\{cidr_contains\(\s*:([a-z_][a-z0-9_]*)\s*,\s*([a-z_][a-z0-9_]*)\s*\)\}\}/g;

/** Template body lines that are SQL, with the end-of-line markers removed. */
function sqlLines(body: string): string[] {
  return body
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .map((line) => line.replace(IF_COLUMN, '').replace(IF_NO_COLUMN, ''));
}

/** The names of the value placeholders in a template's SQL, in order of appearance. */
export function placeholderNames(sql: string): string[] {
  return sqlLines(sql).flatMap((line) => [...line.matchAll(PLACEHOLDER)].map((m) => m[1]));
}

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PARAM_NAME = /^[a-z][a-z0-9_]*$/;
const TAG = /^--\s*@([a-z]+)(?:\s+(.*))?$/;
const SINGLE_TAGS = ['name', 'description', 'params', 'fields', 'order', 'chart'];
const RANGE = String.raw`(\d+)\.\.(\d+)`;
const PARAM_TYPES: ReadonlyArray<[RegExp, (m: RegExpExecArray) => Record<string, unknown>]> = [
  [new RegExp(`^integer ${RANGE}$`), (m) => ({ kind: 'integer', min: Number(m[1]), max: Number(m[2]) })],
  [
    new RegExp(`^integer-list ${RANGE} count ${RANGE}$`),
    (m) => ({ kind: 'integer-list', min: Number(m[1]), max: Number(m[2]), minCount: Number(m[3]), maxCount: Number(m[4]) }),
  ],
  [/^enum ([^\s|]+(?:\|[^\s|]+)*)$/, (m) => ({ kind: 'enum', values: m[1].split('|') })],
  [/^cidr$/, () => ({ kind: 'cidr' })],
  [new RegExp(`^cidr-list count ${RANGE}$`), (m) => ({ kind: 'cidr-list', minCount: Number(m[1]), maxCount: Number(m[2]) })],
];

/** Parses `@param <name> <type> <constraints> [default <value>] [required]: <description>`. */
function parseParam(file: string, text: string): ParamSpec {
  const fail = (why: string): never => {
    throw new TemplateDefinitionError(file, `@param ${text}: ${why}`);
  };
  const colon = text.indexOf(': ');
  if (colon < 0) fail("expected '<name> <type> <constraints> [default <value>] [required]: <description>'");
  const description = text.slice(colon + 2).trim();
  let declaration = text.slice(0, colon).trim().split(/\s+/);
  const name = declaration[0];
  if (!PARAM_NAME.test(name)) fail(`'${name}' is not a parameter name (lower case, digits and _)`);
  if (description === '') fail('the description is empty');
  const required = declaration.at(-1) === 'required';
  if (required) declaration = declaration.slice(0, -1);
  const defaultAt = declaration.indexOf('default');
  const defaultText = defaultAt < 0 ? undefined : declaration.slice(defaultAt + 1).join(' ');
  const typeText = declaration.slice(1, defaultAt < 0 ? undefined : defaultAt).join(' ');
  const type = PARAM_TYPES.map(([re, build]) => {
    const m = re.exec(typeText);
    return m && build(m);
  }).find((t) => t);
  if (!type) fail(`unknown type '${typeText}'; types: integer MIN..MAX, integer-list MIN..MAX count A..B, enum a|b|c, cidr, cidr-list count A..B`);
  const spec = { name, description, required, ...type } as ParamSpec;
  if ((spec.kind === 'integer' || spec.kind === 'integer-list') && spec.min > spec.max) fail(`the range ${spec.min}..${spec.max} is empty`);
  if ((spec.kind === 'integer-list' || spec.kind === 'cidr-list') && (spec.minCount < 1 || spec.minCount > spec.maxCount))
    fail('the count range must be A..B with 1 <= A <= B');
  if (spec.kind === 'enum' && new Set(spec.values.map((v) => v.toLowerCase())).size !== spec.values.length) fail('enum values differ only in case');
  if (defaultText === undefined) return spec;
  if (required) fail('a required parameter has no default');
  if (defaultText === '') fail("'default' needs a value");
  try {
    return { ...spec, default: checkDefault(spec, defaultText) } as ParamSpec;
  } catch (error) {
    return fail(`the default '${defaultText}' ${(error as Error).message}`);
  }
}

function words(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter((w) => w !== '');
}

/**
 * Splits a template file into its header and SQL body and parses the header.
 * @param file the file name without `.sql`, for messages.
 * @throws TemplateDefinitionError naming the file and what is wrong.
 */
export function parseTemplateFile(file: string, text: string): { header: TemplateHeader; body: string } {
  const lines = text.split('\n');
  const headerEnd = lines.findIndex((line) => !TAG.test(line.trim()));
  const bodyStart = headerEnd < 0 ? lines.length : headerEnd;
  const stray = lines.slice(bodyStart).findIndex((line) => TAG.test(line.trim()));
  if (stray >= 0) throw new TemplateDefinitionError(file, `line ${bodyStart + stray + 1}: a header line after the SQL began; the header comes first`);

  const single = new Map<string, string>();
  const ownParams: ParamSpec[] = [];
  const columns: ColumnSpec[] = [];
  for (const line of lines.slice(0, bodyStart)) {
    const [, tag, value = ''] = TAG.exec(line.trim()) as RegExpExecArray;
    const rest = value.trim();
    if (tag === 'param') ownParams.push(parseParam(file, rest));
    else if (tag === 'column') {
      const [name, type, ...extra] = words(rest);
      if (!PARAM_NAME.test(name ?? '') || extra.length > 0) throw new TemplateDefinitionError(file, `@column ${rest}: expected '<name> <type>'`);
      if (!COLUMN_TYPES.includes(type as ColumnType))
        throw new TemplateDefinitionError(file, `@column ${rest}: unknown type '${type}'; types: ${COLUMN_TYPES.join(', ')}`);
      if (columns.some((c) => c.name === name)) throw new TemplateDefinitionError(file, `@column ${name} appears twice`);
      columns.push({ name, type: type as ColumnType });
    } else if (SINGLE_TAGS.includes(tag)) {
      if (single.has(tag)) throw new TemplateDefinitionError(file, `@${tag} appears twice`);
      single.set(tag, rest);
    } else throw new TemplateDefinitionError(file, `unknown tag @${tag}; tags: @${[...SINGLE_TAGS, 'param', 'column'].sort().join(', @')}`);
  }
  for (const tag of ['name', 'description', 'params', 'fields', 'order']) {
    if (!single.get(tag)) throw new TemplateDefinitionError(file, `the header needs @${tag}`);
  }
  if (columns.length === 0) throw new TemplateDefinitionError(file, 'the header needs one @column per result column');

  const name = single.get('name') as string;
  if (!NAME.test(name)) throw new TemplateDefinitionError(file, `@name ${name}: lower case words joined by -`);
  const params = sharedParams(file, words(single.get('params')), ownParams);
  const fields = words(single.get('fields'));
  if (new Set(fields).size !== fields.length) throw new TemplateDefinitionError(file, '@fields names a field twice');
  const chart = single.has('chart') ? parseChart(file, single.get('chart') as string, columns) : undefined;
  const header: TemplateHeader = {
    name,
    description: single.get('description') as string,
    params,
    fields,
    columns,
    order: single.get('order') as string,
    ...(chart ? { chart } : {}),
  };
  return { header, body: lines.slice(bodyStart).join('\n') };
}

/** The shared parameters `@params` names, with `@param` overrides applied, then the template's own. */
function sharedParams(file: string, names: readonly string[], own: readonly ParamSpec[]): ParamSpec[] {
  const fail = (why: string): never => {
    throw new TemplateDefinitionError(file, why);
  };
  for (const n of ['start', 'end']) if (!names.includes(n)) fail(`@params must name ${n}: every template counts records in a time range`);
  const seen = new Set<string>();
  const result: ParamSpec[] = [];
  for (const n of names) {
    const shared =
      SHARED_PARAMS.get(n) ?? fail(`@params names '${n}', which is not a shared parameter (${[...SHARED_PARAMS.keys()].join(', ')}); declare it with @param`);
    if (seen.has(n)) fail(`@params names ${n} twice`);
    seen.add(n);
    result.push(shared);
  }
  const ownNames = own.map((p) => p.name);
  const twice = ownNames.find((n, i) => ownNames.indexOf(n) !== i);
  if (twice !== undefined) fail(`@param ${twice} is declared twice`);
  for (const spec of own) {
    const shared = SHARED_PARAMS.get(spec.name);
    if (shared) {
      if (shared.kind !== spec.kind) fail(`@param ${spec.name} overrides a shared ${shared.kind} parameter with a ${spec.kind}`);
      const merged = { ...spec, ...(shared.field ? { field: shared.field } : {}) };
      const at = result.findIndex((p) => p.name === spec.name);
      if (at >= 0) result[at] = merged;
      else result.push(merged);
    } else {
      if (spec.name === 'partition_from' || spec.name === 'partition_to') fail(`@param ${spec.name}: the renderer derives that name`);
      result.push(spec);
    }
  }
  return result;
}

function parseChart(file: string, text: string, columns: readonly ColumnSpec[]): ChartSpec {
  const [kind, value, ...labels] = words(text);
  if ((kind !== 'bars' && kind !== 'columns') || value === undefined || labels.length === 0) {
    throw new TemplateDefinitionError(file, `@chart ${text}: expected '<bars|columns> <value column> <label column> ...'`);
  }
  for (const c of [value, ...labels]) {
    if (!columns.some((col) => col.name === c)) throw new TemplateDefinitionError(file, `@chart names ${c}, which is not a @column`);
  }
  return { kind, value, labels };
}
