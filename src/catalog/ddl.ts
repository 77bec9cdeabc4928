import type { Column, PartitionInput, TableInput } from '@aws-sdk/client-glue';

function identifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/**
 * A Hive DDL string literal: single-quoted as Athena's documentation writes them, double-quoted
 * when the value holds a single quote (projection date formats quote their literal text).
 */
function literal(value: string): string {
  const escaped = value.replaceAll('\\', '\\\\');
  return value.includes("'") ? `"${escaped.replaceAll('"', '\\"')}"` : `'${escaped}'`;
}

function columnList(columns: readonly Column[]): string {
  return columns.map((c) => `  ${identifier(c.Name ?? '')} ${c.Type}`).join(',\n');
}

function properties(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => `  ${literal(key)} = ${literal(value)}`)
    .join(',\n');
}

/**
 * Renders a TableInput as the equivalent Athena `CREATE EXTERNAL TABLE` statement, so the SQL and
 * the API requests can never describe different tables. `EXTERNAL` is implied by the statement and
 * `Compressed` has no DDL form (Athena detects gzip by file extension); everything else is carried over.
 */
export function renderCreateTable(database: string, table: TableInput): string {
  const sd = table.StorageDescriptor ?? {};
  const serde = sd.SerdeInfo ?? {};
  const tableProperties = Object.fromEntries(Object.entries(table.Parameters ?? {}).filter(([key]) => key !== 'EXTERNAL'));
  const lines = [`CREATE EXTERNAL TABLE IF NOT EXISTS ${identifier(database)}.${identifier(table.Name ?? '')} (`, columnList(sd.Columns ?? []), ')'];
  if (table.PartitionKeys?.length) lines.push('PARTITIONED BY (', columnList(table.PartitionKeys), ')');
  lines.push(`ROW FORMAT SERDE ${literal(serde.SerializationLibrary ?? '')}`);
  if (serde.Parameters && Object.keys(serde.Parameters).length > 0) {
    lines.push('WITH SERDEPROPERTIES (', properties(serde.Parameters), ')');
  }
  lines.push(
    `STORED AS INPUTFORMAT ${literal(sd.InputFormat ?? '')}`,
    `OUTPUTFORMAT ${literal(sd.OutputFormat ?? '')}`,
    `LOCATION ${literal(sd.Location ?? '')}`,
  );
  if (Object.keys(tableProperties).length > 0) lines.push('TBLPROPERTIES (', properties(tableProperties), ')');
  return `${lines.join('\n')};`;
}

/**
 * Renders partitions as one `ALTER TABLE ... ADD IF NOT EXISTS` statement, each with its location.
 * `keys` are the table's partition key names, in order.
 */
export function renderAddPartitions(database: string, tableName: string, keys: readonly string[], partitions: readonly PartitionInput[]): string {
  const specs = partitions.map((p) => {
    const values = keys.map((key, i) => `${identifier(key)} = ${literal(p.Values?.[i] ?? '')}`).join(', ');
    return `  PARTITION (${values}) LOCATION ${literal(p.StorageDescriptor?.Location ?? '')}`;
  });
  return `ALTER TABLE ${identifier(database)}.${identifier(tableName)} ADD IF NOT EXISTS\n${specs.join('\n')};`;
}
