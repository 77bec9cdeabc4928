import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { InvalidConfiguration, InvalidParameter } from '../../src/errors.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../../src/flowlog/format.js';
import { DERIVED_PARAMS, placeholderNames, renderQuery, type RenderTarget } from '../../src/queries/render.js';
import { sqlStringLiteral } from '../../src/sql.js';
import { TEMPLATES } from '../../src/queries/templates.js';

const TARGET: RenderTarget = { table: 'flow_logs', layout: { hiveCompatiblePartitions: false, perHourPartition: false }, logFormat: DEFAULT_LOG_FORMAT, lateMarginSeconds: 600 };
const DAY = { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z' };

describe('templates', () => {
  it('are one file each under queries/, named like the template', () => {
    const files = readdirSync('queries').filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
    expect(files.sort()).toEqual([...TEMPLATES.keys()].sort());
    for (const t of TEMPLATES.values()) expect(readFileSync(`queries/${t.name}.sql`, 'utf8')).toBe(t.sql);
  });

  it('declare every placeholder they use and use every parameter they declare', () => {
    for (const t of TEMPLATES.values()) {
      const used = new Set(placeholderNames(t.sql));
      const declared = new Set([...t.params.map((p) => p.name).filter((n) => n !== 'limit'), ...DERIVED_PARAMS]);
      expect({ template: t.name, used: [...used].sort() }).toEqual({ template: t.name, used: [...declared].sort() });
      expect(t.sql).toContain('{{limit}}');
      expect(t.sql).toContain('FROM {{table}}');
      expect(t.sql).toMatch(/WHERE dt BETWEEN :partition_from AND :partition_to/);
    }
  });

  it('avoid the constructs that differ between Trino and DuckDB', () => {
    for (const t of TEMPLATES.values()) {
      const sql = t.sql.replace(/--.*$/gm, '');
      expect(sql).not.toMatch(/\bconcat\s*\(|\bSTRING\b|::|\bsubstr\s*\(|\bregexp_extract\s*\(|\bapprox_/i);
      expect(sql).not.toMatch(/LIMIT\s+[?:]/);
      // Every sum is cast, since Trino and DuckDB give it different types.
      expect(sql.match(/sum\(/gi)?.length ?? 0).toBe(sql.match(/CAST\(sum\(/gi)?.length ?? 0);
      expect(sql).toMatch(/ORDER BY .*,.*ASC/);
    }
  });
});

describe('renderQuery', () => {
  it('renders top-talkers with positional values, the partition predicate and the limit inlined', () => {
    const q = renderQuery('top-talkers', { ...DAY, limit: 5, action: 'ACCEPT' }, TARGET);
    expect(q.sql).toBe(`SELECT
  srcaddr,
  dstaddr,
  CAST(sum(bytes) AS BIGINT) AS bytes,
  CAST(sum(packets) AS BIGINT) AS packets,
  count(*) AS flows,
  min(start) AS first_seen,
  max("end") AS last_seen
FROM flow_logs
WHERE dt BETWEEN ? AND ?
  AND start >= ? AND start < ?
  AND bytes IS NOT NULL
  AND log_status = 'OK'
  AND action = ?
GROUP BY srcaddr, dstaddr
ORDER BY bytes DESC, srcaddr ASC, dstaddr ASC
LIMIT 5`);
    expect(q.values).toEqual([
      { type: 'varchar', value: '2026/11/26' }, { type: 'varchar', value: '2026/11/27' },
      { type: 'bigint', value: 1795651200 }, { type: 'bigint', value: 1795737600 }, { type: 'varchar', value: 'ACCEPT' },
    ]);
    expect(q.executionParameters).toEqual(["'2026/11/26'", "'2026/11/27'", '1795651200', '1795737600', "'ACCEPT'"]);
    expect(q.params).toEqual({ ...DAY, limit: 5, action: 'ACCEPT' });
    expect(q.partitions).toEqual({ from: '2026/11/26', to: '2026/11/27' });
  });

  it('drops the log-status condition for a format without that field', () => {
    const format = parseLogFormat('${interface-id} ${srcaddr} ${dstaddr} ${bytes} ${packets} ${start} ${end}');
    const q = renderQuery('eni-bytes', DAY, { ...TARGET, logFormat: format });
    expect(q.sql).not.toContain('log_status');
    expect(q.sql).toContain('AND bytes IS NOT NULL');
  });

  it('refuses a template or filter whose fields the format lacks', () => {
    const format = parseLogFormat('${srcaddr} ${dstaddr} ${bytes} ${packets} ${start} ${end}');
    expect(() => renderQuery('top-talkers', { ...DAY, interface_id: 'eni-0123456789abcdef0' }, { ...TARGET, logFormat: format })).toThrow(
      new InvalidParameter([{ param: 'interface_id', message: 'the log format has no interface-id field to filter on' }]),
    );
    expect(() => renderQuery('eni-bytes', DAY, { ...TARGET, logFormat: format })).toThrow('eni-bytes needs fields the log format lacks: interface-id');
  });

  it('refuses a table name that is not a plain identifier', () => {
    for (const table of ['Flow_Logs', 'flow-logs', 'x; DROP TABLE y', '', 'a'.repeat(256)]) {
      expect(() => renderQuery('eni-bytes', DAY, { ...TARGET, table })).toThrow(InvalidConfiguration);
    }
  });

  it('quotes Athena literals by doubling quotes', () => {
    expect(sqlStringLiteral("it's")).toBe("'it''s'");
    expect(sqlStringLiteral("''; DROP TABLE t; --")).toBe("'''''; DROP TABLE t; --'");
  });

  it('never lets a value into the SQL text, and gives every ? exactly one value', () => {
    const hostile = fc.oneof(fc.string(), fc.constantFrom("'; DROP TABLE flow_logs; --", "eni-1' OR '1'='1", '/* */', 'ACCEPT\' --', '1; SELECT 1', '$${table}', '{{table}}', ':start'));
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATES.keys()), hostile, hostile, hostile, hostile, fc.option(hostile), (name, start, end, iface, action, limit) => {
        const raw: Record<string, unknown> = { start, end, interface_id: iface, action };
        if (limit !== null) raw.limit = limit;
        let q;
        try {
          q = renderQuery(name, raw, TARGET);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidParameter);
          return;
        }
        const baseline = renderQuery(name, { start: 1, end: 2, interface_id: 'eni-00000000', action: 'ACCEPT' }, TARGET).sql;
        expect(q.sql.replace(/LIMIT \d+$/, '')).toBe(baseline.replace(/LIMIT \d+$/, ''));
        expect(q.sql.split('?').length - 1).toBe(q.values.length);
        expect(q.executionParameters).toHaveLength(q.values.length);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps even valid filter and time values out of the SQL text', () => {
    const q = renderQuery('top-talkers', { ...DAY, interface_id: 'eni-0123456789abcdef0' }, TARGET);
    expect(q.sql).not.toContain('eni-');
    expect(q.sql).not.toContain('1795651200');
  });
});
