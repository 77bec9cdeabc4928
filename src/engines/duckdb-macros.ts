import { IPV4_PATTERN, IPV6_PATTERN } from '../flowlog/cidr.js';
import { DUCKDB_CIDR_CONTAINS } from '../queries/dialect.js';
import { sqlStringLiteral } from '../sql.js';

const IPV4 = sqlStringLiteral(IPV4_PATTERN);
const IPV6 = sqlStringLiteral(IPV6_PATTERN);
/**
 * Trino's IP address semantics (see src/flowlog/cidr.ts) as DuckDB macros, since DuckDB's `contains` is a substring
 * test and its `inet` extension is not bundled.
 *
 * An address becomes its family and bits as text: '4' and 32 binary digits for IPv4 (IPv4-mapped IPv6 included), '6'
 * and 128 for other IPv6, NULL for a non-address. A network becomes the family and its first n bits, so containment
 * is one `starts_with`, false across families. Macros expand in place, so each refers to an argument that is costly
 * to compute only once; the network is parsed once per query, in a scalar subquery.
 */
export const DUCKDB_MACROS: readonly string[] = [
  // A dotted quad's 32 bits; NULL when the text is not one.
  `CREATE OR REPLACE MACRO flowq_ipv4_bits(a) AS
  CASE WHEN regexp_full_match(a, ${IPV4})
    THEN printf('%032b', list_dot_product(string_split(a, '.')::DOUBLE[], [16777216, 65536, 256, 1])::UBIGINT) END`,
  // Valid IPv6 text with its dotted tail, if any, rewritten as two hex groups.
  `CREATE OR REPLACE MACRO flowq_ipv6_hex_groups(a) AS
  CASE WHEN contains(a, '.')
    THEN regexp_replace(a, '[0-9.]+$', '') || printf('%x:%x',
      list_dot_product(string_split(regexp_extract(a, '[0-9.]+$'), '.')::DOUBLE[], [256, 1, 0, 0])::INTEGER,
      list_dot_product(string_split(regexp_extract(a, '[0-9.]+$'), '.')::DOUBLE[], [0, 0, 256, 1])::INTEGER)
    ELSE a END`,
  // Eight hex groups of valid IPv6 text: '::' stands for as many zero groups as the text leaves out (its colons,
  // one more for a dotted tail, one fewer where '::' opens or closes it).
  `CREATE OR REPLACE MACRO flowq_ipv6_groups(a) AS
  trim(replace(flowq_ipv6_hex_groups(a), '::', ':' || repeat('0:', 8 - (length(a) - length(replace(a, ':', ''))
    + contains(a, '.')::INTEGER - starts_with(a, '::')::INTEGER - ends_with(a, '::')::INTEGER))), ':')`,
  `CREATE OR REPLACE MACRO flowq_ipv6_bits(groups) AS
  from_hex(array_to_string(list_transform(string_split(groups, ':'), lambda g: lpad(g, 4, '0')), ''))::BIT::VARCHAR`,
  // Family and bits of an address as Trino's TRY_CAST(a AS IPADDRESS) reads it, NULL where that is NULL. An IPv4-mapped
  // IPv6 address (80 zero bits, 16 one bits) is IPv4: the '6' can only match at the start.
  `CREATE OR REPLACE MACRO flowq_ip_bits(a) AS
  CASE
    WHEN NOT contains(a, ':') THEN '4' || flowq_ipv4_bits(a)
    WHEN regexp_full_match(a, ${IPV6})
      THEN replace('6' || flowq_ipv6_bits(flowq_ipv6_groups(a)), '6${'0'.repeat(80)}${'1'.repeat(16)}', '4')
  END`,
  // The family and first bits of a network, once per query; an error for what Trino's contains() refuses.
  `CREATE OR REPLACE MACRO flowq_cidr_bits(cidr) AS (
  SELECT CASE
    WHEN text IS NULL THEN NULL
    WHEN NOT contains(text, '/') THEN error('Invalid CIDR: ' || text)
    WHEN address IS NULL THEN error('Invalid network IP address: ' || text)
    WHEN prefix IS NULL THEN error('Invalid CIDR: ' || text)
    WHEN prefix < 0 THEN error('Invalid prefix length: ' || text)
    WHEN prefix > length(address) - 1 THEN error('Prefix length exceeds address length: ' || text)
    WHEN starts_with(address, '4') AND contains(substr(address, 2 + prefix), '1') THEN error('Invalid CIDR: ' || text)
    ELSE left(address, 1 + prefix)
  END
  FROM (SELECT text, flowq_ip_bits(split_part(text, '/', 1)) AS address,
      CASE WHEN regexp_full_match(text, '[^/]*/[+-]?[0-9]{1,9}') THEN split_part(text, '/', 2)::INTEGER END AS prefix
    FROM (SELECT cidr AS text)))`,
  // flowq_ip_bits, cut short where the network's text shows that only the family of the address matters: against an
  // IPv4 network (no ':'), IPv6 text without an ffff group cannot be IPv4-mapped and need not be parsed; against an
  // IPv6 network (':' but no ffff group, so not IPv4-mapped), IPv4 text needs only validating.
  `CREATE OR REPLACE MACRO flowq_address_bits(a, cidr) AS
  CASE
    WHEN NOT contains(cidr, ':') THEN CASE
      WHEN NOT contains(a, ':') THEN '4' || flowq_ipv4_bits(a)
      WHEN NOT regexp_matches(a, '[fF]{4}') THEN CASE WHEN regexp_full_match(a, ${IPV6}) THEN '6' END
      ELSE flowq_ip_bits(a) END
    WHEN NOT regexp_matches(cidr, '[fF]{4}') AND NOT contains(a, ':') THEN CASE WHEN regexp_full_match(a, ${IPV4}) THEN '4' END
    ELSE flowq_ip_bits(a)
  END`,
  // Trino's contains(cidr, TRY_CAST(address AS IPADDRESS)): NULL for a non-address, false across families.
  `CREATE OR REPLACE MACRO ${DUCKDB_CIDR_CONTAINS}(cidr, address) AS starts_with(flowq_address_bits(address, cidr), flowq_cidr_bits(cidr))`,
  // Trino's time functions the portable subset uses (see docs/local-engine.md, "The portable subset"). Athena runs in UTC, so a
  // timestamp here is a TIMESTAMP holding UTC wall time. from_unixtime keeps milliseconds, rounded, as Trino does.
  `CREATE OR REPLACE MACRO from_unixtime(unixtime) AS make_timestamp(CAST(round(CAST(unixtime AS DOUBLE) * 1000) AS BIGINT) * 1000)`,
  `CREATE OR REPLACE MACRO to_unixtime(ts) AS epoch_ms(CAST(ts AS TIMESTAMP)) / CAST(1000 AS DOUBLE)`,
];
