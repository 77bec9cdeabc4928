// The exact SQL text and bound values of every template, in every variant a caller can ask for: no optional
// parameter, each one alone, all of them; for both dialects; over a log format with every field and over the default
// one. Any change to how templates are written or built shows here as a diff of the fixture, to be explained.
// To rewrite the fixtures after an intended change: FLOWQ_WRITE_FIXTURES=1 and run this file.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { FIELDS } from '../../src/flowlog/fields.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat, type LogFormat } from '../../src/flowlog/format.js';
import type { ParamSpec } from '../../src/queries/params.js';
import { renderQuery, type Dialect, type RenderTarget } from '../../src/queries/render.js';
import { TEMPLATES, type Template } from '../../src/queries/templates.js';

const FIXTURES = new URL('../fixtures/queries/rendered/', import.meta.url);
const RANGE = { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z' };
const EVERY_FIELD = parseLogFormat(FIELDS.map((f) => `\${${f.name}}`).join(' '));
const DIALECTS: readonly Dialect[] = ['athena', 'duckdb'];

/** A value for a parameter that differs from its default, so that a variant that gives it is a variant. */
function sampleValue(spec: ParamSpec): unknown {
  switch (spec.kind) {
    case 'time':
      return RANGE[spec.name as 'start' | 'end'];
    case 'integer':
      return spec.default === spec.min ? spec.min + 1 : spec.min;
    case 'integer-list':
      return [spec.min, spec.max];
    case 'pattern':
      return spec.example;
    case 'enum':
      return spec.values.find((v) => v !== spec.default);
    case 'cidr':
      return '10.1.0.0/16';
    case 'cidr-list':
      return ['10.0.0.0/8', 'fc00::/7'];
    case 'protocol':
      return 'udp';
  }
}

/** The variants of a template's parameters: the required ones always, then none, each and all of the optional ones. */
function variants(template: Template): [string, Record<string, unknown>][] {
  const given = (specs: readonly ParamSpec[]) => Object.fromEntries(specs.map((s) => [s.name, sampleValue(s)]));
  const required = given(template.params.filter((s) => s.required));
  const optional = template.params.filter((s) => !s.required);
  return [
    ['no optional parameter', required],
    ...optional.map((s): [string, Record<string, unknown>] => [`${s.name} alone`, { ...required, ...given([s]) }]),
    ['every optional parameter', { ...required, ...given(optional) }],
  ];
}

function renderOne(template: Template, params: Record<string, unknown>, logFormat: LogFormat, dialect: Dialect): string {
  const target: RenderTarget = {
    table: 'flow_logs',
    layout: { hiveCompatiblePartitions: false, perHourPartition: false },
    logFormat,
    lateMarginSeconds: 600,
    dialect,
  };
  try {
    const q = renderQuery(template, params, target);
    return `${q.sql}\n-- values: ${JSON.stringify(q.values)}\n-- Athena: ${JSON.stringify(q.executionParameters)}`;
  } catch (error) {
    return `-- refused: ${(error as Error).message}`;
  }
}

/** Every rendering of one template, as one text. */
function renderAll(template: Template): string {
  const sections: string[] = [];
  for (const [formatName, format, all] of [
    ['every field', EVERY_FIELD, true],
    ['the default format', DEFAULT_LOG_FORMAT, false],
  ] as const) {
    // The default format only without options: it shows the lines its missing columns drop.
    for (const [variant, params] of all ? variants(template) : variants(template).slice(0, 1)) {
      for (const dialect of DIALECTS) {
        sections.push(`==== ${template.name}, ${variant}, ${formatName}, ${dialect}\n${renderOne(template, params, format, dialect)}\n`);
      }
    }
  }
  return sections.join('\n');
}

const write = process.env.FLOWQ_WRITE_FIXTURES === '1';
if (write) mkdirSync(FIXTURES, { recursive: true });

describe('the rendered SQL of every template variant', () => {
  it.each([...TEMPLATES.keys()])('%s renders as its fixture records', (name) => {
    const text = renderAll(TEMPLATES.get(name) as Template);
    const file = new URL(`${name}.txt`, FIXTURES);
    if (write) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('has a fixture for every template and none for a template that is gone', () => {
    const fixtures = readdirSync(FIXTURES)
      .map((f) => f.replace(/\.txt$/, ''))
      .sort();
    expect(fixtures).toEqual([...TEMPLATES.keys()].sort());
  });
});
