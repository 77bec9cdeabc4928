/**
 * Every template against its pinned boundary cases (`queries/cases/<template>.slt`, sqllogictest
 * style): records exactly at `start`, `end - 1` and `end`, records filed late into the next day's
 * partition, ties in every sort key, NULL keys, NODATA and SKIPDATA records. Each query's rows must
 * equal the pinned rows exactly, in order, on the local engine; the pinned rows are themselves
 * checked against the independent oracles (test/support/oracle.ts, library-oracle.ts, change-oracle.ts), so a case
 * cannot pin a wrong answer. A second check reads each template's `@order` header against its SQL's
 * ORDER BY, so a dropped tie-breaker fails even where the data happens to hide it. The same cases run
 * on a real Trino in test/engines/trino.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { parseLogFormat } from '../../src/flowlog/format.js';
import { renderQuery } from '../../src/queries/render.js';
import { TEMPLATES } from '../../src/queries/templates.js';
import { FlowLogWriter } from '../../src/sample/writer.js';
import { CHANGE_COLUMNS, DEFAULT_INTERNAL, expectedChangeRows, type ChangeQuery } from '../support/change-oracle.js';
import { expectedLibraryRows, type LibraryQuery } from '../support/library-oracle.js';
import { expectedRows, RESULT_COLUMNS, type OracleQuery } from '../support/oracle.js';
import { cellText, readPinnedCase, type PinnedCase, type PinnedQuery } from '../support/pinned.js';

const seconds = (iso: string): number => Date.parse(iso) / 1000;

/** The oracle's request for a pinned query's parameters (as the CLI takes them). */
function oracleRows(c: PinnedCase, q: PinnedQuery): string[][] {
  const p = q.params;
  const request = {
    template: c.template,
    start: seconds(p.start),
    end: seconds(p.end),
    limit: Number(p.limit),
    ...(p.cidr === undefined ? {} : { cidr: p.cidr.includes('/') ? p.cidr : `${p.cidr}/${p.cidr.includes(':') ? 128 : 32}` }),
    ...(p.ports === undefined ? {} : { ports: p.ports.split(',').map(Number) }),
    ...(p.bucket === undefined ? {} : { bucket: p.bucket }),
    ...(p.min_ports === undefined ? {} : { min_ports: Number(p.min_ports) }),
  };
  const format = parseLogFormat(c.format);
  const files = c.files.map((f) => ({ account: f.records[0][1], region: 'us-east-1', fileTime: f.fileTime, records: f.records }));
  const rows =
    c.template in RESULT_COLUMNS
      ? expectedRows(format, files, request as OracleQuery)
      : c.template in CHANGE_COLUMNS
        ? expectedChangeRows(format, files, {
            ...(request as Pick<ChangeQuery, 'template' | 'start' | 'end' | 'limit'>),
            baseline_days: Number(p.baseline_days ?? 7),
            internal_cidrs: p.internal_cidrs === undefined ? DEFAULT_INTERNAL : p.internal_cidrs.split(','),
            ...(p.protocol === undefined ? {} : { protocol: Number(p.protocol) }),
            ...(p.interface_id === undefined ? {} : { interface_id: p.interface_id }),
            ...(p.by === undefined ? {} : { by: p.by as ChangeQuery['by'] }),
            ...(p.min_ratio === undefined ? {} : { min_ratio: Number(p.min_ratio) }),
          })
        : expectedLibraryRows(format, files, request as LibraryQuery);
  return rows.map((row) => q.columns.map((column) => cellText(row[column])));
}

async function withCaseData(c: PinnedCase, use: (location: string) => Promise<void>): Promise<void> {
  const location = await mkdtemp(join(tmpdir(), 'flowq-pinned-'));
  const writer = new FlowLogWriter({
    location,
    logFormat: parseLogFormat(c.format),
    fileFormat: 'plain-text',
    hiveCompatiblePartitions: false,
    perHourPartition: false,
  });
  try {
    for (const file of c.files)
      await writer.write({ account: file.records[0][1], region: 'us-east-1', flowLogId: 'fl-pinned', fileTime: file.fileTime, records: file.records });
    await use(location);
  } finally {
    await writer.close();
    await rm(location, { recursive: true, force: true });
  }
}

describe('the pinned boundary cases of every template', () => {
  it.each([...TEMPLATES.keys()])('%s answers exactly its pinned rows, which its oracle agrees with', async (name) => {
    const pinned = await readPinnedCase(name);
    // The cases are about the boundaries: each holds a record at the range's start and one at its end.
    const first = pinned.queries[0].params;
    const starts = pinned.files.flatMap((f) => f.records.map((r) => Number(r[10])));
    expect([starts.includes(seconds(first.start)), starts.includes(seconds(first.end) - 1), starts.includes(seconds(first.end))]).toEqual([true, true, true]);
    await withCaseData(pinned, async (location) => {
      const engine = await LocalEngine.open({ location, verifiedCache: join(location, 'verified.json') });
      try {
        for (const q of pinned.queries) {
          const where = `${name} ${JSON.stringify(q.params)}`;
          expect({ where, rows: oracleRows(pinned, q) }).toEqual({ where, rows: q.rows });
          const result = await engine.run(renderQuery(name, q.params, engine.target));
          expect({ where, columns: result.columns.map((col) => col.name) }).toEqual({ where, columns: q.columns });
          expect({ where, rows: result.rows.map((row) => q.columns.map((column) => cellText(row[column]))) }).toEqual({ where, rows: q.rows });
        }
      } finally {
        await engine.close();
      }
    });
  });
});

/** The keys of a template's last ORDER BY: expression, direction, NULLs placement. */
function sqlOrder(body: string): Array<{ expr: string; desc: boolean; nullsLast: boolean }> {
  const match = /ORDER BY\s+([\s\S]*?)\s*(?:LIMIT\b|$)/gi;
  let last: string | undefined;
  for (const m of body.matchAll(match)) last = m[1];
  if (last === undefined) throw new Error('no ORDER BY');
  return last.split(',').map((item) => {
    const m = /^\s*(.+?)\s+(ASC|DESC)(?:\s+NULLS\s+(FIRST|LAST))?\s*$/i.exec(item);
    if (m === null) throw new Error(`ORDER BY key '${item.trim()}' names no direction`);
    if (m[3]?.toUpperCase() === 'FIRST') throw new Error(`ORDER BY key '${item.trim()}' puts NULLs first`);
    return { expr: m[1], desc: m[2].toUpperCase() === 'DESC', nullsLast: m[3] !== undefined };
  });
}

/** The keys of a template's `@order` header: `bytes desc, srcaddr, dstaddr (NULLs last)`. */
function headerOrder(order: string): { keys: Array<{ expr: string; desc: boolean }>; nullsLast: boolean } {
  const note = /\s*\(NULLs? last\)\s*$/i;
  return {
    nullsLast: note.test(order),
    keys: order
      .replace(note, '')
      .split(',')
      .map((item) => {
        const m = /^\s*(.+?)(?:\s+(asc|desc))?\s*$/i.exec(item)!;
        return { expr: m[1], desc: m[2]?.toLowerCase() === 'desc' };
      }),
  };
}

/** The plain column names of the last GROUP BY before the ORDER BY (expressions are left out). */
function groupKeys(body: string): string[] {
  const groups = [...body.matchAll(/GROUP BY\s+([\s\S]*?)\s*(?:\)|ORDER BY|HAVING|$)/gi)];
  const last = groups.at(-1)?.[1] ?? '';
  return last
    .split(',')
    .map((k) => k.trim())
    .filter((k) => /^[a-z_]+$/.test(k));
}

describe("each template's @order header", () => {
  it.each([...TEMPLATES.values()].map((t) => [t.name, t] as const))('%s says exactly what its ORDER BY does, a full tie-breaker', (_name, template) => {
    const sql = sqlOrder(template.body);
    const header = headerOrder(template.order);
    expect(header.keys).toEqual(sql.map(({ expr, desc }) => ({ expr, desc })));
    expect(header.nullsLast).toBe(sql.some((k) => k.nullsLast));
    // Rows that tie on every key have the same group key: the ORDER BY must name every grouped column.
    const ordered = new Set(sql.map((k) => k.expr));
    expect(groupKeys(template.body).filter((k) => !ordered.has(k))).toEqual([]);
  });
});
