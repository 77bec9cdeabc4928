import type { Column, DatabaseInput, PartitionInput, StorageDescriptor, TableInput } from '@aws-sdk/client-glue';
import { hasColumn } from '../flowlog/format.js';
import { PARTITION_KEYS, partitionDt, partitionPrefix, partitionPrefixTemplate, type Layout, type PartitionValues } from '../flowlog/layout.js';
import type { Source } from '../flowlog/source.js';
import type { CatalogSettings } from './settings.js';

/** The SerDe and file formats of a text flow-log table: space-separated fields, one header line. */
export const TEXT_STORAGE = {
  serializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
} as const;

/** The SerDe and file formats of a Parquet flow-log table, read by column name. */
export const PARQUET_STORAGE = {
  serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
} as const;

/**
 * Table parameters flowq sets. On update these are replaced as a whole; any other parameter a
 * table carries (set by a person or another tool) is kept as it is.
 */
export function isOwnedParameter(key: string): boolean {
  return ['EXTERNAL', 'classification', 'skip.header.line.count', 'storage.location.template'].includes(key) || key.startsWith('projection.');
}

/** The table's data columns: the log format's fields in order, with their Athena types. */
export function dataColumns(source: Source): Column[] {
  return source.logFormat.fields.map((f) => ({ Name: f.column, Type: f.athenaType }));
}

/**
 * The partition keys of every flow-log table. Checked against the data columns, since Glue
 * refuses a table whose partition key repeats a column name.
 */
export function partitionKeys(source: Source): Column[] {
  const clash = PARTITION_KEYS.find((key) => hasColumn(source.logFormat, key));
  if (clash !== undefined) throw new Error(`partition key ${clash} collides with a data column`);
  return PARTITION_KEYS.map((key) => ({ Name: key, Type: 'string' }));
}

/** The S3 location of the table: the Source's `AWSLogs/` folder. */
export function tableLocation(source: Source): string {
  return `${source.location}AWSLogs/`;
}

/** The S3 folder of one partition in the Source's layout, ending with `/`. */
export function partitionLocation(source: Source, values: PartitionValues): string {
  return `${source.location}${partitionPrefix(source, values)}`;
}

/** The storage descriptor of the table; partitions carry the same one with their own location. */
export function storageDescriptor(source: Source): StorageDescriptor {
  const text = source.fileFormat === 'plain-text';
  const storage = text ? TEXT_STORAGE : PARQUET_STORAGE;
  return {
    Columns: dataColumns(source),
    Location: tableLocation(source),
    InputFormat: storage.inputFormat,
    OutputFormat: storage.outputFormat,
    Compressed: text,
    SerdeInfo: {
      SerializationLibrary: storage.serializationLibrary,
      Parameters: text ? { 'field.delim': ' ', 'serialization.format': ' ' } : { 'serialization.format': '1' },
    },
  };
}

/**
 * The Java `DateTimeFormatter` pattern that formats an instant as the layout's `dt`, quoting the
 * Hive folder names as literals, so projection renders the same strings `partitionDt` does.
 */
export function projectionDateFormat(layout: Layout): string {
  if (layout.hiveCompatiblePartitions) {
    return `'year='yyyy'/month='MM'/day='dd${layout.perHourPartition ? `'/hour='HH` : ''}`;
  }
  return `yyyy/MM/dd${layout.perHourPartition ? '/HH' : ''}`;
}

/** The partition projection table parameters for the settings' layout, accounts and regions. */
export function projectionParameters(settings: CatalogSettings): Record<string, string> {
  const { source } = settings;
  return {
    'projection.enabled': 'true',
    'projection.aws_account.type': 'enum',
    'projection.aws_account.values': settings.accounts.join(','),
    'projection.aws_region.type': 'enum',
    'projection.aws_region.values': settings.regions.join(','),
    'projection.dt.type': 'date',
    'projection.dt.format': projectionDateFormat(source),
    'projection.dt.range': `${partitionDt(source, settings.projectionStart)},NOW`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': source.perHourPartition ? 'HOURS' : 'DAYS',
    'storage.location.template': `${source.location}${partitionPrefixTemplate(source)}`,
  };
}

/** The Glue database flowq keeps its table in. */
export function databaseInput(settings: CatalogSettings): DatabaseInput {
  return { Name: settings.database, Description: 'VPC Flow Logs tables kept by flowq' };
}

/** The Glue table for the settings' Source, in the shape CreateTable and UpdateTable take. */
export function tableInput(settings: CatalogSettings): TableInput {
  const { source } = settings;
  const text = source.fileFormat === 'plain-text';
  return {
    Name: settings.table,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      EXTERNAL: 'TRUE',
      classification: text ? 'csv' : 'parquet',
      ...(text ? { 'skip.header.line.count': '1' } : {}),
      ...(settings.partitionMode === 'projection' ? projectionParameters(settings) : {}),
    },
    PartitionKeys: partitionKeys(source),
    StorageDescriptor: storageDescriptor(source),
  };
}

/** One partition in the shape BatchCreatePartition takes: the table's storage with the folder's location. */
export function partitionInput(source: Source, values: PartitionValues): PartitionInput {
  return {
    Values: [values.account, values.region, values.dt],
    StorageDescriptor: { ...storageDescriptor(source), Location: partitionLocation(source, values) },
  };
}
