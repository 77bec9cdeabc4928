import { FlowqError } from '../errors.js';
import type { CliIo } from './args.js';
import { UsageError } from './args.js';
import { openAthena } from './athena.js';
import { demoCommand, openLocal, queriesCommand, runCommand, sampleCommand, type EngineFactory } from './commands.js';

const USAGE = `flowq: answers from VPC Flow Logs

  flowq queries                         list the query templates and their parameters
  flowq run <query> --data <dir|s3://bucket/prefix/> --start <time> --end <time> [--limit N]
            [--<param> <value>] [--since 24h] [--log-format <fmt>] [--output table|json|csv]
  flowq sql "<SELECT ... FROM flow_logs ...>" --data <dir|s3://...> [--start <time> --end <time>]
            [--since 24h] [--output table|json|csv]   one read-only statement over the view
  flowq sql "<SELECT ...>" --engine athena --database <db> --table <t> [--workgroup <wg>] ...
  --data s3://... fetches only the range's partitions into the cache (FLOWQ_CACHE_DIR):
            [--max-download 5GB] [--accounts id,...] [--regions r,...] [--region r] [--profile p]
  flowq run <query> --engine athena --database <db> --table <t> [--workgroup <wg>]
            [--output-location s3://...] [--timeout 15m] --start <time> --end <time> ...
  flowq sample --out <dir> [--days N] [--records N] [--seed N] [--log-format <fmt>]
            [--hive] [--per-hour] [--file-format plain-text|parquet]
  flowq catalog plan|ddl|apply ...      the Glue table and partitions (see README)
  flowq demo                            make a sample once and print every query for its last day
`;

const ENGINES: Record<string, EngineFactory> = { local: openLocal, athena: openAthena };

/** Runs the flowq command line; returns the process exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'queries':
        return queriesCommand(rest, io);
      case 'run':
        return await runCommand(rest, io, ENGINES);
      case 'sql':
        return await (await import('./sql.js')).sqlCommand(rest, io);
      case 'sample':
        return await sampleCommand(rest, io);
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
    if (error instanceof FlowqError) {
      io.err(`flowq: ${error.message}\n`);
      return error instanceof UsageError || error.statusCode === 400 || error.statusCode === 404 ? 2 : 1;
    }
    if (isAwsError(error)) {
      io.err(`flowq: AWS: ${error.message.split('\n')[0]}\n`);
      return 1;
    }
    // Not one of ours: a bug. One line for the user; the stack only when asked for.
    io.err(`flowq: unexpected error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    if (process.env.FLOWQ_DEBUG) io.err(`${(error as Error).stack}\n`);
    return 1;
  }
}

/** An error the AWS SDK raised: a service answer (with `$metadata`) or a missing credential. */
function isAwsError(error: unknown): error is Error {
  return error instanceof Error && ('$metadata' in error || error.name === 'CredentialsProviderError');
}
