import type { Column, Table, TableInput } from '@aws-sdk/client-glue';
import { logger } from '../logger.js';
import { retry } from '../aws/retry.js';
import { glue, isAwsError } from './aws.js';
import { CatalogConflict } from './errors.js';
import { databaseInput, isOwnedParameter, tableInput } from './model.js';
import type { CatalogSettings } from './settings.js';

/** What `ensureTable` did. */
export interface EnsureTableResult {
  readonly database: 'created' | 'exists';
  readonly table: 'created' | 'updated' | 'unchanged';
  /** One line per difference it found between the table in Glue and the one the settings describe. */
  readonly changes: readonly string[];
}

function show(value: string | undefined): string {
  return value === undefined ? '(none)' : `'${value}'`;
}

function columnText(c: Column): string {
  return `${c.Name} ${c.Type}`;
}

function diffColumns(from: readonly Column[], to: readonly Column[]): string[] {
  const before = new Map(from.map((c) => [c.Name, c.Type]));
  const after = new Map(to.map((c) => [c.Name, c.Type]));
  const changes: string[] = [];
  for (const c of to) {
    const old = before.get(c.Name);
    if (!before.has(c.Name)) changes.push(`column ${columnText(c)} added`);
    else if (old !== c.Type) changes.push(`column ${c.Name} type ${old} → ${c.Type}`);
  }
  for (const c of from) if (!after.has(c.Name)) changes.push(`column ${columnText(c)} removed`);
  const order = (list: readonly Column[], other: ReadonlyMap<string | undefined, unknown>) =>
    list
      .filter((c) => other.has(c.Name))
      .map((c) => c.Name)
      .join();
  if (order(from, after) !== order(to, before)) changes.push('columns reordered');
  return changes;
}

function diffMap(what: string, from: Readonly<Record<string, string>>, to: Readonly<Record<string, string>>): string[] {
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return keys.filter((k) => from[k] !== to[k]).map((k) => `${what} ${k} ${show(from[k])} → ${show(to[k])}`);
}

function ownedParameters(params: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(params ?? {}).filter(([key]) => isOwnedParameter(key)));
}

function keyNames(keys: readonly Column[] | undefined): string {
  return `(${(keys ?? []).map(columnText).join(', ')})`;
}

/**
 * Lists how a table in Glue differs from the table flowq would create: table type, columns, SerDe
 * and its parameters, input and output formats, compression, location, partition keys, and the
 * table parameters flowq owns. Parameters flowq does not own are not compared.
 */
export function describeChanges(existing: Table, desired: TableInput): string[] {
  const was = existing.StorageDescriptor ?? {};
  const want = desired.StorageDescriptor ?? {};
  const changes: string[] = [];
  const scalar = (what: string, from: string | boolean | undefined, to: string | boolean | undefined) => {
    if (from !== to) changes.push(`${what} ${from ?? '(none)'} → ${to ?? '(none)'}`);
  };
  scalar('table type', existing.TableType, desired.TableType);
  changes.push(...diffColumns(was.Columns ?? [], want.Columns ?? []));
  scalar('serde', was.SerdeInfo?.SerializationLibrary, want.SerdeInfo?.SerializationLibrary);
  changes.push(...diffMap('serde parameter', was.SerdeInfo?.Parameters ?? {}, want.SerdeInfo?.Parameters ?? {}));
  scalar('input format', was.InputFormat, want.InputFormat);
  scalar('output format', was.OutputFormat, want.OutputFormat);
  scalar('compressed', was.Compressed ?? false, want.Compressed ?? false);
  scalar('location', was.Location, want.Location);
  if (keyNames(existing.PartitionKeys) !== keyNames(desired.PartitionKeys)) {
    changes.push(`partition keys ${keyNames(existing.PartitionKeys)} → ${keyNames(desired.PartitionKeys)}`);
  }
  changes.push(...diffMap('table parameter', ownedParameters(existing.Parameters), ownedParameters(desired.Parameters)));
  return changes;
}

async function ensureDatabase(settings: CatalogSettings): Promise<'created' | 'exists'> {
  const { sdk, client } = await glue();
  try {
    await retry(() => client.send(new sdk.GetDatabaseCommand({ Name: settings.database })));
    return 'exists';
  } catch (error) {
    if (!isAwsError(error, 'EntityNotFoundException')) throw error;
  }
  try {
    await retry(() => client.send(new sdk.CreateDatabaseCommand({ DatabaseInput: databaseInput(settings) })));
    return 'created';
  } catch (error) {
    if (isAwsError(error, 'AlreadyExistsException')) return 'exists';
    throw error;
  }
}

async function getTable(settings: CatalogSettings): Promise<Table | undefined> {
  const { sdk, client } = await glue();
  try {
    return (await retry(() => client.send(new sdk.GetTableCommand({ DatabaseName: settings.database, Name: settings.table })))).Table;
  } catch (error) {
    if (isAwsError(error, 'EntityNotFoundException')) return undefined;
    throw error;
  }
}

async function hasPartitions(settings: CatalogSettings): Promise<boolean> {
  const { sdk, client } = await glue();
  const page = await retry(() => client.send(new sdk.GetPartitionsCommand({ DatabaseName: settings.database, TableName: settings.table, MaxResults: 1 })));
  return (page.Partitions?.length ?? 0) > 0;
}

/**
 * Makes the Glue database and table match the settings. Creates what is missing; updates a table
 * that differs (keeping parameters flowq does not own, and the description); leaves an identical
 * table alone. Never deletes anything.
 * @throws CatalogConflict when the partition keys would change on a table that has partitions,
 *   since its partitions would no longer match the table.
 */
export async function ensureTable(settings: CatalogSettings): Promise<EnsureTableResult> {
  const { sdk, client } = await glue();
  const database = await ensureDatabase(settings);
  const desired = tableInput(settings);
  const name = `${settings.database}.${settings.table}`;
  let existing = await getTable(settings);
  if (existing === undefined) {
    try {
      await retry(() => client.send(new sdk.CreateTableCommand({ DatabaseName: settings.database, TableInput: desired })));
      logger.info('created table', { table: name });
      return { database, table: 'created', changes: [] };
    } catch (error) {
      // Another run created it between our read and our write: compare with what it made.
      if (!isAwsError(error, 'AlreadyExistsException')) throw error;
      existing = await getTable(settings);
      if (existing === undefined) throw error;
    }
  }
  const changes = describeChanges(existing, desired);
  if (changes.length === 0) return { database, table: 'unchanged', changes };
  if (keyNames(existing.PartitionKeys) !== keyNames(desired.PartitionKeys) && (await hasPartitions(settings))) {
    throw new CatalogConflict(
      `table ${name} has partitions under the keys ${keyNames(existing.PartitionKeys)}; flowq will not change them to ` +
        `${keyNames(desired.PartitionKeys)}. Choose another table name, or delete the table's partitions first`,
    );
  }
  const foreign = Object.fromEntries(Object.entries(existing.Parameters ?? {}).filter(([key]) => !isOwnedParameter(key)));
  const update: TableInput = {
    ...desired,
    ...(existing.Description === undefined ? {} : { Description: existing.Description }),
    Parameters: { ...foreign, ...desired.Parameters },
  };
  await retry(() => client.send(new sdk.UpdateTableCommand({ DatabaseName: settings.database, TableInput: update })));
  logger.info('updated table', { table: name, changes });
  return { database, table: 'updated', changes };
}
