import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_QUERY_SETTINGS } from '../config.js';
import type { Engine } from '../engines/engine.js';
import { toResultDocument, type ResultDocument } from '../engines/engine.js';
import type { FileFormat } from '../flowlog/layout.js';
import { parseFileFormat } from '../flowlog/source.js';
import { formatTime } from '../queries/params.js';
import { renderQuery, type RenderTarget } from '../queries/render.js';
import { getTemplate, TEMPLATES } from '../queries/templates.js';
import { renderCsv, renderStats, renderTable } from '../reports/text.js';
import { writeSample, type SampleOptions } from '../sample/generate.js';
import { booleanFlag, checkFlags, parseArgs, UsageError, type CliIo, type ParsedArgs } from './args.js';

const SOURCE_FLAGS = ['data', 'log_format', 'hive', 'per_hour', 'file_format', 'table'];
const BOOLEANS = new Set(['hive', 'per_hour']);
const OUTPUTS = ['table', 'json', 'csv'] as const;
type Output = (typeof OUTPUTS)[number];

function wholeNumber(args: ParsedArgs, name: string, fallback: number, min = 1): number {
  const value = args.flags.get(name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name.replaceAll('_', '-')} must be a whole number >= ${min}, not '${value}'`);
  return Number(value);
}

function fileFormatFlag(args: ParsedArgs): FileFormat | undefined {
  const value = args.flags.get('file_format');
  if (value === undefined) return undefined;
  try {
    return parseFileFormat(value);
  } catch {
    throw new UsageError(`--file-format must be plain-text or parquet, not '${value}'`);
  }
}

/** Parses `--since 24h` (also m, d): the length of the range that ends now, in seconds. */
export function parseSince(value: string): number {
  const m = /^(\d+)\s*([mhd])$/.exec(value.trim());
  if (!m || Number(m[1]) === 0) throw new UsageError(`--since must look like 30m, 24h or 7d, not '${value}'`);
  return Number(m[1]) * { m: 60, h: 3600, d: 86_400 }[m[2] as 'm' | 'h' | 'd'];
}

/** `flowq queries`: the templates with their parameters. */
export function queriesCommand(argv: string[], io: CliIo): number {
  const args = parseArgs(argv);
  checkFlags(args, ['output']);
  const output = args.flags.get('output') ?? 'table';
  if (output === 'json') {
    io.out(`${JSON.stringify([...TEMPLATES.values()].map((t) => ({ name: t.name, description: t.description, params: t.params.map(({ name, kind, description }) => ({ name, kind, description })) })), null, 2)}\n`);
    return 0;
  }
  if (output !== 'table') throw new UsageError(`--output must be table or json, not '${output}'`);
  for (const t of TEMPLATES.values()) {
    io.out(`${t.name}  ${t.description}\n`);
    for (const p of t.params) {
      const flag = `--${p.name.replaceAll('_', '-')}`;
      io.out(`  ${flag.padEnd(16)} ${p.kind === 'time' ? '(required) ' : ''}${p.description}\n`);
    }
    io.out('\n');
  }
  return 0;
}

/** Opens the engine a `run` asks for. The Athena engine is loaded only when asked for. */
export type EngineFactory = ((args: ParsedArgs, io: CliIo) => Promise<{ engine: Engine; target: RenderTarget }>) & {
  /** The flags this engine reads, beyond the template's parameters. */
  readonly flags: readonly string[];
};

/** The local engine over `--data`, described by the source flags. */
export const openLocal: EngineFactory = Object.assign(async (args: ParsedArgs) => {
  const data = args.flags.get('data');
  if (data === undefined) throw new UsageError('--data <dir> is required: the folder that holds AWSLogs/ (try `flowq sample --out ./sample`)');
  const { openLocalEngine } = await import('../engines/local.js');
  const engine = await openLocalEngine({
    location: data,
    table: args.flags.get('table'),
    logFormat: args.flags.get('log_format'),
    fileFormat: fileFormatFlag(args),
    hiveCompatiblePartitions: booleanFlag(args, 'hive'),
    perHourPartition: booleanFlag(args, 'per_hour'),
  });
  const target: RenderTarget = { table: engine.table, layout: engine.source, logFormat: engine.source.logFormat, lateMarginSeconds: DEFAULT_QUERY_SETTINGS.lateMarginSeconds, limits: DEFAULT_QUERY_SETTINGS };
  return { engine, target };
}, { flags: SOURCE_FLAGS });

/** Reads the template parameters from a `run` command's flags. */
function templateParams(args: ParsedArgs, paramNames: readonly string[], now: () => number): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const name of paramNames) {
    const value = args.flags.get(name);
    if (value !== undefined) raw[name] = value;
  }
  const since = args.flags.get('since');
  if (since !== undefined) {
    if (raw.start !== undefined || raw.end !== undefined) throw new UsageError('give either --since or --start/--end, not both');
    const end = Math.floor(now() / 1000);
    raw.start = String(end - parseSince(since));
    raw.end = String(end);
  }
  return raw;
}

/** Writes a result document in the chosen output form. */
export function printResult(doc: ResultDocument, output: Output, io: CliIo): void {
  for (const note of doc.notes ?? []) io.err(`flowq: note: ${note}\n`);
  if (output === 'json') io.out(`${JSON.stringify(doc)}\n`);
  else if (output === 'csv') io.out(renderCsv(doc));
  else {
    io.out(renderTable(doc));
    io.err(`${renderStats(doc)}\n`);
  }
}

/** Runs one template on an engine and assembles its result document. */
export async function runTemplate(engine: Engine, target: RenderTarget, name: string, raw: Record<string, unknown>): Promise<ResultDocument> {
  const query = renderQuery(getTemplate(name), raw, target);
  return toResultDocument(query, await engine.run(query));
}

/** `flowq run <query> ...`: one template, on the local engine or (with `--engine athena`) on Athena. */
export async function runCommand(argv: string[], io: CliIo, engines: Readonly<Record<string, EngineFactory>>, now: () => number = Date.now): Promise<number> {
  const args = parseArgs(argv, BOOLEANS);
  const [name, ...extra] = args.positionals;
  if (name === undefined) throw new UsageError(`run needs a query name: ${[...TEMPLATES.keys()].join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const template = getTemplate(name);
  const paramNames = template.params.map((p) => p.name);
  const engineName = args.flags.get('engine') ?? 'local';
  const factory = engines[engineName];
  if (!factory) throw new UsageError(`--engine must be one of ${Object.keys(engines).join(', ')}, not '${engineName}'`);
  checkFlags(args, [...paramNames, 'since', 'output', 'engine', ...factory.flags]);
  const output = (args.flags.get('output') ?? 'table') as Output;
  if (!OUTPUTS.includes(output)) throw new UsageError(`--output must be table, json or csv, not '${output}'`);
  const raw = templateParams(args, paramNames, now);
  const { engine, target } = await factory(args, io);
  try {
    printResult(await runTemplate(engine, target, name, raw), output, io);
  } finally {
    await engine.close();
  }
  return 0;
}

/** `flowq sample --out <dir> ...`: a deterministic data set in AWS's layout. */
export async function sampleCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, BOOLEANS);
  checkFlags(args, ['out', 'days', 'records', 'seed', 'log_format', 'hive', 'per_hour', 'file_format', 'file_minutes', 'until']);
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
  const summary = await writeSample({ ...options, onProgress: progressPrinter(io, 'writing files') });
  io.err(`wrote ${summary.records.toLocaleString('en-US')} records in ${summary.files} files under ${join(out, 'AWSLogs')} (${formatTime(summary.from)} to ${formatTime(summary.until)})\n`);
  return 0;
}

function parseUntil(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) throw new UsageError(`--until must be a date (YYYY-MM-DD), not '${value}'`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3]) / 1000;
}

/** Progress on stderr, at most every 5%, so long work shows it is moving. */
export function progressPrinter(io: CliIo, label: string): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const percent = Math.floor((done / total) * 20) * 5;
    if (percent !== shown && (percent < 100 || done === total)) {
      shown = percent;
      io.err(`${label}: ${done}/${total} (${percent}%)\n`);
    }
  };
}

interface Manifest {
  readonly from: number;
  readonly until: number;
}

/**
 * `flowq demo` (what `npm start` runs): makes the sample data set once, into a git-ignored folder,
 * then prints every template as a table for the sample's last full day. No AWS account needed.
 */
export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  checkFlags(args, ['data']);
  const dir = args.flags.get('data') ?? '.flowq/sample';
  const manifestPath = join(dir, 'flowq-sample.json');
  let manifest: Manifest;
  if (existsSync(manifestPath)) {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  } else {
    // The manifest is written last: without it, a set left half-made by an interrupted run is made anew.
    await rm(join(dir, 'AWSLogs'), { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    io.err(`making a sample data set in ${dir} (once)\n`);
    const summary = await writeSample({ out: dir, onProgress: progressPrinter(io, 'writing files') });
    manifest = { from: summary.from, until: summary.until };
    await writeFile(manifestPath, `${JSON.stringify(manifest)}\n`);
  }
  const { engine, target } = await openLocal(parseArgs(['--data', dir]), io);
  try {
    const range = { start: manifest.until - 86_400, end: manifest.until };
    for (const name of TEMPLATES.keys()) {
      const doc = await runTemplate(engine, target, name, range);
      io.out(`\n== ${name}  (${formatTime(range.start)} to ${formatTime(range.end)})\n\n`);
      io.out(renderTable(doc));
      io.out(`${renderStats(doc)}\n`);
    }
  } finally {
    await engine.close();
  }
  return 0;
}
