/**
 * flowq writes the Parquet copy of a plain file itself (`PlainColumns`, `parquet-write.ts`). These
 * tests read what it writes with DuckDB and compare it, row for row and type for type, with DuckDB's
 * own typed read of the same text (what the view reads, and what DuckDB's copies held), over random
 * plain texts in random formats, cut into random chunks, in row groups of random sizes. The row
 * groups' statistics are compared with the minimum, maximum and nulls counted here from the values
 * drawn.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { PlainColumns } from '../../../src/engines/local/plain-columns.js';
import { PlainRecordScanner } from '../../../src/engines/local/plain-scan.js';
import { textRecordsSql } from '../../../src/engines/local/view.js';
import { FIELDS } from '../../../src/flowlog/fields.js';
import { headerLine, parseLogFormat, type LogFormat } from '../../../src/flowlog/format.js';
import { sqlStringLiteral } from '../../../src/sql.js';
import { useTempDir } from '../../support/tmp.js';

const tmp = useTempDir('flowq-plain-columns-');
let connection: DuckDBConnection;
beforeAll(async () => {
  connection = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => connection.closeSync());

let written = 0;

/** The copy `PlainColumns` makes of `text`, fed in the chunks `cuts` make; undefined when it makes none. */
function copyOf(format: LogFormat, text: string, cuts: readonly number[] = [], rowGroupRows?: number): string | undefined {
  const columns = new PlainColumns(format, rowGroupRows);
  const bytes = Buffer.from(text, 'latin1');
  let at = 0;
  for (const cut of [...cuts.filter((c) => c < bytes.length), bytes.length].sort((a, b) => a - b)) {
    columns.push(bytes.subarray(at, cut));
    at = cut;
  }
  const parts = columns.end();
  if (parts === undefined) return undefined;
  const path = join(tmp(), `copy-${written++}.parquet`);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRowsJson();
}

/** DuckDB's typed read of the text, as the view reads a plain file. */
async function typedRead(format: LogFormat, text: string): Promise<{ types: unknown[][]; rows: unknown[][] }> {
  const path = join(tmp(), `text-${written++}.log.gz`);
  writeFileSync(path, gzipSync(Buffer.from(text, 'latin1')));
  const sql = `SELECT * EXCLUDE (filename) FROM (${textRecordsSql({ logFormat: format } as never, [path], true)})`;
  return { types: await rows(`SELECT column_name, column_type FROM (DESCRIBE ${sql})`), rows: await rows(sql) };
}

const STRING_BYTES = fc.integer({ min: 33, max: 126 }).filter((b) => b !== 92);
const stringValue = fc.oneof(
  fc.constant('-'),
  fc.constantFrom('ACCEPT', 'REJECT', 'OK', 'eni-0123456789abcdef0', '10.0.0.1', '2600:1f18::8', 'ab', 'abc', 'abcd', 'abcde'),
  fc.array(STRING_BYTES, { minLength: 1, maxLength: 40 }).map((bytes) => String.fromCharCode(...bytes)),
);
const numberValue = (digits: number) =>
  fc.oneof(
    fc.constant('-'),
    fc.constantFrom('0', '7', '007'),
    fc.stringMatching(new RegExp(`^[0-9]{1,${digits}}$`)),
    fc.stringMatching(new RegExp(`^[1-9][0-9]{${digits - 1}}$`)),
  );

/** A format of some fields in some order, and records in it (a value drawn from few makes runs and repeats). */
const plainFile = fc
  .shuffledSubarray(FIELDS as (typeof FIELDS)[number][], { minLength: 1, maxLength: 12 })
  .map((fields) => parseLogFormat(fields.map((f) => `\${${f.name}}`).join(' ')))
  .chain((format) => {
    const value = (i: number) => {
      const f = format.fields[i];
      const any = f.athenaType === 'string' ? stringValue : numberValue(f.athenaType === 'int' ? 9 : 15);
      return fc.oneof({ weight: 3, arbitrary: any }, { weight: 1, arbitrary: fc.constant(f.athenaType === 'string' ? 'same' : '42') });
    };
    const record = fc.tuple(...format.fields.map((_, i) => value(i)));
    return fc.record({
      format: fc.constant(format),
      records: fc.array(record, { maxLength: 300, size: 'large' }),
      rowGroupRows: fc.integer({ min: 1, max: 120 }),
      cuts: fc.array(fc.nat({ max: 40_000 }), { maxLength: 12 }),
    });
  });

const textOf = (format: LogFormat, records: readonly (readonly string[])[]) => `${headerLine(format)}\n${records.map((r) => `${r.join(' ')}\n`).join('')}`;

describe('the Parquet copies flowq writes of plain files', () => {
  it('read back, row for row and type for type, as DuckDB reads the text, in chunks and row groups of any size', async () => {
    await fc.assert(
      fc.asyncProperty(plainFile, async ({ format, records, rowGroupRows, cuts }) => {
        const text = textOf(format, records);
        const scanner = PlainRecordScanner.forFormat(format);
        scanner.push(Buffer.from(text, 'latin1'));
        expect(scanner.end()).toBe(true);
        const copy = copyOf(format, text, cuts, rowGroupRows);
        expect(copy).toBeDefined();
        const expected = await typedRead(format, text);
        const sql = `SELECT * FROM read_parquet(${sqlStringLiteral(copy!)})`;
        expect(await rows(`SELECT column_name, column_type FROM (DESCRIBE ${sql})`)).toEqual(expected.types);
        expect(await rows(sql)).toEqual(expected.rows);
      }),
      { numRuns: 60 },
    );
  });

  it("keep each row group's minimum, maximum and nulls of every number column, counted from the values written", async () => {
    await fc.assert(
      fc.asyncProperty(plainFile, async ({ format, records, rowGroupRows }) => {
        const copy = copyOf(format, textOf(format, records), [], rowGroupRows)!;
        const found = await rows(
          `SELECT row_group_id, path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata(${sqlStringLiteral(copy)})
           WHERE type <> 'BYTE_ARRAY' ORDER BY row_group_id, column_id`,
        );
        const expected: unknown[][] = [];
        for (let group = 0; group * rowGroupRows < records.length; group++) {
          const part = records.slice(group * rowGroupRows, (group + 1) * rowGroupRows);
          format.fields.forEach((f, i) => {
            if (f.athenaType === 'string') return;
            const values = part
              .map((r) => r[i])
              .filter((v) => v !== '-')
              .map(BigInt);
            const min = values.reduce((a, b) => (b < a ? b : a), values[0]);
            const max = values.reduce((a, b) => (b > a ? b : a), values[0]);
            expected.push([String(group), f.column, min?.toString() ?? null, max?.toString() ?? null, String(part.length - values.length)]);
          });
        }
        expect(found).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('take plain text only: the scanner finds plain every text they make a copy of, so a file read for its copy is not scanned too', () => {
    const edited = plainFile.chain(({ format, records, cuts }) =>
      fc.record({
        format: fc.constant(format),
        text: fc.constant(textOf(format, records)),
        cuts: fc.constant(cuts),
        edits: fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom('', ' ', '\n', '-', '0', '00', 'a', '\\', '\r', '\t', '\xe9', '  ')), {
          maxLength: 3,
        }),
      }),
    );
    let copied = 0;
    let runs = 0;
    fc.assert(
      fc.property(edited, ({ format, text, cuts, edits }) => {
        runs++;
        // Each edit inserts its text, or puts it in place of one character.
        const t = edits.reduce((t, [at, replace, put]) => t.slice(0, at % (t.length + 1)) + put + t.slice((at % (t.length + 1)) + (replace ? 1 : 0)), text);
        if (copyOf(format, t, cuts) === undefined) return;
        copied++;
        const scanner = PlainRecordScanner.forFormat(format);
        scanner.push(Buffer.from(t, 'latin1'));
        expect(scanner.end()).toBe(true);
      }),
      { numRuns: 300 },
    );
    // Neither side of the rule goes untested.
    expect(copied).toBeGreaterThan(30);
    expect(copied).toBeLessThan(runs - 30);
  });

  it('of a header alone holds no rows', async () => {
    const format = parseLogFormat('${srcaddr} ${bytes}');
    const copy = copyOf(format, 'srcaddr bytes\n');
    expect(await rows(`SELECT count(*) FROM read_parquet(${sqlStringLiteral(copy!)})`)).toEqual([['0']]);
  });

  it.each([
    ['a byte above 127', 'srcaddr bytes\n10.0.0.1 1\nb\xe9 2\n'],
    ['a backslash (\\N is NULL to DuckDB)', 'srcaddr bytes\n\\N 1\n'],
    ['a bigint of 16 digits', 'srcaddr bytes\n10.0.0.1 1234567890123456\n'],
    ['a sign', 'srcaddr bytes\n10.0.0.1 +1\n'],
    ['an empty field', 'srcaddr bytes\n10.0.0.1  1\n'],
    ['a field too many', 'srcaddr bytes\n10.0.0.1 1 2\n'],
    ['a field too few', 'srcaddr bytes\n10.0.0.1\n'],
    ['a tab for a space', 'srcaddr bytes\n10.0.0.1\t1\n'],
    ['a carriage return', 'srcaddr bytes\n10.0.0.1 1\r\n'],
    ['a last line without its line break', 'srcaddr bytes\n10.0.0.1 1\n10.0.0.2 2'],
    ['no line at all', 'srcaddr bytes'],
  ])('are not made of a text with %s: DuckDB copies such a file', (_, text) => {
    const format = parseLogFormat('${srcaddr} ${bytes}');
    for (const cuts of [[], [15], [1, 2, 3, 14, 16, 20]]) expect(copyOf(format, text, cuts)).toBeUndefined();
  });

  it('are not made of a text with a line over 1 MiB, in one chunk or many', () => {
    const format = parseLogFormat('${srcaddr} ${bytes}');
    const long = `srcaddr bytes\n10.0.0.1 1\n${'a'.repeat((1 << 20) + 1)} 2\n10.0.0.2 3\n`;
    for (const cuts of [[], [100_000, 600_000, 1_100_000]]) expect(copyOf(format, long, cuts)).toBeUndefined();
    expect(copyOf(format, `srcaddr bytes\n${'a'.repeat(1 << 19)} 2\n`, [100_000])).toBeDefined();
    expect(copyOf(format, `${'h'.repeat((1 << 20) + 1)}\n10.0.0.2 3\n`, [500_000])).toBeUndefined();
  });

  it('are not made of an int of 10 digits, which is not plain', () => {
    expect(copyOf(parseLogFormat('${srcport}'), 'srcport\n1234567890\n')).toBeUndefined();
    expect(copyOf(parseLogFormat('${srcport}'), 'srcport\n123456789\n')).toBeDefined();
  });
});
