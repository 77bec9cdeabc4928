import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_QUERY_SETTINGS } from '../config.js';
import { SYSTEM_CLOCK } from '../clock.js';
import { runTemplate, type ResultDocument } from '../engines/engine.js';
import { openEngine } from '../engines/open.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat, type LogFormat } from '../flowlog/format.js';
import { formatTime, parseDate, parseDuration } from '../time.js';
import { inertText, shorten } from '../text.js';
import { mark } from '../timings.js';
import { validateParams } from '../queries/params.js';
import { recordsRange } from '../queries/render.js';
import { describeTemplates, getTemplate, TEMPLATES } from '../queries/templates.js';
import { renderCsv } from '../format/csv.js';
import { renderJson } from '../format/json.js';
import { renderStats } from '../format/stats.js';
import { renderTable } from '../format/table.js';
import { reportDay } from '../reports/period.js';
import { DEFAULT_REPORT_TEMPLATES } from '../reports/settings.js';
import { writeSample, type SampleOptions } from '../sample/generate.js';
import { booleanFlag, checkFlags, parseArgs, UsageError, type CliIo, type ParsedArgs } from './args.js';
import { BOOLEAN_FLAGS, engineFlags, engineSettingsFromFlags, fileFormatFlag, openCliEngine, type CliContext } from './engine.js';
import { inFlagTerms } from './data-location.js';
import { templateHelp, templateList } from './template-help.js';
import { countPrinter } from './progress.js';

const OUTPUTS = ['table', 'json', 'csv'] as const;
/** The forms `--output` prints a result in. */
export type Output = (typeof OUTPUTS)[number];

function wholeNumber(args: ParsedArgs, name: string, fallback: number, min = 1): number {
  const value = args.flags.get(name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new UsageError(`--${name.replaceAll('_', '-')} must be a whole number >= ${min}, not '${shorten(value)}'`);
  return Number(value);
}

/** Parses `--since 24h` (also m, d): the length of the range that ends now, in seconds. */
export function parseSince(value: string): number {
  const seconds = parseDuration(value, ['m', 'h', 'd']);
  if (seconds === undefined) throw new UsageError(`--since must look like 30m, 24h or 7d, not '${shorten(value)}'`);
  return seconds;
}

/**
 * `flowq queries [<name>] [--data <dir> | --log-format <fmt>] [--output table|json]`: one line per
 * template, or one template's parameters and columns; with a format (given, or read from the files
 * under `--data`), which templates it supports.
 */
export async function queriesCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, BOOLEAN_FLAGS);
  const [name, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${shorten(extra[0])}'`);
  checkFlags(args, ['output', 'log_format', 'data', 'hive', 'per_hour', 'file_format'], 'queries');
  const output = args.flags.get('output') ?? 'table';
  if (output !== 'table' && output !== 'json') throw new UsageError(`--output must be table or json, not '${shorten(output)}'`);
  if (name !== undefined) {
    const template = getTemplate(name);
    if (output === 'json')
      io.out(
        `${JSON.stringify(
          describeTemplates(DEFAULT_LOG_FORMAT, DEFAULT_QUERY_SETTINGS).find((d) => d.name === name),
          null,
          2,
        )}\n`,
      );
    else io.out(`${templateHelp(template)}\n`);
    return 0;
  }
  const format = await formatOf(args);
  const descriptions = describeTemplates(format ?? DEFAULT_LOG_FORMAT, DEFAULT_QUERY_SETTINGS);
  if (output === 'json') io.out(`${JSON.stringify(descriptions, null, 2)}\n`);
  else io.out(templateList(format));
  return 0;
}

/** The log format `--log-format` states, or the one the files under `--data` (a local folder) are in. */
async function formatOf(args: ParsedArgs): Promise<LogFormat | undefined> {
  const data = args.flags.get('data');
  const stated = args.flags.get('log_format');
  if (data === undefined) return stated === undefined ? undefined : parseLogFormat(stated);
  if (data.startsWith('s3://')) throw new UsageError("queries --data reads a local folder; for S3 give the flow log's --log-format");
  const settings = engineSettingsFromFlags(args);
  if (settings.kind !== 'local') throw new UsageError(`queries --data reads a local folder, not --engine ${settings.kind}`);
  const { LocalEngine } = await import('../engines/local/engine.js');
  let engine;
  try {
    engine = await LocalEngine.open(settings.local, settings.query);
  } catch (error) {
    throw inFlagTerms(error);
  }
  try {
    return engine.source.logFormat;
  } finally {
    await engine.close();
  }
}

/** Reads the template parameters from a command's flags, with `--since` as the range that ends now. */
export function templateParams(args: ParsedArgs, paramNames: readonly string[], now: () => number): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const name of paramNames) {
    const value = args.flags.get(name);
    if (value !== undefined) raw[name] = value;
  }
  const since = args.flags.get('since');
  if (since !== undefined) {
    if (raw.start !== undefined || raw.end !== undefined) throw new UsageError('give either --since or --start/--end, not both');
    const end = Math.floor(now() / 1000);
    const seconds = parseSince(since);
    const { maxRangeDays } = DEFAULT_QUERY_SETTINGS;
    if (seconds > maxRangeDays * 86_400) throw new UsageError(`--since ${shorten(since)} is too long: a range covers at most ${maxRangeDays} days`);
    raw.start = String(end - seconds);
    raw.end = String(end);
  }
  return raw;
}

/** Writes a result document in the chosen output form. */
export function printResult(doc: ResultDocument, output: Output, io: CliIo): void {
  for (const note of doc.notes ?? []) io.err(`flowq: note: ${inertText(note)}\n`);
  if (output === 'json') io.out(renderJson(doc));
  else if (output === 'csv') io.out(renderCsv(doc));
  else {
    io.out(renderTable(doc));
    io.err(`${renderStats(doc)}\n`);
  }
}

/** `flowq run <query> ...`: one template, on the local engine or (with `--engine athena`) on Athena. */
export async function runCommand(argv: string[], io: CliIo, context: CliContext = {}): Promise<number> {
  const args = parseArgs(argv, BOOLEAN_FLAGS);
  const [name, ...extra] = args.positionals;
  if (name === undefined) throw new UsageError(`run needs a query name: ${[...TEMPLATES.keys()].join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${shorten(extra[0])}'`);
  const template = getTemplate(name);
  const paramNames = template.params.map((p) => p.name);
  checkFlags(args, [...paramNames, 'since', 'output', ...engineFlags(args)], `run ${name}`);
  const output = outputFlag(args);
  const raw = templateParams(args, paramNames, () => (context.clock ?? SYSTEM_CLOCK).now());
  // The parameters are checked before the engine opens, so that S3 data is fetched only for a valid request.
  const checked = validateParams(template.params, raw, DEFAULT_QUERY_SETTINGS);
  // A template that compares with a baseline reads (and fetches) the days before the range too.
  const cli = await openCliEngine(args, io, context, { range: recordsRange(checked), onlyRange: 'templates' });
  const { engine } = cli;
  try {
    const doc = await runTemplate(engine, name, raw, cli.runOptions());
    mark('query');
    printResult(doc, output, io);
    mark('output');
  } finally {
    await engine.close();
  }
  return 0;
}

/** `--output table|json|csv`, any case. @throws UsageError for another value. */
export function outputFlag(args: ParsedArgs): Output {
  const output = (args.flags.get('output') ?? 'table').toLowerCase() as Output;
  if (!OUTPUTS.includes(output)) throw new UsageError(`--output must be table, json or csv, not '${shorten(args.flags.get('output') ?? '')}'`);
  return output;
}

/** `flowq sample --out <dir> ...`: a deterministic data set in AWS's layout. */
export async function sampleCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, BOOLEAN_FLAGS);
  checkFlags(args, ['out', 'days', 'records', 'seed', 'log_format', 'hive', 'per_hour', 'file_format', 'file_minutes', 'until'], 'sample');
  const out = args.flags.get('out');
  if (out === undefined) throw new UsageError('--out <dir> is required');
  const until = args.flags.get('until');
  const options: SampleOptions = {
    out,
    days: wholeNumber(args, 'days', 3),
    records: wholeNumber(args, 'records', 60_000),
    seed: wholeNumber(args, 'seed', 1, 0),
    logFormat: args.flags.get('log_format'),
    hive: booleanFlag(args, 'hive'),
    perHour: booleanFlag(args, 'per_hour'),
    fileFormat: fileFormatFlag(args),
    fileMinutes: wholeNumber(args, 'file_minutes', 60),
    until: until === undefined ? undefined : parseUntil(until),
  };
  const summary = await writeSample({ ...options, onProgress: countPrinter(io, 'writing files', io.interactive === true) });
  io.err(
    `wrote ${summary.records.toLocaleString('en-US')} records in ${summary.files} files under ${join(out, 'AWSLogs')} (${formatTime(summary.from)} to ${formatTime(summary.until)})\n`,
  );
  return 0;
}

function parseUntil(value: string): number {
  const day = parseDate(value);
  if (day === undefined) throw new UsageError(`--until must be a real date (YYYY-MM-DD), not '${shorten(value)}'`);
  return day;
}

interface Manifest {
  readonly from: number;
  readonly until: number;
  /** Which generator made the set: one made before the last day's planted changes is made again. */
  readonly generator?: number;
}

/** The sample generator's version; 2 plants changes on the last day. */
const SAMPLE_GENERATOR = 2;

/** A path as a shell reads it back: bare when it is plain, else in single quotes. */
function shellWord(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The end of the demo: which days the sample holds, and a next question that runs as printed from the same folder. */
export function nextSteps(dir: string, manifest: Manifest): string {
  const day = (seconds: number) => formatTime(seconds).slice(0, 10);
  const last = manifest.until - 86_400;
  return [
    `the sample holds the UTC days ${day(manifest.from)} to ${day(last)}; ${TEMPLATES.size - DEFAULT_REPORT_TEMPLATES.length} more templates: npx flowq queries`,
    'next, who probed many ports and was rejected on its last day:',
    `  npx flowq run port-scanners --data ${shellWord(dir)} --start ${day(last)} --end ${day(manifest.until)}`,
    '',
  ].join('\n');
}

/**
 * `flowq demo` (what `npm start` runs): makes the sample data set once, into a git-ignored folder,
 * then prints every template its format answers from a time range alone as a table for the sample's last full day and writes that day's report
 * into `--out` (default `.flowq/report`), printing the path of its `index.html`. No AWS account needed.
 */
export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  checkFlags(args, ['data', 'out'], 'demo');
  const dir = args.flags.get('data') ?? '.flowq/sample';
  const out = args.flags.get('out') ?? '.flowq/report';
  const manifestPath = join(dir, 'flowq-sample.json');
  let manifest: Manifest;
  const existing = existsSync(manifestPath) ? (JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest) : undefined;
  if (existing !== undefined && existing.generator === SAMPLE_GENERATOR) {
    manifest = existing;
  } else {
    // The manifest is written last: without it, a set left half-made by an interrupted run is made anew.
    await rm(join(dir, 'AWSLogs'), { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    io.err(`making a sample data set in ${dir} (once)\n`);
    // Eight days: the last, reported, and the seven before it that "What changed" compares it with.
    const summary = await writeSample({ out: dir, days: 8, onProgress: countPrinter(io, 'writing files', io.interactive === true) });
    manifest = { from: summary.from, until: summary.until, generator: SAMPLE_GENERATOR };
    await writeFile(manifestPath, `${JSON.stringify(manifest)}\n`);
  }
  const engine = await openEngine({ kind: 'local', local: { location: dir }, query: DEFAULT_QUERY_SETTINGS });
  try {
    const range = { start: manifest.until - 86_400, end: manifest.until };
    // The daily report's questions (what changed, then the three rankings); `flowq queries` lists the rest.
    for (const { name } of DEFAULT_REPORT_TEMPLATES) {
      const doc = await runTemplate(engine, name, range);
      io.out(`\n== ${name}  (${formatTime(range.start)} to ${formatTime(range.end)})\n\n`);
      io.out(renderTable(doc));
      io.out(`${renderStats(doc)}\n`);
    }
    const { writeLocalReport } = await import('./report.js');
    const summary = await writeLocalReport(engine, out, [reportDay(range.start)], DEFAULT_REPORT_TEMPLATES, { out: () => undefined, err: () => undefined });
    io.out(`\nreport for ${summary.days[0].date}: ${summary.days[0].index}\n`);
    io.out(nextSteps(dir, manifest));
  } finally {
    await engine.close();
  }
  return 0;
}
