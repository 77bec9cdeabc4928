import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEMPLATES } from '../queries/templates.js';
import { DEFAULT_REPORT_TEMPLATES, REPORT_LIMIT } from '../reports/settings.js';
import { templateHelp } from './template-help.js';

/** The help of one command: a one-line summary for `flowq help`, its usage for `flowq <command> --help`. */
export interface CommandHelp {
  readonly summary: string;
  readonly usage: string;
  /** Subcommands with their own usage (`flowq catalog plan --help`). */
  readonly subcommands?: Readonly<Record<string, string>>;
}

const AWS_FLAGS = `  --region <r>           the AWS region (else AWS_REGION or your profile's region)
  --profile <p>          the AWS profile in ~/.aws/config (else AWS_PROFILE)`;

const LATE_MARGIN = `  --late-margin <min>    minutes past the range's end whose folders are read too, for records
                         AWS files late (0-60, default 10; 0 reads only the range's own folders)`;

const TIMEOUT = `  --timeout 15m          stop a query still running after this long, on any engine (default 30m);
                         Ctrl-C stops it at once (a local query is interrupted, an Athena or Trino one stopped)`;

const CATALOG_FLAGS = `  --location s3://bucket/prefix/   the location that holds AWSLogs/ (the AWSLogs/ folder itself is taken as its parent)
  --database <db> --table <table>  the Glue database and table
  --log-format <fmt>               the flow log's format string (default: the 14 version-2 fields)
  --hive                           Hive-compatible S3 prefixes (aws-account-id=.../year=...)
  --per-hour                       per-hour partitions (recommended for Athena: with daily ones a
                                   one-day question also reads the next day's folder for late records)
  --file-format plain-text|parquet
  --partitions managed|projection  partitions added by flowq (default), or projected by Athena
  --from <date> --to <date>        partitions for [from, to): --from 2026-01-01 --to 2027-01-01 is 2026
  --accounts a,b --regions r1,r2   the accounts and regions (apply discovers missing ones in S3)`;

/** The templates `report` and `demo` run unless told otherwise. */
const HEADLINE_NAMES = DEFAULT_REPORT_TEMPLATES.map((t) => t.name).join(', ');
const HEADLINE = `what changed and the three rankings (${DEFAULT_REPORT_TEMPLATES.map((t) => t.name).join(', ')})`;

/**
 * Every command's help, in one place: `flowq help`, `flowq <command> --help` (or `-h`) and the
 * subcommands' help all read it. A new command adds its entry here; a test checks that every command
 * `main` runs has one.
 */
export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  queries: {
    summary: 'list the query templates, one line each; flowq queries <name> for one in full',
    usage: `usage: flowq queries [<name>] [--data <dir> | --log-format <fmt>] [--output table|json]

  flowq queries          one line per template: its name, what it answers, the fields it needs
                         beyond the default format
  flowq queries <name>   that template's parameters (types, ranges, defaults), fields and columns
  --data <dir>           say which templates the format of the files under <dir> supports
                         (--hive, --per-hour, --file-format as for flowq run)
  --log-format <fmt>     the same, for a format string
  --output json          the list GET /queries publishes (JSON Schema of each one's parameters)`,
  },
  run: {
    summary: 'run one query template on local files or on Athena',
    usage: `usage: flowq run <query> --data <dir> (--start <time> --end <time> | --since 24h) [--<param> <value>]
       flowq run <query> --engine athena --database <db> --table <t> --start <time> --end <time> ...

  <query>                a template name (flowq queries lists them and their parameters)
  --start, --end         ISO-8601 UTC (2026-11-27T00:00:00Z), a date (2026-11-27) or Unix seconds; [start, end)
  --since 30m|24h|7d     the range that ends now
  --limit N              most rows (1-1000, default 10)
  --output table|json|csv
${LATE_MARGIN}
${TIMEOUT}

local engine (default):
  --data <dir>           the folder that holds AWSLogs/ (a copy of s3://bucket/prefix/), or
                         s3://bucket/prefix/ itself, fetched into a cache
  --log-format <fmt> --hive --per-hour --file-format plain-text|parquet   when the tree holds several
  --table <name>         the name of the view the SQL reads (default flow_logs)
  --parquet-cache        keep a Parquet copy of each gzip file read (under FLOWQ_CACHE_DIR, else
                         ~/.cache/flowq), read instead the next time; or FLOWQ_PARQUET_CACHE=true.
                         On by default for s3:// data: --no-parquet-cache keeps gzip only
  --max-download 5GB     with s3:// data: refuse a range that needs more (default 5GB)
  --accounts a,b --regions r1,r2   with s3:// data: instead of discovering them
  --region <r> --profile <p>       with s3:// data: the AWS region and profile, as for --engine athena

--engine athena:
  --database <db> --table <t>   the Glue table (flowq catalog makes it)
  --workgroup <wg> --catalog <c> --output-location s3://... --reuse-minutes N (0: no reuse)
  --log-format <fmt> --hive --per-hour   the table's layout
${AWS_FLAGS}

--engine trino (the same Athena text, on your own Trino; npm run trino -- start runs one here):
  --server http(s)://host:port --catalog <c> --schema <s> --table <t>   the Hive table
  --user <name>          Trino's user (default: your login name); a password from
                         FLOWQ_TRINO_PASSWORD (https only) or a token from FLOWQ_TRINO_TOKEN
  --log-format <fmt> --hive --per-hour   the table's layout (default: read from the table)`,
  },
  sample: {
    summary: "write a deterministic sample data set in AWS's S3 layout",
    usage: `usage: flowq sample --out <dir> [--until YYYY-MM-DD] [--days N] [--records N] [--seed N]
            [--log-format <fmt>] [--hive] [--per-hour] [--file-format plain-text|parquet] [--file-minutes N]

  --out <dir>            the folder that will hold AWSLogs/
  --until YYYY-MM-DD     the day after the last full day (default: today, UTC)
  --days N               full UTC days of data (default 3)
  --records N            records in all, roughly (default 60000)
  --seed N               the random seed (default 1): the same flags give the same files
  --log-format <fmt> --hive --per-hour --file-format plain-text|parquet   the format and layout to write
  --file-minutes N       minutes each file covers (default 60; must divide a partition's minutes)`,
  },
  report: {
    summary: `write the daily report (JSON, CSV, HTML) of some days into a folder; runs ${HEADLINE_NAMES} by default`,
    usage: `usage: flowq report --data <dir> --out <dir> [--date YYYY-MM-DD | --start YYYY-MM-DD --end YYYY-MM-DD]
            [--templates a,b] [--internal-cidrs a,b] [--notify] [--late-margin <min>] [--engine athena ...]

  --out <dir>            the folder the report is written to; prints each day's index.html
  --date YYYY-MM-DD      one day (default: yesterday, UTC)
  --start, --end         the days [start, end)
  --templates a,b        the templates to run (default: ${HEADLINE}, ${REPORT_LIMIT} rows each)
  --internal-cidrs a,b   the internal networks of the change templates (default RFC 1918, 100.64.0.0/10, fc00::/7)
  --notify               also print what changed, as the report function's SNS summary says it
${LATE_MARGIN}
${TIMEOUT}
  --data <dir>, or --engine athena with the flags of flowq run --help`,
  },
  sql: {
    summary: 'run one read-only SQL statement over the flow_logs view, locally or on Athena',
    usage: `usage: flowq sql "<SELECT ... FROM flow_logs ...>" --data <dir|s3://bucket/prefix/> [--start <time> --end <time> | --since 24h]
       flowq sql "<SELECT ...>" --engine athena --database <db> --table <t> ...

  One statement, and only a query: anything that writes, attaches, copies, installs or reads other
  files is refused. The view has the log format's columns and the partition columns aws_account,
  aws_region and dt, so WHERE dt BETWEEN ... prunes.
  --start, --end, --since  open (or fetch, with s3://) only the partitions of this range
  --output table|json|csv
  --table <name>         the name of the view (default flow_logs)
  --max-download 5GB     with --data s3://...: refuse a range that needs more (default 5GB)
  --accounts a,b --regions r1,r2   with --data s3://...: instead of discovering them
  --region <r> --profile <p>       with --data s3://...: the AWS region and profile
${LATE_MARGIN}
${TIMEOUT}
  --data <dir>, or --engine athena with the flags of flowq run --help`,
  },
  demo: {
    summary: `make a sample once (no AWS account), run ${HEADLINE_NAMES} on its last full day, write the report`,
    usage: `usage: flowq demo [--data <dir>] [--out <dir>]

  Makes a sample data set once, prints ${HEADLINE} for its last full day as tables, writes that
  day's report and prints a next command to try. npm start runs it.

  --data <dir>           where the sample is made once and read from (default .flowq/sample)
  --out <dir>            where the report is written (default .flowq/report)`,
  },
  catalog: {
    summary: 'plan, print or create the Glue table and partitions Athena queries',
    usage: `usage: flowq catalog plan|ddl|apply --location s3://bucket/prefix/ --database <db> --table <table> [flags]

  plan   print the Glue requests as one JSON document: {"database", "table", "partitions"}
  ddl    print the equivalent CREATE EXTERNAL TABLE (and ALTER TABLE ADD PARTITION) statements
  apply  send them with your AWS credentials; accounts and regions not given are discovered in S3

${CATALOG_FLAGS}
${AWS_FLAGS} (apply)`,
    subcommands: {
      plan: `usage: flowq catalog plan --location s3://bucket/prefix/ --database <db> --table <table> [flags]

Prints the Glue requests (database, table, partitions) as one JSON document; calls no AWS API.

${CATALOG_FLAGS}`,
      ddl: `usage: flowq catalog ddl --location s3://bucket/prefix/ --database <db> --table <table> [flags]

Prints the CREATE EXTERNAL TABLE (and ALTER TABLE ADD PARTITION) statements; calls no AWS API.
With --dialect trino, Trino's Hive connector statements instead: CREATE TABLE ... WITH (...) and a
CALL system.register_partition per partition (--database is the schema; a local folder may stand
for the location, as local://...; npm run trino -- execute runs them).

${CATALOG_FLAGS}
  --dialect athena|trino           the SQL to print (default athena)
  --catalog <c>                    with --dialect trino: Trino's catalog (default hive)`,
      apply: `usage: flowq catalog apply --location s3://bucket/prefix/ --database <db> --table <table> [flags]

Creates or updates the Glue database and table and adds the range's partitions, with your AWS
credentials; accounts and regions not given are discovered by listing AWSLogs/. Exits 1 when some
partitions could not be created.

${CATALOG_FLAGS}
${AWS_FLAGS}`,
    },
  },
};

/** Whether the arguments ask for help: `--help` or `-h` anywhere. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--help' || arg === '-h');
}

/**
 * The usage of a command, or of its subcommand when the first argument names one.
 * @returns undefined for a command without help.
 */
export function usageOf(command: string, argv: readonly string[] = []): string | undefined {
  const help = COMMAND_HELP[command];
  if (help === undefined) return undefined;
  // `flowq run traffic-from --help`: the shared flags, then the template's own parameters.
  const template = command === 'run' && argv[0] !== undefined ? TEMPLATES.get(argv[0]) : undefined;
  if (template !== undefined) return `${help.usage}\n\n${templateHelp(template)}`;
  return help.subcommands?.[argv[0]] ?? help.usage;
}

/** `flowq help`: every command with its summary. */
export function overview(): string {
  const width = Math.max(...Object.keys(COMMAND_HELP).map((name) => name.length));
  const lines = Object.entries(COMMAND_HELP).map(([name, help]) => `  flowq ${name.padEnd(width)}  ${help.summary}`);
  return `flowq ${flowqVersion()}: answers from VPC Flow Logs

${lines.join('\n')}

  flowq <command> --help   a command's flags
  flowq --version          the version
`;
}

let version: string | undefined;

/**
 * flowq's version, from the package.json nearest above this module: the project's in a clone
 * (src/cli/ or dist/), the installed package's otherwise. 'unknown' when none names flowq.
 */
export function flowqVersion(): string {
  if (version !== undefined) return version;
  const require = createRequire(import.meta.url);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = require(join(dir, 'package.json')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'flowq' && typeof pkg.version === 'string') return (version = pkg.version);
    } catch {
      // No package.json here (or not JSON): look further up.
    }
    const parent = dirname(dir);
    if (parent === dir) return (version = 'unknown');
    dir = parent;
  }
}
