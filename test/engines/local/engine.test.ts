import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { DataError, QueryTimedOut } from '../../../src/errors.js';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import { SUPERSEDED_COPY_GRACE_MS } from '../../../src/engines/local/parquet-cache.js';
import { NotAFlowLogFolder } from '../../../src/engines/local/scan.js';
import { parseLogFormat } from '../../../src/flowlog/format.js';
import { objectKey, partitionsForRange } from '../../../src/flowlog/layout.js';
import { renderQuery } from '../../../src/queries/render.js';
import { missingFields, TEMPLATES } from '../../../src/queries/templates.js';
import { writeSample } from '../../../src/sample/generate.js';
import { FlowLogWriter } from '../../../src/sample/writer.js';
import { runCommand } from '../../../src/cli/commands.js';
import { sqlStringLiteral } from '../../../src/sql.js';
import { useTempDir } from '../../support/tmp.js';
import { defaultWriter } from '../../support/writer.js';

const UNTIL = Date.UTC(2026, 0, 1) / 1000; // the sample crosses a year boundary at its end
const LAST_DAY = { start: UNTIL - 86_400, end: UNTIL };
const tmp = useTempDir();

async function withEngine<T>(location: string, fn: (engine: LocalEngine) => Promise<T>, options = {}): Promise<T> {
  const engine = await LocalEngine.open({ location, ...options });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** The lines DuckDB reads from a gzip file on its own, with no check of ours. */
async function duckdbLines(path: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT line FROM read_csv(${sqlStringLiteral(path)}, columns = {'line': 'VARCHAR'}, delim = '\\t', quote = '', escape = '', header = false, auto_detect = false, compression = 'gzip', strict_mode = false, null_padding = true)`,
    );
    return reader.getRowsJS().map((r) => r[0] as string);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A folder holding one flow-log file (these bytes) in the plain daily layout, an hour before UNTIL. */
function oneFlowFile(name: string, bytes: string | Buffer): { dir: string; path: string } {
  const dir = join(tmp(), name);
  const key = objectKey({ hiveCompatiblePartitions: false, perHourPartition: false }, 'plain-text', {
    account: '111122223333',
    region: 'us-east-1',
    flowLogId: 'fl-1',
    fileTime: UNTIL - 3600,
    hash: 'ab12cd34',
  });
  const path = join(dir, key);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return { dir, path };
}

function render(engine: LocalEngine, name: string, params: Record<string, unknown>) {
  return renderQuery(name, params, engine.target);
}

const LAYOUTS = [
  { hive: false, perHour: false },
  { hive: false, perHour: true },
  { hive: true, perHour: false },
  { hive: true, perHour: true },
];

describe('the local engine', () => {
  it('gives the same answers for the same records in every layout and both file formats', async () => {
    const results: Record<string, unknown> = {};
    for (const layout of LAYOUTS) {
      for (const fileFormat of ['plain-text', 'parquet'] as const) {
        const dir = join(tmp(), `same-${layout.hive}-${layout.perHour}-${fileFormat}`);
        await writeSample({ out: dir, days: 2, records: 3000, seed: 42, until: UNTIL, ...layout, fileFormat });
        results[dir] = await withEngine(dir, async (engine) => {
          expect(engine.source).toMatchObject({ hiveCompatiblePartitions: layout.hive, perHourPartition: layout.perHour, fileFormat });
          const out: Record<string, unknown> = {};
          // Every template the sample's format has the fields for; traffic-from and -to over every address.
          for (const t of TEMPLATES.values()) {
            if (missingFields(t, engine.source.logFormat).length > 0) continue;
            const cidr = t.params.some((p) => p.name === 'cidr') ? { cidr: '0.0.0.0/0' } : {};
            out[t.name] = (await engine.run(render(engine, t.name, { ...LAST_DAY, limit: 50, ...cidr }))).rows;
          }
          return out;
        });
      }
    }
    const [first, ...rest] = Object.values(results) as Array<Record<string, unknown[]>>;
    expect(first['top-talkers'].length).toBe(50);
    expect(first['rejected-ports'].length).toBeGreaterThan(5);
    for (const other of rest) expect(other).toEqual(first);
    // Eight layouts times every template, the baseline ones reading eight days: more than the default minute on a shared machine.
  }, 180_000);

  it('presents the view with the format columns, Athena types and the partition keys', async () => {
    const format =
      '${region} ${account-id} ${end} ${start} ${bytes} ${packets} ${action} ${log-status} ${protocol} ${dstport} ${srcport} ${dstaddr} ${srcaddr} ${interface-id} ${flow-direction} ${traffic-path} ${version}';
    const dir = join(tmp(), 'custom');
    await writeSample({ out: dir, days: 1, records: 500, until: UNTIL, logFormat: format });
    await withEngine(dir, async (engine) => {
      expect(engine.source.logFormat.text).toBe(format);
      expect(await engine.viewColumns()).toEqual([
        ...parseLogFormat(format).fields.map((f) => ({ name: f.column, type: { int: 'integer', bigint: 'bigint', string: 'varchar' }[f.athenaType] })),
        { name: 'aws_account', type: 'varchar' },
        { name: 'aws_region', type: 'varchar' },
        { name: 'dt', type: 'varchar' },
      ]);
    });
  });

  it('reads only the files of the partitions a query needs', async () => {
    const dir = join(tmp(), 'prune');
    await writeSample({ out: dir, days: 4, records: 2000, until: UNTIL, perHour: true, fileMinutes: 30 });
    await withEngine(dir, async (engine) => {
      const all = engine.files.length;
      const hours = { start: UNTIL - 3 * 86_400 + 5 * 3600 + 17 * 60, end: UNTIL - 3 * 86_400 + 8 * 3600 };
      const wanted = new Set(partitionsForRange(engine.source, hours.start, hours.end, 600));
      const expected = engine.files.filter((f) => wanted.has(f.key.dt));
      const result = await engine.run(render(engine, 'eni-bytes', hours));
      expect(wanted.size).toBe(4);
      expect(result.stats).toMatchObject({ engine: 'local', filesRead: expected.length, bytesRead: expected.reduce((s, f) => s + f.size, 0) });
      expect(expected.length).toBeLessThan(all / 10);
    });
  });

  it('refuses a file whose header disagrees with the configured format', async () => {
    const dir = join(tmp(), 'header');
    await writeSample({ out: dir, days: 1, records: 100, until: UNTIL, flowLogs: 1 });
    await expect(LocalEngine.open({ location: dir, logFormat: '${version} ${srcaddr}' })).rejects.toThrow(
      /has header 'version account-id .* but the log format says 'version srcaddr'/,
    );
  });

  it('refuses files whose headers disagree with each other', async () => {
    const dir = join(tmp(), 'headers');
    const writer = defaultWriter(dir);
    const file = { account: '111122223333', region: 'us-east-1', flowLogId: 'fl-1', fileTime: UNTIL - 3600, records: [] };
    await writer.write(file);
    const other = new FlowLogWriter({ ...writer.target, logFormat: parseLogFormat('${version} ${srcaddr} ${bytes}') });
    await other.write({ ...file, fileTime: UNTIL - 1800 });
    await expect(LocalEngine.open({ location: dir })).rejects.toThrow(/has header 'version srcaddr bytes' but another file has 'version account-id/);
  });

  it('refuses a corrupt gzip file: a broken start at open; a truncated or damaged body, a wrong CRC or length at query time', async () => {
    const { dir, path } = oneFlowFile('corrupt', 'this is not gzip');
    await expect(LocalEngine.open({ location: dir })).rejects.toThrow(new DataError(`${path} is not a gzip file`));

    const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n';
    const body = Array.from(
      { length: 20_000 },
      (_, i) => `2 111122223333 eni-0123456789abcdef0 10.0.0.${i % 200} 10.0.1.${i % 7} ${i} 443 6 1 ${100 + i} 1767222000 1767222060 ACCEPT OK\n`,
    ).join('');
    const gz = gzipSync(header + body);
    const damaged = (from: number, to: number) => {
      const bytes = Buffer.from(gz);
      for (let i = from; i < to; i++) bytes[i] ^= 0x5a;
      return bytes;
    };
    const damages = [
      ['unexpected end of file', gz.subarray(0, gz.length - 500)],
      ['', damaged(2000, 2100)],
      ['incorrect data check', damaged(gz.length - 8, gz.length - 7)], // the CRC-32 of the text
      ['incorrect length check', damaged(gz.length - 4, gz.length - 3)], // the text's length
    ] as const;
    for (const [damage, bytes] of damages) {
      writeFileSync(path, bytes);
      // DuckDB alone reads a truncated file up to where it ends, and reads past a footer it does not
      // check, without complaint; which is why the engine checks each file itself. (What it makes of
      // the damaged body varies from run to run: mostly lines of garbage, at times an invalid UTF-8 error.)
      if (damage === 'unexpected end of file') expect((await duckdbLines(path)).length).toBeLessThan(20_000);
      else if (damage !== '') expect(await duckdbLines(path)).toEqual((header + body).trimEnd().split('\n'));
      await withEngine(dir, async (engine) => {
        await expect(engine.run(render(engine, 'eni-bytes', LAST_DAY))).rejects.toThrow(new RegExp(`${path} is a corrupt gzip file \\(.*${damage}.*\\)`));
      });
    }
    writeFileSync(path, gz);
    await withEngine(dir, async (engine) => {
      expect((await engine.run(render(engine, 'eni-bytes', LAST_DAY))).rows).toEqual([
        { interface_id: 'eni-0123456789abcdef0', bytes: 20_000 * 100 + (19_999 * 20_000) / 2, packets: 20_000, flows: 20_000 },
      ]);
    });
  });

  it('says clearly when the folder, its AWSLogs/ or any flow-log file is missing', async () => {
    await expect(LocalEngine.open({ location: join(tmp(), 'nowhere') })).rejects.toThrow(`data folder ${join(tmp(), 'nowhere')} does not exist`);
    mkdirSync(join(tmp(), 'empty', 'AWSLogs', 'x'), { recursive: true });
    const noAwsLogs = LocalEngine.open({ location: tmp() });
    await expect(noAwsLogs).rejects.toThrow(NotAFlowLogFolder);
    await expect(noAwsLogs).rejects.toThrow(new Error(`no AWSLogs/ folder in ${tmp()}`));
    await expect(LocalEngine.open({ location: join(tmp(), 'empty') })).rejects.toThrow(/no flow-log files in AWS's layout under/);
  });

  it('answers a range with no files as Athena does: no rows, and a note naming the partitions', async () => {
    const dir = join(tmp(), 'range');
    await writeSample({ out: dir, days: 1, records: 100, until: UNTIL, flowLogs: 1 });
    await withEngine(dir, async (engine) => {
      const result = await engine.run(render(engine, 'eni-bytes', { start: '2020-01-01', end: '2020-01-02' }));
      expect(result.columns.map((c) => c.name)).toEqual(['interface_id', 'bytes', 'packets', 'flows']);
      expect(result.rows).toEqual([]);
      expect(result.notes).toEqual([`no flow-log files for partitions 2020/01/01 to 2020/01/02 under ${dir}/AWSLogs: the answer is empty`]);
      // A range partly outside the data (the sample's late tail fills the first minutes of 2026/01/01):
      // the answer holds what there is, and the note names the partition that had nothing.
      const half = await engine.run(render(engine, 'eni-bytes', { start: UNTIL - 3600, end: UNTIL + 86_400 }));
      expect(half.rows.length).toBeGreaterThan(0);
      expect(half.notes).toEqual([`no flow-log files for partition 2026/01/02 under ${dir}/AWSLogs`]);
      const inside = await engine.run(render(engine, 'eni-bytes', LAST_DAY));
      expect(inside.notes).toBeUndefined();
    });
  });

  it('prints the notes of an empty range on stderr and in the JSON document, and exits 0', async () => {
    const dir = join(tmp(), 'range-cli');
    await writeSample({ out: dir, days: 1, records: 100, until: UNTIL, flowLogs: 1 });
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
    const code = await runCommand(['eni-bytes', '--data', dir, '--start', '2020-01-01', '--end', '2020-01-02', '--output', 'json'], io);
    const note = `no flow-log files for partitions 2020/01/01 to 2020/01/02 under ${dir}/AWSLogs: the answer is empty`;
    expect({ code, err: err.join(''), doc: JSON.parse(out.join('')) as unknown }).toEqual({
      code: 0,
      err: `flowq: note: ${note}\n`,
      doc: expect.objectContaining({ rows: [], notes: [note] }),
    });
  });

  it('stops a query at its deadline with QueryTimedOut, and runs the next one', async () => {
    const dir = join(tmp(), 'deadline');
    await writeSample({ out: dir, days: 1, records: 30_000, until: UNTIL, flowLogs: 1 });
    await withEngine(dir, async (engine) => {
      const quick = render(engine, 'eni-bytes', LAST_DAY);
      // A self-join of 30,000 records: hundreds of millions of pairs, far beyond a 50 ms deadline.
      const slow = {
        ...quick,
        sql: `SELECT count(*) AS pairs FROM ${engine.table} a, ${engine.table} b WHERE a.bytes + b.bytes > a.packets * b.packets`,
        values: [],
      };
      // The first run verifies the files, so the slow one goes straight to DuckDB, which is interrupted.
      const expected = (await engine.run(quick)).rows;
      await expect(engine.run(quick, { deadline: Date.now() - 1 })).rejects.toBeInstanceOf(QueryTimedOut);
      await expect(engine.run(slow, { deadline: Date.now() + 50 })).rejects.toBeInstanceOf(QueryTimedOut);
      expect((await engine.run(quick, { deadline: Date.now() + 600_000 })).rows).toEqual(expected);
    });
    // On a first run the deadline stops the check and the query that go on together.
    await withEngine(
      dir,
      async (engine) => {
        const slow = { ...render(engine, 'eni-bytes', LAST_DAY), sql: `SELECT count(*) FROM ${engine.table} a, ${engine.table} b`, values: [] };
        await expect(engine.run(slow, { deadline: Date.now() + 50 })).rejects.toBeInstanceOf(QueryTimedOut);
      },
      { verifiedCache: join(dir, 'first-run-cache.json') },
    );
  });

  it('stops making Parquet copies at the deadline, leaving no temporary file, and makes them next time', async () => {
    const dir = join(tmp(), 'deadline-copies');
    const cache = join(tmp(), 'deadline-copies-cache');
    await writeSample({ out: dir, days: 1, records: 30_000, until: UNTIL, flowLogs: 2 });
    const expected = await withEngine(dir, async (engine) => (await engine.run(render(engine, 'top-talkers', { ...LAST_DAY, limit: 5 }))).rows);
    await withEngine(
      dir,
      async (engine) => {
        // The files are verified already: the deadline falls while they are copied.
        await expect(engine.run(render(engine, 'top-talkers', { ...LAST_DAY, limit: 5 }), { deadline: Date.now() + 30 })).rejects.toBeInstanceOf(QueryTimedOut);
        const left = readdirSync(cache, { recursive: true, encoding: 'utf8' });
        expect(left.filter((p) => p.endsWith('.tmp'))).toEqual([]);
        expect(left.filter((p) => p.endsWith('.parquet')).length).toBeLessThan(50);
        expect((await engine.run(render(engine, 'top-talkers', { ...LAST_DAY, limit: 5 }))).rows).toEqual(expected);
      },
      { parquetCache: cache },
    );
  });

  it('refuses a tree that mixes layouts unless one is chosen', async () => {
    const dir = join(tmp(), 'mixed');
    await writeSample({ out: dir, days: 1, records: 100, until: UNTIL, flowLogs: 1 });
    const hive = join(tmp(), 'mixed-hive');
    await writeSample({ out: hive, days: 1, records: 100, until: UNTIL, flowLogs: 1, hive: true });
    cpSync(join(hive, 'AWSLogs'), join(dir, 'AWSLogs'), { recursive: true });
    const mixed = LocalEngine.open({ location: dir });
    await expect(mixed).rejects.toThrow(new Error(`${join(dir, 'AWSLogs')} mixes plain daily and Hive-compatible daily layouts`));
    await expect(mixed).rejects.toMatchObject({ choices: ['hiveCompatiblePartitions', 'perHourPartition'] });
    await withEngine(dir, (engine) => Promise.resolve(expect(engine.source.hiveCompatiblePartitions).toBe(true)), { hiveCompatiblePartitions: true });
    rmSync(hive, { recursive: true });
    expect(readdirSync(join(dir, 'AWSLogs')).sort()).toEqual(['111122223333', 'aws-account-id=111122223333']);
  });

  it('refuses a Parquet data set that lacks a column of the configured format', async () => {
    const dir = join(tmp(), 'parquet-cols');
    await writeSample({
      out: dir,
      days: 1,
      records: 100,
      until: UNTIL,
      flowLogs: 1,
      fileFormat: 'parquet',
      logFormat: '${version} ${srcaddr} ${dstaddr} ${bytes} ${packets} ${start} ${end}',
    });
    await expect(LocalEngine.open({ location: dir, logFormat: '${version} ${srcaddr} ${vpc-id}' })).rejects.toThrow(
      'the Parquet files have no column for vpc-id of the log format',
    );
  });
});

describe('the Parquet cache (--parquet-cache)', () => {
  const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n';
  const record = (bytes: string) => `2 111122223333 eni-0123456789abcdef0 10.0.0.1 10.0.1.1 443 22 6 1 ${bytes} ${UNTIL - 3600} ${UNTIL - 3540} ACCEPT OK\n`;

  /** A folder with one gzip text file in the last day, and where its Parquet cache goes. */
  function oneFile(name: string, text: string) {
    return { ...oneFlowFile(name, gzipSync(text)), cache: join(tmp(), `${name}-cache`) };
  }

  const copiesIn = (cache: string): string[] => readdirSync(cache, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.parquet'));
  const bytesOf = (dir: string, cache: string) =>
    withEngine(dir, async (engine) => (await engine.run(render(engine, 'eni-bytes', LAST_DAY))).rows.map((r) => r.bytes), { parquetCache: cache });

  it.each([
    ['plain, by flowq', record('100') + record('7'), 'flowq', 107],
    ['with a byte above 127, by DuckDB', record('100') + record('7').replace('ACCEPT', 'ACC\u00c9PT'), 'DuckDB', 107],
    ['with a bigint of 16 digits, by DuckDB', record('100') + record('1000000000000000'), 'DuckDB', 1_000_000_000_000_100],
    ['not plain, by DuckDB', record('100') + record('1.9'), 'DuckDB', 101],
  ])('copies a file %s, with the answer of its text', async (_, records, writer, bytes) => {
    const { dir, cache } = oneFile(`pq-writer-${writer}-${bytes}`, HEADER + records);
    expect(await bytesOf(dir, cache)).toEqual([bytes]);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    const [[createdBy]] = (
      await connection.runAndReadAll(`SELECT created_by FROM parquet_file_metadata('${join(cache, copiesIn(cache)[0])}')`)
    ).getRowsJson() as [[string]];
    connection.closeSync();
    expect(createdBy.startsWith(writer)).toBe(true);
    expect(await bytesOf(dir, cache)).toEqual([bytes]);
  });

  it('copies each verified file once, named by its key path and version, and reads the copy from then on', async () => {
    const { dir, path, cache } = oneFile('pq-copy', HEADER + record('100') + record('1.9'));
    // The exact value of 1.9 is 1 (Athena drops the decimals), in the copy as in the text.
    expect(await bytesOf(dir, cache)).toEqual([101]);
    const copies = copiesIn(cache);
    expect(copies).toEqual([
      expect.stringMatching(new RegExp(`^[0-9a-f]{16}/${path.slice(dir.length + 1).replaceAll('.', '\\.')}\\.[0-9a-f]{16}-[0-9a-f]{8}\\.parquet$`)),
    ]);
    // The copy is what is read: a copy changed behind flowq's back changes the answer.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const copy = join(cache, copies[0]);
    await connection.run(`COPY (SELECT * REPLACE (bytes * 1000 AS bytes) FROM read_parquet('${copy}')) TO '${copy}.new' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    renameSync(`${copy}.new`, copy);
    expect(await bytesOf(dir, cache)).toEqual([101_000]);
  });

  it.each([
    ['plain', record('100') + record('23'), 123],
    ['not plain', record('100') + record('1.9'), 101],
  ])('copies a %s file that an earlier run without the cache verified from its gzip file, with the values the text path reads', async (_, records, bytes) => {
    const { dir, cache } = oneFile(`pq-verified-${bytes}`, HEADER + records);
    const withoutCache = await withEngine(dir, async (engine) => (await engine.run(render(engine, 'eni-bytes', LAST_DAY))).rows.map((r) => r.bytes));

    expect([withoutCache, await bytesOf(dir, cache), copiesIn(cache).length, await bytesOf(dir, cache)]).toEqual([[bytes], [bytes], 1, [bytes]]);
  });

  it('makes a new copy when the file changes, keeps the old one while a run may read it, and removes it a day after', async () => {
    const { dir, path, cache } = oneFile('pq-change', HEADER + record('100'));
    expect(await bytesOf(dir, cache)).toEqual([100]);
    const [first] = copiesIn(cache);
    writeFileSync(path, gzipSync(HEADER + record('100') + record('23')));
    expect(await bytesOf(dir, cache)).toEqual([123]);
    const [second] = copiesIn(cache).filter((c) => c !== first);
    // Copies are never changed or removed under a run that chose them: the first one stays.
    expect(copiesIn(cache).sort()).toEqual([first, second].sort());

    // The second copy was made longer ago than the grace: the first, which it superseded then, goes
    // at the next sweep; the second, superseded only now by a third, stays.
    const longAgo = (Date.now() - SUPERSEDED_COPY_GRACE_MS - 60_000) / 1000;
    utimesSync(join(cache, first), longAgo - 60, longAgo - 60);
    utimesSync(join(cache, second), longAgo, longAgo);
    writeFileSync(path, gzipSync(HEADER + record('100') + record('23') + record('4')));
    expect(await bytesOf(dir, cache)).toEqual([127]);
    const [third] = copiesIn(cache).filter((c) => c !== first && c !== second);
    expect(copiesIn(cache).sort()).toEqual([second, third].sort());
  });

  it('reads a file from its gzip text when its copy vanishes before the query reads it', async () => {
    const { dir, cache } = oneFile('pq-vanish', HEADER + record('100') + record('20'));
    await withEngine(
      dir,
      async (engine) => {
        // The copy is removed as soon as it is made, before the view that reads it is made and queried.
        const answer = await engine.run(render(engine, 'eni-bytes', LAST_DAY), {
          onProgress: (p) => {
            if (p.files?.done === p.files?.total) for (const copy of copiesIn(cache)) rmSync(join(cache, copy));
          },
        });
        expect(answer.rows.map((r) => r.bytes)).toEqual([120]);
      },
      { parquetCache: cache },
    );
  });

  it('still refuses a corrupt file by name, and copies nothing of it', async () => {
    const { dir, path, cache } = oneFile('pq-corrupt', HEADER + record('100').repeat(5000));
    const gz = gzipSync(HEADER + record('100').repeat(5000));
    writeFileSync(path, gz.subarray(0, gz.length - 100));
    await expect(bytesOf(dir, cache)).rejects.toThrow(`${path} is a corrupt gzip file (unexpected end of file)`);
    expect(copiesIn(cache)).toEqual([]);
  });

  it('says in one line when the cache folder cannot be made', async () => {
    const { dir } = oneFile('pq-nofolder', HEADER + record('100'));
    const blocker = join(tmp(), 'pq-nofolder-blocker');
    writeFileSync(blocker, '');
    await expect(bytesOf(dir, join(blocker, 'parquet'))).rejects.toThrow(
      new RegExp(`^cannot make the Parquet cache folder ${join(blocker, 'parquet')}/[0-9a-f]{16}: a part of the path is not a folder$`),
    );
  });

  it('removes the temporary files a process that has ended left in the cache, and keeps those of a live one', async () => {
    const { dir, cache } = oneFile('pq-stale', HEADER + record('100'));
    expect(await bytesOf(dir, cache)).toEqual([100]);
    const copy = join(cache, copiesIn(cache)[0]);
    const ended = spawnSync(process.execPath, ['-e', '0']).pid;
    const [dead, live] = [`${copy}.${ended}.0badc0de.tmp`, `${copy}.${process.pid}.0badc0de.tmp`];
    writeFileSync(dead, '');
    writeFileSync(live, '');
    // A new version of the file makes a new copy, and the folder is swept then.
    writeFileSync(
      join(
        dir,
        copiesIn(cache)[0]
          .split('/')
          .slice(1)
          .join('/')
          .replace(/\.[0-9a-f]{16}-[0-9a-f]{8}\.parquet$/, ''),
      ),
      gzipSync(HEADER + record('7')),
    );
    expect(await bytesOf(dir, cache)).toEqual([7]);
    // The superseded copy stays: a run may still read it (see SUPERSEDED_COPY_GRACE_MS).
    expect([existsSync(dead), existsSync(live), existsSync(copy)]).toEqual([false, true, true]);
  });

  it('answers from the gzip text when no copy can be written, and leaves no temporary file', async () => {
    const { dir, cache } = oneFile('pq-blocked', HEADER + record('100') + record('-'));
    expect(await bytesOf(dir, cache)).toEqual([100]);
    // The cache's folder for this data, emptied, with a file where the copies' AWSLogs/ folder goes.
    const [folder] = readdirSync(cache);
    rmSync(join(cache, folder), { recursive: true });
    mkdirSync(join(cache, folder));
    writeFileSync(join(cache, folder, 'AWSLogs'), '');
    expect(await bytesOf(dir, cache)).toEqual([100]);
    expect(readdirSync(join(cache, folder), { recursive: true })).toEqual(['AWSLogs']);
  });
});
