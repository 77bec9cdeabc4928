import { FlowqError } from '../errors.js';
import type { CliIo } from './args.js';
import { UsageError } from './args.js';
import { demoCommand, queriesCommand, runCommand, sampleCommand } from './commands.js';

const USAGE = `flowq: answers from VPC Flow Logs

  flowq queries                         list the query templates and their parameters
  flowq run <query> --data <dir|s3://bucket/prefix/> --start <time> --end <time> [--limit N]
            [--<param> <value>] [--since 24h] [--log-format <fmt>] [--output table|json|csv]
  flowq run <query> --engine athena --database <db> --table <t> [--workgroup <wg>]
            [--output-location s3://...] [--timeout 15m] --start <time> --end <time> ...
  flowq sql "<SELECT ... FROM flow_logs ...>" --data <dir|s3://...> [--start <time> --end <time>]
            [--since 24h] [--output table|json|csv]   one read-only statement over the view
  flowq sql "<SELECT ...>" --engine athena --database <db> --table <t> [--workgroup <wg>] ...
            --data s3://... fetches only the range's partitions into the cache (FLOWQ_CACHE_DIR):
            [--max-download 5GB] [--accounts id,...] [--regions r,...] [--region r] [--profile p]
  flowq sample --out <dir> [--days N] [--records N] [--seed N] [--log-format <fmt>]
            [--hive] [--per-hour] [--file-format plain-text|parquet]
  flowq report --data <dir> --out <dir> [--date YYYY-MM-DD | --start <date> --end <date>]
            [--templates a,b]           the daily report (JSON, CSV, HTML) into a folder
  flowq catalog plan|ddl|apply ...      the Glue table and partitions (see README)
  flowq demo                            make a sample once, print every query and write the report for its last day
`;

/** Runs the flowq command line; returns the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'queries':
        return queriesCommand(rest, io);
      case 'run':
        return await runCommand(rest, io);
      case 'sql':
        return await (await import('./sql.js')).sqlCommand(rest, io);
      case 'sample':
        return await sampleCommand(rest, io);
      case 'report':
        return await (await import('./report.js')).reportCommand(rest, io);
      case 'demo':
        return await demoCommand(rest, io);
      case 'catalog':
        // Loaded on demand: the AWS SDK costs start-up time that local commands need not pay.
        return await (await import('./catalog.js')).catalogCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'; try: flowq help`);
    }
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * Exit 2: a mistake in the command line or a parameter, fixed by changing the command. Every other
 * domain error (data, AWS, a failed query) exits 1.
 */
const COMMAND_LINE_CODES: ReadonlySet<string> = new Set(['USAGE', 'INVALID_PARAMETER', 'UNKNOWN_QUERY', 'INVALID_CONFIGURATION', 'INVALID_LOG_FORMAT']);

/** The exit code of a domain error. */
export function exitCodeOf(error: FlowqError): 1 | 2 {
  return COMMAND_LINE_CODES.has(error.code) ? 2 : 1;
}

/** Writes one line for an error and returns the exit code: 2 for command-line mistakes, 1 for the rest. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof FlowqError) {
    io.err(`flowq: ${error.message}\n`);
    return exitCodeOf(error);
  }
  const aws = describeAwsError(error);
  if (aws !== undefined) {
    io.err(`flowq: ${aws}\n`);
    return 1;
  }
  // Not one of ours: a bug. One line for the user; the stack only when asked for.
  io.err(`flowq: unexpected error: ${error instanceof Error ? firstLine(error.message) : String(error)}\n`);
  if (process.env.FLOWQ_DEBUG) io.err(`${(error as Error).stack}\n`);
  return 1;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

/**
 * One line for an error the AWS SDK raised, saying how to fix what can be fixed here: a missing
 * region or credentials, an unknown profile; a service's answer with its name.
 */
export function describeAwsError(error: unknown, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (/^Region is missing/i.test(error.message)) {
    return 'no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)';
  }
  if (error.name === 'CredentialsProviderError' || error.name === 'ProviderError') {
    const profile = env.AWS_PROFILE;
    if (profile !== undefined && profile !== '') {
      return `AWS profile '${profile}' was not found or holds no credentials: check --profile / AWS_PROFILE and ~/.aws/config`;
    }
    return 'no AWS credentials: pass --profile or set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if ('$metadata' in error) return `AWS: ${error.name}: ${firstLine(error.message)}`;
  return undefined;
}
