import type { Column, Row } from '../engines/engine.js';
import type { ChartSpec } from '../queries/header.js';
import { TEMPLATES } from '../queries/templates.js';
import { displayValue } from './text.js';
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

const BAR_HEIGHT = 22;
const BAR_GAP = 6;
const LABEL_WIDTH = 330;
const BAR_AREA = 420;
const VALUE_WIDTH = 90;
const MIN_BAR = 2;

/**
 * One chart as inline SVG, every text HTML-escaped and bidi controls shown rather than obeyed. Each row is a `<g class="bar">` holding its
 * `<rect>` and a `<title>` with its label and value; a bar is never narrower than 2 px, so a row
 * with a tiny value still shows.
 */
export function renderChartSvg(spec: ChartSpec, columns: readonly Column[], rows: readonly Row[], title: string): string {
  const valueColumn = columns.find((c) => c.name === spec.value) ?? { name: spec.value, type: 'bigint' };
  const max = Math.max(1, ...rows.map((r) => numeric(r[spec.value])));
  const items = rows.map((row) => ({
    label: revealControls(rowLabel(spec, columns, row)),
    value: numeric(row[spec.value]),
    shown: displayValue(valueColumn, row[spec.value]),
  }));
  return spec.kind === 'bars' ? barsSvg(items, max, title, spec.value) : columnsSvg(items, max, displayValue(valueColumn, max), title, spec.value);
}

interface Item {
  readonly label: string;
  readonly value: number;
  readonly shown: string;
}

function truncate(text: string, max: number): string {
  return [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;
}

function barsSvg(items: readonly Item[], max: number, title: string, valueName: string): string {
  const width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH;
  const height = Math.max(1, items.length) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP;
  const bars = items.map((item, i) => {
    const y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP);
    const w = Math.max(MIN_BAR, Math.round((item.value / max) * BAR_AREA));
    const mid = y + BAR_HEIGHT / 2;
    return (
      `<g class="bar"><title>${escapeHtml(`${item.label}: ${item.shown}`)}</title>` +
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${mid}" text-anchor="end" dominant-baseline="central">${escapeHtml(truncate(item.label, 44))}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${w}" height="${BAR_HEIGHT}" rx="2"/>` +
      `<text class="value" x="${LABEL_WIDTH + w + 6}" y="${mid}" dominant-baseline="central">${escapeHtml(item.shown)}</text></g>`
    );
  });
  return svg(width, height, `${title}: ${valueName} by row`, bars);
}

const COLUMN_AREA = 220;
const COLUMN_TOP = 10;
const AXIS_LEFT = 70;
const AXIS_SPACE = 40;

/** The labels without what they all begin with up to a space (the date, when every column is on one day). */
function dropCommonPrefix(labels: readonly string[]): string[] {
  if (labels.length < 2) return [...labels];
  let prefix = labels[0];
  for (const label of labels) while (!label.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = prefix.lastIndexOf(' ') + 1;
  return labels.map((l) => l.slice(cut));
}

function columnsSvg(items: readonly Item[], max: number, shownMax: string, title: string, valueName: string): string {
  const width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH;
  const plot = width - AXIS_LEFT;
  const slot = plot / Math.max(1, items.length);
  const barWidth = Math.max(MIN_BAR, slot * 0.8);
  const axisLabels = dropCommonPrefix(items.map((i) => i.label));
  // Axis labels every few columns, so they never overlap; each column's title names it exactly.
  const every = Math.max(1, Math.ceil(items.length / Math.max(1, Math.floor(plot / (8 * Math.max(...axisLabels.map((l) => l.length)) + 16)))));
  const bottom = COLUMN_TOP + COLUMN_AREA;
  const bars = items.map((item, i) => {
    const h = Math.max(MIN_BAR, Math.round((item.value / max) * COLUMN_AREA));
    const x = AXIS_LEFT + i * slot + (slot - barWidth) / 2;
    const label =
      i % every === 0
        ? `<text class="label" x="${(x + barWidth / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${escapeHtml(truncate(axisLabels[i], 20))}</text>`
        : '';
    return `<g class="bar"><title>${escapeHtml(`${item.label}: ${item.shown}`)}</title><rect x="${x.toFixed(1)}" y="${bottom - h}" width="${barWidth.toFixed(1)}" height="${h}"/>${label}</g>`;
  });
  const axis =
    `<line class="axis" x1="${AXIS_LEFT}" y1="${bottom}" x2="${width}" y2="${bottom}"/>` +
    `<text class="value" x="${AXIS_LEFT - 8}" y="${COLUMN_TOP}" text-anchor="end" dominant-baseline="central">${escapeHtml(shownMax)}</text>` +
    `<text class="value" x="${AXIS_LEFT - 8}" y="${bottom}" text-anchor="end" dominant-baseline="central">0</text>`;
  return svg(width, bottom + AXIS_SPACE, `${title}: ${valueName} over time`, [axis, ...bars]);
}

function svg(width: number, height: number, label: string, body: readonly string[]): string {
  return `<svg class="chart" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${body.join('')}</svg>`;
}
