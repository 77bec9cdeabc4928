/**
 * The "what changed" templates (issue 20) against their independent oracle (test/support/change-oracle.ts): a data set
 * generated over several days plants known new destinations, new listeners and volume changes among random
 * background traffic and decoys (traffic seen in the baseline, rejected traffic, internal-to-internal traffic, replies
 * to ephemeral ports, traffic older than the baseline, NODATA records and junk), is written in every key layout and
 * both file formats, and each template's whole result must equal the oracle's rows for several parameter sets.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LOG_FORMAT, DEFAULT_LOG_FORMAT_TEXT } from '../../src/flowlog/format.js';
import { LocalEngine } from '../../src/engines/local/engine.js';
import { toResultDocument } from '../../src/engines/engine.js';
import { InvalidParameter } from '../../src/errors.js';
import { renderQuery } from '../../src/queries/render.js';
import { getTemplate } from '../../src/queries/templates.js';
import { FlowLogWriter, type FlowLogFile } from '../../src/sample/writer.js';
import { CHANGE_COLUMNS, CHANGE_TEMPLATES, DEFAULT_INTERNAL, expectedChangeRows, type ChangeQuery } from '../support/change-oracle.js';

const DAY = 86_400;
/** The reported day: 2026-06-16. Data runs from five days before it to its end. */
const START = Date.parse('2026-06-16T00:00:00Z') / 1000;
const END = START + DAY;

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Flow {
  readonly eni: string;
  readonly src: string;
  readonly dst: string;
  readonly srcport: number | string;
  readonly dstport: number | string;
  readonly protocol: number | string;
  readonly bytes: number | string;
  readonly start: number;
  readonly action?: string;
  readonly status?: string;
}

function line(f: Flow): string[] {
  const status = f.status ?? 'OK';
  if (status !== 'OK') return ['2', '123456789012', f.eni, '-', '-', '-', '-', '-', '-', '-', String(f.start), String(f.start + 60), '-', status];
  return [
    '2',
    '123456789012',
    f.eni,
    f.src,
    f.dst,
    String(f.srcport),
    String(f.dstport),
    String(f.protocol),
    '3',
    String(f.bytes),
    String(f.start),
    String(f.start + 30),
    f.action ?? 'ACCEPT',
    status,
  ];
}

const INTERNAL = ['10.0.0.5', '10.0.0.6', '10.0.0.9', '172.16.3.4', '192.168.1.20', '100.64.0.7', 'fd00::5', 'fd00::9'];
const EXTERNAL = ['198.51.100.7', '203.0.113.9', '52.216.8.1', '2001:db8::99', '2600:1f18::5', '8.8.8.8'];
const ENIS = ['eni-0a1b2c3d', 'eni-0123456789abcdef0', 'eni-abcdef01'];

/** Background traffic every day, each record drawn from the pools; replies to ephemeral ports among them. */
function background(rnd: () => number, count: number): Flow[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  return Array.from({ length: count }, () => {
    const day = Math.floor(rnd() * 6) - 5;
    const start = START + day * DAY + Math.floor(rnd() * DAY);
    const outbound = rnd() < 0.5;
    const [a, b] = [pick(INTERNAL), rnd() < 0.7 ? pick(EXTERNAL) : pick(INTERNAL)];
    const service = pick([22, 53, 443, 5432, 8080]);
    const ephemeral = 32_768 + Math.floor(rnd() * 28_000);
    const reply = rnd() < 0.3;
    const [src, dst] = outbound ? [a, b] : [b, a];
    return {
      eni: pick(ENIS),
      src: reply ? dst : src,
      dst: reply ? src : dst,
      srcport: reply ? service : ephemeral,
      dstport: reply ? ephemeral : service,
      protocol: pick([6, 6, 17, 1]),
      bytes: rnd() < 0.03 ? '-' : 40 + Math.floor(rnd() * 100_000),
      start,
      action: rnd() < 0.2 ? 'REJECT' : 'ACCEPT',
      status: rnd() < 0.03 ? 'NODATA' : 'OK',
    };
  });
}

const at = (day: number, hh: number, mm: number) => START + day * DAY + hh * 3600 + mm * 60;

/** What the data set plants on the reported day (day 0), and the decoys that must not be reported. */
const PLANTED: readonly Flow[] = [
  // New destinations: one per family.
  { eni: 'eni-0a1b2c3d', src: '10.0.1.14', dst: '198.51.100.77', srcport: 50_001, dstport: 443, protocol: 6, bytes: 4_200_000, start: at(0, 3, 12) },
  { eni: 'eni-0a1b2c3d', src: '10.0.1.14', dst: '198.51.100.77', srcport: 50_002, dstport: 443, protocol: 6, bytes: 1000, start: at(0, 4, 0) },
  { eni: 'eni-abcdef01', src: 'fd00::14', dst: '2001:db8::77', srcport: 50_003, dstport: 853, protocol: 6, bytes: 300_000, start: at(0, 9, 30) },
  // Seen four days before: new with a 3-day baseline, not with the default 7 days.
  { eni: 'eni-0a1b2c3d', src: '10.0.1.15', dst: '203.0.113.88', srcport: 50_004, dstport: 443, protocol: 6, bytes: 5000, start: at(-4, 12, 0) },
  { eni: 'eni-0a1b2c3d', src: '10.0.1.15', dst: '203.0.113.88', srcport: 50_005, dstport: 443, protocol: 6, bytes: 7000, start: at(0, 12, 0) },
  // Decoys: seen in the baseline, rejected, internal to internal.
  { eni: 'eni-0a1b2c3d', src: '10.0.1.16', dst: '203.0.113.99', srcport: 50_006, dstport: 443, protocol: 6, bytes: 100, start: at(-1, 1, 0) },
  { eni: 'eni-0a1b2c3d', src: '10.0.1.16', dst: '203.0.113.99', srcport: 50_007, dstport: 443, protocol: 6, bytes: 9_000_000, start: at(0, 1, 0) },
  {
    eni: 'eni-0a1b2c3d',
    src: '10.0.1.17',
    dst: '198.51.100.78',
    srcport: 50_008,
    dstport: 443,
    protocol: 6,
    bytes: 8_000_000,
    start: at(0, 2, 0),
    action: 'REJECT',
  },
  { eni: 'eni-0a1b2c3d', src: '10.0.1.18', dst: '10.9.9.9', srcport: 50_009, dstport: 443, protocol: 6, bytes: 7_000_000, start: at(0, 2, 30) },
  // A new listener, and its replies to the client's ephemeral port (not listeners).
  { eni: 'eni-abcdef01', src: '203.0.113.50', dst: '10.0.2.9', srcport: 51_515, dstport: 8443, protocol: 6, bytes: 60_000, start: at(0, 5, 0) },
  { eni: 'eni-abcdef01', src: '198.51.100.60', dst: '10.0.2.9', srcport: 51_600, dstport: 8443, protocol: 6, bytes: 20_000, start: at(0, 6, 0) },
  { eni: 'eni-abcdef01', src: '10.0.2.9', dst: '203.0.113.50', srcport: 8443, dstport: 51_515, protocol: 6, bytes: 900_000, start: at(0, 5, 0) },
  // An old listener: accepted in the baseline on the same port and protocol.
  { eni: 'eni-abcdef01', src: '203.0.113.51', dst: '10.0.2.10', srcport: 51_700, dstport: 9000, protocol: 17, bytes: 100, start: at(-2, 5, 0) },
  { eni: 'eni-abcdef01', src: '203.0.113.52', dst: '10.0.2.10', srcport: 51_701, dstport: 9000, protocol: 17, bytes: 100, start: at(0, 5, 0) },
  // Traffic jumps on one interface, and an interface that appears on the day.
  ...[-3, -2, -1].map((d) => ({
    eni: 'eni-0f0f0f0f',
    src: '10.0.3.3',
    dst: '10.0.3.4',
    srcport: 40_000,
    dstport: 5432,
    protocol: 6,
    bytes: 1_000_000,
    start: at(d, 10, 0),
  })),
  { eni: 'eni-0f0f0f0f', src: '10.0.3.3', dst: '10.0.3.4', srcport: 40_000, dstport: 5432, protocol: 6, bytes: 50_000_000, start: at(0, 10, 0) },
  { eni: 'eni-0e0e0e0e', src: '10.0.4.4', dst: '52.216.8.1', srcport: 40_001, dstport: 443, protocol: 6, bytes: 3_000_000, start: at(0, 11, 0) },
];

/** The records as files in AWS's layout: each in the 5-minute window of its end, so some cross into the next day. */
function filesOf(flows: readonly Flow[]): FlowLogFile[] {
  const byWindow = new Map<number, string[][]>();
  for (const f of flows) {
    const window = Math.floor((f.start + 30) / 300) * 300;
    byWindow.set(window, [...(byWindow.get(window) ?? []), line(f)]);
  }
  return [...byWindow].map(([fileTime, records]) => ({ account: '123456789012', region: 'us-east-1', flowLogId: 'fl-0a1b2c3d', fileTime, records }));
}

const FLOWS = [...background(random(20), 600), ...PLANTED];
const FILES = filesOf(FLOWS);

/** Parameter sets: the defaults, a shorter baseline, other internal networks, filters, by address, another ratio. */
const REQUESTS: ReadonlyArray<Omit<ChangeQuery, 'template' | 'start' | 'end'> & { raw: Record<string, unknown> }> = [
  { limit: 10, baseline_days: 7, internal_cidrs: DEFAULT_INTERNAL, raw: {} },
  { limit: 1000, baseline_days: 3, internal_cidrs: DEFAULT_INTERNAL, raw: { limit: 1000, baseline_days: 3 } },
  {
    limit: 1000,
    baseline_days: 1,
    internal_cidrs: ['10.0.0.0/16', 'fd00::/8'],
    raw: { limit: 1000, baseline_days: 1, internal_cidrs: '10.0.0.0/16, fd00::/8' },
  },
  {
    limit: 1000,
    baseline_days: 4,
    internal_cidrs: ['10.0.0.0/8', '::/0'],
    interface_id: 'eni-abcdef01',
    protocol: 6,
    raw: { limit: 1000, baseline_days: 4, internal_cidrs: ['10.0.0.0/8', '::/0'], interface_id: 'eni-abcdef01', protocol: 'tcp' },
  },
];
const TRAFFIC: ReadonlyArray<Pick<ChangeQuery, 'by' | 'min_ratio'>> = [{}, { by: 'address', min_ratio: 2 }];

async function withEngine(layout: { hive: boolean; perHour: boolean; fileFormat: 'plain-text' | 'parquet' }, use: (e: LocalEngine) => Promise<void>) {
  const location = await mkdtemp(join(tmpdir(), 'flowq-changes-'));
  try {
    const writer = new FlowLogWriter({
      location,
      logFormat: DEFAULT_LOG_FORMAT,
      fileFormat: layout.fileFormat,
      hiveCompatiblePartitions: layout.hive,
      perHourPartition: layout.perHour,
    });
    try {
      for (const file of FILES) await writer.write(file);
    } finally {
      await writer.close();
    }
    const engine = await LocalEngine.open({ location, logFormat: DEFAULT_LOG_FORMAT_TEXT });
    try {
      await use(engine);
    } finally {
      await engine.close();
    }
  } finally {
    await rm(location, { recursive: true, force: true });
  }
}

const LAYOUTS = [false, true].flatMap((hive) =>
  [false, true].flatMap((perHour) => (['plain-text', 'parquet'] as const).map((fileFormat) => ({ hive, perHour, fileFormat }))),
);

describe('the planted changes, as the oracle sees them', () => {
  const oracle = (template: ChangeQuery['template'], extra: Partial<ChangeQuery> = {}) =>
    expectedChangeRows(DEFAULT_LOG_FORMAT, FILES, {
      template,
      start: START,
      end: END,
      limit: 1000,
      baseline_days: 3,
      internal_cidrs: DEFAULT_INTERNAL,
      ...extra,
    });

  it('include the new destinations and listener and the jump, and leave the decoys out', () => {
    const destinations = oracle('new-destinations').map((r) => `${r.srcaddr} ${r.dstaddr}`);
    expect(destinations).toEqual(expect.arrayContaining(['10.0.1.14 198.51.100.77', 'fd00::14 2001:db8::77', '10.0.1.15 203.0.113.88']));
    for (const decoy of ['10.0.1.16 203.0.113.99', '10.0.1.17 198.51.100.78', '10.0.1.18 10.9.9.9']) expect(destinations).not.toContain(decoy);
    expect(oracle('new-destinations', { baseline_days: 7 }).map((r) => `${r.srcaddr} ${r.dstaddr}`)).not.toContain('10.0.1.15 203.0.113.88');
    const listeners = oracle('new-listeners').map((r) => `${r.address}:${r.port}`);
    expect(listeners).toContain('10.0.2.9:8443');
    for (const decoy of ['10.0.2.10:9000', '203.0.113.50:51515']) expect(listeners).not.toContain(decoy);
    expect(oracle('traffic-change').filter((r) => r.key === 'eni-0f0f0f0f' || r.key === 'eni-0e0e0e0e')).toEqual([
      { key: 'eni-0f0f0f0f', change: 'up', bytes: 50_000_000, baseline_daily_mean: 1_000_000, ratio: 50 },
      { key: 'eni-0e0e0e0e', change: 'new', bytes: 3_000_000, baseline_daily_mean: 0, ratio: null },
    ]);
  });
});

describe.each(LAYOUTS)('on $fileFormat files, hive $hive, per hour $perHour', (layout) => {
  it('each template returns exactly the oracle rows for every parameter set, with the baseline partitions in its stats', async () => {
    let compared = 0;
    await withEngine(layout, async (engine) => {
      for (const template of CHANGE_TEMPLATES) {
        for (const { raw, ...request } of REQUESTS) {
          for (const traffic of template === 'traffic-change' ? TRAFFIC : [{}]) {
            const params = { start: START, end: END, ...raw, ...traffic };
            const rendered = renderQuery(template, params, engine.target);
            const result = await engine.run(rendered);
            const expected = expectedChangeRows(DEFAULT_LOG_FORMAT, FILES, { template, start: START, end: END, ...request, ...traffic });
            expect({ template, params, columns: result.columns.map((c) => c.name), rows: result.rows }).toEqual({
              template,
              params,
              columns: CHANGE_COLUMNS[template],
              rows: expected,
            });
            expect(result.columns).toEqual(getTemplate(template).columns);
            const stats = toResultDocument(rendered, result).stats;
            const step = layout.perHour ? 3600 : DAY;
            // The baseline's own partitions: every one from its first second up to (not including) the range's first.
            expect(stats.baselinePartitions?.length).toBe((request.baseline_days * DAY) / step);
            // The data begin five days before the range: a longer baseline says so.
            const notes = (result.notes ?? []).filter((n) => n.includes('baseline'));
            expect(notes.length).toBe(request.baseline_days > 5 ? 1 : 0);
            compared++;
          }
        }
      }
    });
    expect(compared).toBe(CHANGE_TEMPLATES.length * REQUESTS.length + REQUESTS.length);
  }, 120_000);
});

describe('bad input to the baseline templates', () => {
  const target = {
    table: 'flow_logs',
    layout: { hiveCompatiblePartitions: false, perHourPartition: false },
    logFormat: DEFAULT_LOG_FORMAT,
    lateMarginSeconds: 600,
    dialect: 'duckdb',
  } as const;
  it.each([
    [{ baseline_days: 0 }, 'baseline_days: must be a whole number from 1 to 30'],
    [{ baseline_days: 31 }, 'baseline_days: must be a whole number from 1 to 30'],
    [{ internal_cidrs: '10.0.0.0/8,,fd00::/8' }, 'internal_cidrs: item 2: must be an IPv4 or IPv6 network such as 10.0.0.0/8, 10.1.2.3 or 2001:db8::/32'],
    [{ internal_cidrs: '10.0.0.0/33' }, "internal_cidrs: item 1: '/33' is not a prefix length: an IPv4 network takes /0 to /32"],
    [{ internal_cidrs: [] }, 'internal_cidrs: must be 1 to 20 IPv4 or IPv6 networks separated by commas (10.0.0.0/8,fc00::/7)'],
  ])('%j is refused with one line naming it', (params, message) => {
    expect(() => renderQuery('new-destinations', { start: START, end: END, ...params }, target)).toThrow(InvalidParameter);
    expect(() => renderQuery('new-destinations', { start: START, end: END, ...params }, target)).toThrow(new Error(message));
  });
});
