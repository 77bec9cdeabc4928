// What a template publishes about its result is what a run returns: the columns, in order, with
// their types, for every template, on the local engine, in both file formats.
import { join } from 'node:path';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { FIELDS } from '../../src/flowlog/fields.js';
import type { ParamSpec } from '../../src/queries/params.js';
import { renderQuery } from '../../src/queries/render.js';
import { describeTemplates, TEMPLATES } from '../../src/queries/templates.js';
import { writeSample } from '../../src/sample/generate.js';
import { useTempDir } from '../support/tmp.js';

const UNTIL = Date.UTC(2026, 10, 1) / 1000;
const DAY = { start: UNTIL - 86_400, end: UNTIL };
const ALL_FIELDS = FIELDS.map((f) => `\${${f.name}}`).join(' ');
const tmp = useTempDir();

/** A value each kind of parameter accepts, for the parameters a run must be given or may be given. */
function givenValue(spec: ParamSpec): unknown {
  switch (spec.kind) {
    case 'time':
      return DAY[spec.name as 'start' | 'end'];
    case 'integer':
      return spec.min;
    case 'integer-list':
      return [spec.min];
    case 'pattern':
      return spec.example;
    case 'enum':
      return spec.values[0];
    case 'cidr':
      return '0.0.0.0/0';
    case 'cidr-list':
      return ['10.0.0.0/8'];
    case 'protocol':
      return 'tcp';
  }
}

describe.each(['plain-text', 'parquet'] as const)('on %s files with every field', (fileFormat) => {
  test('every template returns exactly the columns it publishes, with and without its optional filters', async () => {
    const dir = join(tmp(), fileFormat);
    await writeSample({ out: dir, days: 1, records: 2000, seed: 9, until: UNTIL, logFormat: ALL_FIELDS, fileFormat });
    const engine = await LocalEngine.open({ location: dir });
    const target = engine.target;
    try {
      const published = new Map(describeTemplates(engine.source.logFormat).map((d) => [d.name, d]));
      for (const template of TEMPLATES.values()) {
        const required = Object.fromEntries(template.params.filter((p) => p.required).map((p) => [p.name, givenValue(p)]));
        const optional = Object.fromEntries(template.params.filter((p) => !p.required).map((p) => [p.name, givenValue(p)]));
        for (const params of [required, { ...required, ...optional }]) {
          const result = await engine.run(renderQuery(template, params, target));
          expect({ template: template.name, columns: result.columns }).toEqual({ template: template.name, columns: published.get(template.name)?.columns });
        }
        expect(published.get(template.name)?.supported).toBe(true);
      }
    } finally {
      await engine.close();
    }
  });
});
