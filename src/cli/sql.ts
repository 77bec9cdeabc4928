import { SYSTEM_CLOCK } from '../clock.js';
import { DEFAULT_QUERY_SETTINGS } from '../config.js';
import { toResultDocument, type StatementResult } from '../engines/engine.js';
import { partitionBounds, partitionDt } from '../flowlog/layout.js';
import { SHARED_PARAMS, validateParams } from '../queries/params.js';
import { partitionsRead, type RenderedQuery, type RenderTarget } from '../queries/render.js';
import { formatTime } from '../time.js';
import { shorten } from '../text.js';
import { checkFlags, parseArgs, UsageError, type CliIo, type ParsedArgs } from './args.js';
import { outputFlag, printResult, templateParams } from './commands.js';
import { BOOLEAN_FLAGS, engineFlags, openCliEngine, type CliContext } from './engine.js';

/** A question's time range, [start, end) in Unix seconds. */
interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/** Every partition: the bounds of a statement given without a range. */
const ALL_PARTITIONS = { from: '', to: '\uffff' } as const;

/**
 * A statement a user wrote, in the shape the engines run: its own SQL, no values, and the
 * partitions of the range when one is given (every partition otherwise).
 */
export function statementQuery(sql: string, range: TimeRange | undefined, target: Pick<RenderTarget, 'layout' | 'lateMarginSeconds'>): RenderedQuery {
  const partitions =
    range === undefined ? ALL_PARTITIONS : (([from, to]) => ({ from, to }))(partitionBounds(target.layout, range.start, range.end, target.lateMarginSeconds));
  return {
    template: 'sql',
    params: range === undefined ? {} : { start: formatTime(range.start), end: formatTime(range.end) },
    sql: sql.trim().replace(/;\s*$/, ''),
    values: [],
    executionParameters: [],
    partitions,
    partitionsRead: range === undefined ? undefined : partitionsRead(target.layout, range.start, range.end, target.lateMarginSeconds),
  };
}

/** A string literal that looks like a day or a time: what a comparison with `dt` is meant to hold. */
const DATE_LIKE = /^(?:\d{4}[-/.]\d{1,2}|year=)/;

/** `dt` compared with string literals: `dt = '...'`, `dt BETWEEN '...' AND '...'`, `dt IN ('...', ...)`, `dt LIKE '...'`. */
const DT_COMPARED = /\bdt\s*(?:==?|<>|!=|<=|>=|<|>|(?:NOT\s+)?(?:I?LIKE|IN|BETWEEN))\s*\(?\s*('(?:[^']|'')*'(?:\s*(?:,|AND)\s*'(?:[^']|'')*')*)/gi;

/** The shape of a partition value or a literal, every digit a 9: `9999/99/99`. */
function shape(text: string): string {
  return text.replace(/\d/g, '9');
}

/**
 * A note for a statement that compares `dt` with a date written in another format than the
 * partitions' (`dt = '2026-11-27'` where they read `2026/11/27`): it matches nothing, silently.
 * A literal that is a prefix of the format (`'2026/11'`, `LIKE '2026/11/%'`) or extends it is fine.
 */
export function dtLiteralNote(sql: string, example: string): string | undefined {
  const literals = [...sql.matchAll(DT_COMPARED)].flatMap((m) => [...m[1].matchAll(/'((?:[^']|'')*)'/g)].map((l) => l[1].replaceAll("''", "'")));
  const wanted = shape(example);
  const bad = literals.find((literal) => {
    if (!DATE_LIKE.test(literal)) return false;
    const given = shape(literal.replace(/[%_].*$/, ''));
    return !wanted.startsWith(given) && !given.startsWith(wanted);
  });
  if (bad === undefined) return undefined;
  let group = 0;
  const format = example.replace(/\d+/g, () => ['YYYY', 'MM', 'DD', 'HH'][group++] ?? '');
  return `dt holds partition values like '${example}' (${format}), so '${shorten(bad)}' matches none`;
}

/** `--start/--end` or `--since`: optional for `flowq sql`, checked as the templates check them. */
function optionalRange(args: ParsedArgs, now: () => number): TimeRange | undefined {
  const raw = templateParams(args, ['start', 'end'], now);
  if (raw.start === undefined && raw.end === undefined) return undefined;
  const checked = validateParams(
    [...SHARED_PARAMS.values()].filter((p) => p.kind === 'time'),
    raw,
    DEFAULT_QUERY_SETTINGS,
  );
  return { start: checked.start as number, end: checked.end as number };
}

/**
 * `flowq sql "<SELECT ...>" --data <dir|s3://...> [--start --end | --since] [--output ...]`: one
 * read-only statement over the `flow_logs` view the templates see, on the local engine (only the
 * range's partitions opened, or fetched from S3), or with `--engine athena` on the workgroup, with
 * the progress, cost line and deadline of templates. Anything but one query is refused (exit 2).
 */
export async function sqlCommand(argv: string[], io: CliIo, context: CliContext = {}): Promise<number> {
  const args = parseArgs(argv, BOOLEAN_FLAGS);
  const [statement, ...extra] = args.positionals;
  if (statement === undefined || statement.trim() === '') {
    throw new UsageError('sql needs a statement: flowq sql "SELECT ... FROM flow_logs WHERE dt BETWEEN ..." --data <dir|s3://...>');
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${shorten(extra[0])}': quote the statement as one argument`);
  checkFlags(args, ['output', 'start', 'end', 'since', ...engineFlags(args)], 'sql');
  const output = outputFlag(args);
  const clock = context.clock ?? SYSTEM_CLOCK;
  const range = optionalRange(args, () => clock.now());
  // Parsed before anything is fetched or sent; the local engine then binds it in its sandbox.
  const { checkSelectSyntax } = await import('../engines/local/sandbox.js');
  await checkSelectSyntax(statement);
  const opened = await openCliEngine(args, io, context, { range, onlyRange: true });
  const { engine } = opened;
  try {
    const query = statementQuery(statement, range, engine.target);
    const options = opened.runOptions();
    const result: StatementResult = engine.runStatement === undefined ? await engine.run(query, options) : await engine.runStatement(query, options);
    // A partition the data holds, or else the one of the range's start (or of now).
    const note = dtLiteralNote(statement, result.partitionHeld ?? partitionDt(engine.target.layout, range?.start ?? Math.floor(clock.now() / 1000)));
    const doc = toResultDocument(query, result);
    printResult(note === undefined ? doc : { ...doc, notes: [...(doc.notes ?? []), note] }, output, io);
  } finally {
    await engine.close();
  }
  return 0;
}
