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
}

/** The bars of one section's chart as the browser lays them out. */
async function bars(page: Page, section: string): Promise<BarSeen[]> {
  return page.$$eval(`section#${section} svg.chart g.bar`, (groups) =>
    groups.map((g) => {
      const box = g.querySelector('rect')!.getBoundingClientRect();
      const label = g.querySelector('text.label');
      const labelBox = label?.getBoundingClientRect();
      return {
        width: box.width,
        height: box.height,
        title: g.querySelector('title')?.textContent ?? '',
        label: label?.textContent ?? null,
        labelVisible: labelBox !== undefined && labelBox.width > 0 && labelBox.height > 0,
      };
    }),
  );
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
        // A long label is cut short with an ellipsis on the chart; its title always names the row in full.
        expect(bar.label === expected[i] || (bar.label!.endsWith('…') && expected[i].startsWith(bar.label!.slice(0, -1)))).toBe(true);
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
    expect(await page.locator('header .summary').textContent()).toBe('3 queries · 1 failed · 123.5 MB scanned, $0.0006, 1 files, 100 B read');
    expect(trouble).toEqual({ console: [], errors: [], dialogs: [], requests: [] });
    await screenshot(page, 'report-hostile.png');
  });
});
