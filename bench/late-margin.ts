/**
 * `npm run bench:margin`: what the late-filed margin recovers and what it costs, on the sample
 * `flowq sample` makes (60,000 records over 3 days, daily and per-hour partitions). For each full day
 * D it asks eni-bytes for [D, D+1) with margins of 0, 10 and 60 minutes and prints the share of the
 * day's flows that only the margin finds next to the extra bytes and files it reads.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_QUERY_SETTINGS } from '../src/config.js';
import { toResultDocument, type ResultDocument } from '../src/engines/engine.js';
import { openEngine } from '../src/engines/open.js';
import { renderQuery } from '../src/queries/render.js';
import { humanBytes } from '../src/format/units.js';
import { writeSample } from '../src/sample/generate.js';
import { formatDate } from '../src/time.js';

const UNTIL = Date.UTC(2026, 10, 28) / 1000;
const DAYS = 3;
const MARGINS_MINUTES = [0, 10, 60];

interface Figures {
  readonly flows: number;
  readonly bytesRead: number;
  readonly filesRead: number;
}

async function measure(dir: string, margin: number, start: number): Promise<Figures> {
  const engine = await openEngine({ kind: 'local', local: { location: dir }, query: { ...DEFAULT_QUERY_SETTINGS, lateMarginSeconds: margin * 60 } });
  try {
    const query = renderQuery('eni-bytes', { start, end: start + 86_400, limit: 1000 }, engine.target);
    const doc: ResultDocument = toResultDocument(query, await engine.run(query));
    if (doc.rows.length >= 1000) throw new Error('more than 1,000 interfaces: the sum of flows would be cut');
    return { flows: doc.rows.reduce((sum, row) => sum + Number(row.flows), 0), bytesRead: doc.stats.bytesRead ?? 0, filesRead: doc.stats.filesRead ?? 0 };
  } finally {
    await engine.close();
  }
}

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(2)}%`;

for (const perHour of [false, true]) {
  const dir = resolve(`.flowq/bench-margin-${perHour ? 'hourly' : 'daily'}`);
  await rm(dir, { recursive: true, force: true });
  const summary = await writeSample({ out: dir, days: DAYS, until: UNTIL, perHour });
  console.log(`\n${perHour ? 'per-hour' : 'daily'} partitions: ${summary.records.toLocaleString('en-US')} records in ${summary.files} files`);
  const totals = new Map<number, Figures>(MARGINS_MINUTES.map((m) => [m, { flows: 0, bytesRead: 0, filesRead: 0 }]));
  for (let day = UNTIL - DAYS * 86_400; day < UNTIL; day += 86_400) {
    const figures = new Map<number, Figures>();
    for (const margin of MARGINS_MINUTES) {
      const f = await measure(dir, margin, day);
      figures.set(margin, f);
      const t = totals.get(margin)!;
      totals.set(margin, { flows: t.flows + f.flows, bytesRead: t.bytesRead + f.bytesRead, filesRead: t.filesRead + f.filesRead });
    }
    report(formatDate(day), figures);
  }
  report('all days', totals);
  await rm(dir, { recursive: true, force: true });
}

function report(label: string, figures: ReadonlyMap<number, Figures>): void {
  const none = figures.get(0)!;
  const cells = MARGINS_MINUTES.filter((m) => m > 0).map((m) => {
    const f = figures.get(m)!;
    return `margin ${m} min: +${(f.flows - none.flows).toLocaleString('en-US')} flows (${percent(f.flows - none.flows, f.flows)} of the day's), +${humanBytes(f.bytesRead - none.bytesRead)} read (+${percent(f.bytesRead - none.bytesRead, none.bytesRead)}), ${none.filesRead} -> ${f.filesRead} files`;
  });
  console.log(`  ${label.padEnd(10)} ${none.flows.toLocaleString('en-US')} flows without a margin; ${cells.join('; ')}`);
}
