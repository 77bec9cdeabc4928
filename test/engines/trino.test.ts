/**
 * The templates on Trino, the engine Athena v3 is built on, row for row against the local engine
 * (issue 18). A real one-node Trino (scripts/trino.mjs) reads generated flow-log files in every key
 * layout, both file formats and three log formats through its own Hive text and Parquet readers; each
 * table is made with the statements `flowq catalog ddl --dialect trino` prints, and each template runs
 * with no filter, with each filter and with networks of both families, sent as Athena sends it.
 *
 * When Trino cannot run here (no JDK it runs on, Maven unreachable) the suite says why and is
 * reported as skipped, never as passed; under CI it fails instead.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { startTrino, stopTrino, executeStatements, splitStatements, TrinoSetupError } from '../../scripts/trino.mjs';
import type { Row } from '../../src/engines/engine.js';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { TrinoEngine } from '../../src/engines/trino.js';
import { statementQuery } from '../../src/cli/sql.js';
import { DEFAULT_LOG_FORMAT_TEXT, parseLogFormat, type LogFormat } from '../../src/flowlog/format.js';
import { partitionDt, type FileFormat } from '../../src/flowlog/layout.js';
import { renderQuery } from '../../src/queries/render.js';
import { missingFields, TEMPLATES, type Template } from '../../src/queries/templates.js';
import { FlowLogWriter, type FlowLogFile } from '../../src/sample/writer.js';
import { mapLimit } from '../../src/pool.js';
import { cli } from '../support/cli-in-process.js';
import { INTERFACES, LOG_FORMATS, renderRecord, DECIMAL_FORMS, NUMERIC_JUNK } from '../support/arbitraries.js';
import { SUBNETS, V5_FORMATS, v5Record, VPCS, withScans } from '../support/library-arbitraries.js';
import { parseNumeric } from '../support/oracle.js';
import { cellText, readPinnedCase } from '../support/pinned.js';

const HOUR = 3600;
const DAY = 24 * HOUR;
/** A month boundary: records on both sides land in different day, month and hour folders. */
const BASE = Date.parse('2026-03-01T00:00:00Z') / 1000;
const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const SCHEMA = `flowq_test_${process.pid}`;
const ROOT = join(process.env.FLOWQ_TEST_ROOT ?? tmpdir(), `trino-${process.pid}`);
/** Networks of both families: everything, a block, one address, and the IPv6 blocks that hold Trino's IPv4-mapped form. */
const NETWORKS = ['0.0.0.0/0', '10.0.0.0/8', '10.0.0.1/32', '192.168.1.1', '::/0', '::/80', '::ffff:0:0/96', '2001:db8::/32', '2001:db8::1/128', 'fe80::/10'];

/** Trino for this run: one started for it, or the one FLOWQ_TRINO_URL names; else why there is none. */
async function connect(): Promise<{ url: string; version: string; started: boolean } | { reason: string }> {
  const given = process.env.FLOWQ_TRINO_URL;
  if (given !== undefined && given !== '') {
    const info = (await (await fetch(`${given}/v1/info`)).json()) as { nodeVersion: { version: string } };
    return { url: given, version: info.nodeVersion.version, started: false };
  }
  try {
    const started = await startTrino({ runDir: ROOT, log: (line) => process.stderr.write(`${line}\n`) });
    return { url: started.url, version: started.version, started: true };
  } catch (error) {
    if (error instanceof TrinoSetupError) return { reason: error.message };
    throw error;
  }
}

const trino = await connect();

/** One generated data set and how it is written. */
interface DatasetSpec {
  readonly name: string;
  readonly hive: boolean;
  readonly perHour: boolean;
  readonly fileFormat: FileFormat;
  readonly formatText: string;
  readonly seed: number;
  /** Each filter with each of its values, and every network on both sides (else one filter per template). */
  readonly full?: boolean;
}

const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'plain daily, gzip text, version-5 format',
    hive: false,
    perHour: false,
    fileFormat: 'plain-text',
    formatText: V5_FORMATS.full,
    seed: 11,
    full: true,
  },
  {
    name: 'Hive-compatible hourly, Parquet, version-5 format in another order',
    hive: true,
    perHour: true,
    fileFormat: 'parquet',
    formatText: V5_FORMATS.reordered,
    seed: 12,
  },
  { name: 'plain hourly, gzip text, default format', hive: false, perHour: true, fileFormat: 'plain-text', formatText: DEFAULT_LOG_FORMAT_TEXT, seed: 13 },
  {
    name: 'Hive-compatible daily, gzip text, without log-status',
    hive: true,
    perHour: false,
    fileFormat: 'plain-text',
    formatText: V5_FORMATS.noStatusNoPath,
    seed: 14,
  },
  { name: 'plain daily, Parquet, default format', hive: false, perHour: false, fileFormat: 'parquet', formatText: DEFAULT_LOG_FORMAT_TEXT, seed: 15 },
  {
    name: 'Hive-compatible hourly, gzip text, custom version-5 format',
    hive: true,
    perHour: true,
    fileFormat: 'plain-text',
    formatText: LOG_FORMATS.customV5,
    seed: 16,
  },
];

/** Files of a data set: records drawn with a fixed seed, in 5-minute windows on both sides of BASE, merged per account, region and window. */
function generateFiles(spec: DatasetSpec): FlowLogFile[] {
  const format = parseLogFormat(spec.formatText);
  const window = fc.oneof(fc.integer({ min: -288, max: 287 }), fc.integer({ min: -3, max: 2 }), fc.integer({ min: -14, max: 13 }));
  const draws = fc.sample(
    fc.array(
      fc.record({
        account: fc.nat(ACCOUNTS.length - 1),
        region: fc.nat(REGIONS.length - 1),
        window,
        records: fc.array(withScans(v5Record), { minLength: 4, maxLength: 24 }),
      }),
      {
        minLength: 40,
        maxLength: 40,
      },
    ),
    { seed: spec.seed, numRuns: 1 },
  )[0];
  const files = new Map<string, FlowLogFile & { records: string[][] }>();
  for (const d of draws) {
    const [account, region, fileTime] = [ACCOUNTS[d.account], REGIONS[d.region], BASE + d.window * 300];
    const key = `${account}/${region}/${fileTime}`;
    const file = files.get(key) ?? { account, region, flowLogId: `fl-0${d.account}${d.region}a1b2c3d4e5f6`, fileTime, records: [] };
    files.set(key, file);
    for (const r of d.records) file.records.push(renderRecord(format, spec.fileFormat, file, r));
  }
  return [...files.values()];
}

async function writeFiles(location: string, spec: DatasetSpec, files: readonly FlowLogFile[]): Promise<void> {
  const writer = new FlowLogWriter({
    location,
    logFormat: parseLogFormat(spec.formatText),
    fileFormat: spec.fileFormat,
    hiveCompatiblePartitions: spec.hive,
    perHourPartition: spec.perHour,
  });
  try {
    for (const file of files) await writer.write(file);
  } finally {
    await writer.close();
  }
}

/** Makes the Trino table with exactly what `flowq catalog ddl --dialect trino` prints for the folder and the files' days. */
/**
 * Waits until Trino schedules a scan of the table: a server that answers queries may still have no
 * node it counts active for splits, and fails them with "No nodes available to run query" (seen on
 * a fresh-clone CI, at the first query after the table was made).
 */
async function untilTableScans(url: string, table: string, seconds = 120): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      await executeStatements(url, [`SELECT count(*) FROM hive.${SCHEMA}.${table}`]);
      return;
    } catch (error) {
      if (!/No nodes available/.test(String(error)) || Date.now() > until) throw error;
      await new Promise((wake) => setTimeout(wake, 1000));
    }
  }
}

async function createTable(url: string, location: string, table: string, spec: DatasetSpec, files: readonly FlowLogFile[]): Promise<void> {
  const times = files.map((f) => f.fileTime);
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  const ddl = await cli(
    'catalog',
    'ddl',
    '--dialect',
    'trino',
    '--location',
    location,
    '--database',
    SCHEMA,
    '--table',
    table,
    '--log-format',
    spec.formatText,
    '--file-format',
    spec.fileFormat,
    ...(spec.hive ? ['--hive'] : []),
    ...(spec.perHour ? ['--per-hour'] : []),
    '--accounts',
    ACCOUNTS.join(','),
    '--regions',
    REGIONS.join(','),
    '--from',
    day(Math.min(...times)),
    '--to',
    day(Math.max(...times) + DAY),
  );
  expect(ddl.code).toBe(0);
  const statements = splitStatements(ddl.out);
  // Every folder the files went to is registered, and nothing else.
  const folders = new Set(
    files.map((f) => `${f.account}/${f.region}/${partitionDt({ hiveCompatiblePartitions: spec.hive, perHourPartition: spec.perHour }, f.fileTime)}`),
  );
  expect(statements.filter((s) => s.startsWith('CALL')).length).toBe(folders.size);
  await executeStatements(url, statements);
}

/** A value as a comparison sees it: a double to 12 significant digits (the engines may sum in another order). */
function comparable(row: Row): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v]));
}

/** Templates that take every network on both sides in the full matrix: the CIDR hook is the same text in every template. */
const NETWORK_TEMPLATES = new Set(['top-talkers', 'top-addresses', 'traffic-from', 'traffic-to']);

/**
 * The requests a template gets over a data set: no filter over the whole data set and over a few
 * hours with a small limit (ties cut by ORDER BY), then, in the full matrix, each filter alone with
 * each of its values and networks of both families; elsewhere one filter, turn by turn.
 */
function requests(template: Template, format: LogFormat, full: boolean, index: number): Array<Record<string, unknown>> {
  const columns = new Set(format.fields.map((f) => f.name));
  const wide = { start: BASE - 2 * DAY, end: BASE + 2 * DAY, limit: 1000 };
  const narrow = { start: BASE - 3 * HOUR, end: BASE + HOUR + 17, limit: 3 };
  const allNetworks = full && NETWORK_TEMPLATES.has(template.name);
  // Required parameters take their first value in every request; optional ones are given one at a time.
  const required: Record<string, unknown> = {};
  const alone: Array<Record<string, unknown>> = [];
  for (const spec of template.params) {
    if (['start', 'end', 'limit'].includes(spec.name)) continue;
    if (spec.field !== undefined && !columns.has(spec.field)) continue;
    let values: unknown[] = [];
    if (spec.kind === 'cidr') values = allNetworks ? NETWORKS : [NETWORKS[(index * 3) % 4], NETWORKS[4 + ((index * 5) % 6)]];
    else if (spec.kind === 'enum') values = [...spec.values];
    else if (spec.kind === 'protocol') values = ['tcp', 17, 'icmpv6'];
    else if (spec.kind === 'integer') values = [spec.min];
    else if (spec.kind === 'integer-list') values = [[22, 443, 3389].filter((p) => p >= spec.min && p <= spec.max)];
    // Internal networks: one list with the IPv6 network that holds Trino's IPv4-mapped form, one of blocks in the data.
    else if (spec.kind === 'cidr-list')
      values = [
        ['10.0.0.0/8', '::/0'],
        ['192.168.0.0/16', '2001:db8::/32', 'fe80::/10'],
      ];
    else if (spec.name === 'interface_id') values = [INTERFACES[index % INTERFACES.length]];
    else if (spec.name === 'vpc_id') values = [VPCS[0]];
    else if (spec.name === 'subnet_id') values = [SUBNETS[index % SUBNETS.length]];
    else if (spec.kind === 'pattern') values = [spec.example];
    if (spec.required) {
      required[spec.name] = values[0];
      alone.push(...(full ? values.slice(1) : []).map((v) => ({ [spec.name]: v })));
    } else alone.push(...values.map((v) => ({ [spec.name]: v })));
  }
  const filtered = full ? alone : alone.length === 0 ? [] : [alone[index % alone.length]];
  return [{ ...wide, ...required }, { ...narrow, ...required }, ...filtered.map((p) => ({ ...wide, ...required, ...p }))];
}

const comparisons = { queries: 0, rows: 0 };

/** A port on 127.0.0.1 that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const suite = 'url' in trino ? describe : describe.skip;
if (!('url' in trino)) {
  process.stderr.write(`trino: the differential suite did not run: ${trino.reason}\n`);
  if (process.env.CI) test('Trino runs here (CI needs it)', () => expect(trino).toHaveProperty('url'));
}

suite('Trino, the engine of Athena v3, against the local engine', () => {
  const url = 'url' in trino ? trino.url : '';
  /** The flags that point the CLI at one of this run's tables. */
  const onTrino = (table: string) => ['--engine', 'trino', '--server', url, '--catalog', 'hive', '--schema', SCHEMA, '--table', table];

  beforeAll(async () => {
    await mkdir(ROOT, { recursive: true });
    await executeStatements(url, [`CREATE SCHEMA IF NOT EXISTS hive.${SCHEMA}`]);
  });

  afterAll(async () => {
    process.stderr.write(
      `trino ${'version' in trino ? trino.version : ''}: ${comparisons.queries} queries compared row for row with the local engine (${comparisons.rows} rows)\n`,
    );
    if ('started' in trino && trino.started) await stopTrino(ROOT);
  });

  describe.each(DATASETS.map((spec, i) => ({ ...spec, table: `ds${i}` })))('$name', (spec) => {
    const location = join(ROOT, spec.table);
    const format = parseLogFormat(spec.formatText);
    let local: LocalEngine;
    let remote: TrinoEngine;

    beforeAll(async () => {
      const files = generateFiles(spec);
      await writeFiles(location, spec, files);
      await createTable(url, location, spec.table, spec, files);
      await untilTableScans(url, spec.table);
      local = await LocalEngine.open({ location, logFormat: spec.formatText });
      remote = await TrinoEngine.open({ server: url, catalog: 'hive', schema: SCHEMA, table: spec.table, user: 'flowq-test' });
    }, 120_000);

    afterAll(async () => {
      await local?.close();
    });

    test('the Trino engine reads the log format and the layout from the table', () => {
      expect({ fields: remote.target.logFormat.text, layout: remote.target.layout }).toEqual({
        fields: format.text,
        layout: { hiveCompatiblePartitions: spec.hive, perHourPartition: spec.perHour },
      });
    });

    const templates = [...TEMPLATES.values()].filter((t) => missingFields(t, format).length === 0);

    test.each(templates.map((t, i) => [t.name, t, i] as const))(
      '%s gives the same rows on both engines for every request',
      async (_, template, index) => {
        const cases = requests(template, format, spec.full === true, index);
        const answers = await mapLimit(cases, 3, async (params) => {
          const trinoResult = await remote.run(renderQuery(template, params, remote.target));
          return { params, trinoRows: trinoResult.rows.map(comparable), columns: trinoResult.columns.map((c) => c.name) };
        });
        for (const { params, trinoRows, columns } of answers) {
          const localResult = await local.run(renderQuery(template, params, local.target));
          expect({ params, columns, rows: trinoRows }).toEqual({
            params,
            columns: localResult.columns.map((c) => c.name),
            rows: localResult.rows.map(comparable),
          });
          comparisons.queries++;
          comparisons.rows += trinoRows.length;
        }
      },
      300_000,
    );
  });

  describe('the pinned boundary cases (queries/cases/*.slt)', () => {
    test.each([...TEMPLATES.keys()])(
      '%s answers exactly its pinned rows on Trino, as on the local engine',
      async (name) => {
        const pinned = await readPinnedCase(name);
        const table = `pinned_${name.replaceAll('-', '_')}`;
        const spec: DatasetSpec = { name: table, hive: false, perHour: false, fileFormat: 'plain-text', formatText: pinned.format, seed: 0 };
        const files = pinned.files.map((f) => ({
          account: f.records[0][1],
          region: 'us-east-1',
          flowLogId: 'fl-pinned',
          fileTime: f.fileTime,
          records: f.records,
        }));
        await writeFiles(join(ROOT, table), spec, files);
        await createTable(url, join(ROOT, table), table, spec, files);
        const remote = await TrinoEngine.open({ server: url, catalog: 'hive', schema: SCHEMA, table, user: 'flowq-test' });
        for (const q of pinned.queries) {
          const result = await remote.run(renderQuery(name, q.params, remote.target));
          expect({ params: q.params, rows: result.rows.map((row) => q.columns.map((column) => cellText(row[column]))) }).toEqual({
            params: q.params,
            rows: q.rows,
          });
          comparisons.queries++;
          comparisons.rows += q.rows.length;
        }
      },
      120_000,
    );
  });

  describe('numbers in text files', () => {
    const spec: DatasetSpec = { name: 'numeric forms', hive: false, perHour: false, fileFormat: 'plain-text', formatText: DEFAULT_LOG_FORMAT_TEXT, seed: 0 };
    const location = join(ROOT, 'numbers');
    const forms = [
      ...DECIMAL_FORMS,
      ...NUMERIC_JUNK,
      '+7',
      '-1.9',
      '1234567890123456789',
      '12345678901234567890',
      '9223372036854775807',
      '-9223372036854775808',
      '000000000000000000000001',
      '65535',
      '2147483647',
      '-2147483648',
    ];

    test("Trino's own text reader reads every numeric form as the local engine and the oracle do", async () => {
      // One record per form, the form in every numeric column; its source address numbers it.
      const format = parseLogFormat(spec.formatText);
      const fileTime = BASE;
      const records = forms.map((form, i) =>
        format.fields.map((f) => {
          if (f.name === 'srcaddr') return `10.9.${Math.floor(i / 250)}.${i % 250}`;
          if (f.name === 'start' || f.name === 'end') return String(fileTime + 10);
          if (f.name === 'log-status') return 'OK';
          return f.athenaType === 'string' ? '-' : form === '' ? '' : form;
        }),
      );
      const files: FlowLogFile[] = [{ account: ACCOUNTS[0], region: REGIONS[0], flowLogId: 'fl-0numbers', fileTime, records }];
      await writeFiles(location, spec, files);
      await createTable(url, location, 'numbers', spec, files);
      const local = await LocalEngine.open({ location });
      try {
        const sql = 'SELECT srcaddr, version, srcport, dstport, protocol, packets, bytes FROM flow_logs ORDER BY srcaddr';
        const engine = await TrinoEngine.open({ server: url, catalog: 'hive', schema: SCHEMA, table: 'numbers', user: 'flowq-test' });
        const fromTrino = await engine.run(statementQuery(sql.replace('flow_logs', 'numbers'), undefined, engine.target));
        const onLocal = await local.run(statementQuery(sql, undefined, local.target));
        const oracle = records
          .map((r) => {
            const at = (name: string) => r[format.fields.findIndex((f) => f.name === name)];
            const safe = (text: string, type: 'int' | 'bigint') => {
              try {
                return parseNumeric(text, type);
              } catch {
                return text
                  .replace(/^\+/, '')
                  .replace(/^(-?)0+(?=\d)/, '$1')
                  .replace(/\..*$/, '');
              }
            };
            return {
              srcaddr: at('srcaddr'),
              version: safe(at('version'), 'int'),
              srcport: safe(at('srcport'), 'int'),
              dstport: safe(at('dstport'), 'int'),
              protocol: safe(at('protocol'), 'int'),
              packets: safe(at('packets'), 'bigint'),
              bytes: safe(at('bytes'), 'bigint'),
            };
          })
          .sort((a, b) => (a.srcaddr < b.srcaddr ? -1 : 1));
        expect(fromTrino.rows).toEqual(oracle);
        expect(onLocal.rows).toEqual(oracle);
        comparisons.queries += 1;
        comparisons.rows += oracle.length;
      } finally {
        await local.close();
      }
    }, 120_000);
  });

  test('flowq run --engine trino prints the same table as the same question on --data', async () => {
    const spec = DATASETS[0];
    const location = join(ROOT, 'ds0');
    const question = ['--start', new Date((BASE - DAY) * 1000).toISOString(), '--end', new Date((BASE + DAY) * 1000).toISOString(), '--limit', '15'];
    const answered = await cli('run', 'top-talkers', ...onTrino('ds0'), ...question);
    const onData = await cli('run', 'top-talkers', '--data', location, '--log-format', spec.formatText, ...question);
    expect(answered.code).toBe(0);
    expect(answered.out).toBe(onData.out);
    expect(answered.out.split('\n').length).toBeGreaterThan(5);
    expect(answered.err).toMatch(/^trino: query \S+ started on http:\/\/127\.0\.0\.1:\d+$/m);
  });

  test('a query Trino refuses is one line with its message, and an unreachable server is named', async () => {
    const refused = await cli('sql', 'SELECT nosuchcolumn FROM ds0', ...onTrino('ds0'));
    expect({ code: refused.code, last: refused.err.trim().split('\n').at(-1) }).toEqual({
      code: 1,
      last: expect.stringMatching(/^flowq: Trino query \S+ failed: line 1:8: Column 'nosuchcolumn' cannot be resolved$/),
    });
    const closed = await closedPort();
    const flags = onTrino('ds0').map((flag) => (flag === url ? `http://127.0.0.1:${closed}` : flag));
    const unreachable = await cli('run', 'top-talkers', ...flags, '--since', '1h');
    expect({ code: unreachable.code, err: unreachable.err }).toEqual({
      code: 1,
      err: `flowq: cannot reach Trino at http://127.0.0.1:${closed}: ECONNREFUSED\n`,
    });
  });
});
