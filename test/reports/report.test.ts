import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultDocument, Row } from '../../src/engines/engine.js';
import type { Engine } from '../../src/engines/engine.js';
import { QueryFailed } from '../../src/errors.js';
import { reportDay } from '../../src/reports/period.js';
import { writeDayReport, type Manifest, type ReportOptions, type RunTemplate } from '../../src/reports/report.js';
import { reportTemplate } from '../../src/reports/settings.js';
import { renderCsv } from '../../src/format/csv.js';
import { useTempDir } from '../support/tmp.js';
import { FIXED_CLOCK, FIXED_NOW, openSample, RecordingSink, replaying } from './support.js';

/** The three rankings: how a report writes, fails and compares is the same for every template. */
const RANKINGS = ['top-talkers', 'rejected-ports', 'eni-bytes'].map(reportTemplate);

const tmp = useTempDir('flowq-report-');
let engine: Engine;
let run: RunTemplate;
let folders = 0;

beforeAll(async () => {
  ({ engine, run } = await openSample(tmp()));
});

afterAll(() => engine.close());

const D29 = reportDay(Date.UTC(2026, 9, 29) / 1000);
const D30 = reportDay(Date.UTC(2026, 9, 30) / 1000);
const D31 = reportDay(Date.UTC(2026, 9, 31) / 1000);
const NAMES = ['top-talkers', 'rejected-ports', 'eni-bytes'];

/** A fresh sink over a new folder, and the options to write reports into it. */
function setup(overrides: Partial<ReportOptions> = {}): { sink: RecordingSink; root: string; options: ReportOptions } {
  const root = join(tmp(), `out-${++folders}`);
  const sink = new RecordingSink(root);
  return {
    sink,
    root,
    options: { runTemplate: run, sink, clock: FIXED_CLOCK, prefix: 'reports/', templates: RANKINGS, concurrency: 2, ...overrides },
  };
}

function readJsonFile<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

describe('a daily report', () => {
  it('puts each JSON and CSV, then index.html, then the manifest, then latest.json, after removing the old manifest', async () => {
    const { sink, options } = setup();
    await writeDayReport(D31, options);
    const day = 'reports/2026/10/31/';
    expect(sink.puts()).toEqual([
      ...NAMES.flatMap((n) => [`${day}${n}.json`, `${day}${n}.csv`]),
      `${day}index.html`,
      `${day}manifest.json`,
      'reports/latest.json',
    ]);
    const firstPut = sink.calls.findIndex((c) => c.op === 'put');
    expect(sink.calls.slice(0, firstPut)).toEqual([
      { op: 'delete', key: `${day}manifest.json` },
      { op: 'get', key: 'reports/2026/10/30/manifest.json' },
    ]);
  });

  it('lists in the manifest every other object of the day with the size, content type and sha256 of the bytes on disk', async () => {
    const { root, options } = setup();
    const report = await writeDayReport(D31, options);
    const folder = join(root, 'reports', '2026', '10', '31');
    const manifest = readJsonFile<Manifest>(join(folder, 'manifest.json'));
    const types: Record<string, string> = {
      json: 'application/json; charset=utf-8',
      csv: 'text/csv; charset=utf-8; header=present',
      html: 'text/html; charset=utf-8',
    };
    const expected = readdirSync(folder)
      .filter((f) => f !== 'manifest.json')
      .map((f) => {
        const bytes = readFileSync(join(folder, f));
        return {
          key: `reports/2026/10/31/${f}`,
          size: bytes.length,
          contentType: types[f.split('.').pop()!],
          sha256: createHash('sha256').update(bytes).digest('hex'),
        };
      });
    expect([...manifest.objects].sort((a, b) => a.key.localeCompare(b.key))).toEqual(expected.sort((a, b) => a.key.localeCompare(b.key)));
    expect(manifest.objects).toHaveLength(7);
    expect(manifest.period).toEqual({ date: '2026-10-31', start: '2026-10-31T00:00:00Z', end: '2026-11-01T00:00:00Z' });
    expect(manifest.generatedAt).toBe(new Date(FIXED_NOW).toISOString());
    expect(manifest.templates.map((t) => [t.name, t.status, t.params])).toEqual(NAMES.map((n) => [n, 'ok', { limit: 25 }]));
    expect(readJsonFile(join(root, 'reports', 'latest.json'))).toEqual({
      date: '2026-10-31',
      index: '2026/10/31/index.html',
      manifest: '2026/10/31/manifest.json',
      generatedAt: manifest.generatedAt,
    });
    expect(report).toEqual({
      date: '2026-10-31',
      index: join(folder, 'index.html'),
      manifest: join(folder, 'manifest.json'),
      templates: manifest.templates,
      latest: true,
    });
  });

  it("stores each template's result document and its CSV as the template run directly gives them for the day", async () => {
    const { root, options } = setup();
    await writeDayReport(D30, options);
    for (const name of NAMES) {
      const direct = await run(name, { limit: 25, start: '2026-10-30T00:00:00Z', end: '2026-10-31T00:00:00Z' });
      const stored = readJsonFile<ResultDocument>(join(root, 'reports', '2026', '10', '30', `${name}.json`));
      expect({ ...stored, stats: undefined }).toEqual({ ...direct, stats: undefined });
      expect(stored.rows.length).toBeGreaterThan(5);
      expect(readFileSync(join(root, 'reports', '2026', '10', '30', `${name}.csv`), 'utf8')).toBe(renderCsv(direct));
    }
  });

  it('keeps at most the configured number of queries in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: RunTemplate = async (name, params) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        return await run(name, params);
      } finally {
        inFlight--;
      }
    };
    await writeDayReport(D31, setup({ runTemplate: counting, concurrency: 2 }).options);
    expect(most).toBe(2);
  });

  it('marks a failed template failed in the manifest and on the page, and delivers the others', async () => {
    const failing: RunTemplate = (name, params) =>
      name === 'rejected-ports' ? Promise.reject(new QueryFailed('Athena: TABLE_NOT_FOUND <b>flow_logs</b>')) : run(name, params);
    const { sink, root, options } = setup({ runTemplate: failing });
    const report = await writeDayReport(D31, options);
    const day = 'reports/2026/10/31/';
    expect(sink.puts()).toEqual([
      `${day}top-talkers.json`,
      `${day}top-talkers.csv`,
      `${day}eni-bytes.json`,
      `${day}eni-bytes.csv`,
      `${day}index.html`,
      `${day}manifest.json`,
      'reports/latest.json',
    ]);
    const manifest = readJsonFile<Manifest>(join(root, day, 'manifest.json'));
    expect(manifest.templates.map(({ name, status, error }) => ({ name, status, error }))).toEqual([
      { name: 'top-talkers', status: 'ok', error: undefined },
      { name: 'rejected-ports', status: 'failed', error: 'Athena: TABLE_NOT_FOUND <b>flow_logs</b>' },
      { name: 'eni-bytes', status: 'ok', error: undefined },
    ]);
    expect(report.templates[1]).toEqual({ name: 'rejected-ports', params: { limit: 25 }, status: 'failed', error: 'Athena: TABLE_NOT_FOUND <b>flow_logs</b>' });
    const html = readFileSync(join(root, day, 'index.html'), 'utf8');
    expect(html).toContain('<section id="rejected-ports" class="failed">');
    expect(html).toContain('<p class="error">Failed: Athena: TABLE_NOT_FOUND &lt;b&gt;flow_logs&lt;/b&gt;</p>');
    expect(html).toContain('3 queries · 1 failed');
  });

  it('leaves a day whose objects could not all be written without a manifest, and latest.json on the last complete day', async () => {
    const { sink, root, options } = setup();
    await writeDayReport(D30, options);
    sink.failPut = (key) => key.endsWith('31/eni-bytes.csv');
    await expect(writeDayReport(D31, options)).rejects.toThrow('disk full writing reports/2026/10/31/eni-bytes.csv');
    expect(readdirSync(join(root, 'reports', '2026', '10', '31')).sort()).toEqual([
      'eni-bytes.json',
      'rejected-ports.csv',
      'rejected-ports.json',
      'top-talkers.csv',
      'top-talkers.json',
    ]);
    expect(readJsonFile<{ date: string }>(join(root, 'reports', 'latest.json')).date).toBe('2026-10-30');

    // A re-run of a complete day that fails part-way leaves that day incomplete rather than described by a stale manifest.
    sink.failPut = (key) => key.endsWith('30/index.html');
    await expect(writeDayReport(D30, options)).rejects.toThrow('disk full');
    expect(readdirSync(join(root, 'reports', '2026', '10', '30'))).not.toContain('manifest.json');

    sink.failPut = undefined;
    await writeDayReport(D31, options);
    expect(readdirSync(join(root, 'reports', '2026', '10', '31'))).toContain('manifest.json');
    expect(readJsonFile<{ date: string }>(join(root, 'reports', 'latest.json')).date).toBe('2026-10-31');
  });

  it('writes the same keys and the same bytes when the same day is run again', async () => {
    const { sink, options } = setup({ runTemplate: replaying(run) });
    await writeDayReport(D30, options);
    sink.clear();
    await writeDayReport(D31, options);
    const first = sink.calls.filter((c) => c.op === 'put');
    sink.clear();
    await writeDayReport(D31, options);
    const second = sink.calls.filter((c) => c.op === 'put');
    expect(second.map((c) => c.object.key)).toEqual(first.map((c) => c.object.key));
    expect(second).toEqual(first);
    expect(first).toHaveLength(9);
  });

  it('never moves latest.json back to an older day when an older day is backfilled', async () => {
    const { root, options } = setup();
    await writeDayReport(D31, options);
    const backfill = await writeDayReport(D29, options);
    expect(backfill.latest).toBe(false);
    expect(readJsonFile<{ date: string }>(join(root, 'reports', 'latest.json')).date).toBe('2026-10-31');
    expect(readdirSync(join(root, 'reports', '2026', '10', '29'))).toContain('manifest.json');
  });

  it("marks new the rows whose labels were not in the previous day's stored report", async () => {
    const { root, options } = setup();
    const first = await writeDayReport(D30, options);
    expect(readFileSync(first.index, 'utf8')).toContain('no previous report to compare with');
    expect(readFileSync(first.index, 'utf8')).not.toContain('class="new"');
    const second = await writeDayReport(D31, options);
    const html = readFileSync(second.index, 'utf8');
    expect(html).toContain('rows marked new were not in the report of 2026-10-30');
    // The identity of a row per template, written out here apart from the code under test.
    const identity: Record<string, string[]> = {
      'top-talkers': ['srcaddr', 'dstaddr'],
      'rejected-ports': ['dstport', 'protocol'],
      'eni-bytes': ['interface_id'],
    };
    let marked = 0;
    for (const name of NAMES) {
      const key = (row: Row) => identity[name].map((c) => String(row[c])).join('|');
      const before = new Set(readJsonFile<ResultDocument>(join(root, 'reports', '2026', '10', '30', `${name}.json`)).rows.map(key));
      const today = readJsonFile<ResultDocument>(join(root, 'reports', '2026', '10', '31', `${name}.json`)).rows;
      const expected = today.map((row) => !before.has(key(row)));
      const section = html.slice(html.indexOf(`<section id="${name}"`), html.indexOf('</section>', html.indexOf(`<section id="${name}"`)));
      const rows = section.slice(section.indexOf('<tbody>')).split('<tr').slice(1);
      expect(rows.map((r) => r.startsWith(' class="new"'))).toEqual(expected);
      expect(section).toContain(`${expected.filter(Boolean).length} new since the previous day`);
      marked += expected.filter(Boolean).length;
    }
    expect(marked).toBeGreaterThan(0);
  });
});
