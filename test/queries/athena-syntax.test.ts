// Athena syntax, checked offline: every template in the registry, rendered in every variant, is
// parsed exactly as Athena would run it (each positional ? replaced by its execution-parameter
// literal, as Athena substitutes them) with a Trino grammar. DuckDB accepts things Athena refuses
// (`max(end)` unquoted, aliases in GROUP BY), so only this catches them before a deploy.
import { TrinoSQL } from 'dt-sql-parser';
import { athenaQueryText } from '../../src/engines/athena.js';
import { FIELDS } from '../../src/flowlog/fields.js';
import { DEFAULT_LOG_FORMAT_TEXT, parseLogFormat } from '../../src/flowlog/format.js';
import type { ParamSpec } from '../../src/queries/params.js';
import { renderQuery, type RenderedQuery, type RenderTarget } from '../../src/queries/render.js';
import { missingFields, TEMPLATES, type Template } from '../../src/queries/templates.js';

const parser = new TrinoSQL();

/** The SQL text Athena runs (with the parameters' digest): each `?` outside a string literal replaced, in order, by its literal. */
function athenaText(query: RenderedQuery): string {
  let next = 0;
  const text = athenaQueryText(query).replace(/'(?:[^']|'')*'|\?/g, (token) => (token === '?' ? query.executionParameters[next++] : token));
  expect(next).toBe(query.executionParameters.length);
  return text;
}

const FORMATS = {
  'the default format': DEFAULT_LOG_FORMAT_TEXT,
  'a format without log-status':
    '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action}',
  'every field (version 8)': FIELDS.map((f) => `\${${f.name}}`).join(' '),
  'every field but log-status': FIELDS.filter((f) => f.name !== 'log-status')
    .map((f) => `\${${f.name}}`)
    .join(' '),
};
const LAYOUTS = [
  { hiveCompatiblePartitions: false, perHourPartition: false },
  { hiveCompatiblePartitions: true, perHourPartition: true },
];
const FILE_FORMATS = ['plain-text', 'parquet'] as const;
const DAY = { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z' };

/** A value each kind of parameter accepts, chosen to include quotes and lists where a kind allows them. */
function givenValue(spec: ParamSpec): unknown {
  switch (spec.kind) {
    case 'time':
      return DAY[spec.name as 'start' | 'end'];
    case 'integer':
      return spec.max;
    case 'integer-list':
      return Array.from({ length: spec.maxCount }, (_, i) => spec.min + i);
    case 'pattern':
      return spec.example;
    case 'enum':
      return spec.values.at(-1);
    case 'cidr':
      return '2001:db8::/32';
    case 'cidr-list':
      return ['10.0.0.0/8', '2001:db8::/32', 'fc00::/7'];
    case 'protocol':
      return 'icmpv6';
  }
}

/** The parameter sets a template is rendered with: no optional filter, each alone, all together. */
function variants(template: Template): Record<string, unknown>[] {
  const required = Object.fromEntries(template.params.filter((p) => p.required).map((p) => [p.name, givenValue(p)]));
  const optional = template.params.filter((p) => !p.required);
  return [
    required,
    ...optional.map((p) => ({ ...required, [p.name]: givenValue(p) })),
    { ...required, ...Object.fromEntries(optional.map((p) => [p.name, givenValue(p)])) },
  ];
}

describe.each(Object.entries(FORMATS))('in %s', (_formatName, formatText) => {
  const logFormat = parseLogFormat(formatText);
  const supported = [...TEMPLATES.values()].filter((t) => missingFields(t, logFormat).length === 0);

  test.each(supported.map((t) => [t.name, t] as const))('%s parses as Trino SQL in every variant', (_name, template) => {
    const failures: unknown[] = [];
    let rendered = 0;
    for (const layout of LAYOUTS) {
      for (const fileFormat of FILE_FORMATS) {
        const target: RenderTarget = {
          table: 'flow_logs',
          layout: { ...layout, fileFormat },
          logFormat,
          lateMarginSeconds: 600,
          dialect: 'athena',
        } as RenderTarget;
        for (const params of variants(template)) {
          const filterFields = template.params.filter((p) => p.field !== undefined && params[p.name] !== undefined).map((p) => p.field);
          if (filterFields.some((f) => !logFormat.fields.some((field) => field.name === f))) continue;
          const sql = athenaText(renderQuery(template, params, target));
          rendered++;
          const errors = parser.validate(sql);
          if (errors.length > 0) failures.push({ params, sql, errors: errors.map((e) => `${e.startLine}:${e.startColumn} ${e.message}`) });
        }
      }
    }
    expect(failures).toEqual([]);
    expect(rendered).toBeGreaterThanOrEqual(LAYOUTS.length * FILE_FORMATS.length);
  });
});

describe('the Trino grammar', () => {
  test('refuses what Athena refuses and DuckDB accepts, so the check above can fail', () => {
    expect(parser.validate('SELECT max(end) AS last_seen FROM flow_logs')).not.toEqual([]);
    expect(parser.validate('SELECT count(*) AS end FROM flow_logs')).not.toEqual([]);
    expect(parser.validate('SELECT max("end") AS last_seen FROM flow_logs LIMIT 10')).toEqual([]);
  });
});
