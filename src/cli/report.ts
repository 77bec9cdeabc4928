import { SYSTEM_CLOCK } from '../clock.js';
import { DEFAULT_QUERY_SETTINGS } from '../config.js';
import { InvalidParameter } from '../errors.js';
import { runTemplate, type Engine, type RunOptions } from '../engines/engine.js';
import { SHARED_PARAMS, validateParams } from '../queries/params.js';
import { recordsRange } from '../queries/render.js';
import { getTemplate } from '../queries/templates.js';
import { renderChangesText } from '../reports/changes.js';
import { reportDays, type ReportDay } from '../reports/period.js';
import { writeReports, type ReportSummary } from '../reports/report.js';
import { DEFAULT_REPORT_CONCURRENCY, DEFAULT_REPORT_TEMPLATES, reportTemplate, type ReportTemplate } from '../reports/settings.js';
import { FolderSink } from '../reports/sink.js';
import { inertText, splitList } from '../text.js';
import { counted } from '../format/units.js';
import { booleanFlag, checkFlags, parseArgs, UsageError, type CliIo } from './args.js';
import { BOOLEAN_FLAGS, engineFlags, openCliEngine, type CliContext } from './engine.js';

/**
 * Writes the report of each day into a folder, over an engine, with progress on stderr: what
 * `flowq report` and `flowq demo` share. `runOptions` gives each query its deadline and progress.
 */
export async function writeLocalReport(
  engine: Engine,
  out: string,
  days: readonly ReportDay[],
  templates: readonly ReportTemplate[],
  io: CliIo,
  runOptions: () => RunOptions = () => ({}),
): Promise<ReportSummary> {
  // An engine's note (a day with no files: the answer is empty) is said once, not once per template.
  const noted = new Set<string>();
  return writeReports(days, {
    runTemplate: async (name, params) => {
      const doc = await runTemplate(engine, name, params, runOptions());
      for (const note of doc.notes ?? []) {
        if (!noted.has(note)) io.err(`flowq: note: ${inertText(note)}\n`);
        noted.add(note);
      }
      return doc;
    },
    sink: new FolderSink(out),
    clock: { now: () => Date.now() },
    prefix: '',
    templates,
    concurrency: DEFAULT_REPORT_CONCURRENCY,
    onTemplate: (day, t) => io.err(`${day.date} ${t.name}: ${t.status === 'ok' ? counted(t.rows ?? 0, 'row') : `failed: ${inertText(t.error ?? '')}`}\n`),
  });
}

/** The internal networks of `--internal-cidrs`, given to each template that takes them. */
function withInternalCidrs(templates: ReportTemplate[], value: string | undefined): ReportTemplate[] {
  if (value === undefined) return templates;
  const spec = SHARED_PARAMS.get('internal_cidrs');
  if (spec !== undefined) validateParams([spec], { internal_cidrs: value });
  return templates.map((t) =>
    getTemplate(t.name).params.some((p) => p.name === 'internal_cidrs') ? { ...t, params: { ...t.params, internal_cidrs: value } } : t,
  );
}

function templatesFlag(value: string | undefined): ReportTemplate[] {
  if (value === undefined) return [...DEFAULT_REPORT_TEMPLATES];
  const names = splitList(value);
  if (names.length === 0) throw new UsageError('--templates needs at least one template name');
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--templates names '${twice}' twice`);
  return names.map(reportTemplate);
}

/**
 * Checks every template's parameters for a report's day before any runs, so that a template which
 * needs a parameter a report cannot give (traffic-from's `cidr`) fails the command at once.
 * @throws UsageError naming the template and its problem.
 */
function checkTemplateParams(templates: readonly ReportTemplate[], day: ReportDay): void {
  for (const t of templates) {
    try {
      validateParams(getTemplate(t.name).params, { ...t.params, start: day.start, end: day.end }, DEFAULT_QUERY_SETTINGS);
    } catch (error) {
      if (error instanceof InvalidParameter) throw new UsageError(`--templates: ${t.name} cannot run in a report (${error.message}); leave it out`);
      throw error;
    }
  }
}

/**
 * `flowq report --data <dir> --out <dir> [--date D | --start D --end D] [--templates a,b] [--internal-cidrs n,m] [--notify]`: the
 * daily report, as the schedule delivers it to S3, written into a folder, over the local engine or
 * (with `--engine athena`) Athena. Prints each day's `index.html` (with `--notify`, then what changed, as the
 * report function publishes it); exits 1 when a template failed (after writing the rest).
 */
export async function reportCommand(argv: string[], io: CliIo, context: CliContext = {}): Promise<number> {
  const args = parseArgs(argv, new Set([...BOOLEAN_FLAGS, 'notify']));
  checkFlags(args, ['out', 'date', 'start', 'end', 'templates', 'internal_cidrs', 'notify', ...engineFlags(args)], 'report');
  const out = args.flags.get('out');
  if (out === undefined) throw new UsageError('--out <dir> is required: the folder the report is written to');
  const notify = booleanFlag(args, 'notify') ?? false;
  const templates = withInternalCidrs(templatesFlag(args.flags.get('templates')), args.flags.get('internal_cidrs'));
  const days = reportDays({ date: args.flags.get('date'), start: args.flags.get('start'), end: args.flags.get('end') }, (context.clock ?? SYSTEM_CLOCK).now());
  checkTemplateParams(templates, days[0]);
  // `--data s3://...` fetches the partitions of the report's days (with the baselines before them), and nothing else.
  const first = days[0];
  const from = Math.min(
    ...templates.map((t) => recordsRange(validateParams(getTemplate(t.name).params, { ...t.params, start: first.start, end: first.end })).start),
  );
  const cli = await openCliEngine(args, io, context, { range: { start: from, end: days[days.length - 1].end }, onlyRange: 'templates' });
  let summary: ReportSummary;
  try {
    summary = await writeLocalReport(cli.engine, out, days, templates, io, () => cli.runOptions());
  } finally {
    await cli.engine.close();
  }
  for (const day of summary.days) {
    io.out(`${day.index}\n`);
    // --notify: the summary the report function publishes for a day that changed, for each day.
    if (notify && day.changes !== undefined) io.out(renderChangesText(day.changes, { index: day.index, manifest: day.manifest }));
  }
  for (const failure of summary.failures) io.err(`flowq: report template failed: ${inertText(failure)}\n`);
  return summary.failures.length === 0 ? 0 : 1;
}
