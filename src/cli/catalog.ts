import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatabaseInput, PartitionInput, TableInput } from '@aws-sdk/client-glue';
import { partitionsForPairs } from '../catalog/add-partitions.js';
import { addPartitionsForRange, parseRange, type AddPartitionsRun } from '../catalog/add-partitions-event.js';
import { renderAddPartitions, renderCreateTable } from '../catalog/ddl.js';
import { renderTrinoCreateTable, renderTrinoRegisterPartitions } from '../catalog/trino-ddl.js';
import type { AccountRegion } from '../catalog/discover.js';
import { ensureTable } from '../catalog/ensure-table.js';
import { InvalidEvent } from '../catalog/errors.js';
import { databaseInput, partitionInput, partitionLocation, tableInput } from '../catalog/model.js';
import { makeCatalogSettings, type CatalogSettings, type OptionLabels } from '../catalog/settings.js';
import { PARTITION_KEYS, type PartitionValues } from '../flowlog/layout.js';
import { checkIdentifier } from '../sql.js';
import { shorten } from '../text.js';
import { booleanFlag, checkFlags, parseArgs, UsageError, type CliIo } from './args.js';
import { applyAwsFlags } from './athena.js';
import { usageOf, wantsHelp } from './usage.js';

const AWS_FLAGS = ['region', 'profile'] as const;

/** Printed for a table on daily partitions: what per-hour ones save on Athena. */
export const DAILY_PARTITIONS_NOTE =
  "note: daily partitions: with the late-filed margin a one-day question also reads the next day's folder (about twice the bytes on Athena); " +
  "per-hour partitions (--per-hour, and the flow log's per-hour partition option) add one hour instead";

const FLAGS = ['location', 'database', 'table', 'log_format', 'hive', 'per_hour', 'file_format', 'partitions', 'from', 'to', 'accounts', 'regions'] as const;
/** `catalog ddl` also takes the dialect, and Trino's catalog name. */
const DDL_FLAGS = ['dialect', 'catalog'] as const;

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

/** The SQL dialects `catalog ddl` writes: Athena's Hive DDL, or Trino's Hive connector statements. */
type DdlDialect = 'athena' | 'trino';

interface CatalogRequest {
  readonly settings: CatalogSettings;
  readonly range?: { from: number; to: number };
  readonly dialect: DdlDialect;
  /** Trino's catalog (`--catalog`, default `hive`). */
  readonly catalog: string;
}

function ddlDialect(value: string | undefined): DdlDialect {
  const dialect = (value ?? 'athena').toLowerCase();
  if (dialect === 'athena' || dialect === 'trino') return dialect;
  throw new UsageError(`--dialect must be athena or trino, not '${shorten(value ?? '')}'`);
}

/**
 * The location that holds `AWSLogs/`: a location naming the `AWSLogs/` folder itself
 * (`s3://b/vpc/AWSLogs/`) means its parent, so the table never points at `AWSLogs/AWSLogs/`.
 */
export function locationAboveAwsLogs(location: string): { readonly location: string; readonly note?: string } {
  const m = /^(s3:\/\/[^/]+\/(?:.*\/)?)AWSLogs\/*$/.exec(location.trim());
  if (m === null) return { location };
  const parent = m[1];
  return { location: parent, note: `note: --location ${location.trim()} names the AWSLogs/ folder itself; using the folder that holds it, ${parent}` };
}

function readRequest(subcommand: string, argv: readonly string[], io: CliIo): CatalogRequest {
  const args = parseArgs(argv, new Set(['hive', 'per_hour']));
  checkFlags(args, subcommand === 'apply' ? [...FLAGS, ...AWS_FLAGS] : subcommand === 'ddl' ? [...FLAGS, ...DDL_FLAGS] : FLAGS, `catalog ${subcommand}`);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${shorten(args.positionals[0])}'; see flowq catalog ${subcommand} --help`);
  const flag = (name: string) => args.flags.get(name);
  for (const name of ['location', 'database', 'table']) {
    if (flag(name) === undefined) throw new UsageError(`--${name} is required; see flowq catalog ${subcommand} --help`);
  }
  if (subcommand === 'apply') applyAwsFlags(args);
  const dialect = ddlDialect(flag('dialect'));
  const catalog = checkIdentifier('catalog', flag('catalog') ?? 'hive');
  if (flag('catalog') !== undefined && dialect !== 'trino') throw new UsageError('--catalog goes with --dialect trino');
  // Trino reads local folders too (its native local file system): a relative one is taken from here.
  const given = flag('location') ?? '';
  const location = locationAboveAwsLogs(dialect === 'trino' && !given.startsWith('s3://') ? resolve(given) : given);
  if (location.note !== undefined) io.err(`${location.note}\n`);
  const settings = makeCatalogSettings(
    {
      location: location.location,
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
    { localFolders: dialect === 'trino' },
  );
  const from = flag('from');
  const to = flag('to');
  if ((from === undefined) !== (to === undefined)) throw new UsageError('--from and --to go together');
  if (from === undefined) return { settings, dialect, catalog };
  try {
    return { settings, dialect, catalog, range: parseRange(from, to) };
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

/**
 * The partitions Trino can register: all of them on S3; in a local folder only those whose folder
 * exists, since Trino refuses a partition without one (Glue and Athena take it).
 */
function trinoPartitions(request: CatalogRequest, io: CliIo): PartitionValues[] {
  const { source } = request.settings;
  const planned = plannedPartitions(request);
  if (source.location.startsWith('s3://')) return planned;
  const present = planned.filter((p) => existsSync(partitionLocation(source, p)));
  if (present.length < planned.length)
    io.err(`note: ${planned.length - present.length} of ${planned.length} partitions have no folder yet and are left out (Trino refuses them)\n`);
  return present;
}

function ddl(request: CatalogRequest, io: CliIo): string {
  const { settings } = request;
  if (request.dialect === 'trino') {
    return [renderTrinoCreateTable(request.catalog, settings), ...renderTrinoRegisterPartitions(request.catalog, settings, trinoPartitions(request, io))].join(
      '\n\n',
    );
  }
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
  if (subcommand === 'help' || wantsHelp(argv)) {
    io.out(`${usageOf('catalog', subcommand === 'help' ? rest : argv)}\n`);
    return 0;
  }
  if (subcommand === undefined || !['plan', 'ddl', 'apply'].includes(subcommand)) {
    const what = subcommand === undefined ? 'missing subcommand' : `unknown subcommand '${shorten(subcommand)}'`;
    throw new UsageError(`${what}: expected flowq catalog plan|ddl|apply (flowq catalog --help)`);
  }
  const request = readRequest(subcommand, rest, io);
  if (!request.settings.source.perHourPartition) io.err(`${DAILY_PARTITIONS_NOTE}\n`);
  switch (subcommand) {
    case 'plan':
      io.out(`${JSON.stringify(plan(request), null, 2)}\n`);
      return 0;
    case 'ddl':
      io.out(`${ddl(request, io)}\n`);
      return 0;
    default:
      return apply(request, io);
  }
}
