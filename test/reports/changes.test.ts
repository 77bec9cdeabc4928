/**
 * The "What changed" section of a report (issue 20): the page shows it first with the counts in its header, an
 * empty template says "nothing new" with the baseline it used, and values from the data stay data in the page, the
 * summary text and the event (escaped, bidi controls named, one line per item).
 */
import type { ResultDocument, Row } from '../../src/engines/engine.js';
import { renderChangesText } from '../../src/reports/changes.js';
import { renderReportHtml, type ReportSection } from '../../src/reports/html.js';
import { reportEventDetail } from '../../src/reports/notify.js';
import { reportDay } from '../../src/reports/period.js';
import { dayChanges } from '../../src/reports/changes.js';
import { HOSTILE } from './hostile.js';

const DAY = reportDay(Date.UTC(2026, 10, 27) / 1000);
const T = Date.UTC(2026, 10, 27, 3, 12) / 1000;

function section(name: string, columns: [string, string][], rows: Row[]): ReportSection {
  const document: ResultDocument = {
    query: name,
    params: { start: '2026-11-27T00:00:00Z', end: '2026-11-28T00:00:00Z', baseline_days: 7 },
    columns: columns.map(([n, type]) => ({ name: n, type })),
    rows,
    stats: { engine: 'local', rowsReturned: rows.length, elapsedMs: 1 },
  };
  return { status: { name, params: { limit: 25 }, status: 'ok', rows: rows.length }, document };
}

const DESTINATIONS: [string, string][] = [
  ['srcaddr', 'varchar'],
  ['dstaddr', 'varchar'],
  ['dstport', 'integer'],
  ['protocol', 'integer'],
  ['bytes', 'bigint'],
  ['flows', 'bigint'],
  ['first_seen', 'bigint'],
];
const LISTENERS: [string, string][] = [
  ['address', 'varchar'],
  ['port', 'integer'],
  ['protocol', 'integer'],
  ['sources', 'bigint'],
  ['flows', 'bigint'],
  ['bytes', 'bigint'],
  ['first_seen', 'bigint'],
];
const CHANGE: [string, string][] = [
  ['key', 'varchar'],
  ['change', 'varchar'],
  ['bytes', 'bigint'],
  ['baseline_daily_mean', 'double'],
  ['ratio', 'double'],
];
const TOP: [string, string][] = [
  ['srcaddr', 'varchar'],
  ['bytes', 'bigint'],
];

describe('the What changed section', () => {
  const sections = [
    section('new-destinations', DESTINATIONS, [
      { srcaddr: '10.0.1.14', dstaddr: '198.51.100.7', dstport: 443, protocol: 6, bytes: 4_200_000, flows: 2, first_seen: T },
    ]),
    section('new-listeners', LISTENERS, []),
    section('traffic-change', CHANGE, [
      { key: 'eni-0f0f0f0f', change: 'up', bytes: 50_000_000, baseline_daily_mean: 1_000_000, ratio: 50 },
      { key: 'eni-0e0e0e0e', change: 'new', bytes: 3_000_000, baseline_daily_mean: 0, ratio: null },
    ]),
    section('top-talkers', TOP, [{ srcaddr: '10.0.1.14', bytes: 1 }]),
  ];

  it('comes first, with one line per item, the counts in the header and "nothing new" with its baseline when empty', () => {
    const changes = dayChanges(DAY.date, sections)!;
    const html = renderReportHtml({ day: DAY, generatedAt: '2026-11-28T01:15:00.000Z', sections, changes });
    expect(html).toContain('<p class="summary">4 queries · all succeeded · what changed: 1 new destination, 0 new listeners, 2 traffic changes');
    expect(html.indexOf('<section id="what-changed">')).toBeLessThan(html.indexOf('<section id="top-talkers">'));
    expect(html).not.toContain('<section id="new-destinations"');
    const whatChanged = html.slice(html.indexOf('<section id="what-changed">'), html.indexOf('</section>', html.indexOf('<section id="what-changed">')));
    expect([...whatChanged.matchAll(/<li><bdi>([^<]*)<\/bdi><\/li>/g)].map((m) => m[1])).toEqual([
      '10.0.1.14 → 198.51.100.7:443/TCP, first seen 03:12 UTC, 4.2 MB',
      'eni-0f0f0f0f up 50×: 50.0 MB against a daily mean of 1.0 MB',
      'eni-0e0e0e0e new: 3.0 MB, none in the baseline',
    ]);
    expect(whatChanged).toContain('<h3>New listening ports</h3><p class="muted">nothing new against the 7 days before</p>');
  });

  it.each(HOSTILE)('keeps %j data in the page, the summary and the event', (hostile) => {
    const rows = [{ srcaddr: hostile.value, dstaddr: '198.51.100.7', dstport: 443, protocol: 6, bytes: 100, flows: 1, first_seen: T }];
    const hostileSections = [section('new-destinations', DESTINATIONS, rows)];
    const changes = dayChanges(DAY.date, hostileSections)!;
    const html = renderReportHtml({ day: DAY, generatedAt: '2026-11-28T01:15:00.000Z', sections: hostileSections, changes });
    // In the page: escaped, bidi controls named, and a tab or line break shown as its code, so an item stays one line.
    const codes: Record<string, string> = { '\t': '\\x09', '\n': '\\x0a', '\r': '\\x0d' };
    const item = `${hostile.html.replace(/[\r\n\t]/g, (c) => codes[c])} → 198.51.100.7:443/TCP, first seen 03:12 UTC, 100 B`;
    expect(html).toContain(`<li><bdi>${item}</bdi></li>`);
    // In the summary: the same one line, unescaped.
    const text = renderChangesText(changes, { index: 'i', manifest: 'm' });
    const shown = item.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');
    expect(text.split('\n')).toContain(`- ${shown}`);
    // In the event: the row as data, exactly as the template returned it.
    const detail = reportEventDetail({ ...changes, indexKey: 'i', manifestKey: 'm' }, 'b');
    expect(JSON.parse(JSON.stringify(detail)).top['new-destinations']).toEqual(rows);
  });
});
