import fc from 'fast-check';
import { InvalidConfiguration, InvalidParameter } from '../../src/errors.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../../src/flowlog/format.js';
import { cidrContainsSql } from '../../src/queries/dialect.js';
import { renderQuery, type RenderTarget } from '../../src/queries/render.js';
import { buildTemplate, TEMPLATES } from '../../src/queries/templates.js';
import { sqlStringLiteral } from '../../src/sql.js';

const TARGET: RenderTarget = {
  table: 'flow_logs',
  layout: { hiveCompatiblePartitions: false, perHourPartition: false },
  logFormat: DEFAULT_LOG_FORMAT,
  lateMarginSeconds: 600,
  dialect: 'athena',
};
const DAY = { start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z' };

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
      { type: 'varchar', value: '2026/11/26' },
      { type: 'varchar', value: '2026/11/27' },
      { type: 'bigint', value: 1795651200 },
      { type: 'bigint', value: 1795737600 },
      { type: 'varchar', value: 'ACCEPT' },
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
    const hostile = fc.oneof(
      fc.string(),
      fc.constantFrom("'; DROP TABLE flow_logs; --", "eni-1' OR '1'='1", '/* */', "ACCEPT' --", '1; SELECT 1', '$${table}', '{{table}}', ':start'),
    );
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

  it('binds a protocol name as its number, a case-insensitive enum as its canonical value, and a CIDR with its prefix', () => {
    const q = renderQuery('top-talkers', { ...DAY, action: ' reject', protocol: 'TCP', src_cidr: '10.0.0.0/8', dst_cidr: '2001:DB8::1' }, TARGET);
    expect(q.sql).toContain(`  AND action = ?
  AND protocol = ?
  AND ${cidrContainsSql('athena', '?', 'srcaddr')}
  AND ${cidrContainsSql('athena', '?', 'dstaddr')}
GROUP BY`);
    // The Athena hook reads each network twice: for its family, and in contains().
    expect(q.values.slice(4)).toEqual([
      { type: 'varchar', value: 'REJECT' },
      { type: 'bigint', value: 6 },
      { type: 'varchar', value: '10.0.0.0/8' },
      { type: 'varchar', value: '10.0.0.0/8' },
      { type: 'varchar', value: '2001:db8::1/128' },
      { type: 'varchar', value: '2001:db8::1/128' },
    ]);
    expect(q.params).toEqual({ ...DAY, limit: 10, action: 'REJECT', protocol: 6, src_cidr: '10.0.0.0/8', dst_cidr: '2001:db8::1/128' });
  });

  it('renders the CIDR hook in the target dialect and nothing else differently', () => {
    const raw = { ...DAY, src_cidr: '10.0.0.0/8', protocol: 17 };
    const athena = renderQuery('rejected-ports', raw, TARGET);
    const duckdb = renderQuery('rejected-ports', raw, { ...TARGET, dialect: 'duckdb' });
    const cidr = { type: 'varchar', value: '10.0.0.0/8' };
    expect(athena.values).toEqual(duckdb.values.flatMap((v) => (v.value === cidr.value ? [v, v] : [v])));
    const differing = athena.sql.split('\n').flatMap((line, i) => (line === duckdb.sql.split('\n')[i] ? [] : [[line, duckdb.sql.split('\n')[i]]]));
    expect(differing).toEqual([[`  AND ${cidrContainsSql('athena', '?', 'srcaddr')}`, '  AND flowq_cidr_contains(?, srcaddr)']]);
  });

  const PORTS = buildTemplate(
    'ports',
    `-- @name ports
-- @description Flows to some ports
-- @params start end limit
-- @param ports integer-list 0..65535 count 1..5 default 22,3389: Destination ports
-- @param direction enum ingress|egress: Only this direction
-- @fields dstport start
-- @column dstport integer
-- @column flows bigint
-- @order flows desc, dstport
SELECT dstport, count(*) AS flows
FROM {{table}}
WHERE dt BETWEEN :partition_from AND :partition_to
  AND start >= :start AND start < :end
  AND dstport IN (:ports)
  AND flow_direction = :direction -- if-column flow_direction
  AND traffic_path IS NULL -- if-no-column traffic_path
GROUP BY dstport
ORDER BY flows DESC, dstport ASC
LIMIT {{limit}}`,
  );

  it('binds a list with one ? per element, in order with the other values', () => {
    const q = renderQuery(PORTS, { ...DAY, ports: '443, 80,8080', limit: '3' }, TARGET);
    expect(q.sql).toContain('  AND dstport IN (?, ?, ?)\n');
    expect(q.values.slice(2)).toEqual([1795651200, 1795737600, 443, 80, 8080].map((value) => ({ type: 'bigint', value })));
    expect(renderQuery(PORTS, DAY, TARGET).executionParameters.slice(4)).toEqual(['22', '3389']);
    expect(renderQuery(PORTS, { ...DAY, ports: [1, 2] }, TARGET).params.ports).toEqual([1, 2]);
  });

  it('keeps an if-column line only when the format has the column, and an if-no-column line only when it lacks it', () => {
    const v5 = parseLogFormat('${dstport} ${start} ${flow-direction} ${traffic-path}');
    expect(renderQuery(PORTS, { ...DAY, direction: 'EGRESS' }, { ...TARGET, logFormat: v5 }).sql).toContain('AND flow_direction = ?\nGROUP BY');
    expect(renderQuery(PORTS, DAY, TARGET).sql).toContain('AND dstport IN (?, ?)\n  AND traffic_path IS NULL\nGROUP BY');
  });

  it('refuses a template whose fields the format lacks in one line naming them as the format does', () => {
    const needsInstance = buildTemplate('ports', PORTS.sql.replace('@fields dstport start', '@fields dstport start instance-id pkt-srcaddr'));
    const error = (() => {
      try {
        renderQuery(needsInstance, { ...DAY, ports: 'x' }, TARGET);
      } catch (e) {
        return e as InvalidParameter;
      }
    })();
    expect(error).toBeInstanceOf(InvalidParameter);
    expect(error?.message).toBe('query: ports needs fields the log format lacks: instance-id, pkt-srcaddr');
  });
});
