import { DEFAULT_QUERY_SETTINGS } from '../config.js';
import { toResultDocument } from '../engines/engine.js';
import { partitionBounds, type Layout } from '../flowlog/layout.js';
import { COMMON_PARAMS, validateParams } from '../queries/params.js';
import { formatTime } from '../time.js';
import type { RenderedQuery } from '../queries/render.js';
import { checkFlags, parseArgs, UsageError, type CliIo } from './args.js';
import { ATHENA_FLAGS, openAthenaEngine } from './athena.js';
import { BOOLEANS, openLocalData, OUTPUTS, printResult, SOURCE_FLAGS, templateParams, type Output, type TimeRange } from './commands.js';

/** Every partition: the bounds of a statement given without a range. */
const ALL_PARTITIONS = { from: '', to: '\uffff' } as const;

/**
 * A statement a user wrote, in the shape the engines run: its own SQL, no values, and the
 * partitions of the range when one is given (every partition otherwise).
 */
export function statementQuery(sql: string, range: TimeRange | undefined, layout: Layout): RenderedQuery {
  const text = sql.trim().replace(/;\s*$/, '');
  const partitions =
    range === undefined
      ? ALL_PARTITIONS
      : (([from, to]) => ({ from, to }))(partitionBounds(layout, range.start, range.end, DEFAULT_QUERY_SETTINGS.lateMarginSeconds));
  return {
    template: 'sql',
    params: range === undefined ? {} : { start: formatTime(range.start), end: formatTime(range.end) },
    sql: text,
    values: [],
    executionParameters: [],
    partitions,
  };
}

/** `--start/--end` or `--since`: optional for `flowq sql`, checked as the templates check them. */
function optionalRange(args: ReturnType<typeof parseArgs>, now: () => number): TimeRange | undefined {
  const raw = templateParams(args, ['start', 'end'], now);
  if (raw.start === undefined && raw.end === undefined) return undefined;
  const checked = validateParams(
    COMMON_PARAMS.filter((p) => p.kind === 'time'),
    raw,
    DEFAULT_QUERY_SETTINGS,
  );
  return { start: checked.start as number, end: checked.end as number };
}

/**
 * `flowq sql "<SELECT ...>" --data <dir|s3://...> [--start --end | --since] [--output ...]`: one
 * read-only statement over the `flow_logs` view the templates see, on the local engine (only the
 * range's partitions opened, or fetched from S3), or with `--engine athena` on the workgroup.
 * Anything but one query is refused (exit 2).
 */
export async function sqlCommand(argv: string[], io: CliIo, now: () => number = Date.now): Promise<number> {
  const args = parseArgs(argv, BOOLEANS);
  const [statement, ...extra] = args.positionals;
  if (statement === undefined || statement.trim() === '') {
    throw new UsageError('sql needs a statement: flowq sql "SELECT ... FROM flow_logs WHERE dt BETWEEN ..." --data <dir|s3://...>');
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}': quote the statement as one argument`);
  const engineName = args.flags.get('engine') ?? 'local';
  if (engineName !== 'local' && engineName !== 'athena') throw new UsageError(`--engine must be local or athena, not '${engineName}'`);
  checkFlags(args, ['engine', 'output', 'start', 'end', 'since', ...(engineName === 'athena' ? ATHENA_FLAGS : SOURCE_FLAGS)]);
  const output = (args.flags.get('output') ?? 'table') as Output;
  if (!OUTPUTS.includes(output)) throw new UsageError(`--output must be table, json or csv, not '${output}'`);
  const range = optionalRange(args, now);
  // Parsed before anything is fetched or sent; the local engine then binds it in its sandbox.
  const { checkSelectSyntax } = await import('../engines/local-sql.js');
  await checkSelectSyntax(statement);

  if (engineName === 'athena') {
    const { engine, target } = await openAthenaEngine(args, io);
    try {
      const query = statementQuery(statement, range, target.layout);
      printResult(toResultDocument(query, await engine.run(query)), output, io);
    } finally {
      await engine.close();
    }
    return 0;
  }

  const engine = await openLocalData(args, io, range, true);
  try {
    const query = statementQuery(statement, range, engine.source);
    printResult(toResultDocument(query, await engine.runStatement(query)), output, io);
  } finally {
    await engine.close();
  }
  return 0;
}
