/**
 * The one place where the SQL text sent to Athena and to the local engine differs.
 *
 * Everything else in a template is the portable subset both engines run unchanged; what is here has no common
 * spelling, and each entry is proved equal on both engines by a test against an independent oracle.
 */

/** The SQL dialect a template is rendered for: Athena engine v3 (Trino) or the local engine (DuckDB). */
export type Dialect = 'athena' | 'duckdb';

/** The DuckDB macro of the local engine that stands for Trino's `contains(cidr, TRY_CAST(address AS IPADDRESS))`. */
export const DUCKDB_CIDR_CONTAINS = 'flowq_cidr_contains';

/**
 * SQL that is true when the address lies in the network, false when it does not (including an address of the other
 * family) and NULL when the address is NULL or not an address (`-`, junk), so such a record never matches. A NULL
 * network gives NULL too, so `(? IS NULL OR <this>)` makes the filter optional.
 *
 * On Athena it is Trino's `contains(network VARCHAR, address IPADDRESS)` (Trino has no IPPREFIX type; that is
 * Presto's), guarded by family: Trino stores an IPv4 address as `::ffff:a.b.c.d`, so an IPv6 network of /80 or
 * shorter (`::/0`) contains every IPv4 address, and builds before late 2023 fail the query when the families differ.
 * The CASE answers false across families before `contains` runs; an address's family is read from Trino's own text
 * of it (an IPv4-mapped address prints as IPv4), the network's from its canonical text. The differential suite on a
 * real Trino (test/engines/trino.test.ts) holds both engines to this. DuckDB's `contains` is a substring test, so the
 * local engine calls the macro {@link DUCKDB_CIDR_CONTAINS} (src/engines/duckdb-macros.ts) instead.
 * @param cidrSql SQL for the network: a placeholder bound to the `cidr` that `parseCidr` (src/flowlog/cidr.ts)
 *   returns, since Trino refuses a bare address or an IPv4 network with host bits set. It is read twice.
 * @param addressSql SQL for the address: a column such as `srcaddr` (read more than once).
 */
export function cidrContainsSql(dialect: Dialect, cidrSql: string, addressSql: string): string {
  if (dialect === 'duckdb') return `${DUCKDB_CIDR_CONTAINS}(${cidrSql}, ${addressSql})`;
  const address = `TRY_CAST(${addressSql} AS IPADDRESS)`;
  return `CASE WHEN (strpos(${cidrSql}, ':') > 0) <> (strpos(CAST(${address} AS VARCHAR), ':') > 0) THEN false ` + `ELSE contains(${cidrSql}, ${address}) END`;
}

/**
 * SQL that is true when the address lies in any of the networks, false when in none (an address never lies in a
 * network of the other family) and NULL when it is not an address: for a list parameter such as `internal_cidrs`.
 * Each network is tested as {@link cidrContainsSql} tests one, family guard included.
 * @param cidrSqls SQL for each network, one placeholder each (the renderer binds the list's canonical networks).
 */
export function cidrContainsAnySql(dialect: Dialect, cidrSqls: readonly string[], addressSql: string): string {
  return `(${cidrSqls.map((cidr) => cidrContainsSql(dialect, cidr, addressSql)).join(' OR ')})`;
}
