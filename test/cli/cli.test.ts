import { cli } from '../support/cli-in-process.js';
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { COMMANDS } from '../../src/cli/main.js';
import { COMMAND_HELP } from '../../src/cli/usage.js';
import { FakeClock } from '../support/fake-clock.js';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { DEFAULT_QUERY_SETTINGS } from '../../src/config.js';
import { parseLogFormat } from '../../src/flowlog/format.js';
import { renderQuery } from '../../src/queries/render.js';
import { describeTemplates, TEMPLATES } from '../../src/queries/templates.js';
import { writeSample } from '../../src/sample/generate.js';
import { useTempDir } from '../support/tmp.js';
import { defaultWriter } from '../support/writer.js';

const UNTIL = Date.UTC(2026, 10, 1) / 1000;
const tmp = useTempDir();
const data = () => join(tmp(), 'data');

beforeAll(async () => {
  await writeSample({ out: data(), days: 2, records: 4000, seed: 3, until: UNTIL });
});

const RANGE = ['--start', '2026-10-31T00:00:00Z', '--end', '2026-11-01T00:00:00Z'];

describe('flowq run', () => {
  it('prints exactly one JSON document with the rows the engine returns for the same request', async () => {
    const { code, out, err } = await cli('run', 'top-talkers', '--data', data(), ...RANGE, '--limit', '3', '--action', 'ACCEPT', '--output', 'json');
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual(['query', 'params', 'columns', 'rows', 'stats']);
    expect(doc.query).toBe('top-talkers');
    expect(doc.params).toEqual({ start: '2026-10-31T00:00:00Z', end: '2026-11-01T00:00:00Z', limit: 3, action: 'ACCEPT' });
    expect(doc.columns).toEqual([
      { name: 'srcaddr', type: 'varchar' },
      { name: 'dstaddr', type: 'varchar' },
      { name: 'bytes', type: 'bigint' },
      { name: 'packets', type: 'bigint' },
      { name: 'flows', type: 'bigint' },
      { name: 'first_seen', type: 'bigint' },
      { name: 'last_seen', type: 'bigint' },
    ]);
    const engine = await LocalEngine.open({ location: data() });
    const direct = await engine.run(renderQuery('top-talkers', { start: '2026-10-31', end: '2026-11-01', limit: 3, action: 'ACCEPT' }, engine.target));
    await engine.close();
    expect(doc.rows).toEqual(direct.rows);
    expect(doc.rows).toHaveLength(3);
    expect(typeof doc.rows[0].bytes).toBe('number');
    expect(doc.stats).toMatchObject({ engine: 'local', rowsReturned: 3, filesRead: 75 }); // 3 flow logs × (24 hourly files + the next day's first, where late flows are filed)
  });

  it('answers the same with --parquet-cache, as the copies are made and once they are there, and refuses a value', async () => {
    const plain = await cli('run', 'top-talkers', '--data', data(), ...RANGE, '--limit', '20', '--output', 'json');
    const cacheDir = join(tmp(), 'parquet-cache-home');
    const saved = process.env.FLOWQ_CACHE_DIR;
    process.env.FLOWQ_CACHE_DIR = cacheDir;
    try {
      const runs = [];
      for (let i = 0; i < 2; i++)
        runs.push(await cli('run', 'top-talkers', '--data', data(), ...RANGE, '--limit', '20', '--output', 'json', '--parquet-cache'));
      for (const run of runs) expect({ code: run.code, rows: JSON.parse(run.out).rows }).toEqual({ code: 0, rows: JSON.parse(plain.out).rows });
      // The first run shows its copying (at most every 5%); the second has nothing to copy.
      expect(runs[0].err).toMatch(/^(copying files to the Parquet cache: \d+\/75 \(\d+%\)\n)+$/);
      expect(runs[0].err).toContain('copying files to the Parquet cache: 75/75 (100%)\n');
      expect(runs[1].err).toBe('');
      expect(existsSync(join(cacheDir, 'parquet'))).toBe(true);
      expect(await cli('run', 'top-talkers', '--data', data(), ...RANGE, '--parquet-cache=maybe')).toEqual({
        code: 2,
        out: '',
        err: 'flowq: --parquet-cache takes no value (or true/false)\n',
      });
    } finally {
      process.env.FLOWQ_CACHE_DIR = saved;
    }
  });

  it('reads --interface-id and --interface_id as the same flag', async () => {
    const first = JSON.parse((await cli('run', 'eni-bytes', '--data', data(), ...RANGE, '--output', 'json')).out).rows[0].interface_id as string;
    const dashed = await cli('run', 'eni-bytes', '--data', data(), ...RANGE, '--interface-id', first, '--output', 'json');
    const underscored = await cli('run', 'eni-bytes', '--data', data(), ...RANGE, `--interface_id=${first}`, '--output', 'json');
    expect(JSON.parse(dashed.out).rows).toEqual(JSON.parse(underscored.out).rows);
    expect(JSON.parse(dashed.out).rows.map((r: { interface_id: string }) => r.interface_id)).toEqual([first]);
  });

  it('prints RFC 4180 CSV with a header row', async () => {
    const { code, out } = await cli('run', 'rejected-ports', '--data', data(), ...RANGE, '--limit', '2', '--output', 'csv');
    expect(code).toBe(0);
    const lines = out.split('\r\n');
    expect(lines[0]).toBe('dstport,protocol,flows,packets,sources,bytes');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[1]).toMatch(/^22,6,\d+,\d+,\d+,\d+$/);
  });

  it('prints an aligned table with human units and protocol names, and stats on stderr', async () => {
    const { code, out, err } = await cli('run', 'rejected-ports', '--data', data(), ...RANGE, '--limit', '2');
    expect(code).toBe(0);
    const [header, rule, first] = out.split('\n');
    expect(header).toMatch(/^dstport {2}protocol {2}flows {2}packets {2}sources +bytes$/);
    expect(rule).toMatch(/^-+( +-+){5}$/);
    expect(first).toMatch(/^ +22 {2}TCP +[\d,]+ +[\d,]+ +\d+ +[\d.]+ (B|kB|MB)$/);
    expect(err).toMatch(/^2 rows, 75 files, [\d.]+ kB read, 2 partitions \(2026\/11\/01 only for the late margin\), \d+ ms\n$/);
  });

  it('prints escape sequences from the data inert: a table, and an error line quoting an argument, hold no control character', async () => {
    const dir = join(tmp(), 'escapes');
    const hostile = 'eni-\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\\x9b31m\u202E';
    const writer = defaultWriter(dir);
    const start = Date.UTC(2026, 9, 31, 12) / 1000;
    await writer.write({
      account: '123456789012',
      region: 'us-east-1',
      flowLogId: 'fl-1',
      fileTime: start,
      records: [['2', '123456789012', hostile, '10.0.0.1', '10.0.0.2', '1', '2', '6', '3', '300', String(start), String(start + 10), 'ACCEPT', 'OK']],
    });
    await writer.close();

    const table = await cli('run', 'eni-bytes', '--data', dir, ...RANGE);
    const refused = await cli('run', 'top\x1b[2J\u202E');

    expect(table.code).toBe(0);
    expect(table.out.split('\n')[2]).toBe(
      'eni-\\x1b[2J\\x1b]0;pwned\\x07\\x1b]8;;http://evil.example/\\x1b\\link\\x1b]8;;\\x1b\\\\x9b31m⟨U+202E⟩  300 B        3      1',
    );
    expect(refused).toEqual({ code: 2, out: '', err: `flowq: unknown query 'top\\x1b[2J⟨U+202E⟩'; known queries: ${[...TEMPLATES.keys()].join(', ')}\n` });
  });

  it('takes --since as a range ending now', async () => {
    const now = Date.UTC(2026, 9, 31, 12);
    const { runCommand } = await import('../../src/cli/commands.js');
    let out = '';
    await runCommand(
      ['eni-bytes', '--data', data(), '--since', '6h', '--output', 'json'],
      { out: (t) => (out += t), err: () => undefined },
      { clock: new FakeClock(now) },
    );
    expect(JSON.parse(out).params).toMatchObject({ start: '2026-10-31T06:00:00Z', end: '2026-10-31T12:00:00Z' });
  });

  it.each([
    [['run', 'top-speakers', '--data', 'x'], 2, /^flowq: unknown query 'top-speakers'; did you mean top-talkers\?\n$/],
    [
      ['run', 'top-nothing-like-it', '--data', 'x'],
      2,
      /^flowq: unknown query 'top-nothing-like-it'; known queries: accepted-traffic, admin-ports, aws-services, conversations, eni-bytes, eni-direction, ip-versions, new-destinations, new-listeners, port-scanners, rejected-ports, rejected-traffic, ssh-rdp, top-addresses, top-instances, top-subnets, top-talkers, top-talkers-packet, traffic-change, traffic-from, traffic-over-time, traffic-paths, traffic-to\n$/,
    ],
    [
      ['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--colour', 'red'],
      2,
      /^flowq: unknown flag --colour; flowq run top-talkers --help lists the flags\n$/,
    ],
    [['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--lmit', '3'], 2, /^flowq: unknown flag --lmit; did you mean --limit\?\n$/],
    [['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--ouptut', 'json'], 2, /^flowq: unknown flag --ouptut; did you mean --output\?\n$/],
    [['rn', 'top-talkers'], 2, /^flowq: unknown command 'rn'; did you mean run\?\n$/],
    [['querys'], 2, /^flowq: unknown command 'querys'; did you mean queries\?\n$/],
    [['run', 'top-talkers', '--data', 'DATA'], 2, /^flowq: --start and --end are required \(or --since 24h\)\n$/],
    [['run', 'top-talkers', '--data', 'DATA', '--start', '2026-10-31'], 2, /^flowq: --end is required \(or --since 24h\)\n$/],
    [['run', 'traffic-from', '--data', 'DATA', ...RANGE], 2, /^flowq: --cidr is required\n$/],
    [
      ['run', 'traffic-from', '--data', 'DATA', '--start', '2026-11-01', '--end', '2026-10-31', '--cidr', '10.0.0.0/33'],
      2,
      /^flowq: --cidr: '\/33' is not a prefix length: an IPv4 network takes \/0 to \/32; --end must be after --start\n$/,
    ],
    [['run', 'eni-bytes', '--data', 'DATA', ...RANGE, '--min-ports', '3'], 2, /^flowq: unknown flag --min-ports/],
    [
      ['run', 'top-talkers', '--data', 'DATA', '--start', 'soon', '--end', '2026-11-01', '--limit', '0'],
      2,
      /^flowq: --start: 'soon' is not ISO-8601 UTC .*; --limit must be a whole number from 1 to 1000\n$/,
    ],
    [['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--since', '1h'], 2, /^flowq: give either --since or --start\/--end, not both\n$/],
    [['run', 'top-talkers', '--data', 'DATA', '--since', '1 week'], 2, /^flowq: --since must look like 30m, 24h or 7d, not '1 week'\n$/],
    [['run', 'top-talkers', '--data', 'DATA', '--since', '99999d'], 2, /^flowq: --since 99999d is too long: a range covers at most 31 days\n$/],
    [['sql', 'SELECT 1', '--data', 'DATA', '--since', '32d'], 2, /^flowq: --since 32d is too long: a range covers at most 31 days\n$/],
    [
      ['run', 'top-talkers', '--data', 'DATA', '--start', '20261127', '--end', '2026-11-28'],
      2,
      /^flowq: --start: '20261127' looks like a date: write it 2026-11-27 \(ISO-8601\), or give Unix seconds of 9 or more digits\n$/,
    ],
    [['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--output', 'xml'], 2, /^flowq: --output must be table, json or csv, not 'xml'\n$/],
    [['run', 'top-talkers', ...RANGE], 2, /^flowq: --data <dir\|s3:\/\/\.\.\.> is required/],
    [['run', 'top-talkers', '--data', '/no/such/folder', ...RANGE], 1, /^flowq: data folder \/no\/such\/folder does not exist\n$/],
    [['run', 'top-talkers', '--data', '/', ...RANGE], 1, /^flowq: no AWSLogs\/ folder in \/: point --data at the folder that holds AWSLogs\/\n$/],
    [['queries', '--data', '/'], 1, /^flowq: no AWSLogs\/ folder in \/: point --data at the folder that holds AWSLogs\/\n$/],
    [
      ['run', 'top-talkers', '--data', 'package.json', ...RANGE],
      1,
      /^flowq: data folder package\.json is a file, not a folder: point --data at the folder that holds AWSLogs\/\n$/,
    ],
    [
      ['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--log-format', '${version} ${nope}'],
      2,
      /^flowq: log format field '\$\{nope\}' is unknown\. Valid fields: version, /,
    ],
    [['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--table', 'Bad-Name'], 2, /^flowq: table name 'Bad-Name' must match/],
    [['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--file-format', 'csv'], 2, /^flowq: --file-format must be plain-text or parquet, not 'csv'\n$/],
    [['catalog', 'plan', '--location', 's3://flow-bucket/vpc/', '--database', 'd', '--table', 't', '--partitions', 'crawler'], 2, /^flowq: .*crawler/],
    [
      ['catalog', 'plan', '--location', 's3://flow-bucket/vpc/', '--database', 'd', '--table', 't', '--from', 'soon', '--to', '2026-11-01'],
      2,
      /^flowq: .*soon/,
    ],
    [['frobnicate'], 2, /^flowq: unknown command 'frobnicate'; flowq help lists the commands\n$/],
    [['sample'], 2, /^flowq: --out <dir> is required\n$/],
    [['sample', '--out', 'x', '--days', 'many'], 2, /^flowq: --days must be a whole number >= 1, not 'many'\n$/],
    [
      ['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--late-margin', '61'],
      2,
      /^flowq: --late-margin must be whole minutes from 0 to 60 \(default 10\), not '61'\n$/,
    ],
    [
      ['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--late-margin', '10m'],
      2,
      /^flowq: --late-margin must be whole minutes from 0 to 60 \(default 10\), not '10m'\n$/,
    ],
    [['sample', '--out', 'x', '--until', '2026-02-30'], 2, /^flowq: --until must be a real date \(YYYY-MM-DD\), not '2026-02-30'\n$/],
    [['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--limit', ''], 2, /^flowq: --limit needs a value, not an empty one\n$/],
    [['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--limit='], 2, /^flowq: --limit needs a value, not an empty one\n$/],
    [['run', 'top-talkers', '--data', '', ...RANGE], 2, /^flowq: --data needs a value, not an empty one\n$/],
    [['sample', '--out', 'x', '--records', ' '], 2, /^flowq: --records needs a value, not an empty one\n$/],
  ])('refuses %j with one line on stderr and exit code %i', async (argv, code, message) => {
    const result = await cli(...argv.map((a) => a.replace('DATA', data())));
    expect(result.code).toBe(code);
    expect(result.out).toBe('');
    expect(result.err).toMatch(message);
    expect(result.err.split('\n')).toHaveLength(2);
  });

  it('answers a range with no files as Athena does: no rows, exit 0, and a note on stderr', async () => {
    const result = await cli('run', 'top-talkers', '--data', data(), '--start', '2020-01-01', '--end', '2020-01-02', '--output', 'json');
    const note = `no flow-log files for partitions 2020/01/01 to 2020/01/02 under ${data()}/AWSLogs: the answer is empty`;
    expect({ code: result.code, err: result.err, doc: JSON.parse(result.out) as unknown }).toEqual({
      code: 0,
      err: `flowq: note: ${note}\n`,
      doc: expect.objectContaining({ rows: [], notes: [note] }),
    });
  });

  it('echoes only a short prefix of a long value it refuses', async () => {
    const long = `top-${'x'.repeat(100_000)}`;

    const result = await cli('run', long, '--data', data());

    expect(result).toEqual({
      code: 2,
      out: '',
      err: `flowq: unknown query '${long.slice(0, 64)}… (100004 characters)'; known queries: ${[...TEMPLATES.keys()].join(', ')}\n`,
    });
  });

  const HUGE = 'y'.repeat(100_000);
  it.each([
    ['an unknown flag', ['run', 'top-talkers', '--data', 'DATA', ...RANGE, `--${HUGE}`, '1']],
    ['a flag without its value', ['run', 'top-talkers', '--data', 'DATA', ...RANGE, `--${HUGE}`]],
    ['--limit', ['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--limit', HUGE]],
    ['--start', ['run', 'top-talkers', '--data', 'DATA', '--start', HUGE, '--end', '2026-11-01']],
    ['--days', ['sample', '--out', 'x', '--days', HUGE]],
    ['--output', ['queries', '--output', HUGE]],
    ['--table', ['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--table', HUGE]],
    ['--log-format', ['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--log-format', `\${${HUGE}}`]],
    ['--reuse-minutes', ['run', 'top-talkers', '--engine', 'athena', '--database', 'd', '--table', 't', ...RANGE, '--reuse-minutes', HUGE]],
    ['--late-margin', ['run', 'top-talkers', '--data', 'DATA', ...RANGE, '--late-margin', HUGE]],
    ['catalog --location', ['catalog', 'plan', '--location', HUGE, '--database', 'd', '--table', 't']],
    ['catalog --accounts', ['catalog', 'plan', '--location', 's3://flow-bucket/', '--database', 'd', '--table', 't', '--accounts', HUGE]],
    ['catalog --partitions', ['catalog', 'plan', '--location', 's3://flow-bucket/', '--database', 'd', '--table', 't', '--partitions', HUGE]],
    ['catalog --file-format', ['catalog', 'plan', '--location', 's3://flow-bucket/', '--database', 'd', '--table', 't', '--file-format', HUGE]],
  ])('echoes at most a short prefix of a 100,000-character value of %s, with exit code 2', async (_what, argv) => {
    const result = await cli(...argv.map((a) => a.replace('DATA', data())));

    expect({ code: result.code, out: result.out }).toEqual({ code: 2, out: '' });
    expect(result.err).not.toContain('y'.repeat(65));
    expect(result.err.length).toBeLessThan(1000);
    expect(result.err.split('\n')).toHaveLength(2);
  });

  it('refuses a whole gzip stream followed by trailing bytes, naming the file', async () => {
    const dir = join(tmp(), 'trailing');
    await writeSample({ out: dir, days: 1, records: 200, until: UNTIL, flowLogs: 1 });
    const key = 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/10/31';
    const { readdirSync } = await import('node:fs');
    const victim = join(dir, key, readdirSync(join(dir, key))[2]);
    // zlib stops quietly at zero bytes after the last member; DuckDB does not, and names no file.
    writeFileSync(victim, Buffer.concat([readFileSync(victim), Buffer.alloc(5)]));
    const result = await cli('run', 'top-talkers', '--data', dir, ...RANGE);
    expect(result).toEqual({ code: 1, out: '', err: `flowq: ${victim} is a corrupt gzip file (5 bytes of trailing garbage after its gzip data)\n` });
  });

  it('skips a folder whose date is impossible, with a note, and answers from the real partitions', async () => {
    const dir = join(tmp(), 'impossible');
    await writeSample({ out: dir, days: 1, records: 200, until: UNTIL, flowLogs: 1 });
    const { cpSync, readdirSync } = await import('node:fs');
    const day = 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/10/31';
    const expected = await cli('run', 'top-talkers', '--data', dir, ...RANGE, '--output', 'json');
    const name = readdirSync(join(dir, day))[0];
    for (const folder of ['2026/10/32', '2026/02/30']) cpSync(join(dir, day, name), join(dir, 'AWSLogs/111122223333/vpcflowlogs/us-east-1', folder, name));

    const result = await cli('run', 'top-talkers', '--data', dir, ...RANGE, '--output', 'json');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({ ...JSON.parse(expected.out), stats: expect.any(Object) as unknown, notes: [expect.any(String) as unknown] });
    expect(result.err).toBe(
      'flowq: note: skipped 2 folders whose date or hour is impossible, so no partition: AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/02/30/, AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/10/32/\n',
    );
  });

  it('refuses a corrupt .gz with one line naming the file', async () => {
    const dir = join(tmp(), 'corrupt');
    await writeSample({ out: dir, days: 1, records: 200, until: UNTIL, flowLogs: 1 });
    const key = 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/10/31';
    const { readdirSync } = await import('node:fs');
    const victim = join(dir, key, readdirSync(join(dir, key))[3]);
    const bytes = readFileSync(victim);
    writeFileSync(victim, bytes.subarray(0, bytes.length - 40));
    const result = await cli('run', 'top-talkers', '--data', dir, ...RANGE);
    expect(result.code).toBe(1);
    expect(result.err).toBe(`flowq: ${victim} is a corrupt gzip file (unexpected end of file)\n`);
  });
});

describe("flowq run opens only the range's partitions", () => {
  it('answers a day as before when a file of another day is in another format, which a question over that day refuses', async () => {
    const dir = join(tmp(), 'other-day');
    await writeSample({ out: dir, days: 3, records: 600, seed: 5, until: UNTIL, flowLogs: 1 });
    const day = ['run', 'top-talkers', '--data', dir, ...RANGE, '--output', 'json'];
    const before = await cli(...day);
    const folder = join(dir, 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/10/29');
    const { readdirSync } = await import('node:fs');
    const { gzipSync } = await import('node:zlib');
    const odd = join(folder, readdirSync(folder)[0]);
    writeFileSync(odd, gzipSync('version srcaddr dstaddr\n2 10.0.0.1 10.0.0.2\n'));

    const after = await cli(...day);
    const otherDay = await cli('run', 'top-talkers', '--data', dir, '--start', '2026-10-29', '--end', '2026-10-30');

    expect(before.code).toBe(0);
    expect({ code: after.code, rows: JSON.parse(after.out).rows as unknown }).toEqual({ code: 0, rows: JSON.parse(before.out).rows as unknown });
    expect({ code: otherDay.code, out: otherDay.out }).toEqual({ code: 1, out: '' });
    expect(otherDay.err).toContain(odd);
  });
});

describe('flowq run --late-margin', () => {
  type Doc = { rows: { flows: number }[]; stats: Record<string, unknown> };
  const runJson = async (...extra: string[]): Promise<Doc> =>
    JSON.parse((await cli('run', 'eni-bytes', '--data', data(), ...RANGE, '--limit', '1000', '--output', 'json', ...extra)).out) as Doc;
  const flows = (doc: Doc) => doc.rows.reduce((sum, row) => sum + row.flows, 0);

  it("lists the partitions read in the stats, and reads only the range's own with --late-margin 0", async () => {
    const standard = await runJson();
    const none = await runJson('--late-margin', '0');
    const hour = await runJson('--late-margin', '60');

    expect(standard.stats).toMatchObject({ partitions: ['2026/10/31', '2026/11/01'], marginPartitions: ['2026/11/01'], lateMarginSeconds: 600, filesRead: 75 });
    expect(none.stats).toMatchObject({ partitions: ['2026/10/31'], marginPartitions: [], lateMarginSeconds: 0, filesRead: 72 });
    expect(hour.stats).toMatchObject({ partitions: ['2026/10/31', '2026/11/01'], marginPartitions: ['2026/11/01'], lateMarginSeconds: 3600 });
    // The sample files flows that end after midnight in the next day's folder: only the margin finds them.
    expect(flows(standard)).toBeGreaterThan(flows(none));
    expect(flows(hour)).toBe(flows(standard));
  });
});

describe('flowq run --engine athena', () => {
  const noCredentials = {
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const athena = ['run', 'top-talkers', '--engine', 'athena', '--database', 'flowq', '--table', 'flow_logs', ...RANGE];

  async function withEnv(env: Record<string, string | undefined>, argv: string[]) {
    const saved = { ...process.env };
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    try {
      return await cli(...argv);
    } finally {
      process.env = saved;
    }
  }

  it.each([
    [
      'a profile that does not exist',
      { ...noCredentials, AWS_PROFILE: 'flowq-test-no-such-profile' },
      [],
      "flowq: AWS profile 'flowq-test-no-such-profile' was not found or holds no credentials: check --profile / AWS_PROFILE and ~/.aws/config\n",
    ],
    [
      'no credentials at all',
      { ...noCredentials, AWS_PROFILE: undefined },
      [],
      'flowq: no AWS credentials: pass --profile or set AWS_PROFILE, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n',
    ],
  ])('says in one line how to fix %s, exit 1, no stack', async (_what, env, extra, message) => {
    const result = await withEnv(env, [...athena, ...extra]);
    expect(result).toEqual({ code: 1, out: '', err: message });
  });
  it('says to pass --region or set AWS_REGION when --data s3://... has no region to go to', async () => {
    const env = {
      ...noCredentials,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_PROFILE: undefined,
    };
    const result = await withEnv(env, ['run', 'top-talkers', '--data', 's3://flowq-test-bucket/vpc/', ...RANGE]);
    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'flowq: S3: s3://flowq-test-bucket/vpc/AWSLogs/: no AWS region: pass --region, or set AWS_REGION (or a region in your AWS profile)\n',
    });
  });
});

describe('flowq help and version', () => {
  const commands = Object.keys(COMMANDS);
  const subcommands = Object.entries(COMMAND_HELP).flatMap(([name, help]) => Object.keys(help.subcommands ?? {}).map((sub) => [name, sub]));

  it('has the help of every command it runs, and runs every command it has help for', () => {
    expect(Object.keys(COMMAND_HELP).sort()).toEqual([...commands].sort());
  });

  it.each(
    commands.flatMap((name) => [
      [name, '--help'],
      [name, '-h'],
    ]),
  )('prints the usage of `flowq %s %s` on stdout with exit 0', async (name, flag) => {
    const result = await cli(name, flag);

    expect(result).toEqual({ code: 0, out: `${COMMAND_HELP[name].usage}\n`, err: '' });
    expect(result.out).toMatch(new RegExp(`^usage: flowq ${name}\\b`));
  });

  it.each(
    subcommands.flatMap(([name, sub]) => [
      [name, sub, '--help'],
      [name, sub, '-h'],
    ]),
  )('prints the usage of `flowq %s %s %s`', async (name, sub, flag) => {
    const result = await cli(name, sub, flag);

    expect(result).toEqual({ code: 0, out: `${COMMAND_HELP[name].subcommands?.[sub]}\n`, err: '' });
    expect(result.out).toMatch(new RegExp(`^usage: flowq ${name} ${sub}\\b`));
  });

  it.each([
    [['run', '-h', 'top-talkers'], 'run'],
    [['help', 'sample'], 'sample'],
    [['sample', '--out', '--help'], 'sample'],
  ])('takes %j as a request for help, not as a query name or a value', async (argv, name) => {
    expect(await cli(...argv)).toEqual({ code: 0, out: `${COMMAND_HELP[name].usage}\n`, err: '' });
  });

  it('lists every command with its summary on `flowq help`, and exits 2 when no command is given', async () => {
    const help = await cli('help');
    const bare = await cli();

    expect(help.code).toBe(0);
    for (const name of commands) expect(help.out).toContain(`\n  flowq ${name}`);
    expect(bare).toEqual({ ...help, code: 2 });
    expect(await cli('help', '--help')).toEqual(help);
    expect(await cli('help', '-h')).toEqual(help);
  });

  it('says what report and demo run: what changed and the three rankings, 25 rows each in a report', async () => {
    const help = (await cli('help')).out.split('\n');
    const report = await cli('report', '--help');

    expect(help.filter((l) => /^ {2}flowq (report|demo) /.test(l)).map((l) => l.replace(/ +/g, ' '))).toEqual([
      ' flowq report write the daily report (JSON, CSV, HTML) of some days into a folder; runs new-destinations, new-listeners, traffic-change, top-talkers, rejected-ports, eni-bytes by default',
      ' flowq demo make a sample once (no AWS account), run new-destinations, new-listeners, traffic-change, top-talkers, rejected-ports, eni-bytes on its last full day, write the report',
    ]);
    expect(report.out).toContain(
      '\n  --templates a,b        the templates to run (default: what changed and the three rankings (new-destinations, new-listeners, traffic-change, top-talkers, rejected-ports, eni-bytes), 25 rows each)\n',
    );
  });

  it("prints the version from the project's package.json on --version", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

    expect(await cli('--version')).toEqual({ code: 0, out: `flowq ${pkg.version}\n`, err: '' });
  });
});

describe('help for one template', () => {
  it("prints the shared flags of run, then the template's own parameters with types, ranges and defaults, required ones first", async () => {
    const result = await cli('run', 'traffic-from', '--data', './flows', '--help');

    expect({ code: result.code, err: result.err }).toEqual({ code: 0, err: '' });
    expect(result.out.startsWith(`${COMMAND_HELP.run.usage}\n\ntraffic-from: ${TEMPLATES.get('traffic-from')?.description}\n`)).toBe(true);
    const own = result.out.slice(result.out.indexOf("traffic-from's parameters:\n")).split('\n').slice(1, -1);
    expect(own.map((l) => l.replace(/ {2,}/g, '  '))).toEqual([
      '  --start <time>  Start of the range, inclusive (required, or --since)',
      '  --end <time>  End of the range, exclusive (required, or --since)',
      '  --cidr <cidr>  The source network (IPv4 or IPv6 CIDR; a bare address is /32 or /128) (required)',
      '  --limit <1-1000>  Most rows to return (default 10)',
      '  --interface-id <eni-0123456789abcdef0>  Only records of this network interface',
      '  --vpc-id <vpc-0123456789abcdef0>  Only records of this VPC',
      '  --subnet-id <subnet-0123456789abcdef0>  Only records of this subnet',
      '  --action ACCEPT|REJECT  Only records with this action',
      '  --protocol tcp|udp|icmp|icmpv6|<0-255>  Only records of this protocol: tcp, udp, icmp, icmpv6 (any case) or its IANA number 0-255',
      '  --dst-cidr <cidr>  Only records whose dstaddr lies in this IPv4 or IPv6 CIDR block (a bare address is /32 or /128)',
    ]);
  });

  it.each([
    ['traffic-over-time', /\n {2}--bucket 5m\|1h\|1d +Bucket size: 5m, 1h or 1d \(default 1h\)\n/],
    ['traffic-over-time', /\n {2}--limit <1-1000> +Most buckets to return \(1-1000\) \(default 1000\)\n/],
    ['port-scanners', /\n {2}--min-ports <2-65535> +.* \(default 10\)\n/],
    ['admin-ports', /\n {2}--ports <n,n,\.\.\.> {2}1-50 numbers 0-65535\n +.* \(default 22,23,445,1433,1521,3306,3389,5432,5900,5985,5986,6379,9200,27017\)\n/],
  ])("shows the type, range and default of %s's own parameter", async (name, line) => {
    expect((await cli('run', name, '-h')).out).toMatch(line);
    expect((await cli('queries', name)).out).toMatch(line);
  });

  it("prints on `flowq queries <name>` what `flowq run <name> --help` adds to run's usage", async () => {
    const help = await cli('run', 'port-scanners', '--help');
    const detail = await cli('queries', 'port-scanners');

    expect(detail.code).toBe(0);
    expect(help.out).toBe(`${COMMAND_HELP.run.usage}\n\n${detail.out}`);
    expect(await cli('queries', 'port-scaners')).toEqual({ code: 2, out: '', err: "flowq: unknown query 'port-scaners'; did you mean port-scanners?\n" });
  });
});

describe('flowq queries', () => {
  it('lists every template on one line: its name, what it answers, and the fields it needs beyond the default format', async () => {
    const { code, out } = await cli('queries');
    expect(code).toBe(0);
    const width = Math.max(...[...TEMPLATES.keys()].map((n) => n.length));
    const needs: Record<string, string> = {
      'aws-services': 'pkt-src-aws-service, pkt-dst-aws-service',
      'eni-direction': 'flow-direction',
      'top-instances': 'instance-id',
      'top-subnets': 'subnet-id',
      'top-talkers-packet': 'pkt-srcaddr, pkt-dstaddr',
      'traffic-paths': 'traffic-path',
    };
    const lines = out.split('\n');
    expect(lines.slice(0, TEMPLATES.size)).toEqual(
      [...TEMPLATES.values()].map((t) => `${t.name.padEnd(width)}  ${t.description}${needs[t.name] ? `  [needs ${needs[t.name]}]` : ''}`),
    );
    expect(lines.slice(TEMPLATES.size)).toEqual([
      '',
      '[needs ...]: fields beyond the default format; flowq queries --data <dir> says which the files have',
      "flowq queries <name> (or flowq run <name> --help): a template's parameters, defaults and columns",
      '',
    ]);
  });

  it('says which templates the format of the files under --data supports', async () => {
    const dir = join(tmp(), 'queries-data');
    const format = '${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id}';
    await writeSample({ out: dir, days: 1, records: 200, seed: 4, until: UNTIL, logFormat: format });

    const { code, out, err } = await cli('queries', '--data', dir);

    expect({ code, err }).toEqual({ code: 0, err: '' });
    const lacking = describeTemplates(parseLogFormat(format)).filter((d) => !d.supported);
    expect(out.split('\n').filter((l) => l.includes('(not in this format: '))).toEqual(
      lacking.map((d) => expect.stringMatching(new RegExp(`^${d.name} .*  \\(not in this format: ${d.missingFields.join(', ')}\\)$`))),
    );
    expect(lacking.map((d) => d.name)).toContain('eni-bytes');
    expect(out).toContain(`\n${TEMPLATES.size - lacking.length} of ${TEMPLATES.size} templates run on this format\n`);
  });

  it('publishes as JSON the list GET /queries publishes, for the log format given', async () => {
    const format = '${srcaddr} ${dstaddr} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action}';
    const { code, out } = await cli('queries', '--output', 'json', '--log-format', format);
    expect(code).toBe(0);
    const listed = JSON.parse(out) as { name: string; supported: boolean; missingFields: string[]; columns: unknown[] }[];
    expect(listed).toEqual(describeTemplates(parseLogFormat(format), DEFAULT_QUERY_SETTINGS));
    expect(listed.map((d) => [d.name, d.supported, d.missingFields])).toEqual([
      ['accepted-traffic', true, []],
      ['admin-ports', true, []],
      ['aws-services', false, ['pkt-src-aws-service', 'pkt-dst-aws-service']],
      ['conversations', true, []],
      ['eni-bytes', false, ['interface-id']],
      ['eni-direction', false, ['interface-id', 'flow-direction']],
      ['ip-versions', true, []],
      ['new-destinations', true, []],
      ['new-listeners', false, ['srcport']],
      ['port-scanners', true, []],
      ['rejected-ports', true, []],
      ['rejected-traffic', true, []],
      ['ssh-rdp', true, []],
      ['top-addresses', true, []],
      ['top-instances', false, ['instance-id']],
      ['top-subnets', false, ['subnet-id']],
      ['top-talkers', true, []],
      ['top-talkers-packet', false, ['pkt-srcaddr', 'pkt-dstaddr']],
      ['traffic-change', false, ['interface-id']],
      ['traffic-from', true, []],
      ['traffic-over-time', true, []],
      ['traffic-paths', false, ['traffic-path']],
      ['traffic-to', true, []],
    ]);
    expect(listed.find((d) => d.name === 'eni-bytes')?.columns).toEqual([
      { name: 'interface_id', type: 'varchar' },
      { name: 'bytes', type: 'bigint' },
      { name: 'packets', type: 'bigint' },
      { name: 'flows', type: 'bigint' },
    ]);
    const table = await cli('queries', '--log-format', format);
    expect(table.out).toMatch(/\neni-bytes +Network interfaces that moved the most bytes {2}\(not in this format: interface-id\)\n/);
  });

  it('refuses to run a template whose fields the data lacks: exit 2 and one line naming them', async () => {
    const dir = join(tmp(), 'no-interface');
    const format = '${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}';
    await writeSample({ out: dir, days: 1, records: 200, seed: 4, until: UNTIL, logFormat: format });
    const result = await cli('run', 'eni-bytes', '--data', dir, ...RANGE);
    expect(result).toEqual({ code: 2, out: '', err: 'flowq: query: eni-bytes needs fields the log format lacks: interface-id\n' });
    const filtered = await cli('run', 'top-talkers', '--data', dir, ...RANGE, '--vpc-id', 'vpc-0123456789abcdef0');
    expect(filtered).toEqual({ code: 2, out: '', err: 'flowq: --vpc-id: the log format has no vpc-id field to filter on\n' });
  });
});

describe('flowq sample and demo', () => {
  it('writes the same bytes for the same seed', async () => {
    const a = join(tmp(), 'seed-a');
    const b = join(tmp(), 'seed-b');
    for (const out of [a, b])
      expect((await cli('sample', '--out', out, '--days', '1', '--records', '500', '--seed', '9', '--until', '2026-11-01')).code).toBe(0);
    const { readdirSync } = await import('node:fs');
    const list = (dir: string) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(dir.length))
        .sort();
    expect(list(a)).toEqual(list(b));
    for (const f of list(a)) expect(readFileSync(join(a, f))).toEqual(readFileSync(join(b, f)));
  });

  it("prints the daily report's templates as tables for the last full day and writes that day's report, making the sample only once", async () => {
    const dir = join(tmp(), 'demo');
    const out = join(tmp(), 'demo-report');
    const first = await cli('demo', '--data', dir, '--out', out);
    expect(first.code).toBe(0);
    expect(first.err).toContain(`making a sample data set in ${dir} (once)`);
    const names = ['new-destinations', 'new-listeners', 'traffic-change', 'top-talkers', 'rejected-ports', 'eni-bytes'];
    expect(first.out.match(/^== \S+/gm)).toEqual(names.map((n) => `== ${n}`));
    expect(existsSync(join(dir, 'flowq-sample.json'))).toBe(true);
    const { until } = JSON.parse(readFileSync(join(dir, 'flowq-sample.json'), 'utf8')) as { until: number };
    const day = new Date((until - 86_400) * 1000).toISOString().slice(0, 10);
    const index = join(out, ...day.split('-'), 'index.html');
    const next = new Date(until * 1000).toISOString().slice(0, 10);
    const from = new Date((until - 8 * 86_400) * 1000).toISOString().slice(0, 10);
    expect(first.out.split('\n').slice(-5)).toEqual([
      `report for ${day}: ${index}`,
      `the sample holds the UTC days ${from} to ${day}; ${TEMPLATES.size - names.length} more templates: npx flowq queries`,
      'next, who probed many ports and was rejected on its last day:',
      `  npx flowq run port-scanners --data ${dir} --start ${day} --end ${next}`,
      '',
    ]);
    // The next step runs as printed (here in-process: `npx flowq` is the same main).
    const printed = first.out.split('\n').at(-2)!.trim().split(' ').slice(2);
    const nextRun = await cli(...printed);
    expect({ code: nextRun.code, rows: nextRun.out.split('\n').length > 3 }).toEqual({ code: 0, rows: true });
    expect(readFileSync(index, 'utf8')).toContain(`VPC Flow Logs report, ${day}`);
    // The sample's planted new destination leads the What changed section.
    expect(readFileSync(index, 'utf8')).toContain(
      '<h3>New external destinations</h3><ul class="changes"><li><bdi>10.0.0.11 → 203.0.113.23:4444/TCP, first seen 03:12 UTC, 42.0 MB</bdi></li>',
    );
    const second = await cli('demo', '--data', dir, '--out', out);
    expect(second.err).toBe('');
    expect(second.out.replace(/\d+ ms/g, '')).toBe(first.out.replace(/\d+ ms/g, ''));
  });
});
