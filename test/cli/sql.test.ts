import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { cli } from '../support/cli-in-process.js';
import { DEFAULT_CLI_TIMEOUT_SECONDS } from '../../src/cli/athena.js';
import { sqlCommand } from '../../src/cli/sql.js';
import { usageOf } from '../../src/cli/usage.js';
import { QueryTimedOut } from '../../src/errors.js';
import { writeSample } from '../../src/sample/generate.js';
import { EXECUTION_ID, executionIn, resultsPage, decodedTalker } from '../engines/athena-support.js';
import { useTempDir } from '../support/tmp.js';

const UNTIL = Date.UTC(2026, 10, 1) / 1000;
const tmp = useTempDir('flowq-sql-');
const data = () => join(tmp(), 'data');
const RANGE = ['--start', '2026-10-31T00:00:00Z', '--end', '2026-11-01T00:00:00Z'];
const athenaMock = mockClient(AthenaClient);

async function json(...argv: string[]): Promise<{ rows: unknown[]; columns: unknown[]; stats: { filesRead: number } }> {
  const { code, out, err } = await cli(...argv, '--output', 'json');
  expect({ code, err }).toEqual({ code: 0, err: '' });
  return JSON.parse(out) as { rows: unknown[]; columns: unknown[]; stats: { filesRead: number } };
}

beforeAll(async () => {
  await writeSample({ out: data(), days: 2, records: 4000, seed: 3, until: UNTIL });
});

beforeEach(() => athenaMock.reset());

describe('flowq sql on local data', () => {
  it('answers a hand-written statement with the same rows and columns as the equivalent template', async () => {
    // The top-talkers template written out by hand, with the range's partition bounds and times as literals.
    const statement = `SELECT srcaddr, dstaddr, CAST(sum(bytes) AS BIGINT) AS bytes, CAST(sum(packets) AS BIGINT) AS packets, count(*) AS flows,
        min(start) AS first_seen, max("end") AS last_seen
      FROM flow_logs
      WHERE dt BETWEEN '2026/10/31' AND '2026/11/01' AND start >= ${UNTIL - 86_400} AND start < ${UNTIL}
        AND bytes IS NOT NULL AND log_status = 'OK' AND action = 'REJECT'
      GROUP BY srcaddr, dstaddr ORDER BY bytes DESC, srcaddr, dstaddr LIMIT 7`;

    const fromSql = await json('sql', statement, '--data', data());
    const fromTemplate = await json('run', 'top-talkers', '--data', data(), ...RANGE, '--action', 'REJECT', '--limit', '7');

    expect(fromSql.columns).toEqual(fromTemplate.columns);
    expect(fromSql.rows).toEqual(fromTemplate.rows);
    expect(fromSql.rows).toHaveLength(7);
    expect(fromSql.stats.filesRead).toBe(fromTemplate.stats.filesRead);
  });

  it('answers the same with --parquet-cache, as the copies are made and once they are there', async () => {
    const statement = 'SELECT dt, count(*) AS records, sum(bytes) AS bytes, count(DISTINCT srcaddr) AS sources FROM flow_logs GROUP BY dt ORDER BY dt';
    const expected = await json('sql', statement, '--data', data(), ...RANGE);
    const saved = process.env.FLOWQ_CACHE_DIR;
    process.env.FLOWQ_CACHE_DIR = join(tmp(), 'sql-parquet-cache');
    try {
      for (const pass of ['copying', 'copies']) {
        const { code, out, err } = await cli('sql', statement, '--data', data(), ...RANGE, '--parquet-cache', '--output', 'json');
        expect({ pass, code, rows: (JSON.parse(out) as { rows: unknown[] }).rows }).toEqual({ pass, code: 0, rows: expected.rows });
        expect(err).toMatch(pass === 'copying' ? /^(copying files to the Parquet cache: \d+\/\d+ \(\d+%\)\n)+$/ : /^$/);
      }
      expect(existsSync(join(tmp(), 'sql-parquet-cache', 'parquet'))).toBe(true);
    } finally {
      process.env.FLOWQ_CACHE_DIR = saved;
    }
  });

  it('opens only the partitions of --start/--end, so a statement without a dt predicate reads just those', async () => {
    const narrowed = await json('sql', 'SELECT count(*) AS records, count(DISTINCT dt) AS days FROM flow_logs', '--data', data(), ...RANGE);
    const predicate = await json(
      'sql',
      "SELECT count(*) AS records, count(DISTINCT dt) AS days FROM flow_logs WHERE dt BETWEEN '2026/10/31' AND '2026/11/01'",
      '--data',
      data(),
    );
    const everything = await json('sql', 'SELECT count(*) AS records, count(DISTINCT dt) AS days FROM flow_logs', '--data', data());

    expect(narrowed.rows).toEqual(predicate.rows);
    expect(narrowed.rows).toEqual([{ records: expect.any(Number) as unknown, days: 2 }]);
    expect(everything.rows).toEqual([{ records: expect.any(Number) as unknown, days: 3 }]);
    expect((everything.rows[0] as { records: number }).records).toBeGreaterThan((narrowed.rows[0] as { records: number }).records);
    // 3 flow logs × (24 hourly files of the day + the first file of the next, where late flows are filed)
    expect(narrowed.stats.filesRead).toBe(75);
  });

  it('prints CSV and tables like flowq run', async () => {
    const csv = await cli(
      'sql',
      "SELECT action, count(*) AS n FROM flow_logs WHERE action IN ('ACCEPT', 'REJECT') GROUP BY action ORDER BY action",
      '--data',
      data(),
      ...RANGE,
      '--output',
      'csv',
    );
    expect(csv.code).toBe(0);
    expect(csv.out).toMatch(/^action,n\r\nACCEPT,\d+\r\nREJECT,\d+\r\n$/);
    const table = await cli('sql', 'SELECT 1 AS one', '--data', data(), ...RANGE);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/one/);
    expect(table.err).toMatch(/^1 row, 75 files, /);
  });

  it('prints start and end as UTC times in a table, and keeps the numbers in JSON and CSV', async () => {
    const statement = 'SELECT srcaddr, start, "end" FROM flow_logs WHERE start IS NOT NULL ORDER BY start, "end", srcaddr LIMIT 3';
    const doc = await json('sql', statement, '--data', data(), ...RANGE);
    const table = await cli('sql', statement, '--data', data(), ...RANGE);
    const csv = await cli('sql', statement, '--data', data(), ...RANGE, '--output', 'csv');

    const utc = (s: number) => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');
    const rows = doc.rows as Array<{ srcaddr: string; start: number; end: number }>;
    expect(
      table.out
        .split('\n')
        .slice(2, -1)
        .map((l) => l.split(/ {2,}/)),
    ).toEqual(rows.map((r) => [r.srcaddr, utc(r.start), utc(r.end)]));
    expect(csv.out).toBe(`srcaddr,start,end\r\n${rows.map((r) => `${r.srcaddr},${r.start},${r.end}\r\n`).join('')}`);
    expect(table.err).toMatch(/^3 rows, 75 files, /);
  });

  it("runs Athena's from_unixtime, to_unixtime and date_trunc, with the answer arithmetic on Unix seconds gives", async () => {
    const portable = await json(
      'sql',
      "SELECT to_unixtime(date_trunc('hour', from_unixtime(start))) AS hour, count(*) AS flows FROM flow_logs WHERE start IS NOT NULL GROUP BY 1 ORDER BY 1",
      '--data',
      data(),
      ...RANGE,
    );
    const arithmetic = await json(
      'sql',
      'SELECT CAST(start - start % 3600 AS DOUBLE) AS hour, count(*) AS flows FROM flow_logs WHERE start IS NOT NULL GROUP BY 1 ORDER BY 1',
      '--data',
      data(),
      ...RANGE,
    );

    expect(portable.rows).toEqual(arithmetic.rows);
    expect(portable.rows.length).toBeGreaterThan(24);
  });

  it("keeps DuckDB's help with a mistake: the candidate columns, and where in the statement, with exit code 2", async () => {
    const { code, out, err } = await cli('sql', 'SELECT dstprt, count(*) AS flows FROM flow_logs GROUP BY 1', '--data', data(), ...RANGE);

    expect({ code, out }).toEqual({ code: 2, out: '' });
    const lines = err.split('\n');
    expect(lines).toEqual([
      'flowq: sql: Binder Error: Referenced column "dstprt" not found in FROM clause!',
      expect.stringMatching(/^ {2}Candidate bindings: "dstport"(, "[a-z_]+"){0,4}(, \.\.\.)?$/),
      '  LINE 1: SELECT dstprt, count(*) AS flows FROM flow_logs GROUP BY 1',
      `  ${' '.repeat('LINE 1: SELECT '.length)}^`,
      '',
    ]);
  });

  it.each([
    ['a misspelt table', 'SELECT count(*) FROM flow_log', 'Catalog Error: Table with name flow_log does not exist!', '  Did you mean "flow_logs"?', 'flow_log'],
    [
      'a misspelt function',
      'SELECT lenght(srcaddr) FROM flow_logs',
      'Catalog Error: Scalar Function with name lenght does not exist!',
      '  Did you mean "length"?',
      'lenght(',
    ],
    [
      'a value that does not convert',
      "SELECT count(*) FROM flow_logs WHERE dstport = '22x'",
      "Conversion Error: Could not convert string '22x' to INT32",
      undefined,
      "'22x'",
    ],
    ['a syntax error', 'SELECT count(*) FROM flow_logs WHER dstport = 22', 'Parser Error: syntax error at or near "dstport"', undefined, 'dstport = 22'],
  ])('answers %s with exit code 2, the hint and the caret under it', async (_what, statement, first, hint, at) => {
    const { code, out, err } = await cli('sql', statement, '--data', data(), ...RANGE);

    expect({ code, out }).toEqual({ code: 2, out: '' });
    const lines = err.split('\n');
    expect(lines).toEqual([
      `flowq: sql: ${first}`,
      ...(hint === undefined ? [] : [hint]),
      `  LINE 1: ${statement}`,
      `  ${' '.repeat('LINE 1: '.length + statement.indexOf(at))}^`,
      '',
    ]);
  });

  it('shows an escape in the statement as text on every line of the answer, the hints too', async () => {
    const { code, err } = await cli('sql', 'SELECT "\x1b]0;pwned\x07x" FROM flow_logs', '--data', data(), ...RANGE);

    expect(code).toBe(2);
    expect(err.split('\n').map((l) => l.slice(0, 40))).toEqual([
      'flowq: sql: Binder Error: Referenced col',
      expect.stringMatching(/^ {2}Candidate bindings: /),
      '  LINE 1: SELECT "\\x1b]0;pwned\\x07x" FRO',
      expect.stringMatching(/^ +\^$/),
      '',
    ]);
    expect([...err].filter((c) => c !== '\n' && c.charCodeAt(0) < 0x20)).toEqual([]);
  });

  it('cuts a long line around the position DuckDB points at, the caret still under it', async () => {
    const statement = `SELECT ${Array.from({ length: 30 }, (_, i) => `srcaddr AS a${i}`).join(', ')}, dstprot FROM flow_logs`;
    const { code, err } = await cli('sql', statement, '--data', data(), ...RANGE);

    expect(code).toBe(2);
    const [line, caret] = err.split('\n').filter((l) => /^ {2}(LINE|\s+\^)/.test(l));
    expect(line.length).toBeLessThan(90);
    expect(line).toMatch(/^ {2}LINE 1: …[^…]+$/);
    expect(line.slice(caret.indexOf('^'), caret.indexOf('^') + 'dstprot'.length)).toBe('dstprot');
  });

  it("notes a dt literal written in another format than the partitions', and not one in theirs", async () => {
    const wrong = await cli('sql', "SELECT count(*) AS flows FROM flow_logs WHERE dt = '2026-10-31'", '--data', data(), '--output', 'json');
    const right = await cli('sql', "SELECT count(*) AS flows FROM flow_logs WHERE dt = '2026/10/31'", '--data', data(), '--output', 'json');
    const prefix = await cli('sql', "SELECT count(*) AS flows FROM flow_logs WHERE dt LIKE '2026/10/%'", '--data', data(), '--output', 'json');
    const otherDate = await cli(
      'sql',
      "SELECT count(*) AS flows FROM flow_logs WHERE dt IN ('2026/10/31', '2026/11/01') AND from_unixtime(start) >= TIMESTAMP '2026-10-31 02:00:00'",
      '--data',
      data(),
      '--output',
      'json',
    );
    const between = await cli(
      'sql',
      "SELECT count(*) AS flows FROM flow_logs WHERE dt BETWEEN '2026/10/30' AND '2026-10-31'",
      '--data',
      data(),
      '--output',
      'json',
    );

    const note = "dt holds partition values like '2026/11/01' (YYYY/MM/DD), so '2026-10-31' matches none";
    expect({ code: wrong.code, err: wrong.err, doc: JSON.parse(wrong.out) as unknown }).toEqual({
      code: 0,
      err: `flowq: note: ${note}\n`,
      doc: expect.objectContaining({ rows: [{ flows: 0 }], notes: [note] }),
    });
    expect(between.err).toBe("flowq: note: dt holds partition values like '2026/11/01' (YYYY/MM/DD), so '2026-10-31' matches none\n");
    for (const ok of [right, prefix, otherDate]) {
      expect({ code: ok.code, err: ok.err }).toEqual({ code: 0, err: '' });
      expect((JSON.parse(ok.out) as { rows: Array<{ flows: number }> }).rows[0].flows).toBeGreaterThan(0);
    }
  });

  const outside = () => join(tmp(), 'outside.csv');
  const refusals: Array<[string, () => string, RegExp]> = [
    ['two statements', () => 'SELECT 1; SELECT 2', /give exactly one statement, not 2/],
    ['a write to a file', () => `COPY (SELECT * FROM flow_logs) TO '${outside()}'`, /outside the flow logs|only queries/],
    ['a table created', () => 'CREATE TABLE t AS SELECT * FROM flow_logs', /only queries \(SELECT \.\.\.\) may run/],
    ['an insert', () => 'INSERT INTO flow_logs VALUES (1)', /only queries|Binder Error|Catalog Error|cannot/i],
    ['a view dropped', () => 'DROP VIEW flow_logs', /only queries \(SELECT \.\.\.\) may run/],
    ['a setting changed', () => 'SET enable_external_access = true', /only queries|locked/],
    ['a pragma that sets', () => 'PRAGMA threads = 1', /only queries|locked/],
    ['an attached database', () => `ATTACH '${join(tmp(), 'other.duckdb')}'`, /outside the flow logs|only queries/],
    ['an extension installed', () => 'INSTALL httpfs', /outside the flow logs|only queries/],
    ['an extension loaded', () => 'LOAD httpfs', /only queries|disabled/],
    ['another file read', () => "SELECT * FROM read_text('/etc/passwd')", /outside the flow logs/],
    ['another CSV read', () => "SELECT * FROM read_csv('/etc/hostname')", /outside the flow logs/],
    ['a folder listed', () => `SELECT * FROM glob('${tmp()}/*')`, /outside the flow logs/],
    ['a file read through a view body', () => `SELECT * FROM '${join(data(), 'flowq-sample.json')}'`, /outside the flow logs/],
    ['a URL read', () => "SELECT * FROM read_csv('https://example.com/x.csv')", /outside the flow logs|disabled/],
    [
      'the settings, which hold host paths',
      () => 'SELECT name, value FROM duckdb_settings()',
      /^flowq: sql: duckdb_settings is not available: it shows the host/,
    ],
    ['the secrets', () => 'SELECT * FROM duckdb_secrets()', /^flowq: sql: duckdb_secrets is not available/],
    ['the extensions', () => 'SELECT * FROM duckdb_extensions()', /^flowq: sql: duckdb_extensions is not available/],
    ['a CSV sniffed', () => `SELECT * FROM sniff_csv('${join(data(), 'x.csv')}')`, /^flowq: sql: sniff_csv is not available/],
    ['logging switched on', () => "SELECT enable_logging('QueryLog')", /^flowq: sql: enable_logging is not available/],
    ['a setting read', () => "SELECT upper(current_setting('home_directory')) AS h", /^flowq: sql: current_setting is not available/],
    ['a pragma view', () => 'SELECT * FROM pragma_database_list', /^flowq: sql: pragma_database_list is not available/],
    [
      'a catalog view in a subquery',
      () => 'SELECT (SELECT count(*) FROM duckdb_temporary_files()) AS n',
      /^flowq: sql: duckdb_temporary_files is not available/,
    ],
  ];

  it.each(refusals)("refuses %s with one line (and DuckDB's position, if it gives one) and exit code 2", async (_what, statement, reason) => {
    const { code, out, err } = await cli('sql', statement(), '--data', data(), ...RANGE);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toMatch(/^flowq: sql: .+\n( {2}.+\n)*$/);
    expect(err.split('\n').length).toBeLessThanOrEqual(5);
    expect(err).toMatch(reason);
    // No host path in a refusal: not the data's, not the temporary folder's, not the home folder.
    for (const path of [tmp(), homedir(), tmpdir()]) expect(err).not.toContain(path);
    expect(existsSync(outside())).toBe(false);
    expect(existsSync(join(tmp(), 'other.duckdb'))).toBe(false);
  });

  it("keeps DuckDB's temporary directory in the work folder, so `.tmp` in the current folder is as closed as any other", async () => {
    const here = process.cwd();
    mkdirSync(join(tmp(), 'cwd', '.tmp'), { recursive: true });
    writeFileSync(join(tmp(), 'cwd', '.tmp', 'secret.txt'), 'secret');
    process.chdir(join(tmp(), 'cwd'));
    try {
      const read = await cli('sql', "SELECT content FROM read_text('.tmp/secret.txt')", '--data', data(), ...RANGE);
      const listed = await cli('sql', "SELECT * FROM glob('.tmp/*')", '--data', data(), ...RANGE);
      expect(read).toEqual({ code: 2, out: '', err: 'flowq: sql: the statement reaches a file outside the flow logs\n' });
      expect(listed).toEqual({ code: 2, out: '', err: 'flowq: sql: the statement reaches a file outside the flow logs\n' });
    } finally {
      process.chdir(here);
    }
  });

  it('stops a local statement at the default deadline when no --timeout is given, as its help says', async () => {
    // A clock on which the default deadline has passed as soon as the query starts.
    const start = Date.now();
    let calls = 0;
    const clock = { now: () => (calls++ === 0 ? start : start + DEFAULT_CLI_TIMEOUT_SECONDS * 1000 + 1), sleep: () => Promise.resolve(), random: () => 0.5 };
    const io = { out: () => undefined, err: () => undefined };

    const run = sqlCommand(['SELECT count(*) FROM range(10000000000000)', '--data', data(), ...RANGE], io, { clock });

    await expect(run).rejects.toThrow(new QueryTimedOut('sql did not finish before its deadline; the local engine stopped it'));
    expect(calls).toBeGreaterThan(1);
    for (const command of ['run', 'sql', 'report']) {
      expect(usageOf(command, [])).toContain(
        `--timeout 15m          stop a query still running after this long, on any engine (default ${DEFAULT_CLI_TIMEOUT_SECONDS / 60}m)`,
      );
    }
  });

  it('refuses a missing statement and unknown flags as usage mistakes', async () => {
    expect(await cli('sql', '--data', data())).toEqual({ code: 2, out: '', err: expect.stringMatching(/^flowq: sql needs a statement/) as unknown });
    expect(await cli('sql', 'SELECT 1', '--data', data(), '--limit', '3')).toEqual({
      code: 2,
      out: '',
      err: expect.stringMatching(/^flowq: unknown flag --limit/) as unknown,
    });
  });
});

describe('flowq sql --engine athena', () => {
  it('sends the statement as written, with no parameters, and shows progress and the cost line', async () => {
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: EXECUTION_ID });
    athenaMock.on(GetQueryExecutionCommand).resolves(executionIn('SUCCEEDED', { workgroup: 'analysts', scanned: 52_000_000 }));
    athenaMock.on(GetQueryResultsCommand).resolves(resultsPage([1, 2], { first: true }));
    const statement = "SELECT srcaddr, dstaddr, sum(bytes) AS bytes FROM vpc_logs WHERE dt BETWEEN '2026/10/31' AND '2026/11/01' GROUP BY 1, 2";

    const { code, out, err } = await cli(
      'sql',
      `${statement};`,
      '--engine',
      'athena',
      '--database',
      'flowq',
      '--table',
      'vpc_logs',
      '--workgroup',
      'analysts',
      ...RANGE,
      '--output',
      'json',
    );

    expect(code).toBe(0);
    const starts = athenaMock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(starts).toEqual([
      {
        QueryString: statement,
        ExecutionParameters: undefined,
        QueryExecutionContext: { Database: 'flowq', Catalog: 'AwsDataCatalog' },
        WorkGroup: 'analysts',
        ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
        ResultConfiguration: undefined,
        ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 } },
      },
    ]);
    const doc = JSON.parse(out) as { query: string; params: unknown; rows: unknown[]; stats: { costUsd: number; dataScannedBytes: number } };
    expect(doc.query).toBe('sql');
    expect(doc.params).toEqual({ start: '2026-10-31T00:00:00Z', end: '2026-11-01T00:00:00Z' });
    expect(doc.rows).toEqual([decodedTalker(1), decodedTalker(2)]);
    expect(doc.stats.dataScannedBytes).toBe(52_000_000);
    expect(err).toBe(
      `athena: query ${EXECUTION_ID} started in workgroup analysts\nathena: SUCCEEDED ${err.split('SUCCEEDED ')[1].split(' s,')[0]} s, 52.0 MB scanned\n`,
    );

    const table = await cli('sql', statement, '--engine', 'athena', '--database', 'flowq', '--table', 'vpc_logs', '--workgroup', 'analysts');
    expect(table.code).toBe(0);
    // $5 per TB (2^40 bytes) of data scanned, rounded up to the MB (2^20 bytes).
    const cost = ((Math.ceil(52_000_000 / 2 ** 20) * 2 ** 20) / 2 ** 40) * 5;
    expect(table.err.trimEnd().split('\n').at(-1)).toBe(`2 rows, 52.0 MB scanned, $${cost.toFixed(6)}, ${table.err.split(', ').at(-1)!.trimEnd()}`);
    expect(table.err).toMatch(/ \d+ ms\n$/);
  });

  it.each([
    ['two statements', 'SELECT 1; SELECT 2', /give exactly one statement, not 2/],
    ['a table created', 'CREATE TABLE x AS SELECT 1', /only queries/],
    ['an insert', 'INSERT INTO vpc_logs SELECT * FROM vpc_logs', /only queries/],
    ['an UNLOAD', "UNLOAD (SELECT 1) TO 's3://bucket/x/' WITH (format = 'CSV')", /syntax error/],
  ])('refuses %s before sending anything to Athena', async (_what, statement, reason) => {
    const { code, out, err } = await cli('sql', statement, '--engine', 'athena', '--database', 'flowq', '--table', 'vpc_logs');
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toMatch(/^flowq: sql: .+\n( {2}.+\n)*$/);
    expect(err).toMatch(reason);
    expect(athenaMock.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });
});
