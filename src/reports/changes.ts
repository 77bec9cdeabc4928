/**
 * The "What changed" part of a report: the templates that compare the day with the days before it, their results
 * summed up as counts and one-line items, as the page's first section, the manifest, the EventBridge event, the SNS
 * message and `flowq report --notify` show them.
 */
import type { Row } from '../engines/engine.js';
import { protocolName } from '../flowlog/protocols.js';
import { inertText } from '../text.js';
import { escapeHtml } from './escape.js';
import type { ReportSection } from './html.js';
import { humanBytes } from '../format/units.js';

/** The templates of the section, in the order it lists them. */
export const CHANGE_TEMPLATES = ['new-destinations', 'new-listeners', 'traffic-change'] as const;
export type ChangeTemplate = (typeof CHANGE_TEMPLATES)[number];

/** The baseline the default report compares each day with. */
export const REPORT_BASELINE_DAYS = 7;
/** Items of each template an event and a summary carry. */
export const TOP_ITEMS = 5;

const HEADINGS: Readonly<Record<ChangeTemplate, string>> = {
  'new-destinations': 'New external destinations',
  'new-listeners': 'New listening ports',
  'traffic-change': 'Traffic changes',
};

/** Whether a template belongs in the "What changed" section. */
export function isChangeTemplate(name: string): name is ChangeTemplate {
  return (CHANGE_TEMPLATES as readonly string[]).includes(name);
}

/** What changed on one day: counts per template that ran, and the first items of each. */
export interface DayChanges {
  readonly date: string;
  readonly baselineDays: number;
  /** Rows per template (of those that succeeded). */
  readonly counts: Readonly<Record<string, number>>;
  /** The first {@link TOP_ITEMS} rows of each, as the template returned them. */
  readonly top: Readonly<Record<string, readonly Row[]>>;
}

/** The total of the counts: whether anything changed. */
export function changeCount(changes: DayChanges): number {
  return Object.values(changes.counts).reduce((a, b) => a + b, 0);
}

/**
 * Text of one value as inert text: controls as `\x1b` and bidi or invisible format characters as `⟨U+202E⟩`, so an
 * item stays one line and neither a terminal, a mail reader nor the page obeys what the data holds.
 */
function text(value: Row[string]): string {
  return inertText(String(value ?? '-'));
}

function clock(seconds: Row[string]): string {
  return typeof seconds === 'number' ? `${new Date(seconds * 1000).toISOString().slice(11, 16)} UTC` : 'at an unknown time';
}

function bytes(value: Row[string]): string {
  return typeof value === 'number' ? humanBytes(value) : text(value);
}

function protocol(value: Row[string]): string {
  return typeof value === 'number' ? protocolName(value) : text(value);
}

function times(value: Row[string]): string {
  return typeof value === 'number' ? `${value >= 10 ? Math.round(value) : Number(value.toFixed(2))}×` : '';
}

/**
 * One row as a line a person reads: `10.0.1.14 → 198.51.100.7:443/TCP, first seen 03:12 UTC, 4.2 MB`. Values are
 * text here; the page escapes the line and the event carries the rows themselves.
 */
export function changeItem(template: ChangeTemplate, row: Row): string {
  switch (template) {
    case 'new-destinations':
      return `${text(row.srcaddr)} → ${text(row.dstaddr)}:${text(row.dstport)}/${protocol(row.protocol)}, first seen ${clock(row.first_seen)}, ${bytes(row.bytes)}`;
    case 'new-listeners': {
      const sources = row.sources === 1 ? '1 source' : `${text(row.sources)} sources`;
      return `${text(row.address)} accepted ${text(row.port)}/${protocol(row.protocol)} from ${sources}, first seen ${clock(row.first_seen)}, ${bytes(row.bytes)}`;
    }
    case 'traffic-change': {
      const mean = typeof row.baseline_daily_mean === 'number' ? humanBytes(Math.round(row.baseline_daily_mean)) : '-';
      if (row.change === 'new') return `${text(row.key)} new: ${bytes(row.bytes)}, none in the baseline`;
      return `${text(row.key)} ${text(row.change)} ${times(row.ratio)}: ${bytes(row.bytes)} against a daily mean of ${mean}`;
    }
  }
}

/** The day's changes from the report's sections; undefined when the report ran none of the change templates. */
export function dayChanges(date: string, sections: readonly ReportSection[]): DayChanges | undefined {
  const ran = sections.filter((s) => isChangeTemplate(s.status.name) && s.document !== undefined);
  if (ran.length === 0) return undefined;
  const days = ran.map((s) => s.document?.params.baseline_days).find((d) => typeof d === 'number');
  return {
    date,
    baselineDays: typeof days === 'number' ? days : REPORT_BASELINE_DAYS,
    counts: Object.fromEntries(ran.map((s) => [s.status.name, s.document?.rows.length ?? 0])),
    top: Object.fromEntries(ran.map((s) => [s.status.name, (s.document?.rows ?? []).slice(0, TOP_ITEMS)])),
  };
}

/** `2 new destinations, 1 new listener, 3 traffic changes`: the counts in words. */
export function countsText(changes: DayChanges): string {
  const words: Readonly<Record<ChangeTemplate, [string, string]>> = {
    'new-destinations': ['new destination', 'new destinations'],
    'new-listeners': ['new listener', 'new listeners'],
    'traffic-change': ['traffic change', 'traffic changes'],
  };
  return CHANGE_TEMPLATES.filter((t) => changes.counts[t] !== undefined)
    .map((t) => `${changes.counts[t]} ${words[t][changes.counts[t] === 1 ? 0 : 1]}`)
    .join(', ');
}

/**
 * The plain-text summary of a day's changes: what the SNS message says and `flowq report --notify` prints.
 * @param where the page and manifest, as the reader can open them.
 */
export function renderChangesText(changes: DayChanges, where: { readonly index: string; readonly manifest: string }): string {
  const lines = [`flowq: what changed on ${changes.date} against the ${changes.baselineDays} days before: ${countsText(changes)}`];
  for (const template of CHANGE_TEMPLATES) {
    const rows = changes.top[template];
    if (rows === undefined || rows.length === 0) continue;
    const more = (changes.counts[template] ?? 0) - rows.length;
    lines.push('', `${HEADINGS[template]}:`, ...rows.map((row) => `- ${changeItem(template, row)}`));
    if (more > 0) lines.push(`- and ${more} more`);
  }
  lines.push('', `Report: ${where.index}`, `Manifest: ${where.manifest}`);
  return `${lines.join('\n')}\n`;
}

/** The "What changed" section of the page: each change template's rows as one-line items, or "nothing new". */
export function renderChangesHtml(sections: readonly ReportSection[], baselineDays: number): string {
  const parts = CHANGE_TEMPLATES.flatMap((template) => {
    const section = sections.find((s) => s.status.name === template);
    if (section === undefined) return [];
    const heading = `<h3>${escapeHtml(HEADINGS[template])}</h3>`;
    if (section.document === undefined) return [`${heading}<p class="error">Failed: ${escapeHtml(section.status.error ?? 'unknown error')}</p>`];
    const rows = section.document.rows;
    if (rows.length === 0) return [`${heading}<p class="muted">nothing new against the ${baselineDays} days before</p>`];
    const items = rows.map((row) => `<li><bdi>${escapeHtml(changeItem(template, row))}</bdi></li>`).join('\n');
    return [`${heading}<ul class="changes">${items}</ul><p class="stats">full table: <a href="${template}.csv">${template}.csv</a></p>`];
  });
  // The engines' notes (an empty day, a baseline that begins before the data), each once for the section.
  const notes = [...new Set(sections.filter((s) => isChangeTemplate(s.status.name)).flatMap((s) => s.document?.notes ?? []))];
  const noted = notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('');
  return `<section id="what-changed"><h2>What changed</h2><p class="desc">The day against the ${baselineDays} days before it.</p>${noted}${parts.join('\n')}</section>`;
}
