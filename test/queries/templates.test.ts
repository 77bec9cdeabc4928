import { readdirSync, readFileSync } from 'node:fs';
import { FIELD_BY_NAME } from '../../src/flowlog/fields.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../../src/flowlog/format.js';
import { TemplateDefinitionError } from '../../src/queries/header.js';
import { SHARED_PARAMS } from '../../src/queries/params.js';
import { buildTemplate, describeTemplates, getTemplate, TEMPLATES } from '../../src/queries/templates.js';

const FILES = readdirSync('queries')
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.replace(/\.sql$/, ''))
  .sort();

/** Named placeholders in SQL text, found apart from the registry's own scanner: `:name` outside comments and strings. */
function placeholdersIn(body: string): Set<string> {
  const sql = body
    .split('\n')
    .map((line) => line.replace(/--.*$/, '').replace(/'[^']*'/g, "''"))
    .join('\n');
  return new Set([...sql.matchAll(/(?<![\w:]):([a-z_][a-z0-9_]*)/g)].map((m) => m[1]));
}

describe('every template file', () => {
  it('is in the registry under its file name, with its whole text', () => {
    expect([...TEMPLATES.keys()]).toEqual(FILES);
    for (const name of FILES) expect(getTemplate(name).sql).toBe(readFileSync(`queries/${name}.sql`, 'utf8'));
    expect([...TEMPLATES.values()].map((t) => t.name)).toEqual(FILES);
    expect(TEMPLATES.size).toBe(FILES.length);
  });

  it('is the only thing the registry answers for: a name no file has, an object key among them, is unknown', () => {
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'top-talkers.sql', '']) {
      expect([name, TEMPLATES.has(name), TEMPLATES.get(name)]).toEqual([name, false, undefined]);
      expect(() => getTemplate(name)).toThrow(/unknown query/);
    }
  });

  it.each(FILES)('%s declares every placeholder it uses and uses every parameter it declares', (name) => {
    const { params, body } = getTemplate(name);
    const declared = params.map((p) => p.name).filter((n) => n !== 'limit');
    const used = placeholdersIn(body);
    if (declared.includes('baseline_days')) {
      // A template that compares with a baseline reads the days before start through the values derived from it,
      // in its own subquery (between its own partition bounds) or in one scan from the baseline's first partition.
      const derived = ['baseline_start', 'partition_to', ...(used.has('partition_from') ? ['partition_from', 'baseline_partition_to'] : [])];
      // baseline_days itself is needed only where the SQL turns the baseline's bytes into a daily mean.
      const own = declared.filter((n) => n !== 'baseline_days' || used.has('baseline_days'));
      expect([...used].sort()).toEqual([...own, 'baseline_partition_from', ...derived].sort());
      expect(body).toMatch(/WHERE dt BETWEEN :(baseline_)?partition_from AND :partition_to/);
      expect(body).toMatch(/start >= :baseline_start AND start < :start/);
    } else {
      expect([...used].sort()).toEqual([...declared, 'partition_from', 'partition_to'].sort());
      expect(body).toMatch(/WHERE dt BETWEEN :partition_from AND :partition_to/);
    }
    expect(body.includes('{{limit}}')).toBe(params.some((p) => p.name === 'limit'));
    expect(body).toContain('FROM {{table}}');
  });

  it.each(FILES)('%s needs only documented fields and publishes typed columns', (name) => {
    const t = getTemplate(name);
    for (const field of t.fields) expect(FIELD_BY_NAME.has(field)).toBe(true);
    expect(t.columns.length).toBeGreaterThan(0);
    expect(t.params.slice(0, 2).map((p) => p.name)).toEqual(['start', 'end']);
  });

  it.each(FILES)('%s avoids the constructs that differ between Trino and DuckDB', (name) => {
    const sql = getTemplate(name).body.replace(/--.*$/gm, '');
    expect(sql).not.toMatch(/\bconcat\s*\(|\bSTRING\b|::|\bsubstr\s*\(|\bregexp_extract\s*\(|\bapprox_/i);
    expect(sql).not.toMatch(/LIMIT\s+[?:]/);
    // Every sum is cast, since Trino and DuckDB give it different types.
    expect(sql.match(/sum\(/gi)?.length ?? 0).toBe(sql.match(/CAST\(sum\(/gi)?.length ?? 0);
    expect(sql).toMatch(/\bORDER BY\b/);
  });
});

describe('the shared parameters of the three original templates', () => {
  it('include the protocol and both CIDR filters, and vpc_id and subnet_id', () => {
    for (const name of ['top-talkers', 'rejected-ports', 'eni-bytes']) {
      expect(getTemplate(name).params.map((p) => p.name)).toEqual(
        expect.arrayContaining(['interface_id', 'vpc_id', 'subnet_id', 'protocol', 'src_cidr', 'dst_cidr']),
      );
    }
  });
});

const VALID = `-- @name demo
-- @description A demo
-- @params start end limit protocol
-- @param ports integer-list 0..65535 count 1..3 default 22,3389: Destination ports
-- @fields dstport protocol start
-- @column dstport integer
-- @column flows bigint
-- @order flows desc, dstport
-- @chart bars flows dstport
SELECT dstport, count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND protocol = :protocol
  AND dstport IN (:ports)
GROUP BY dstport
ORDER BY flows DESC, dstport ASC
LIMIT {{limit}}`;

describe('buildTemplate', () => {
  it('reads every header tag into the template', () => {
    const t = buildTemplate('demo', VALID);
    expect({ ...t, params: t.params.map((p) => p.name) }).toEqual({
      name: 'demo',
      description: 'A demo',
      params: ['start', 'end', 'limit', 'protocol', 'ports'],
      fields: ['dstport', 'protocol', 'start'],
      columns: [
        { name: 'dstport', type: 'integer' },
        { name: 'flows', type: 'bigint' },
      ],
      order: 'flows desc, dstport',
      chart: { kind: 'bars', value: 'flows', labels: ['dstport'] },
      sql: VALID,
      body: VALID.split('\n').slice(9).join('\n'),
    });
    expect(t.params[4]).toEqual({
      name: 'ports',
      kind: 'integer-list',
      min: 0,
      max: 65535,
      minCount: 1,
      maxCount: 3,
      default: [22, 3389],
      required: false,
      description: 'Destination ports',
    });
    expect(t.params[3]).toBe(SHARED_PARAMS.get('protocol'));
  });

  it('applies a header override of a shared parameter and keeps its field', () => {
    const t = buildTemplate('demo', VALID.replace('-- @param ports', '-- @param limit integer 1..1000 default 1000: Most rows\n-- @param ports'));
    expect(t.params.find((p) => p.name === 'limit')).toEqual({
      name: 'limit',
      kind: 'integer',
      min: 1,
      max: 1000,
      default: 1000,
      required: false,
      description: 'Most rows',
    });
  });

  it.each([
    ['a name that differs from the file', VALID.replace('@name demo', '@name other'), '@name other differs from the file name demo'],
    [
      'an undeclared placeholder',
      VALID.replace('dstport IN (:ports)', 'dstport IN (:ports) AND srcport = :srcport'),
      'the SQL uses :srcport, which the header does not declare',
    ],
    ['a declared parameter never used', VALID.replace('  AND protocol = :protocol\n', ''), 'the header declares protocol, which the SQL never uses'],
    ['limit declared and never used', VALID.replace('LIMIT {{limit}}', ''), 'the header declares limit, which the SQL never uses'],
    ['an unknown field', VALID.replace('@fields dstport', '@fields dst-port dstport'), "@fields names 'dst-port', which is not a flow-log field"],
    [
      'a column read without its field',
      VALID.replace('@fields dstport protocol start', '@fields dstport protocol'),
      'line 13 reads start, but @fields does not name start',
    ],
    ['an unknown parameter type', VALID.replace('integer-list 0..65535 count 1..3', 'port-list'), "unknown type 'port-list'"],
    ['an unknown column type', VALID.replace('@column flows bigint', '@column flows long'), "unknown type 'long'"],
    ['an unknown tag', VALID.replace('@order', '@sort'), 'unknown tag @sort'],
    ['a missing tag', VALID.replace('-- @order flows desc, dstport\n', ''), 'the header needs @order'],
    ['a tag given twice', VALID.replace('-- @order', '-- @description Again\n-- @order'), '@description appears twice'],
    ['an unknown shared parameter', VALID.replace('@params start end', '@params start end colour'), "@params names 'colour', which is not a shared parameter"],
    ['a bad default', VALID.replace('default 22,3389', 'default 22,70000'), "the default '22,70000' must be 1 to 3 whole numbers from 0 to 65535"],
    ['a default and required together', VALID.replace('default 22,3389', 'default 22 required'), 'a required parameter has no default'],
    ['a parameter without a description', VALID.replace('default 22,3389: Destination ports', 'default 22,3389'), "expected '<name> <type>"],
    ['a chart of an unknown column', VALID.replace('@chart bars flows dstport', '@chart bars bytes dstport'), '@chart names bytes, which is not a @column'],
    ['a header line inside the SQL', `${VALID}\n-- @column late varchar`, 'a header line after the SQL began'],
    ['an unknown template token', VALID.replace('FROM {{table}}', 'FROM {{database}}.{{table}}'), 'unknown {{database}}'],
    ['no time range', VALID.replace('@params start end limit', '@params limit'), '@params must name start'],
  ])('refuses %s, naming the file and the problem', (_case, text, message) => {
    expect(() => buildTemplate('demo', text)).toThrow(TemplateDefinitionError);
    expect(() => buildTemplate('demo', text)).toThrow(`queries/demo.sql: `);
    expect(() => buildTemplate('demo', text)).toThrow(message);
  });

  it('does not count reads of a name the SQL defines as an alias, even one named like a field', () => {
    const text = VALID.replace(
      'SELECT dstport, count(*) AS flows\nFROM {{table}}',
      'SELECT dstport, count(*) AS flows\nFROM (SELECT dstport, 0 AS traffic_path, start FROM {{table}})',
    ).replace('GROUP BY dstport', '  AND traffic_path = 0\nGROUP BY dstport');
    expect(buildTemplate('demo', text).fields).toEqual(['dstport', 'protocol', 'start']);
    expect(() => buildTemplate('demo', text.replace('0 AS traffic_path', 'traffic_path'))).toThrow(
      'reads traffic_path, but @fields does not name traffic-path',
    );
  });

  it('accepts a column read only on a filter line or a line marked for that column', () => {
    const text = VALID.replace('  AND protocol = :protocol\n', '  AND protocol = :protocol\n  AND vpc_id IS NOT NULL -- if-column vpc_id\n').replace(
      '@params start end limit protocol',
      '@params start end limit protocol vpc_id',
    );
    expect(() => buildTemplate('demo', text)).toThrow('the header declares vpc_id, which the SQL never uses');
    const withFilter = text.replace(
      '  AND vpc_id IS NOT NULL -- if-column vpc_id\n',
      '  AND vpc_id = :vpc_id\n  AND subnet_id IS NOT NULL -- if-column subnet_id\n',
    );
    expect(buildTemplate('demo', withFilter).fields).toEqual(['dstport', 'protocol', 'start']);
  });
});

const FILTERED = `-- @name demo
-- @description A demo
-- @params start end vpc_id action src_cidr
-- @fields bytes start
-- @column flows bigint
-- @order flows
SELECT count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND {{filters}}
  AND bytes > 0
ORDER BY flows`;

describe('the shared filter block', () => {
  it('writes the record conditions, then one condition per filter of @params in header order, each after the text before {{filters}}', () => {
    expect(buildTemplate('demo', FILTERED).body).toBe(`SELECT count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND bytes IS NOT NULL
  AND log_status = 'OK' -- if-column log_status
  AND vpc_id = :vpc_id
  AND action = :action
  AND {{cidr_contains(:src_cidr, srcaddr)}}
  AND bytes > 0
ORDER BY flows`);
  });

  it('keeps only the record conditions when @params names no filter', () => {
    const text = FILTERED.replace('@params start end vpc_id action src_cidr', '@params start end');
    expect(buildTemplate('demo', text).body.split('\n').slice(4, 7)).toEqual([
      '  AND bytes IS NOT NULL',
      "  AND log_status = 'OK' -- if-column log_status",
      '  AND bytes > 0',
    ]);
  });

  it('names the lines of the file, not of the expanded body, in what it refuses', () => {
    expect(() => buildTemplate('demo', FILTERED.replace('  AND bytes > 0', '  AND dstport > 0'))).toThrow(
      'queries/demo.sql: line 12 reads dstport, but @fields does not name dstport',
    );
    expect(() => buildTemplate('demo', FILTERED.replace('  AND {{filters}}', '  AND {{filters}} AND bytes > 1'))).toThrow(
      'queries/demo.sql: line 11: {{filters}} ends its line; write other conditions on lines of their own',
    );
  });

  it('reads each filter of the catalogue from a flow-log field, one value each (the block compares with = or a network)', () => {
    const filters = [...SHARED_PARAMS.values()].filter((p) => p.field !== undefined);
    expect(filters.map((p) => [p.name, FIELD_BY_NAME.has(p.field as string), p.kind.endsWith('-list')])).toEqual(filters.map((p) => [p.name, true, false]));
  });
});

describe('describeTemplates', () => {
  it('says which templates a log format supports and which fields it lacks', () => {
    const noInterface = parseLogFormat('${srcaddr} ${dstaddr} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action}');
    const published = describeTemplates(noInterface).filter((d) => ['eni-bytes', 'rejected-ports', 'top-talkers'].includes(d.name));
    expect(published.map((d) => [d.name, d.supported, d.missingFields])).toEqual([
      ['eni-bytes', false, ['interface-id']],
      ['rejected-ports', true, []],
      ['top-talkers', true, []],
    ]);
  });

  it('publishes each template from its header', () => {
    const first = describeTemplates(DEFAULT_LOG_FORMAT, { maxRangeDays: 7 }).find((d) => d.name === 'eni-bytes');
    const t = getTemplate('eni-bytes');
    expect(first).toEqual({
      name: t.name,
      description: t.description,
      params: expect.objectContaining({ type: 'object', required: ['start', 'end'], additionalProperties: false }) as Record<string, unknown>,
      columns: t.columns,
      fields: t.fields,
      order: t.order,
      chart: t.chart,
      supported: true,
      missingFields: [],
    });
    expect(JSON.stringify(first?.params)).toContain('at most 7 days after it');
  });
});
