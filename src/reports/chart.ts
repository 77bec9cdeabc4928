import type { Column, Row } from '../engines/engine.js';
import type { ChartSpec } from '../queries/header.js';
import { TEMPLATES } from '../queries/templates.js';
import { displayValue } from '../format/values.js';
import { escapeHtml, revealControls } from './escape.js';

export type { ChartSpec };

const LABEL_TYPES = new Set(['varchar', 'integer', 'smallint', 'tinyint', 'timestamp', 'date']);

/**
 * The chart for a template's result: the template's own choice (its `@chart` header) when its
 * columns are there, otherwise the first bigint column as the value and the text or int columns
 * before it as labels. Undefined when the result has nothing to draw.
 */
export function chartFor(template: string, columns: readonly Column[]): ChartSpec | undefined {
  const names = new Set(columns.map((c) => c.name));
  const known = TEMPLATES.get(template)?.chart;
  if (known !== undefined && names.has(known.value) && known.labels.every((l) => names.has(l))) return known;
  const valueIndex = columns.findIndex((c) => c.type === 'bigint');
  if (valueIndex === -1) return undefined;
  const labels = columns
    .slice(0, valueIndex)
    .filter((c) => LABEL_TYPES.has(c.type))
    .map((c) => c.name);
  if (labels.length === 0) return undefined;
  return { kind: 'bars', value: columns[valueIndex].name, labels };
}

/** A row's label as a chart and a table show it: its label columns, in human form, joined by an arrow. */
export function rowLabel(spec: ChartSpec, columns: readonly Column[], row: Row): string {
  return spec.labels
    .map((name) => {
      const column = columns.find((c) => c.name === name) ?? { name, type: 'varchar' };
      return displayValue(column, row[name]);
    })
    .join(spec.labels.length === 2 && spec.labels[1] === 'dstaddr' ? ' → ' : ' / ');
}

function numeric(value: Row[string]): number {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Percent of the largest value, to two decimals: a bar's length or a column's height. */
function percent(value: number, max: number): string {
  return `${Math.round((value / max) * 10_000) / 100}%`;
}

interface Item {
  readonly label: string;
  readonly shown: string;
  readonly share: string;
  readonly fresh: boolean;
}

/**
 * One chart as HTML laid out by CSS (the page's style), so it reflows on a narrow screen and its
 * text keeps its size: a caption naming the measure and its scale, then for bars one `div.bar` per
 * row (label in full, the bar, the value; `new` rows marked) over a scale of ticks, or for a time
 * series one `div.col` per bucket with the axis. Each row's `title` gives its label and value;
 * every text is escaped and bidi controls are shown rather than obeyed.
 * @param isNew per row, whether it is new since the previous report.
 */
export function renderChart(spec: ChartSpec, columns: readonly Column[], rows: readonly Row[], title: string, isNew?: readonly boolean[]): string {
  const valueColumn = columns.find((c) => c.name === spec.value) ?? { name: spec.value, type: 'bigint' };
  const max = Math.max(1, ...rows.map((r) => numeric(r[spec.value])));
  const items: Item[] = rows.map((row, i) => ({
    label: revealControls(rowLabel(spec, columns, row)),
    shown: displayValue(valueColumn, row[spec.value]),
    share: percent(numeric(row[spec.value]), max),
    fresh: isNew?.[i] === true,
  }));
  const shown = (n: number) => displayValue(valueColumn, n);
  const per = spec.labels.join(' / ');
  return spec.kind === 'bars'
    ? barsHtml(items, [0, max / 2, max].map(shown), title, `${spec.value} per ${per}`)
    : columnsHtml(items, shown(max), title, `${spec.value} per ${per} (UTC)`);
}

function figure(kind: string, title: string, caption: string, body: string): string {
  return `<figure class="chart ${kind}" aria-label="${escapeHtml(`${title}: ${caption}`)}"><figcaption class="measure">${escapeHtml(caption)}</figcaption>${body}</figure>`;
}

function barsHtml(items: readonly Item[], ticks: readonly string[], title: string, measure: string): string {
  const bars = items.map(
    (item) =>
      `<div class="bar${item.fresh ? ' new' : ''}" title="${escapeHtml(`${item.label}: ${item.shown}`)}">` +
      `<span class="label">${item.fresh ? '<span class="badge">new</span>' : ''}<bdi>${escapeHtml(item.label)}</bdi></span>` +
      `<span class="track"><span class="fill" style="width:${item.share}"></span></span>` +
      `<span class="value">${escapeHtml(item.shown)}</span></div>`,
  );
  const scale = `<div class="scale" aria-hidden="true"><span></span><span class="ticks">${ticks.map((t) => `<span>${escapeHtml(t)}</span>`).join('')}</span><span></span></div>`;
  return figure('bars', title, `${measure}; bars from 0 to ${ticks[ticks.length - 1]}`, `${bars.join('')}${scale}`);
}

/** The labels without what they all begin with up to a space (the date, when every column is on one day). */
function dropCommonPrefix(labels: readonly string[]): string[] {
  if (labels.length < 2) return [...labels];
  let prefix = labels[0];
  for (const label of labels) while (!label.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = prefix.lastIndexOf(' ') + 1;
  return labels.map((l) => l.slice(cut));
}

/** The narrowest plot a column chart gets (a 400 px screen), which decides how many axis labels fit. */
const NARROWEST_PLOT_PX = 300;

function columnsHtml(items: readonly Item[], shownMax: string, title: string, measure: string): string {
  const axisLabels = dropCommonPrefix(items.map((i) => i.label));
  // Axis labels every few columns (11 px text, about 7 px a character), so they never overlap; each column's title names it exactly.
  const widest = 7 * Math.max(1, ...axisLabels.map((l) => [...l].length)) + 12;
  const every = Math.max(1, Math.ceil(items.length / Math.max(1, Math.floor(NARROWEST_PLOT_PX / widest))));
  const cols = items.map(
    (item) => `<div class="col" title="${escapeHtml(`${item.label}: ${item.shown}`)}"><span class="fill" style="height:${item.share}"></span></div>`,
  );
  const labels = axisLabels.map((l, i) => `<span>${i % every === 0 ? `<bdi>${escapeHtml(l)}</bdi>` : ''}</span>`);
  const body =
    `<div class="plot"><div class="yaxis" aria-hidden="true"><span>${escapeHtml(shownMax)}</span><span>0</span></div><div class="cols">${cols.join('')}</div></div>` +
    `<div class="xaxis" aria-hidden="true"><span></span><div class="labels">${labels.join('')}</div></div>`;
  return figure('columns', title, `${measure}; columns from 0 to ${shownMax}`, body);
}
