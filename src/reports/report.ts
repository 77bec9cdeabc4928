import { createHash } from 'node:crypto';
import type { ResultDocument, Row } from '../engines/engine.js';
import { asFlowqError } from '../aws/errors.js';
import { FlowqError } from '../errors.js';
import { mapLimit } from '../pool.js';
import { formatTime } from '../time.js';
import { dayChanges, type DayChanges } from './changes.js';
import { chartFor, type ChartSpec } from './chart.js';
import { renderReportHtml, type ReportSection } from './html.js';
import { dayBefore, dayFolder, type ReportDay } from './period.js';
import type { ReportTemplate } from './settings.js';
import type { ReportObject, ReportSink } from './sink.js';
import { renderCsv } from '../format/csv.js';
import { renderJson } from '../format/json.js';
import { errorLine, firstLine } from '../text.js';

/** Runs one template with its parameters and answers with its result document. */
export type RunTemplate = (name: string, params: Readonly<Record<string, unknown>>) => Promise<ResultDocument>;

/** What a report needs: how to run a template, where to deliver, and the time. */
export interface ReportOptions {
  readonly runTemplate: RunTemplate;
  readonly sink: ReportSink;
  readonly clock: { now(): number };
  /** Key prefix: empty, or ends with `/`. */
  readonly prefix: string;
  readonly templates: readonly ReportTemplate[];
  /** Queries in flight at most. */
  readonly concurrency: number;
  /** Called as each template finishes, for progress on a terminal or in a log. */
  readonly onTemplate?: (day: ReportDay, outcome: TemplateStatus) => void;
}

/** How one template fared in a report. */
export interface TemplateStatus {
  readonly name: string;
  readonly params: Readonly<Record<string, string | number>>;
  readonly status: 'ok' | 'failed';
  /** Rows returned, when it ran. */
  readonly rows?: number;
  /** One line saying why it failed. */
  readonly error?: string;
}

/** One object of a day, as the manifest lists it. */
export interface ManifestObject {
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
  readonly sha256: string;
}

/** `manifest.json`: written after every other object of the day; a day is complete when it exists. */
export interface Manifest {
  readonly version: 1;
  readonly period: { readonly date: string; readonly start: string; readonly end: string };
  readonly generatedAt: string;
  readonly templates: readonly TemplateStatus[];
  readonly objects: readonly ManifestObject[];
  /** What changed against the days before, when the report ran the change templates: the baseline and the counts. */
  readonly changes?: { readonly baselineDays: number; readonly counts: Readonly<Record<string, number>> };
}

/** `latest.json`: the newest complete day, its paths relative to the prefix (where latest.json is). */
export interface LatestPointer {
  readonly date: string;
  readonly index: string;
  readonly manifest: string;
  readonly generatedAt: string;
}

/** What a report of one day delivered. */
export interface DayReport {
  readonly date: string;
  /** Where the page is: `s3://...` or a file path. */
  readonly index: string;
  readonly manifest: string;
  readonly templates: readonly TemplateStatus[];
  /** Whether `latest.json` now points to this day (it never moves back to an older one). */
  readonly latest: boolean;
  /** What changed, when the report ran the change templates, with the keys of the page and the manifest. */
  readonly changes?: DayChanges & { readonly indexKey: string; readonly manifestKey: string };
}

const CONTENT_TYPES = { json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8; header=present', html: 'text/html; charset=utf-8' } as const;
/**
 * Day objects may be rewritten by a re-run, so caches keep them briefly; latest.json not at all. Only
 * the reader's own cache: the pages list internal addresses and interface ids, never for a shared one.
 */
const DAY_CACHE = 'private, max-age=300';
const POINTER_CACHE = 'private, no-cache';

/** One line saying why a template failed: a domain or AWS error's message (see asFlowqError), never a stack. */
export function describeFailure(error: unknown): string {
  const known = asFlowqError(error);
  if (known !== undefined) return firstLine(known.message);
  return `unexpected error: ${errorLine(error)}`;
}

function object(key: string, text: string, contentType: string, cacheControl = DAY_CACHE): ReportObject {
  return { key, body: Buffer.from(text, 'utf8'), contentType, cacheControl };
}

function describe(o: ReportObject): ManifestObject {
  return { key: o.key, size: o.body.byteLength, contentType: o.contentType, sha256: createHash('sha256').update(o.body).digest('hex') };
}

async function readJson<T>(sink: ReportSink, key: string): Promise<T | undefined> {
  const bytes = await sink.get(key);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The identity of a row in a ranking: its label columns' values. */
function rowKey(spec: ChartSpec, row: Row): string {
  return JSON.stringify(spec.labels.map((l) => row[l] ?? null));
}

/**
 * Which rows of a ranking were not in the previous day's report, read from that day's stored JSON
 * (only when that day is complete and the template succeeded there). Undefined when there is
 * nothing to compare with, or the chart is a time series, whose rows are new every day.
 */
async function newRows(
  sink: ReportSink,
  previous: Manifest | undefined,
  prefix: string,
  day: ReportDay,
  name: string,
  doc: ResultDocument,
): Promise<boolean[] | undefined> {
  const spec = chartFor(name, doc.columns);
  if (previous === undefined || spec === undefined || spec.kind !== 'bars') return undefined;
  if (!previous.templates.some((t) => t.name === name && t.status === 'ok')) return undefined;
  const before = await readJson<ResultDocument>(sink, `${prefix}${dayFolder(dayBefore(day))}${name}.json`);
  if (before === undefined || !Array.isArray(before.rows)) return undefined;
  const seen = new Set((before.rows as readonly Row[]).map((row) => rowKey(spec, row)));
  return doc.rows.map((row) => !seen.has(rowKey(spec, row)));
}

/**
 * Writes the report of one day: per template `<name>.json` and `<name>.csv`, then `index.html`, then
 * `manifest.json`, then `latest.json` when this is the newest complete day. A failed template is
 * marked failed and the others are delivered. The day's old manifest is removed first, so a day
 * whose objects are being replaced is never presented as complete; running the same day again
 * writes the same keys.
 * @throws the sink's error when an object cannot be written (the day is then left without a manifest).
 */
export async function writeDayReport(day: ReportDay, options: ReportOptions): Promise<DayReport> {
  const { sink, prefix } = options;
  const folder = `${prefix}${dayFolder(day)}`;
  const outcomes = await mapLimit(options.templates, options.concurrency, async (template) => {
    const params = { ...template.params, start: formatTime(day.start), end: formatTime(day.end) };
    let result: { status: TemplateStatus; document?: ResultDocument };
    try {
      const document = await options.runTemplate(template.name, params);
      result = { status: { name: template.name, params: template.params, status: 'ok', rows: document.rows.length }, document };
    } catch (error) {
      result = { status: { name: template.name, params: template.params, status: 'failed', error: describeFailure(error) } };
    }
    options.onTemplate?.(day, result.status);
    return result;
  });

  const manifestKey = `${folder}manifest.json`;
  await sink.delete(manifestKey);
  const previous = await readJson<Manifest>(sink, `${prefix}${dayFolder(dayBefore(day))}manifest.json`);
  const generatedAt = new Date(options.clock.now()).toISOString();
  const objects: ReportObject[] = [];
  const sections: ReportSection[] = [];
  for (const { status, document } of outcomes) {
    if (document !== undefined) {
      objects.push(object(`${folder}${status.name}.json`, renderJson(document), CONTENT_TYPES.json));
      objects.push(object(`${folder}${status.name}.csv`, renderCsv(document), CONTENT_TYPES.csv));
    }
    sections.push({ status, document, isNew: document && (await newRows(sink, previous, prefix, day, status.name, document)) });
  }
  const changes = dayChanges(day.date, sections);
  const page = { day, generatedAt, previousDate: previous?.period.date, sections, ...(changes === undefined ? {} : { changes }) };
  objects.push(object(`${folder}index.html`, renderReportHtml(page), CONTENT_TYPES.html));
  for (const o of objects) await sink.put(o);

  const manifest: Manifest = {
    version: 1,
    period: { date: day.date, start: formatTime(day.start), end: formatTime(day.end) },
    generatedAt,
    templates: outcomes.map((o) => o.status),
    objects: objects.map(describe),
    ...(changes === undefined ? {} : { changes: { baselineDays: changes.baselineDays, counts: changes.counts } }),
  };
  await sink.put(object(manifestKey, `${JSON.stringify(manifest, null, 2)}\n`, CONTENT_TYPES.json));

  const latestKey = `${prefix}latest.json`;
  const current = await readJson<LatestPointer>(sink, latestKey);
  const latest = current === undefined || typeof current.date !== 'string' || current.date <= day.date;
  if (latest) {
    const pointer: LatestPointer = { date: day.date, index: `${dayFolder(day)}index.html`, manifest: `${dayFolder(day)}manifest.json`, generatedAt };
    await sink.put(object(latestKey, `${JSON.stringify(pointer, null, 2)}\n`, CONTENT_TYPES.json, POINTER_CACHE));
  }
  const indexKey = `${folder}index.html`;
  return {
    date: day.date,
    index: sink.location(indexKey),
    manifest: sink.location(manifestKey),
    templates: manifest.templates,
    latest,
    ...(changes === undefined ? {} : { changes: { ...changes, indexKey, manifestKey } }),
  };
}

/** What a run over one or more days delivered. */
export interface ReportSummary {
  readonly days: readonly DayReport[];
  /** Templates that failed, as `date name: reason`. */
  readonly failures: readonly string[];
}

/** Writes the report of each day in turn (oldest first, so `latest.json` ends on the newest). */
export async function writeReports(days: readonly ReportDay[], options: ReportOptions): Promise<ReportSummary> {
  const reports: DayReport[] = [];
  for (const day of days) reports.push(await writeDayReport(day, options));
  const failures = reports.flatMap((r) => r.templates.filter((t) => t.status === 'failed').map((t) => `${r.date} ${t.name}: ${t.error}`));
  return { days: reports, failures };
}

/** Some templates of a report failed; the others were delivered. */
export class ReportIncomplete extends FlowqError {
  override readonly code = 'REPORT_INCOMPLETE';
  readonly summary: ReportSummary;

  constructor(summary: ReportSummary) {
    super(
      `${summary.failures.length} report template(s) failed, the rest were delivered to ${summary.days.map((d) => d.index).join(', ')}: ${summary.failures.join('; ')}`,
    );
    this.summary = summary;
  }
}
