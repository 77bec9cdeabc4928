import type { AthenaType } from '../flowlog/fields.js';

/** The DuckDB type that holds each Athena column type the way Athena reads it. */
export const DUCKDB_TYPE: Readonly<Record<AthenaType, string>> = { int: 'INTEGER', bigint: 'BIGINT', string: 'VARCHAR' };
