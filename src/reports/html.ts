import type { ResultDocument } from '../engines/engine.js';
import { formatTime } from '../time.js';
import { TEMPLATES } from '../queries/templates.js';
import { countsText, isChangeTemplate, renderChangesHtml, type DayChanges } from './changes.js';
import { chartFor, renderChart } from './chart.js';
import { escapeHtml, revealControls } from './escape.js';
import type { ReportDay } from './period.js';
import type { TemplateStatus } from './report.js';
import { renderStats } from '../format/stats.js';
import { counted, humanBytes } from '../format/units.js';
import { displayValue, isTimeColumn } from '../format/values.js';

/** One template's part of the page. */
export interface ReportSection {
  readonly status: TemplateStatus;
  readonly document?: ResultDocument;
  /** Per row, whether it was missing from the previous day's report; undefined when not compared. */
  readonly isNew?: readonly boolean[];
}

/** Everything the page shows. */
export interface ReportPage {
  readonly day: ReportDay;
  readonly generatedAt: string;
  /** The complete previous day compared with, if there was one. */
  readonly previousDate?: string;
  readonly sections: readonly ReportSection[];
  /** What changed against the days before, when the report ran the change templates: shown first. */
  readonly changes?: DayChanges;
}

const NUMERIC = new Set(['integer', 'bigint', 'double', 'smallint', 'tinyint', 'real', 'decimal']);

// Inline only: the page must open from a mail attachment or an S3 console link with nothing else.
// Readable from a phone (400 px) up: charts are HTML, so they reflow and keep their text size; on a
// narrow screen a bar's label goes above it, and a wide table scrolls inside its own box, saying so.
const STYLE = `
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6877; --line: #d9dee4; --bar: #2f6db5; --new: #1b7f4b; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 2px; overflow-wrap: anywhere; }
.muted, .desc, .stats, .params, .note { color: var(--muted); }
.note { border-left: 3px solid var(--line); padding-left: 8px; }
nav a { margin-right: 14px; color: var(--bar); display: inline-block; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px 18px; margin: 16px 0; min-width: 0; }
section.failed { border-color: var(--bad); }
.error { color: var(--bad); font-weight: 600; overflow-wrap: anywhere; }
.chart { margin: 10px 0 6px; }
.measure { font-size: 12px; color: var(--muted); margin-bottom: 6px; }
.bars .bar, .bars .scale { display: grid; grid-template-columns: minmax(10em, 330px) minmax(0, 1fr) 6.5em; column-gap: 8px; align-items: center; margin: 3px 0; }
.bars .label { font-size: 12px; text-align: right; overflow-wrap: anywhere; }
.bars .track { height: 18px; }
.bars .fill { display: block; height: 100%; min-width: 2px; background: var(--bar); border-radius: 2px; }
.bars .bar.new .fill { background: var(--new); }
.bars .value { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
.bars .ticks { display: flex; justify-content: space-between; border-top: 1px solid var(--ink); font-size: 11px; color: var(--muted); }
.columns .plot, .columns .xaxis { display: grid; grid-template-columns: 5.5em minmax(0, 1fr); column-gap: 6px; }
.columns .yaxis { display: flex; flex-direction: column; justify-content: space-between; text-align: right; font-size: 11px; color: var(--muted); }
.columns .cols, .columns .labels { display: flex; gap: 2px; }
.columns .cols { height: 200px; align-items: flex-end; border-bottom: 1px solid var(--ink); border-left: 1px solid var(--line); }
.columns .col { flex: 1 1 0; min-width: 0; height: 100%; display: flex; align-items: flex-end; }
.columns .col .fill { display: block; width: 100%; min-height: 2px; background: var(--bar); }
.columns .labels span { flex: 1 1 0; min-width: 0; font-size: 11px; color: var(--muted); white-space: nowrap; overflow: visible; }
.scroll { overflow-x: auto; }
.scroll-hint { display: none; font-size: 12px; color: var(--muted); margin: 6px 0 0; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
td:not(.num) { white-space: normal; overflow-wrap: anywhere; min-width: 9em; }
th { font-weight: 600; border-bottom-color: var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; color: #fff; background: var(--new); border-radius: 3px; padding: 0 5px; margin-right: 6px; }
tr.new td { background: #eef8f2; }
h3 { font-size: 15px; margin: 12px 0 4px; }
ul.changes { margin: 4px 0; padding-left: 20px; }
ul.changes li { overflow-wrap: anywhere; }
@media (max-width: 640px) {
  header, main { padding: 0 10px; }
  section { padding: 12px 10px; }
  .bars .bar, .bars .scale { grid-template-columns: minmax(0, 1fr) 5.5em; }
  .bars .label { grid-column: 1 / -1; text-align: left; }
  .bars .scale > span:first-child { display: none; }
  .columns .plot, .columns .xaxis { grid-template-columns: 4.5em minmax(0, 1fr); }
  td:not(.num) { white-space: nowrap; }
  .scroll-hint { display: block; }
}
`;

function sum(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
}

/** The cost line at the top: what every query scanned and cost (Athena), or read (local). */
function totals(docs: readonly ResultDocument[]): string {
  const scanned = sum(docs.map((d) => d.stats.dataScannedBytes));
  const cost = sum(docs.map((d) => d.stats.costUsd));
  const read = sum(docs.map((d) => d.stats.bytesRead));
  const files = sum(docs.map((d) => d.stats.filesRead));
  const parts: string[] = [];
  if (scanned !== undefined) parts.push(`${humanBytes(scanned)} scanned`);
  if (cost !== undefined) parts.push(`$${cost.toFixed(4)}`);
  if (files !== undefined) parts.push(`${counted(files, 'file')}, ${humanBytes(read ?? 0)} read`);
  return parts.join(', ');
}

function paramsText(params: Readonly<Record<string, string | number>>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? 'default parameters' : entries.map(([k, v]) => `${k} ${String(v)}`).join(', ');
}

function table(doc: ResultDocument, isNew: readonly boolean[] | undefined): string {
  const right = doc.columns.map((c) => NUMERIC.has(c.type) && c.name !== 'protocol');
  const name = (c: { name: string; type: string }) => escapeHtml(NUMERIC.has(c.type) && isTimeColumn(c.name) ? `${c.name} (UTC)` : c.name);
  const head = doc.columns.map((c, i) => `<th${right[i] ? ' class="num"' : ''} scope="col">${name(c)}</th>`).join('');
  const body = doc.rows.map((row, r) => {
    const fresh = isNew?.[r] === true;
    const cells = doc.columns.map((c, i) => {
      const badge = fresh && i === 0 ? '<span class="badge">new</span>' : '';
      return `<td${right[i] ? ' class="num"' : ''}>${badge}<bdi>${escapeHtml(revealControls(displayValue(c, row[c.name])))}</bdi></td>`;
    });
    return `<tr${fresh ? ' class="new"' : ''}>${cells.join('')}</tr>`;
  });
  if (doc.rows.length === 0) body.push(`<tr><td colspan="${doc.columns.length}" class="muted">no rows for this day</td></tr>`);
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body.join('\n')}</tbody></table></div><p class="scroll-hint">the table scrolls sideways →</p>`;
}

/** The lines under a section's heading: the engine's notes (an empty range), and why last_seen can pass the day's end. */
function notes(doc: ResultDocument, day: ReportDay): string[] {
  const lines = [...(doc.notes ?? [])];
  if (doc.rows.some((r) => typeof r.last_seen === 'number' && r.last_seen >= day.end)) {
    lines.push(
      `last_seen can fall after ${day.date} ends: a flow that starts on the day may end after midnight UTC, and its record is filed in the next day's folder`,
    );
  }
  return lines.map((l) => `<p class="note">${escapeHtml(l)}</p>`);
}

function section({ status, document, isNew }: ReportSection, day: ReportDay): string {
  const name = escapeHtml(status.name);
  const description = TEMPLATES.get(status.name)?.description;
  const heading = `<h2>${name}</h2>${description === undefined ? '' : `<p class="desc">${escapeHtml(description)}</p>`}<p class="params">${escapeHtml(paramsText(status.params))}</p>`;
  if (status.status === 'failed' || document === undefined) {
    return `<section id="${name}" class="failed">${heading}<p class="error">Failed: ${escapeHtml(status.error ?? 'unknown error')}</p></section>`;
  }
  const spec = chartFor(status.name, document.columns);
  const chart = spec === undefined || document.rows.length === 0 ? '' : renderChart(spec, document.columns, document.rows, status.name, isNew);
  const fresh = isNew === undefined ? '' : ` · ${isNew.filter(Boolean).length} new since the previous day`;
  return `<section id="${name}">${heading}${notes(document, day).join('')}${chart}${table(document, isNew)}<p class="stats">${escapeHtml(renderStats(document) + fresh)}</p></section>`;
}

/**
 * The day's report as one self-contained HTML page: inline style and SVG charts, no scripts and
 * nothing fetched (a Content-Security-Policy forbids it), every value escaped.
 */
export function renderReportHtml(page: ReportPage): string {
  const { day, sections } = page;
  const failed = sections.filter((s) => s.status.status === 'failed').length;
  const docs = sections.flatMap((s) => (s.document === undefined ? [] : [s.document]));
  const compared = page.previousDate === undefined ? 'no previous report to compare with' : `rows marked new were not in the report of ${page.previousDate}`;
  const changed = page.changes === undefined ? '' : `what changed: ${countsText(page.changes)}`;
  const summary = [`${sections.length} queries`, failed === 0 ? 'all succeeded' : `${failed} failed`, changed, totals(docs)]
    .filter((p) => p !== '')
    .join(' · ');
  const ranked = sections.filter((s) => !isChangeTemplate(s.status.name));
  const changesNav = page.changes === undefined ? '' : '<a href="#what-changed">What changed</a>';
  const nav = changesNav + ranked.map((s) => `<a href="#${escapeHtml(s.status.name)}">${escapeHtml(s.status.name)}</a>`).join('');
  const first = page.changes === undefined ? [] : [renderChangesHtml(sections, page.changes.baselineDays)];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>flowq report ${escapeHtml(day.date)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>VPC Flow Logs report, ${escapeHtml(day.date)}</h1>
<p class="muted">${escapeHtml(`${formatTime(day.start)} to ${formatTime(day.end)} (UTC) · generated ${page.generatedAt.replace(/\.\d+Z$/, 'Z')} · ${compared}`)}</p>
<p class="summary">${escapeHtml(summary)}</p>
<nav>${nav}</nav>
</header>
<main>
${[...first, ...ranked.map((s) => section(s, day))].join('\n')}
</main>
</body>
</html>
`;
}
