import { isAbsolute } from 'node:path';
import type { AthenaType } from '../flowlog/fields.js';
import { PARTITION_KEYS, type PartitionValues } from '../flowlog/layout.js';
import { InvalidConfiguration } from '../errors.js';
import { quoteIdent, sqlStringLiteral } from '../sql.js';
import { dataColumns, partitionKeys, partitionLocation, tableLocation } from './model.js';
import type { CatalogSettings } from './settings.js';

/** Trino's names for the column types of the Glue model. */
const TRINO_TYPE: Readonly<Record<AthenaType, string>> = { int: 'integer', bigint: 'bigint', string: 'varchar' };

/**
 * A Source location as Trino's file systems name it: `s3://...` as it is, a local folder as
 * `local://<absolute path>` (Trino's native local file system, its root at `/`).
 * @throws InvalidConfiguration for a relative local path.
 */
export function trinoLocation(location: string): string {
  if (location.startsWith('s3://') || location.startsWith('local://')) return location;
  if (!isAbsolute(location)) throw new InvalidConfiguration(`'${location}' is not an absolute folder or an S3 location; Trino needs one of them`);
  return `local://${location}`;
}

/** The three parts of the table's name in Trino: catalog, schema (the Glue database), table. */
function tableName(catalog: string, settings: CatalogSettings): string {
  return [catalog, settings.database, settings.table].map(quoteIdent).join('.');
}

/**
 * Renders the Trino Hive connector's `CREATE TABLE` for the same Source the Glue table is built from:
 * the data columns in the log format's order with Trino's types, the partition keys last, and the
 * text or Parquet storage Athena reads (space-separated fields with one header line, or Parquet by
 * column name) over the Source's `AWSLogs/` folder.
 */
export function renderTrinoCreateTable(catalog: string, settings: CatalogSettings): string {
  const { source } = settings;
  const columns = [
    ...dataColumns(source).map((c) => `${quoteIdent(c.Name ?? '')} ${TRINO_TYPE[c.Type as AthenaType]}`),
    ...partitionKeys(source).map((c) => `${quoteIdent(c.Name ?? '')} varchar`),
  ];
  const text = source.fileFormat === 'plain-text';
  const properties = [
    `format = '${text ? 'TEXTFILE' : 'PARQUET'}'`,
    ...(text ? ["textfile_field_separator = ' '", 'skip_header_line_count = 1'] : []),
    `external_location = ${sqlStringLiteral(trinoLocation(tableLocation(source)))}`,
    `partitioned_by = ARRAY[${PARTITION_KEYS.map((k) => `'${k}'`).join(', ')}]`,
  ];
  return [
    `CREATE TABLE IF NOT EXISTS ${tableName(catalog, settings)} (`,
    columns.map((c) => `  ${c}`).join(',\n'),
    ')',
    'WITH (',
    properties.map((p) => `  ${p}`).join(',\n'),
    ');',
  ].join('\n');
}

/**
 * Renders one `CALL system.register_partition` per partition, each with its folder's location, as
 * the Glue partitions are added. The catalog needs `hive.allow-register-partition-procedure=true`.
 */
export function renderTrinoRegisterPartitions(catalog: string, settings: CatalogSettings, partitions: readonly PartitionValues[]): string[] {
  const keys = PARTITION_KEYS.map((k) => `'${k}'`).join(', ');
  return partitions.map((p) => {
    const values = [p.account, p.region, p.dt].map(sqlStringLiteral).join(', ');
    return (
      `CALL ${quoteIdent(catalog)}.system.register_partition(schema_name => ${sqlStringLiteral(settings.database)}, ` +
      `table_name => ${sqlStringLiteral(settings.table)}, partition_columns => ARRAY[${keys}], partition_values => ARRAY[${values}], ` +
      `location => ${sqlStringLiteral(trinoLocation(partitionLocation(settings.source, p)))});`
    );
  });
}
