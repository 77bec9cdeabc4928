import { TrinoSQL } from 'dt-sql-parser';
import { cidrContainsSql } from '../../src/queries/dialect.js';

describe('cidrContainsSql', () => {
  it("writes Trino's contains() with a TRY_CAST of the address for Athena, false across families before it runs", () => {
    expect(cidrContainsSql('athena', '?', 'srcaddr')).toBe(
      "CASE WHEN (strpos(?, ':') > 0) <> (strpos(CAST(TRY_CAST(srcaddr AS IPADDRESS) AS VARCHAR), ':') > 0) THEN false " +
        'ELSE contains(?, TRY_CAST(srcaddr AS IPADDRESS)) END',
    );
  });

  it('calls the local engine macro for DuckDB, whose own contains() is a substring test', () => {
    expect(cidrContainsSql('duckdb', '?', 'dstaddr')).toBe('flowq_cidr_contains(?, dstaddr)');
  });

  it('gives Athena text that a Trino grammar accepts inside a whole query', () => {
    const sql = `SELECT srcaddr, dstaddr, CAST(sum(bytes) AS BIGINT) AS bytes
FROM flow_logs
WHERE dt BETWEEN ? AND ? AND "start" >= ? AND "start" < ?
  AND ${cidrContainsSql('athena', '?', 'srcaddr')}
  AND (? IS NULL OR ${cidrContainsSql('athena', '?', 'dstaddr')})
GROUP BY srcaddr, dstaddr
ORDER BY bytes DESC, srcaddr, dstaddr
LIMIT 10`;
    expect(new TrinoSQL().validate(sql)).toEqual([]);
  });

  it('is checked by a grammar that does reject broken Athena text', () => {
    const broken = `SELECT srcaddr FROM flow_logs WHERE contains(?, TRY_CAST(srcaddr AS)) LIMIT 10`;
    expect(new TrinoSQL().validate(broken).length).toBeGreaterThan(0);
  });
});
