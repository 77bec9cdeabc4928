/**
 * The local engine against an independent oracle (issue 2, section 6): random small data sets in
 * every layout and both file formats are written in AWS's exact key layout, each template runs on
 * the local DuckDB engine, and the rows must equal those computed in plain TypeScript from the
 * generated records (test/support/oracle.ts), which follows the semantics, not the SQL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { parseLogFormat } from '../../src/flowlog/format.js';
import { renderQuery } from '../../src/queries/render.js';
import { FlowLogWriter } from '../../src/sample/writer.js';
import { datasetFormat, datasetWithQueries, LOG_FORMATS, type Dataset } from '../support/arbitraries.js';
import { expectedFilesRead, expectedRows, parseNumeric, RESULT_COLUMNS, type OracleQuery, type TemplateName } from '../support/oracle.js';

const LATE_MARGIN_SECONDS = 600;
const NUM_RUNS = Number(process.env.ORACLE_RUNS ?? 40);

/**
 * Writes the data set into a fresh folder, runs the queries on the local engine, compares each with
 * the oracle. With `parquetCache`, the engine keeps Parquet copies, and every query runs twice: once
 * while the copies are made, once reading them.
 */
async function check(ds: Dataset, queries: readonly OracleQuery[], { parquetCache = false } = {}): Promise<void> {
  const format = datasetFormat(ds);
  const location = await mkdtemp(join(tmpdir(), 'flowq-oracle-'));
  try {
    const writer = new FlowLogWriter({
      location,
      logFormat: format,
      fileFormat: ds.fileFormat,
      hiveCompatiblePartitions: ds.hiveCompatiblePartitions,
      perHourPartition: ds.perHourPartition,
    });
    try {
      for (const file of ds.files) await writer.write(file);
    } finally {
      await writer.close();
    }
    const engine = await LocalEngine.open({
      location,
      ...(ds.passFormat ? { logFormat: ds.formatText } : {}),
      ...(parquetCache ? { parquetCache: join(location, '.parquet-cache') } : {}),
    });
    try {
      // The layout, file format and log format are detected from the tree (or given) as written.
      expect({
        hive: engine.source.hiveCompatiblePartitions,
        perHour: engine.source.perHourPartition,
        fileFormat: engine.source.fileFormat,
        fields: engine.source.logFormat.fields.map((f) => f.name),
      }).toEqual({ hive: ds.hiveCompatiblePartitions, perHour: ds.perHourPartition, fileFormat: ds.fileFormat, fields: format.fields.map((f) => f.name) });
      for (const q of parquetCache ? [...queries, ...queries] : queries) {
        const params: Record<string, unknown> = { start: q.start, end: q.end, limit: q.limit };
        if (q.interface_id !== undefined) params.interface_id = q.interface_id;
        if (q.action !== undefined) params.action = q.action;
        const rendered = renderQuery(q.template, params, {
          table: engine.table,
          layout: engine.source,
          logFormat: engine.source.logFormat,
          lateMarginSeconds: LATE_MARGIN_SECONDS,
          dialect: 'duckdb',
        });
        const filesInRange = expectedFilesRead(ds.perHourPartition, ds.files, q.start, q.end, LATE_MARGIN_SECONDS);
        const result = await engine.run(rendered);
        // No file in the range's partitions: no rows, as Athena answers, and a note that says so.
        if (filesInRange === 0) expect(result.notes).toEqual([expect.stringMatching(/^no flow-log files for partitions .* the answer is empty$/)]);
        const names = RESULT_COLUMNS[q.template];
        try {
          expect(result.columns.map((c) => c.name).slice(0, names.length)).toEqual(names);
          const actual = result.rows.map((row) => Object.fromEntries(names.map((n) => [n, row[n]])));
          expect(actual).toEqual(expectedRows(format, ds.files, q));
          // Pruning: only the files in the partitions of start through end + margin − 1 were read.
          expect(result.stats.filesRead).toBe(filesInRange);
        } catch (error) {
          if (error instanceof Error) error.message = `query ${JSON.stringify(q)}\n${error.message}`;
          throw error;
        }
      }
    } finally {
      await engine.close();
    }
  } finally {
    await rm(location, { recursive: true, force: true });
  }
}

function property(template: TemplateName, options: { parquetCache?: boolean } = {}) {
  return fc.asyncProperty(datasetWithQueries(template), async ({ ds, queries }) => check(ds, queries, options));
}

describe('local engine against the oracle', () => {
  it.each<TemplateName>(['top-talkers', 'rejected-ports', 'eni-bytes'])(
    '%s returns exactly the rows the semantics define, in every layout, file format and log format',
    async (template) => {
      // A failure shrinks for at most two minutes, then reports the smallest counterexample so far.
      await fc.assert(property(template), { numRuns: NUM_RUNS, interruptAfterTimeLimit: 120_000 });
    },
    200_000,
  );

  it.each<TemplateName>(['top-talkers', 'rejected-ports', 'eni-bytes'])(
    '%s returns the same rows from the Parquet cache, as it is made and once it is there',
    async (template) => {
      await fc.assert(property(template, { parquetCache: true }), { numRuns: Math.ceil(NUM_RUNS / 2), interruptAfterTimeLimit: 120_000 });
    },
    200_000,
  );

  it('agrees on hand-picked edge cases in every layout, log format and file format', async () => {
    const at = (iso: string) => Date.parse(iso) / 1000;
    const t = at('2026-12-31T23:55:00Z');
    const ok = {
      version: '2',
      'account-id': '123456789012',
      'interface-id': 'eni-0a1b2c3d',
      srcport: '443',
      dstport: '22',
      protocol: '6',
      packets: '2',
      action: 'ACCEPT',
      'log-status': 'OK',
      region: 'us-east-1',
    };
    const dashes = { srcaddr: '-', dstaddr: '-', srcport: '-', dstport: '-', protocol: '-', packets: '-', bytes: '-', action: '-' };
    type Fields = Record<string, string>;
    // Each record: its fields by name, and optionally how many fields its line keeps (short) or what it adds (long).
    const records: Array<{ f: Fields; cut?: number; extra?: string[] }> = [
      { f: { ...ok, srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', bytes: '100', start: String(t - 60), end: String(t + 10) } },
      { f: { ...ok, srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', bytes: 'abc', start: String(t - 60), end: String(t + 10) } },
      { f: { ...ok, srcaddr: '2001:db8::1', dstaddr: 'fe80::1', bytes: '100', action: 'REJECT', start: String(t - 60), end: String(t + 10) } },
      { f: { ...ok, srcaddr: '2001:db8::a', dstaddr: 'fe80::1', bytes: '100', packets: '-', action: 'REJECT', start: String(t - 60), end: String(t + 10) } },
      { f: { ...ok, ...dashes, 'log-status': 'NODATA', start: String(t), end: String(t + 60) } },
      { f: { ...ok, ...dashes, 'log-status': 'SKIPDATA', start: String(t), end: String(t + 60) } },
      { f: { ...ok, srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', bytes: '7', 'log-status': 'NODATA', start: String(t - 30), end: String(t + 20) } },
      { f: { ...ok, srcaddr: '10.0.0.2', dstaddr: '10.0.0.1', bytes: '7', start: String(t - 30), end: String(t + 20) }, extra: ['extra', '9'] },
      {
        f: {
          ...ok,
          srcaddr: '-',
          dstaddr: '10.0.0.2',
          bytes: '7',
          action: 'REJECT',
          'interface-id': '-',
          dstport: 'x9',
          start: String(t - 30),
          end: String(t + 20),
        },
      },
      // Short lines: each format loses different fields (the custom one keeps log-status and bytes but not the addresses).
      { f: { ...ok, srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', bytes: '7', action: 'REJECT', start: String(t - 30), end: String(t + 20) }, cut: 9 },
      { f: { ...ok, srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', bytes: '7', start: String(t - 30), end: String(t + 20) }, cut: 12 },
      { f: { ...ok, srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', bytes: '40', start: String(t + 300), end: String(t + 301) } },
    ];
    // Starts before midnight, ends after it: filed in the next year's folder.
    const late = {
      ...ok,
      srcaddr: '10.0.0.1',
      dstaddr: '10.0.0.2',
      bytes: '1500',
      action: 'REJECT',
      'interface-id': 'eni-0123456789abcdef0',
      start: String(t + 200),
      end: String(at('2027-01-01T00:04:00Z')),
    };
    for (const formatText of Object.values(LOG_FORMATS)) {
      const format = parseLogFormat(formatText);
      const line = (r: { f: Fields; cut?: number; extra?: string[] }, text: boolean) => {
        const tokens = format.fields.map((field) => r.f[field.name] ?? '-');
        if (!text) return tokens.map((v, i) => (format.fields[i].athenaType !== 'string' && !/^[0-9]+$/.test(v) ? '-' : v));
        return r.cut ? tokens.slice(0, r.cut) : [...tokens, ...(r.extra ?? [])];
      };
      for (const fileFormat of ['plain-text', 'parquet'] as const) {
        const text = fileFormat === 'plain-text';
        const files = [
          { account: '123456789012', region: 'us-east-1', flowLogId: 'fl-0a1b2c3d', fileTime: t, records: records.slice(0, -1).map((r) => line(r, text)) },
          { account: '123456789012', region: 'us-east-1', flowLogId: 'fl-0a1b2c3d', fileTime: t + 300, records: [line(records[records.length - 1], text)] },
          { account: '123456789012', region: 'us-east-1', flowLogId: 'fl-0a1b2c3d', fileTime: at('2027-01-01T00:00:00Z'), records: [line({ f: late }, text)] },
        ];
        for (const [hive, perHour] of [
          [false, false],
          [false, true],
          [true, false],
          [true, true],
        ] as const) {
          const ds: Dataset = { hiveCompatiblePartitions: hive, perHourPartition: perHour, fileFormat, formatText, passFormat: hive, base: t, files };
          const ranges = [
            [at('2026-12-31T23:00:00Z'), at('2027-01-01T00:00:00Z')],
            [t - 60, t + 300],
            [t - 30, t + 201],
          ];
          const queries = (['top-talkers', 'rejected-ports', 'eni-bytes'] as const).flatMap((template) =>
            ranges.map(([start, end]) => ({ template, start, end, limit: 20 })),
          );
          for (const parquetCache of [false, true]) await check(ds, queries, { parquetCache });
        }
      }
    }
  });

  // Athena engine v3 reads numeric text with Trino's LongEncoding; each rule below, written out by
  // hand (not by the oracle), for a bigint column (bytes) and an int column (dstport). DuckDB's own
  // cast would read 0x10 as 16, 1e3 as 1000, 1_000 as 1000 and round 1.5 to 2.
  const BIGINT_CASES: ReadonlyArray<readonly [string, number | string | null]> = [
    ['5', 5],
    ['+5', 5],
    ['-5', -5],
    ['007', 7],
    ['-007', -7],
    ['0', 0],
    ['-0', 0],
    ['1.5', 1],
    ['7.', 7],
    ['.5', 0],
    ['-.5', 0],
    ['-1.9', -1],
    ['+2.99', 2],
    ['.', 0],
    ['42.000', 42],
    ['-', null],
    ['', null],
    ['+', null],
    ['0x10', null],
    ['0b101', null],
    ['1e3', null],
    ['1_000', null],
    ['1.5e3', null],
    ['\\N', null],
    ['1.2.3', null],
    ['\t5', null],
    ['1,000', null],
    ['NaN', null],
    ['abc', null],
    ['00000000000000000000000000042', 42],
    ['12345678901234567890', null],
    ['9223372036854775807', '9223372036854775807'],
    ['9223372036854775808', null],
    ['-9223372036854775808', '-9223372036854775808'],
    ['-9223372036854775809', null],
  ];
  const INT_CASES: ReadonlyArray<readonly [string, number | null]> = [
    ['443', 443],
    ['2147483647', 2147483647],
    ['2147483648', null],
    ['-2147483648', -2147483648],
    ['-2147483649', null],
    ['65535.9', 65535],
    ['0x1BB', null],
  ];

  it('reads numeric text exactly as Athena does, rule by rule, in a bigint and an int column', async () => {
    const t = Date.parse('2026-06-16T12:00:00Z') / 1000;
    const line = (i: number, bytes: string, dstport: string) => [
      '2',
      '123456789012',
      'eni-0a1b2c3d',
      `10.0.${Math.floor(i / 250)}.${i % 250}`,
      '10.0.0.2',
      '443',
      dstport,
      '6',
      '2',
      bytes,
      String(t),
      String(t + 30),
      'ACCEPT',
      'OK',
    ];
    const records = [...BIGINT_CASES.map(([text], i) => line(i, text, '22')), ...INT_CASES.map(([text], i) => line(1000 + i, '1', text))];
    const location = await mkdtemp(join(tmpdir(), 'flowq-numbers-'));
    try {
      const writer = new FlowLogWriter({
        location,
        logFormat: parseLogFormat(LOG_FORMATS.default),
        fileFormat: 'plain-text',
        hiveCompatiblePartitions: false,
        perHourPartition: false,
      });
      await writer.write({ account: '123456789012', region: 'us-east-1', flowLogId: 'fl-0a1b2c3d', fileTime: t, records });
      await writer.close();
      // Read as written, then from the Parquet cache as its copies are made and once they are there.
      for (const [pass, parquetCache] of [
        ['gzip text', undefined],
        ['copying', join(location, '.cache')],
        ['copies', join(location, '.cache')],
      ] as const) {
        const engine = await LocalEngine.open({ location, ...(parquetCache ? { parquetCache } : {}) });
        try {
          const sql = `SELECT bytes, dstport FROM ${engine.table} ORDER BY srcaddr`;
          const result = await engine.run({
            template: 'numbers',
            params: {},
            sql,
            values: [],
            executionParameters: [],
            partitions: { from: '0000', to: '9999' },
          });
          const byAddress = (i: number) => `10.0.${Math.floor(i / 250)}.${i % 250}`;
          const expected = [
            ...BIGINT_CASES.map(([text, value], i) => ({ text, address: byAddress(i), bytes: value, dstport: 22 })),
            ...INT_CASES.map(([text, value], i) => ({ text, address: byAddress(1000 + i), bytes: 1, dstport: value })),
          ].sort((a, b) => Buffer.compare(Buffer.from(a.address), Buffer.from(b.address)));
          expect(result.rows.map((r, i) => ({ text: expected[i].text, bytes: r.bytes, dstport: r.dstport }))).toEqual(
            expected.map(({ text, bytes, dstport }) => ({ text, bytes, dstport })),
          );
        } catch (error) {
          if (error instanceof Error) error.message = `${pass}: ${error.message}`;
          throw error;
        } finally {
          await engine.close();
        }
      }
    } finally {
      await rm(location, { recursive: true, force: true });
    }
  });

  it('has an oracle that reads numeric text by the same rules', () => {
    const safe = (v: number | string | null) => (typeof v === 'string' ? 'beyond safe integers' : v);
    expect(BIGINT_CASES.map(([text, value]) => [text, typeof value === 'string' ? safe(value) : parseNumeric(text, 'bigint')])).toEqual(
      BIGINT_CASES.map(([text, value]) => [text, safe(value)]),
    );
    expect(INT_CASES.map(([text]) => [text, parseNumeric(text, 'int')])).toEqual(INT_CASES);
  });
});
