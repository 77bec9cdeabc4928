import { UnknownQuery } from '../errors.js';
import { FIELD_BY_COLUMN, FIELD_BY_NAME } from '../flowlog/fields.js';
import type { LogFormat } from '../flowlog/format.js';
// Every file under queries/, by name without `.sql`: the bundler reads the folder (deploy/template-files.cjs).
import FILES from 'virtual:template-files';
import {
  CIDR_CONTAINS,
  IF_COLUMN,
  IF_NO_COLUMN,
  parseTemplateFile,
  placeholderNames,
  PLACEHOLDER,
  TemplateDefinitionError,
  type ChartSpec,
  type ColumnSpec,
  type TemplateHeader,
} from './header.js';
import { expandFilters, FILTERS_TOKEN, type BodyLine } from './filters.js';
import { paramsJsonSchema, type ValidationLimits } from './params.js';
import { nearest } from '../nearest.js';
import { shorten } from '../text.js';

/** One SQL template: the product's vocabulary, described by its own header. */
export interface Template extends TemplateHeader {
  /** The whole file: header and SQL with named placeholders (`:start`) and `{{table}}`, `{{limit}}`. */
  readonly sql: string;
  /** The SQL after the header, with the shared filter block (`{{filters}}`) written out. */
  readonly body: string;
}

/** Parameters a template uses that the renderer derives rather than the caller gives. */
export const DERIVED_PARAMS = ['partition_from', 'partition_to'] as const;
/** Derived for a template that takes `baseline_days`: the baseline's first second and its partition bounds. */
export const BASELINE_PARAMS = ['baseline_start', 'baseline_partition_from', 'baseline_partition_to'] as const;

const TOKEN = /\{\{[^}]*\}\}/g;

/**
 * Builds a template from its file: expands the shared filter block (`{{filters}}`) from the header's
 * parameters, then checks everything the header promises against the body.
 * @throws TemplateDefinitionError when the header is malformed, the name differs from the file, a
 * placeholder is undeclared or a declared parameter unused, or a field or column is unknown.
 */
export function buildTemplate(file: string, text: string): Template {
  const { header, body: written } = parseTemplateFile(file, text);
  const fail = (why: string): never => {
    throw new TemplateDefinitionError(file, why);
  };
  if (header.name !== file) fail(`@name ${header.name} differs from the file name ${file}`);
  // The checks below read the body as the renderer will: with the shared filter block written out.
  const lines = expandFilters(written, header.params, text.split('\n').length - written.split('\n').length + 1, fail);
  const body = lines.map((l) => l.text).join('\n');

  const declared = new Set(header.params.map((p) => p.name));
  const used = new Set(placeholderNames(body));
  const derived: readonly string[] = declared.has('baseline_days') ? [...DERIVED_PARAMS, ...BASELINE_PARAMS] : DERIVED_PARAMS;
  for (const name of used) {
    if (!declared.has(name) && !derived.includes(name)) fail(`the SQL uses :${name}, which the header does not declare`);
  }
  // A template that reads range and baseline in one scan filters from the baseline's first partition.
  if (!used.has('partition_to') || !(used.has('partition_from') || used.has('baseline_partition_from'))) {
    fail(`the SQL must filter partitions with dt BETWEEN :partition_from AND :partition_to`);
  }
  if (declared.has('baseline_days') && !used.has('baseline_start'))
    fail('the SQL must read the baseline from :baseline_start, since it declares baseline_days');
  for (const name of declared) {
    // baseline_days is read through the values derived from it (:baseline_start, ...).
    const isUsed = name === 'limit' ? body.includes('{{limit}}') : used.has(name) || (name === 'baseline_days' && used.has('baseline_start'));
    if (!isUsed) fail(`the header declares ${name}, which the SQL never uses`);
  }
  if (!declared.has('limit') && body.includes('{{limit}}')) fail('the SQL uses {{limit}}; add limit to @params');
  const sqlText = body.replace(CIDR_CONTAINS, '');
  for (const token of sqlText.match(TOKEN) ?? []) {
    if (token !== '{{table}}' && token !== '{{limit}}')
      fail(`unknown ${token}; the body may use {{table}}, {{limit}}, ${FILTERS_TOKEN} and {{cidr_contains(:param, column)}}`);
  }
  if (!body.includes('{{table}}')) fail('the SQL must read FROM {{table}}');

  for (const field of header.fields) if (!FIELD_BY_NAME.has(field)) fail(`@fields names '${field}', which is not a flow-log field`);
  checkColumnsDeclared(file, header, lines);
  return { ...header, sql: text, body };
}

/**
 * Checks that every flow-log column the SQL reads is covered: by `@fields`, by the filter whose
 * placeholder is on the same line (read only when given), or by the line's `if-column` marker. A
 * name the SQL itself defines as an alias (`... AS traffic_path` in a subquery) is not checked, since
 * later reads of it read the alias.
 */
function checkColumnsDeclared(file: string, header: TemplateHeader, lines: readonly BodyLine[]): void {
  const fields = new Set(header.fields);
  const aliases = new Set(lines.flatMap(({ text }) => [...text.matchAll(/\bAS\s+([a-z_][a-z0-9_]*)\b/gi)].map((m) => m[1])));
  const filterFields = new Map(header.params.filter((p) => p.field !== undefined).map((p) => [p.name, p.field as string]));
  for (const { text: line, line: number } of lines) {
    if (line.trimStart().startsWith('--')) continue;
    const allowed = new Set<string>();
    for (const marker of [IF_COLUMN, IF_NO_COLUMN]) {
      const m = marker.exec(line);
      if (m) {
        const field = FIELD_BY_COLUMN.get(m[1]) ?? fail(`line ${number}: '${m[1]}' in the if-column marker is not a flow-log column`);
        allowed.add(field.name);
      }
    }
    for (const m of line.matchAll(PLACEHOLDER)) {
      const field = filterFields.get(m[1]);
      if (field !== undefined) allowed.add(field);
    }
    const sql = line
      .replace(IF_COLUMN, '')
      .replace(IF_NO_COLUMN, '')
      .replace(/'(?:[^']|'')*'/g, "''")
      .replace(/"([a-z_][a-z0-9_]*)"/g, '$1')
      .replace(PLACEHOLDER, '?')
      .replace(/\bAS\s+[a-z_][a-z0-9_]*/gi, 'AS');
    for (const [word] of sql.matchAll(/(?<!\w)[a-z_][a-z0-9_]*\b/g)) {
      const field = FIELD_BY_COLUMN.get(word);
      if (field && !fields.has(field.name) && !allowed.has(field.name) && !aliases.has(word)) {
        fail(`line ${number} reads ${word}, but @fields does not name ${field.name}`);
      }
    }
  }

  function fail(why: string): never {
    throw new TemplateDefinitionError(file, why);
  }
}

/** The templates by name, in file-name order: the part of a map that {@link TEMPLATES} offers. */
export interface TemplateLibrary {
  readonly size: number;
  has(name: string): boolean;
  get(name: string): Template | undefined;
  keys(): IterableIterator<string>;
  values(): IterableIterator<Template>;
}

/**
 * Every template, each built from its file the first time it is asked for: a query function builds
 * the one it runs, not all twenty at its start (about 9 ms of its 45 ms import). The tests build
 * them all, so a broken file fails there.
 */
export const TEMPLATES: TemplateLibrary = (() => {
  const names = Object.keys(FILES).sort();
  const built = new Map<string, Template>();
  const has = (name: string): boolean => Object.hasOwn(FILES, name);
  const get = (name: string): Template | undefined => {
    if (!has(name)) return undefined;
    let template = built.get(name);
    if (template === undefined) built.set(name, (template = buildTemplate(name, FILES[name])));
    return template;
  };
  return {
    size: names.length,
    has,
    get,
    keys: () => names.values(),
    *values() {
      for (const name of names) yield get(name)!;
    },
  };
})();

/**
 * The template with this name.
 * @throws UnknownQuery suggesting the nearest name, or listing the known ones when none is near.
 */
export function getTemplate(name: string): Template {
  const template = TEMPLATES.get(name);
  if (template) return template;
  const near = nearest(name, TEMPLATES.keys());
  throw new UnknownQuery(
    near === undefined
      ? `unknown query '${shorten(name)}'; known queries: ${[...TEMPLATES.keys()].join(', ')}`
      : `unknown query '${shorten(name)}'; did you mean ${near}?`,
  );
}

/** The fields a template needs that a log format lacks, as the format names them. */
export function missingFields(template: Template, format: LogFormat): string[] {
  const present = new Set(format.fields.map((f) => f.name));
  return template.fields.filter((f) => !present.has(f));
}

/** One template as `GET /queries` and `flowq queries --output json` publish it. */
export interface QueryDescription {
  readonly name: string;
  readonly description: string;
  /** JSON Schema (2020-12) of the `params` object the template takes. */
  readonly params: Record<string, unknown>;
  /** The result columns, in order, with Athena type names: what a run returns. */
  readonly columns: readonly ColumnSpec[];
  /** The log-format fields the template needs (a filter's field only when the filter is given). */
  readonly fields: readonly string[];
  readonly order: string;
  readonly chart?: ChartSpec;
  /** Whether the configured log format has every field the template needs. */
  readonly supported: boolean;
  /** The needed fields the configured log format lacks. */
  readonly missingFields: readonly string[];
}

/** Every template as published for a log format and the configured limits: one list for the API and the CLI. */
export function describeTemplates(format: LogFormat, limits?: ValidationLimits): QueryDescription[] {
  return [...TEMPLATES.values()].map((t) => {
    const missing = missingFields(t, format);
    return {
      name: t.name,
      description: t.description,
      params: paramsJsonSchema(t.params, limits),
      columns: t.columns,
      fields: t.fields,
      order: t.order,
      ...(t.chart ? { chart: t.chart } : {}),
      supported: missing.length === 0,
      missingFields: missing,
    };
  });
}
