import type { DatabaseInput, PartitionInput, TableInput } from '@aws-sdk/client-glue';
import { partitionsForPairs } from '../catalog/add-partitions.js';
import { addPartitionsForRange, parseRange, type AddPartitionsRun } from '../catalog/add-partitions-event.js';
import { renderAddPartitions, renderCreateTable } from '../catalog/ddl.js';
import type { AccountRegion } from '../catalog/discover.js';
import { ensureTable } from '../catalog/ensure-table.js';
import { InvalidEvent } from '../catalog/errors.js';
import { databaseInput, partitionInput, tableInput } from '../catalog/model.js';
import { makeCatalogSettings, type CatalogSettings, type OptionLabels } from '../catalog/settings.js';
import { PARTITION_KEYS, type PartitionValues } from '../flowlog/layout.js';
import { booleanFlag, checkFlags, parseArgs, UsageError, type CliIo } from './args.js';

const FLAGS = [
  'location',
  'database',
  'table',
  'log_format',
  'hive',
  'per_hour',
  'file_format',
  'partitions',
  'from',
  'to',
  'accounts',
  'regions',
] as const;

const FLAG_LABELS: OptionLabels = {
  database: '--database',
  table: '--table',
  location: '--location',
  logFormat: '--log-format',
  fileFormat: '--file-format',
  hiveCompatiblePartitions: '--hive',
  perHourPartition: '--per-hour',
  partitionMode: '--partitions',
  accounts: '--accounts',
  regions: '--regions',
  projectionStart: '--projection-start',
};

/** The usage text of `flowq catalog`. */
export const CATALOG_USAGE = `usage: flowq catalog plan|ddl|apply --location s3://bucket/prefix/ --database <db> --table <table>
         [--log-format <fmt>] [--hive] [--per-hour] [--file-format plain-text|parquet]
         [--partitions managed|projection]
         [--from <date> --to <date>] [--accounts a,b] [--regions r1,r2]

  plan   print the Glue requests as one JSON document: {"database", "table", "partitions"}
  ddl    print the equivalent CREATE EXTERNAL TABLE (and ALTER TABLE ADD PARTITION) statements
  apply  send them with your AWS credentials; accounts and regions not given are discovered in S3

  --from/--to cover [from, to): --from 2026-01-01 --to 2027-01-01 is the year 2026.`;

interface CatalogRequest {
  readonly settings: CatalogSettings;
  readonly range?: { from: number; to: number };
}

function readRequest(argv: readonly string[]): CatalogRequest {
  const args = parseArgs(argv, new Set(['hive', 'per_hour']));
  checkFlags(args, FLAGS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'; see flowq catalog --help`);
  const flag = (name: string) => args.flags.get(name);
  for (const name of ['location', 'database', 'table']) {
    if (flag(name) === undefined) throw new UsageError(`--${name} is required; see flowq catalog --help`);
  }
  const settings = makeCatalogSettings(
    {
      location: flag('location'),
      database: flag('database'),
      table: flag('table'),
      logFormat: flag('log_format'),
      fileFormat: flag('file_format'),
      hiveCompatiblePartitions: booleanFlag(args, 'hive'),
      perHourPartition: booleanFlag(args, 'per_hour'),
      partitionMode: flag('partitions'),
      accounts: flag('accounts'),
      regions: flag('regions'),
    },
    FLAG_LABELS,
  );
  const from = flag('from');
  const to = flag('to');
  if ((from === undefined) !== (to === undefined)) throw new UsageError('--from and --to go together');
  if (from === undefined) return { settings };
  try {
    return { settings, range: parseRange(from, to) };
  } catch (error) {
    if (error instanceof InvalidEvent) throw new UsageError(`--${error.message}`);
    throw error;
  }
}

/** The partitions a plan or DDL lists: only with a range, in managed mode, for the accounts and regions given. */
function plannedPartitions(request: CatalogRequest): PartitionValues[] {
  const { settings, range } = request;
  if (range === undefined || settings.partitionMode === 'projection') return [];
  if (settings.accounts.length === 0 || settings.regions.length === 0) {
    throw new UsageError('a plan with --from/--to needs --accounts and --regions (apply discovers them in S3)');
  }
  const pairs: AccountRegion[] = settings.accounts.flatMap((account) => settings.regions.map((region) => ({ account, region })));
  return partitionsForPairs(settings.source, range.from, range.to, pairs);
}

/** The requests `apply` sends, in the AWS SDK's shapes: what `flowq catalog plan` prints. */
export interface CatalogPlan {
  readonly database: DatabaseInput;
  readonly table: TableInput;
  readonly partitions: readonly PartitionInput[];
}

function plan(request: CatalogRequest): CatalogPlan {
  const { settings } = request;
  return {
    database: databaseInput(settings),
    table: tableInput(settings),
    partitions: plannedPartitions(request).map((p) => partitionInput(settings.source, p)),
  };
}

function ddl(request: CatalogRequest): string {
  const { settings } = request;
  const { table, partitions } = plan(request);
  const statements = [renderCreateTable(settings.database, table)];
  if (partitions.length > 0) statements.push(renderAddPartitions(settings.database, settings.table, PARTITION_KEYS, partitions));
  return statements.join('\n\n');
}

async function apply(request: CatalogRequest, io: CliIo): Promise<number> {
  const { settings, range } = request;
  const table = await ensureTable(settings);
  io.err(`database ${settings.database}: ${table.database}; table ${settings.table}: ${table.table}\n`);
  for (const change of table.changes) io.err(`  ${change}\n`);
  let partitions: AddPartitionsRun | undefined;
  if (range !== undefined && settings.partitionMode === 'projection') io.err('partition projection is on: no partitions to add\n');
  else if (range !== undefined) {
    let reported = 0;
    partitions = await addPartitionsForRange(settings, 'backfill', range, {
      onProgress: (p) => {
        if (p.done - reported >= 1000 || p.done === p.total) {
          reported = p.done;
          io.err(`partitions ${p.done}/${p.total}: ${p.created} created, ${p.existing} existing, ${p.failed.length} failed\n`);
        }
      },
    });
  }
  io.out(`${JSON.stringify({ ...table, ...(partitions === undefined ? {} : { partitions }) }, null, 2)}\n`);
  return (partitions?.failed.length ?? 0) === 0 ? 0 : 1;
}

/**
 * `flowq catalog plan|ddl|apply [flags]`: prints the Glue requests for a Source, the equivalent
 * Athena DDL, or sends the requests. `argv` is what follows `catalog`.
 * @returns the exit code: 0, or 1 when `apply` could not create some partitions.
 * @throws UsageError for a missing subcommand or flag; InvalidConfiguration for a bad value.
 */
export async function catalogCommand(argv: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === '--help' || subcommand === 'help') {
    io.out(`${CATALOG_USAGE}\n`);
    return 0;
  }
  if (subcommand === undefined || !['plan', 'ddl', 'apply'].includes(subcommand)) {
    const what = subcommand === undefined ? 'missing subcommand' : `unknown subcommand '${subcommand}'`;
    throw new UsageError(`${what}: expected flowq catalog plan|ddl|apply (flowq catalog --help)`);
  }
  const request = readRequest(rest);
  switch (subcommand) {
    case 'plan':
      io.out(`${JSON.stringify(plan(request), null, 2)}\n`);
      return 0;
    case 'ddl':
      io.out(`${ddl(request)}\n`);
      return 0;
    default:
      return apply(request, io);
  }
}
