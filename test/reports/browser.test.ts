import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { ResultDocument, Row } from '../../src/engines/engine.js';
import type { Engine } from '../../src/engines/engine.js';
import { QueryFailed } from '../../src/errors.js';
import { reportDay } from '../../src/reports/period.js';
import { writeDayReport, type ReportOptions, type RunTemplate } from '../../src/reports/report.js';
import { DEFAULT_REPORT_TEMPLATES } from '../../src/reports/settings.js';
import { FolderSink } from '../../src/reports/sink.js';
import { useTempDir } from '../support/tmp.js';
import { HOSTILE, hostileDocument, shownText } from './hostile.js';
import { FIXED_CLOCK, openSample } from './support.js';

// The page in a real browser: Debian's chromium, driven by playwright-core.
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = resolve('.flowq/screenshots');
const available = existsSync(CHROMIUM);
if (!available) process.stderr.write(`skipping the browser tests: ${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium)\n`);

const tmp = useTempDir('flowq-browser-');
let engine: Engine;
let run: RunTemplate;
let context: BrowserContext;
let profile: string;

/** What a page did that it should not: console errors, script errors, dialogs, requests for anything but itself. */
interface Trouble {
  readonly console: string[];
  readonly errors: string[];
  readonly dialogs: string[];
  readonly requests: string[];
}

async function open(path: string): Promise<{ page: Page; trouble: Trouble }> {
  const page = await context.newPage();
  const url = pathToFileURL(path).href;
  const trouble: Trouble = { console: [], errors: [], dialogs: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') trouble.console.push(m.text());
  });
  page.on('pageerror', (e) => trouble.errors.push(e.message));
  page.on('dialog', (d) => {
    trouble.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (r.url() !== url) trouble.requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, trouble };
}

const PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6' };
/** Each ranking's row label, written out here apart from the code under test. */
const LABELS: Record<string, (row: Row) => string> = {
  'top-talkers': (r) => `${String(r.srcaddr)} → ${String(r.dstaddr)}`,
  'rejected-ports': (r) => `${String(r.dstport)} / ${PROTOCOLS[r.protocol as number] ?? String(r.protocol)}`,
  'eni-bytes': (r) => String(r.interface_id),
};

interface BarSeen {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly label: string | null;
  readonly labelVisible: boolean;
  readonly fresh: boolean;
}

/** The bars (or a time series' columns) of one section's chart as the browser lays them out. */
async function bars(page: Page, section: string): Promise<BarSeen[]> {
  return page.$$eval(`section#${section} figure.chart :is(div.bar, div.col)`, (items) =>
    items.map((item) => {
      const box = item.querySelector('.fill')!.getBoundingClientRect();
      const label = item.querySelector('.label bdi');
      const labelBox = label?.getBoundingClientRect();
      return {
        width: box.width,
        height: box.height,
        title: item.getAttribute('title') ?? '',
        label: label?.textContent ?? null,
        labelVisible: labelBox !== undefined && labelBox.width > 0 && labelBox.height > 0,
        fresh: item.classList.contains('new'),
      };
    }),
  );
}

/** How the page reads at the current width: overflow, the smallest text, each chart's layout, the tables. */
interface Layout {
  readonly pageOverflow: number;
  readonly smallestText: { readonly px: number; readonly text: string };
  readonly charts: Array<{
    readonly section: string;
    readonly caption: string;
    readonly ticks: string[];
    /** For each bar: whether its label sits above its bar (stacked) or left of it, and whether the label's text fits its box. */
    readonly bars: Array<{ stacked: boolean; beside: boolean; fits: boolean }>;
    /** A time series' axis labels, left to right, with whether each ends before the next begins. */
    readonly axis: Array<{ text: string; clear: boolean }>;
  }>;
  readonly tables: Array<{ readonly section: string; readonly scrolls: boolean; readonly hintShown: boolean }>;
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const visible = (e: Element) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
    let smallest = { px: Infinity, text: '' };
    for (const e of document.body.querySelectorAll('*')) {
      const own = [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (own.length === 0 || !visible(e)) continue;
      const px = parseFloat(getComputedStyle(e).fontSize);
      if (px < smallest.px) smallest = { px, text: own[0].textContent!.trim().slice(0, 40) };
    }
    return {
      pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
      smallestText: smallest,
      charts: [...document.querySelectorAll('section figure.chart')].map((f) => ({
        section: f.closest('section')!.id,
        caption: f.querySelector('figcaption')?.textContent ?? '',
        ticks: [...f.querySelectorAll('.ticks span')].map((t) => t.textContent ?? ''),
        bars: [...f.querySelectorAll('div.bar')].map((b) => {
          const label = b.querySelector('.label')!;
          const [l, fill] = [label.getBoundingClientRect(), b.querySelector('.fill')!.getBoundingClientRect()];
          return { stacked: l.bottom <= fill.top + 0.5, beside: l.right <= fill.left + 0.5, fits: label.scrollWidth <= label.clientWidth + 1 };
        }),
        axis: [...f.querySelectorAll('.labels bdi')].map((b, i, all) => ({
          text: b.textContent ?? '',
          clear: i === all.length - 1 || b.getBoundingClientRect().right <= all[i + 1].getBoundingClientRect().left,
        })),
      })),
      tables: [...document.querySelectorAll('section .scroll')].map((w) => ({
        section: w.closest('section')!.id,
        scrolls: w.scrollWidth > w.clientWidth,
        hintShown: visible(w.nextElementSibling!),
      })),
    };
  });
}

async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  return path;
}

(available ? describe : describe.skip)('the report page in headless Chromium', () => {
  beforeAll(async () => {
    ({ engine, run } = await openSample(tmp()));
    profile = mkdtempSync(join(tmpdir(), 'flowq-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await engine?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('shows each ranking as a chart with one visible, labelled bar per row and its table, with no console errors', async () => {
    const root = join(tmp(), 'out');
    const options: ReportOptions = {
      runTemplate: run,
      sink: new FolderSink(root),
      clock: FIXED_CLOCK,
      prefix: '',
      templates: DEFAULT_REPORT_TEMPLATES,
      concurrency: 3,
    };
    await writeDayReport(reportDay(Date.UTC(2026, 9, 30) / 1000), options);
    const report = await writeDayReport(reportDay(Date.UTC(2026, 9, 31) / 1000), options);
    const { page, trouble } = await open(report.index);

    for (const name of ['top-talkers', 'rejected-ports', 'eni-bytes']) {
      const doc = JSON.parse(readFileSync(join(root, '2026', '10', '31', `${name}.json`), 'utf8')) as ResultDocument;
      expect(doc.rows.length).toBeGreaterThan(5);
      const seen = await bars(page, name);
      const expected = doc.rows.map(LABELS[name]);
      expect(seen).toHaveLength(doc.rows.length);
      for (const [i, bar] of seen.entries()) {
        expect(bar.width).toBeGreaterThanOrEqual(2);
        expect(bar.height).toBeGreaterThan(10);
        expect(bar.labelVisible).toBe(true);
        // The label in full (a long one wraps), and the title names the row and its value.
        expect(bar.label).toBe(expected[i]);
        expect(bar.title.startsWith(`${expected[i]}: `)).toBe(true);
      }
      // Rankings: the longest bar first.
      const widths = seen.map((b) => b.width);
      expect(widths).toEqual([...widths].sort((a, b) => b - a));
      expect(await page.locator(`section#${name} table tbody tr`).count()).toBe(doc.rows.length);
      expect(await page.locator(`section#${name} table`).isVisible()).toBe(true);
    }
    expect(await page.locator('h1').textContent()).toBe('VPC Flow Logs report, 2026-10-31');
    expect(trouble).toEqual({ console: [], errors: [], dialogs: [], requests: [] });
    await screenshot(page, 'report-2026-10-31.png');
  });

  it('shows hostile values as text, a failed template as failed, and a time series as columns', async () => {
    const hours = Array.from({ length: 24 }, (_, h) => ({
      bucket_start: Date.UTC(2026, 9, 31, h) / 1000,
      bytes: Math.round(1e6 * (2 + Math.sin(h / 3))),
      packets: 1000 + h,
    }));
    const series: ResultDocument = {
      query: 'traffic-over-time',
      params: {},
      columns: [
        { name: 'bucket_start', type: 'bigint' },
        { name: 'bytes', type: 'bigint' },
        { name: 'packets', type: 'bigint' },
      ],
      rows: hours,
      stats: { engine: 'athena', rowsReturned: 24, elapsedMs: 1, dataScannedBytes: 123_456_789, costUsd: 0.000589 },
    };
    const fake: RunTemplate = (name) => {
      if (name === 'rejected-ports') return Promise.reject(new QueryFailed('Athena: <img src=x onerror=alert(1)> failed'));
      return Promise.resolve(name === 'traffic-over-time' ? series : hostileDocument());
    };
    const templates = [
      { name: 'eni-bytes', params: {} },
      { name: 'rejected-ports', params: {} },
      { name: 'traffic-over-time', params: {} },
    ];
    const report = await writeDayReport(reportDay(Date.UTC(2026, 9, 31) / 1000), {
      runTemplate: fake,
      sink: new FolderSink(join(tmp(), 'hostile')),
      clock: FIXED_CLOCK,
      prefix: '',
      templates,
      concurrency: 1,
    });
    const { page, trouble } = await open(report.index);

    expect(
      await page.evaluate(() => ({
        scripts: document.querySelectorAll('script, img, iframe, object').length,
        pwned: (window as unknown as { pwned?: number }).pwned,
      })),
    ).toEqual({ scripts: 0, pwned: undefined });
    const cells = await page.$$eval('section#eni-bytes tbody tr td:first-child bdi', (tds) => tds.map((td) => td.textContent));
    expect(cells).toEqual(HOSTILE.map(shownText));
    expect(await bars(page, 'eni-bytes')).toHaveLength(HOSTILE.length);
    expect(await page.locator('section#rejected-ports .error').textContent()).toBe('Failed: Athena: <img src=x onerror=alert(1)> failed');

    const columns = await bars(page, 'traffic-over-time');
    expect(columns).toHaveLength(24);
    expect(columns.map((c) => c.title)).toEqual(
      hours.map((h) => `${new Date(h.bucket_start * 1000).toISOString().slice(0, 19).replace('T', ' ')}: ${(h.bytes / 1e6).toFixed(1)} MB`),
    );
    for (const c of columns) expect(c.width).toBeGreaterThan(10);
    const peak = hours.reduce((best, h, i) => (h.bytes > hours[best].bytes ? i : best), 0);
    expect(Math.max(...columns.map((c) => c.height))).toBe(columns[peak].height);
    expect(await page.locator('header .summary').textContent()).toBe('3 queries · 1 failed · 123.5 MB scanned, $0.0006, 1 file, 100 B read');
    expect(trouble).toEqual({ console: [], errors: [], dialogs: [], requests: [] });
    await screenshot(page, 'report-hostile.png');
  });

  it('reads at 1280 and at 400 px: no sideways overflow, text of 11 px or more, charts that stack and name their measure, tables that say they scroll', async () => {
    const root = join(tmp(), 'widths');
    // Two IPv6 pairs among the day's top talkers, as long as labels get.
    const ipv6: Row[] = [
      {
        srcaddr: '2001:db8:85a3:1234:5678:8a2e:370:7334',
        dstaddr: '2001:db8:85a3:ffff:ffff:8a2e:370:7335',
        bytes: 9e9,
        packets: 7,
        flows: 1,
        first_seen: 1761868800,
        last_seen: 1761955300,
      },
      {
        srcaddr: 'fd00:ec2:1234:5678:9abc:def0:1234:5678',
        dstaddr: '2600:1f18:1234:5678:9abc:def0:1234:5678',
        bytes: 8e9,
        packets: 5,
        flows: 1,
        first_seen: 1761868900,
        last_seen: 1761869000,
      },
    ];
    const withIpv6: RunTemplate = async (name, params) => {
      const doc = await run(name, params);
      return name === 'top-talkers' ? { ...doc, rows: [...ipv6, ...doc.rows.slice(0, 23)] } : doc;
    };
    const options: ReportOptions = {
      runTemplate: withIpv6,
      sink: new FolderSink(root),
      clock: FIXED_CLOCK,
      prefix: '',
      templates: [...DEFAULT_REPORT_TEMPLATES, { name: 'traffic-over-time', params: { bucket: '1h' } }],
      concurrency: 3,
    };
    await writeDayReport(reportDay(Date.UTC(2026, 9, 30) / 1000), options);
    const day = reportDay(Date.UTC(2026, 9, 31) / 1000);
    const report = await writeDayReport(day, options);
    const talkers = JSON.parse(readFileSync(join(root, '2026', '10', '31', 'top-talkers.json'), 'utf8')) as ResultDocument;
    const { page, trouble } = await open(report.index);

    for (const width of [1280, 400]) {
      await page.setViewportSize({ width, height: 900 });
      const seen = await layout(page);

      expect({ width, overflow: seen.pageOverflow }).toEqual({ width, overflow: 0 });
      expect(seen.smallestText.px).toBeGreaterThanOrEqual(11);
      expect(seen.charts.map((c) => c.section)).toEqual(['top-talkers', 'rejected-ports', 'eni-bytes', 'traffic-over-time']);
      // The day's 24 hours as columns: the measure named, its axis labels readable and apart.
      const series = seen.charts.pop()!;
      expect(series.caption).toMatch(/^bytes per bucket_start \(UTC\); columns from 0 to [\d.]+ [kMG]?B$/);
      expect(series.axis.length).toBeGreaterThanOrEqual(4);
      expect(series.axis[0].text).toBe('00:00:00');
      for (const label of series.axis) expect({ width, ...label }).toEqual({ width, text: label.text, clear: true });
      for (const chart of seen.charts) {
        const measure = chart.section === 'rejected-ports' ? 'flows' : 'bytes';
        expect(chart.caption).toMatch(new RegExp(`^${measure} per .+; bars from 0 to ${chart.ticks[2].replace('.', '\\.')}$`));
        expect(chart.ticks).toHaveLength(3);
        expect(chart.ticks[0]).toBe(measure === 'bytes' ? '0 B' : '0');
        // Side by side on a wide screen; on a narrow one each label above its bar; every label whole in its box.
        for (const bar of chart.bars)
          expect({ width, stacked: bar.stacked, beside: bar.beside, fits: bar.fits }).toEqual({
            width,
            stacked: width === 400,
            beside: width === 1280,
            fits: true,
          });
      }
      // On a wide screen long addresses wrap and every table fits; on a phone a table that is wider scrolls in its own box and says so.
      for (const t of seen.tables) {
        if (width === 1280) expect({ width, ...t }).toEqual({ width, section: t.section, scrolls: false, hintShown: false });
        else if (t.scrolls) expect({ width, ...t }).toEqual({ width, section: t.section, scrolls: true, hintShown: true });
      }
      if (width === 400)
        expect(seen.tables.filter((t) => t.scrolls).map((t) => t.section)).toEqual(['top-talkers', 'rejected-ports', 'eni-bytes', 'traffic-over-time']);
      await screenshot(page, `report-${width}.png`);
    }

    // The IPv6 labels in full, the rows new since the day before marked in the chart as in the table.
    expect((await bars(page, 'top-talkers')).slice(0, 2).map((b) => b.label)).toEqual(ipv6.map((r) => `${String(r.srcaddr)} → ${String(r.dstaddr)}`));
    let fresh = 0;
    for (const name of ['top-talkers', 'rejected-ports', 'eni-bytes']) {
      const marked = (await bars(page, name)).map((b) => b.fresh);
      const rows = await page.$$eval(`section#${name} tbody tr`, (trs) => trs.map((tr) => tr.classList.contains('new')));
      expect(marked).toEqual(rows);
      fresh += marked.filter(Boolean).length;
    }
    expect(fresh).toBeGreaterThan(0);
    // Times are UTC, to the second; last_seen past the day's end is explained in one line.
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/\d\d:\d\d:\d\d\.\d/);
    expect(await page.$$eval('section#top-talkers th', (ths) => ths.map((th) => th.textContent))).toEqual([
      'srcaddr',
      'dstaddr',
      'bytes',
      'packets',
      'flows',
      'first_seen (UTC)',
      'last_seen (UTC)',
    ]);
    const late = talkers.rows.some((r) => (r.last_seen as number) >= day.end);
    expect(late).toBe(true);
    expect(await page.locator('section#top-talkers p.note').allTextContents()).toEqual([
      "last_seen can fall after 2026-10-31 ends: a flow that starts on the day may end after midnight UTC, and its record is filed in the next day's folder",
    ]);
    expect(trouble).toEqual({ console: [], errors: [], dialogs: [], requests: [] });
  });
});
