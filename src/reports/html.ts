import type { ResultDocument } from '../engines/engine.js';
import { formatTime } from '../time.js';
import { TEMPLATES } from '../queries/templates.js';
import { chartFor, renderChartSvg } from './chart.js';
import { escapeHtml, revealControls } from './escape.js';
import type { ReportDay } from './period.js';
import type { TemplateStatus } from './report.js';
import { displayValue, humanBytes, renderStats } from './text.js';

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
}

const NUMERIC = new Set(['integer', 'bigint', 'double', 'smallint', 'tinyint', 'real', 'decimal']);

// Inline only: the page must open from a mail attachment or an S3 console link with nothing else.
const STYLE = `
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6877; --line: #d9dee4; --bar: #2f6db5; --new: #1b7f4b; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f6f7f9; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 2px; }
.muted, .desc, .stats, .params { color: var(--muted); }
nav a { margin-right: 14px; color: var(--bar); }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px 18px; margin: 16px 0; overflow-x: auto; }
section.failed { border-color: var(--bad); }
.error { color: var(--bad); font-weight: 600; }
.chart { display: block; max-width: 100%; height: auto; margin: 10px 0 6px; }
.chart rect { fill: var(--bar); }
.chart .label { font-size: 12px; fill: var(--ink); unicode-bidi: isolate; }
.chart .value { font-size: 12px; fill: var(--muted); }
.chart .axis { stroke: var(--line); }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-weight: 600; border-bottom-color: var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; color: #fff; background: var(--new); border-radius: 3px; padding: 0 5px; margin-right: 6px; }
tr.new td { background: #eef8f2; }
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
  if (files !== undefined) parts.push(`${files} files, ${humanBytes(read ?? 0)} read`);
  return parts.join(', ');
}

function paramsText(params: Readonly<Record<string, string | number>>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? 'default parameters' : entries.map(([k, v]) => `${k} ${String(v)}`).join(', ');
}

function table(doc: ResultDocument, isNew: readonly boolean[] | undefined): string {
  const right = doc.columns.map((c) => NUMERIC.has(c.type) && c.name !== 'protocol');
  const head = doc.columns.map((c, i) => `<th${right[i] ? ' class="num"' : ''} scope="col">${escapeHtml(c.name)}</th>`).join('');
  const body = doc.rows.map((row, r) => {
    const fresh = isNew?.[r] === true;
    const cells = doc.columns.map((c, i) => {
      const badge = fresh && i === 0 ? '<span class="badge">new</span>' : '';
      return `<td${right[i] ? ' class="num"' : ''}>${badge}<bdi>${escapeHtml(revealControls(displayValue(c, row[c.name])))}</bdi></td>`;
    });
    return `<tr${fresh ? ' class="new"' : ''}>${cells.join('')}</tr>`;
  });
  if (doc.rows.length === 0) body.push(`<tr><td colspan="${doc.columns.length}" class="muted">no rows for this day</td></tr>`);
  return `<table><thead><tr>${head}</tr></thead><tbody>${body.join('\n')}</tbody></table>`;
}

function section({ status, document, isNew }: ReportSection): string {
  const name = escapeHtml(status.name);
  const description = TEMPLATES.get(status.name)?.description;
  const heading = `<h2>${name}</h2>${description === undefined ? '' : `<p class="desc">${escapeHtml(description)}</p>`}<p class="params">${escapeHtml(paramsText(status.params))}</p>`;
  if (status.status === 'failed' || document === undefined) {
    return `<section id="${name}" class="failed">${heading}<p class="error">Failed: ${escapeHtml(status.error ?? 'unknown error')}</p></section>`;
  }
  const spec = chartFor(status.name, document.columns);
  const chart = spec === undefined || document.rows.length === 0 ? '' : renderChartSvg(spec, document.columns, document.rows, status.name);
  const fresh = isNew === undefined ? '' : ` · ${isNew.filter(Boolean).length} new since the previous day`;
  return `<section id="${name}">${heading}${chart}${table(document, isNew)}<p class="stats">${escapeHtml(renderStats(document) + fresh)}</p></section>`;
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
  const summary = [`${sections.length} queries`, failed === 0 ? 'all succeeded' : `${failed} failed`, totals(docs)].filter((p) => p !== '').join(' · ');
  const nav = sections.map((s) => `<a href="#${escapeHtml(s.status.name)}">${escapeHtml(s.status.name)}</a>`).join('');
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
<p class="muted">${escapeHtml(`${formatTime(day.start)} to ${formatTime(day.end)} (UTC) · generated ${page.generatedAt} · ${compared}`)}</p>
<p class="summary">${escapeHtml(summary)}</p>
<nav>${nav}</nav>
</header>
<main>
${sections.map(section).join('\n')}
</main>
</body>
</html>
`;
}
