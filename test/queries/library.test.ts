/**
 * The template library (issue 10) against its independent oracle: random small data sets in the
 * default and custom formats and in version-5 formats with every field the library reads, as text
 * and as Parquet in every key layout, are written in AWS's layout; each template runs on the local
 * engine with its filters given or left out (VPC, subnet, action, protocol by name or number, CIDR
 * blocks of both families), and the whole result must equal the rows computed in plain TypeScript
 * from the generated records (test/support/library-oracle.ts), which follows the contract.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { InvalidParameter } from '../../src/errors.js';
import { renderQuery } from '../../src/queries/render.js';
import { getTemplate } from '../../src/queries/templates.js';
import { FlowLogWriter } from '../../src/sample/writer.js';
import { datasetFormat, datasetOf, LOG_FORMATS, logicalRecord, type Dataset } from '../support/arbitraries.js';
import { datasetWithLibraryQueries, formatServes, V5_FORMATS, v5Record, withScans, type LibraryRequest } from '../support/library-arbitraries.js';
import { expectedLibraryRows, EXTRA_FIELDS, LIBRARY_COLUMNS, LIBRARY_TEMPLATES, type LibraryTemplate } from '../support/library-oracle.js';
import { expectedFilesRead } from '../support/oracle.js';

const NUM_RUNS = Number(process.env.LIBRARY_RUNS ?? 12);

/** Requests compared with the oracle, by template, and how many of them had rows: the figures the run reports. */
const compared = new Map<string, { requests: number; withRows: number }>();
/** CIDR blocks among those requests, by family. */
const cidrBlocks = { IPv4: 0, IPv6: 0 };

async function withEngine(ds: Dataset, use: (engine: LocalEngine) => Promise<void> | void): Promise<void> {
  const location = await mkdtemp(join(tmpdir(), 'flowq-library-'));
  try {
    const writer = new FlowLogWriter({
      location,
      logFormat: datasetFormat(ds),
      fileFormat: ds.fileFormat,
      hiveCompatiblePartitions: ds.hiveCompatiblePartitions,
      perHourPartition: ds.perHourPartition,
    });
    try {
      for (const file of ds.files) await writer.write(file);
    } finally {
      await writer.close();
    }
    const engine = await LocalEngine.open({ location, ...(ds.passFormat ? { logFormat: ds.formatText } : {}) });
    try {
      await use(engine);
    } finally {
      await engine.close();
    }
  } finally {
    await rm(location, { recursive: true, force: true });
  }
}

/** Runs each request on the local engine and compares the whole result with the oracle's rows. */
async function check(template: LibraryTemplate, ds: Dataset, requests: readonly LibraryRequest[]): Promise<void> {
  const format = datasetFormat(ds);
  await withEngine(ds, async (engine) => {
    for (const { query, params } of requests) {
      const rendered = renderQuery(template, params, engine.target);
      try {
        const result = await engine.run(rendered);
        // A range whose partitions hold no file answers empty, with a note saying so.
        if (expectedFilesRead(ds.perHourPartition, ds.files, query.start, query.end, engine.target.lateMarginSeconds) === 0) {
          expect(result.notes).toEqual([expect.stringMatching(/^no flow-log files for partitions .* the answer is empty$/)]);
        }
        // The contract's column names, and the columns the template publishes (names and types).
        expect(result.columns.map((c) => c.name)).toEqual(LIBRARY_COLUMNS[template]);
        expect(result.columns).toEqual(getTemplate(template).columns);
        expect(result.rows).toEqual(expectedLibraryRows(format, ds.files, query));
        const count = compared.get(template) ?? { requests: 0, withRows: 0 };
        compared.set(template, { requests: count.requests + 1, withRows: count.withRows + (result.rows.length > 0 ? 1 : 0) });
        for (const cidr of [query.cidr, query.src_cidr, query.dst_cidr]) {
          if (cidr !== undefined) cidrBlocks[cidr.includes(':') ? 'IPv6' : 'IPv4'] += 1;
        }
      } catch (error) {
        if (error instanceof Error)
          error.message = `params ${JSON.stringify(params)} on ${ds.formatText} (${ds.fileFormat})\n${rendered.sql}\n${error.message}`;
        throw error;
      }
    }
  });
}

/** The core formats (default, custom version 5, no log-status) that have a template's fields. */
function coreFormats(template: LibraryTemplate): string[] {
  return Object.values(LOG_FORMATS).filter((f) => formatServes(f, template));
}

function v5Formats(template: LibraryTemplate): string[] {
  return Object.values(V5_FORMATS).filter((f) => formatServes(f, template));
}

describe('the template library against its oracle', () => {
  afterAll(() => {
    const total = [...compared.values()].reduce((a, b) => a + b.requests, 0);
    const perTemplate = [...compared].map(([t, n]) => `${t} ${n.requests} (${n.withRows} with rows)`).join(', ');
    process.stdout.write(
      `library: ${total} requests compared with the oracle: ${perTemplate}; CIDR blocks: ${cidrBlocks.IPv4} IPv4, ${cidrBlocks.IPv6} IPv6\n`,
    );
  });

  it.each(LIBRARY_TEMPLATES.filter((t) => coreFormats(t).length > 0))(
    '%s returns exactly the rows its contract defines over data sets in the default and custom formats',
    async (template) => {
      const datasets = datasetOf(coreFormats(template), withScans(logicalRecord));
      await fc.assert(
        fc.asyncProperty(datasetWithLibraryQueries(template, datasets), async ({ ds, requests }) => check(template, ds, requests)),
        { numRuns: NUM_RUNS, interruptAfterTimeLimit: 120_000, endOnFailure: process.env.LIBRARY_NO_SHRINK === '1' },
      );
    },
    200_000,
  );

  it.each(LIBRARY_TEMPLATES.filter((t) => v5Formats(t).length > 0))(
    '%s returns exactly the rows its contract defines over data sets in version-5 formats with every field it reads',
    async (template) => {
      const datasets = datasetOf(v5Formats(template), withScans(v5Record));
      await fc.assert(
        fc.asyncProperty(datasetWithLibraryQueries(template, datasets), async ({ ds, requests }) => check(template, ds, requests)),
        { numRuns: NUM_RUNS, interruptAfterTimeLimit: 120_000, endOnFailure: process.env.LIBRARY_NO_SHRINK === '1' },
      );
    },
    200_000,
  );
});

describe('a log format without the fields a template reads', () => {
  const t = Date.parse('2026-06-16T12:00:00Z') / 1000;
  const record = ['2', '123456789012', 'eni-0a1b2c3d', '10.0.0.1', '10.0.0.2', '443', '22', '6', '2', '100', String(t), String(t + 30), 'ACCEPT', 'OK'];
  const defaultFormat: Dataset = {
    hiveCompatiblePartitions: false,
    perHourPartition: false,
    fileFormat: 'plain-text',
    formatText: LOG_FORMATS.default,
    passFormat: true,
    base: t,
    files: [{ account: '123456789012', region: 'us-east-1', flowLogId: 'fl-0a1b2c3d', fileTime: t, records: [record] }],
  };
  const range = { start: t - 60, end: t + 60 };
  const required = (template: LibraryTemplate) => (template === 'traffic-from' || template === 'traffic-to' ? { cidr: '10.0.0.0/8' } : {});

  it.each(LIBRARY_TEMPLATES.filter((template) => EXTRA_FIELDS[template].length > 0))(
    '%s is refused with one line naming exactly the fields the default format lacks',
    async (template) => {
      await withEngine(defaultFormat, (engine) => {
        const render = () => renderQuery(template, range, engine.target);
        expect(render).toThrow(InvalidParameter);
        // toThrow with an error compares the whole message.
        expect(render).toThrow(new Error(`query: ${template} needs fields the log format lacks: ${EXTRA_FIELDS[template].join(', ')}`));
      });
    },
  );

  it('runs every template that needs no more than the default format, and refuses a VPC or subnet filter naming its field', async () => {
    await withEngine(defaultFormat, async (engine) => {
      for (const template of LIBRARY_TEMPLATES.filter((name) => EXTRA_FIELDS[name].length === 0)) {
        const result = await engine.run(renderQuery(template, { ...range, ...required(template) }, engine.target));
        expect({ template, rows: result.rows }).toEqual({
          template,
          rows: expectedLibraryRows(datasetFormat(defaultFormat), defaultFormat.files, { template, ...range, limit: 10, ...required(template) }),
        });
        expect(() => renderQuery(template, { ...range, ...required(template), vpc_id: 'vpc-0a1b2c3d', subnet_id: 'subnet-0a1b2c3d' }, engine.target)).toThrow(
          'vpc_id: the log format has no vpc-id field to filter on; subnet_id: the log format has no subnet-id field to filter on',
        );
      }
    });
  });
});

describe('port-scanners on a pinned data set', () => {
  it('reports the sources whose rejected records reach at least min_ports ports, exactly', async () => {
    const t = Date.parse('2026-06-16T12:00:00Z') / 1000;
    const line = (src: string, dst: string, port: number, action: string, at: number) => [
      '2',
      '123456789012',
      'eni-0a1b2c3d',
      src,
      dst,
      '40000',
      String(port),
      '6',
      '1',
      '40',
      String(at),
      String(at + 5),
      action,
      'OK',
    ];
    const records = [
      // One source probes twelve ports of one host, and is let in once on a thirteenth.
      ...Array.from({ length: 12 }, (_, i) => line('198.51.100.7', '10.0.0.5', i + 1, 'REJECT', t + i)),
      line('198.51.100.7', '10.0.0.5', 80, 'ACCEPT', t + 20),
      // Another probes three ports over two hosts; a third is rejected twice on one port.
      line('2001:db8::66', '2001:db8::1', 22, 'REJECT', t + 30),
      line('2001:db8::66', '2001:db8::1', 23, 'REJECT', t + 31),
      line('2001:db8::66', '2001:db8::2', 3389, 'REJECT', t + 32),
      line('10.0.0.9', '10.0.0.5', 22, 'REJECT', t + 40),
      line('10.0.0.9', '10.0.0.6', 22, 'REJECT', t + 41),
    ];
    const ds: Dataset = {
      hiveCompatiblePartitions: false,
      perHourPartition: false,
      fileFormat: 'plain-text',
      formatText: LOG_FORMATS.default,
      passFormat: true,
      base: t,
      files: [{ account: '123456789012', region: 'us-east-1', flowLogId: 'fl-0a1b2c3d', fileTime: t, records }],
    };
    const range = { start: t - 60, end: t + 60 };
    const scanner = { srcaddr: '198.51.100.7', ports: 12, targets: 1, flows: 12, first_seen: t, last_seen: t + 16 };
    const small = { srcaddr: '2001:db8::66', ports: 3, targets: 2, flows: 3, first_seen: t + 30, last_seen: t + 37 };
    await withEngine(ds, async (engine) => {
      for (const [params, rows] of [
        [range, [scanner]],
        [{ ...range, min_ports: 3 }, [scanner, small]],
        [{ ...range, min_ports: 2, src_cidr: '2001:db8::/32' }, [small]],
      ] as const) {
        const result = await engine.run(renderQuery('port-scanners', params, engine.target));
        expect(result.rows).toEqual(rows);
        expect(result.rows).toEqual(expectedLibraryRows(datasetFormat(ds), ds.files, { template: 'port-scanners', limit: 10, ...params }));
      }
    });
  });
});

describe('CIDR blocks on a pinned data set', () => {
  it('select exactly the addresses of their own family, /0 to /32 and /128 included', async () => {
    const t = Date.parse('2026-06-16T12:00:00Z') / 1000;
    const sources = ['10.1.2.3', '10.255.0.1', '11.0.0.1', '192.168.1.1', '2001:db8::1', '2001:db8:ffff::1', '2001:db9::1', 'fe80::1', '-'];
    const records = sources.map((src, i) => [
      '2',
      '123456789012',
      'eni-0a1b2c3d',
      src,
      '10.0.0.5',
      '40000',
      '443',
      '6',
      '1',
      String(100 + i),
      String(t + i),
      String(t + i + 5),
      'ACCEPT',
      'OK',
    ]);
    const ds: Dataset = {
      hiveCompatiblePartitions: true,
      perHourPartition: false,
      fileFormat: 'parquet',
      formatText: LOG_FORMATS.default,
      passFormat: false,
      base: t,
      files: [{ account: '123456789012', region: 'us-east-1', flowLogId: 'fl-0a1b2c3d', fileTime: t, records }],
    };
    const range = { start: t - 60, end: t + 60, limit: 20 };
    const cases: ReadonlyArray<readonly [string, readonly string[]]> = [
      ['0.0.0.0/0', ['10.1.2.3', '10.255.0.1', '11.0.0.1', '192.168.1.1']],
      ['10.0.0.0/8', ['10.1.2.3', '10.255.0.1']],
      ['10.1.2.3', ['10.1.2.3']],
      ['10.1.2.3/32', ['10.1.2.3']],
      ['::/0', ['2001:db8::1', '2001:db8:ffff::1', '2001:db9::1', 'fe80::1']],
      ['2001:db8::/32', ['2001:db8::1', '2001:db8:ffff::1']],
      ['2001:DB8::1', ['2001:db8::1']],
      ['2001:db8::1/128', ['2001:db8::1']],
      ['fe80::/10', ['fe80::1']],
    ];
    await withEngine(ds, async (engine) => {
      for (const [cidr, expected] of cases) {
        const result = await engine.run(renderQuery('traffic-from', { ...range, cidr }, engine.target));
        const oracle = expectedLibraryRows(datasetFormat(ds), ds.files, { template: 'traffic-from', ...range, cidr: cidr.toLowerCase() });
        expect({ cidr, sources: result.rows.map((r) => r.srcaddr).sort() }).toEqual({ cidr, sources: [...expected].sort() });
        expect(result.rows).toEqual(oracle);
      }
    });
  });
});
