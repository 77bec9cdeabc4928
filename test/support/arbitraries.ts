/**
 * fast-check arbitraries for small flow-log data sets and template requests: a few files around a
 * day, month or year boundary, in any of the four key layouts and both file formats, with the
 * records real data sets have (NODATA, SKIPDATA, IPv6) and the ones a reader must survive (`-` and
 * junk in numeric columns, `-` in string columns, short and long lines).
 */
import fc from 'fast-check';
import type { FlowLogFile } from '../../src/sample/writer.js';
import { DEFAULT_LOG_FORMAT_TEXT, parseLogFormat, type LogFormat } from '../../src/flowlog/format.js';
import type { FileFormat } from '../../src/flowlog/layout.js';
import { parseNumeric, type OracleQuery, type TemplateName } from './oracle.js';

const MINUTES_5 = 300;
const HOUR = 3600;
const DAY = 24 * HOUR;

/** Log formats: the default, a custom version-5 one in another order with region and account-id, and one without log-status. */
export const LOG_FORMATS = {
  default: DEFAULT_LOG_FORMAT_TEXT,
  customV5:
    '${region} ${account-id} ${end} ${start} ${bytes} ${packets} ${action} ${log-status} ${protocol} ${dstport} ${srcport} ${dstaddr} ${srcaddr} ${interface-id} ${flow-direction} ${traffic-path} ${version}',
  noLogStatus:
    '${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${tcp-flags} ${vpc-id} ${version}',
} as const;

/** Midnights (UTC) the data sets are centred on: year and month boundaries (a leap February too), and an ordinary day. */
export const BASES = ['2026-01-01', '2026-03-01', '2024-03-01', '2026-07-01', '2026-06-16'].map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);

export const ADDRESSES = ['10.0.0.1', '10.0.0.2', '10.0.0.10', '192.168.1.1', '2001:db8::1', '2001:db8::a', 'fe80::1'];
export const INTERFACES = ['eni-0a1b2c3d', 'eni-0123456789abcdef0', 'eni-abcdef01'];
/** Filter values: the interfaces in the data and one that is never there. */
export const INTERFACE_FILTERS = [...INTERFACES, 'eni-ffffffff'];
export const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

/**
 * Text in numeric columns that Athena's text reader (Trino's `LongEncoding`) reads as NULL: no
 * number, a lone sign, forms DuckDB's own cast would take (hex, binary, digit separators, exponents,
 * a tab), more than 19 digits, beyond a bigint, beyond an int column ('2147483648' is a valid
 * bigint), and LazySimpleSerDe's null `\N`.
 */
export const NUMERIC_JUNK = [
  '-',
  'abc',
  '12x',
  'x9',
  '--',
  '1,000',
  'NaN',
  '',
  '+',
  '0x10',
  '0b101',
  '1_000',
  '1e3',
  '1.5e3',
  '1.2.3',
  '\t5',
  '\\N',
  '99999999999999999999',
  '9223372036854775808',
  '-9223372036854775809',
  '2147483648',
];

/** Numbers Athena reads although DuckDB's cast reads them otherwise or not at all: the decimal part is dropped. */
export const DECIMAL_FORMS = ['1.5', '7.', '.5', '-.5', '.', '+.', '-1.9', '0000000000000000000000042.99'];

type Kind = 'ok' | 'nodata' | 'skipdata' | 'odd-status';
type Shape = { readonly cut: number } | { readonly extra: readonly string[] } | null;

/** One record before it is laid out in a format: field name → text, and where it sits in time. */
export interface LogicalRecord {
  readonly kind: Kind;
  readonly values: Readonly<Record<string, string>>;
  /** Seconds after the file's window start at which the flow ends (0–299). */
  readonly endOffset: number;
  /** end − start, 0–600 s: the longest aggregation interval, so the late margin always covers it. */
  readonly duration: number;
  /** How `start` and `end` are written: as is, with a plus sign, with leading zeros, or junk. */
  readonly startForm: string;
  readonly endForm: string;
  /** Text files only: a short line (only the first `cut` fields) or a long one (extra fields). */
  readonly shape: Shape;
}

export const numberText = (valid: fc.Arbitrary<number>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 14, arbitrary: valid.map(String) },
    { weight: 1, arbitrary: valid.map((n) => `+${n}`) },
    { weight: 1, arbitrary: valid.map((n) => `00${n}`) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom('.5', '.', '.000', '.99')).map(([n, d]) => `${n}${d}`) },
    { weight: 1, arbitrary: fc.constantFrom(...DECIMAL_FORMS) },
    { weight: 2, arbitrary: fc.constantFrom(...NUMERIC_JUNK) },
  );

export const stringOrDash = (values: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fc.constant('-') });

const timeForm = fc.oneof(
  { weight: 20, arbitrary: fc.constant('plain') },
  { weight: 1, arbitrary: fc.constantFrom('plus', 'zeros', 'decimal') },
  { weight: 1, arbitrary: fc.constantFrom('-', 'abc', '1,000', '1e9', '\\N') },
);

const shape: fc.Arbitrary<Shape> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 16 }).map((cut) => ({ cut })) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom('extra', '7', '-', 'OK', '10.0.0.1'), { minLength: 1, maxLength: 3 }).map((extra) => ({ extra })) },
);

/** Small byte counts repeat often, so sums tie and the tie-breakers decide the order. */
const bytes = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(40, 60, 100, 1500) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 100_000 }) });
const packets = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(1, 2, 10) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 1000 }) });
const port = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(22, 53, 443, 3389) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 65_535 }) });

const DASHED = ['srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'action'];

export const logicalRecord: fc.Arbitrary<LogicalRecord> = fc
  .record({
    kind: fc.oneof({ weight: 10, arbitrary: fc.constant<Kind>('ok') }, { weight: 1, arbitrary: fc.constantFrom<Kind>('nodata', 'skipdata', 'odd-status') }),
    srcaddr: stringOrDash(ADDRESSES),
    dstaddr: stringOrDash(ADDRESSES),
    srcport: numberText(port),
    dstport: numberText(port),
    protocol: numberText(fc.constantFrom(6, 17, 1, 58)),
    packets: numberText(packets),
    bytes: numberText(bytes),
    action: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('ACCEPT', 'REJECT') }, { weight: 1, arbitrary: fc.constant('-') }),
    oddStatus: fc.constantFrom('NODATA', 'SKIPDATA', '-', 'ok', 'Ok'),
    'interface-id': stringOrDash(INTERFACES),
    'flow-direction': stringOrDash(['ingress', 'egress']),
    'traffic-path': numberText(fc.integer({ min: 1, max: 8 })),
    'tcp-flags': numberText(fc.constantFrom(0, 2, 18, 19)),
    'vpc-id': stringOrDash(['vpc-0a1b2c3d']),
    endOffset: fc.integer({ min: 0, max: MINUTES_5 - 1 }),
    duration: fc.oneof(fc.constantFrom(0, 59, 60, 299, 300, 599, 600), fc.integer({ min: 0, max: 600 })),
    startForm: timeForm,
    endForm: timeForm,
    shape,
  })
  .map(({ kind, oddStatus, endOffset, duration, startForm, endForm, shape, ...fields }) => {
    const values: Record<string, string> = { ...fields, 'log-status': kind === 'odd-status' ? oddStatus : 'OK' };
    if (kind === 'nodata' || kind === 'skipdata') {
      for (const f of DASHED) values[f] = '-';
      values['log-status'] = kind === 'nodata' ? 'NODATA' : 'SKIPDATA';
    }
    return { kind, values, endOffset, duration, startForm, endForm, shape };
  });

function timeText(value: number, form: string): string {
  if (form === 'plain') return String(value);
  if (form === 'plus') return `+${value}`;
  if (form === 'zeros') return `000${value}`;
  if (form === 'decimal') return `${value}.9`;
  return form;
}

/** The intended (pre-junk) start and end of a record in a window. */
export function recordTimes(fileTime: number, r: LogicalRecord): { start: number; end: number } {
  const end = fileTime + r.endOffset;
  return { start: end - r.duration, end };
}

/** A record laid out in a format, as the field texts a file holds. */
export function renderRecord(
  format: LogFormat,
  fileFormat: FileFormat,
  file: { account: string; region: string; fileTime: number },
  r: LogicalRecord,
): string[] {
  const { start, end } = recordTimes(file.fileTime, r);
  const values: Record<string, string> = {
    ...r.values,
    version: format.fields.some((f) => f.version > 2) ? '5' : '2',
    'account-id': file.account,
    region: file.region,
    start: timeText(start, r.startForm),
    end: timeText(end, r.endForm),
  };
  let tokens = format.fields.map((f) => values[f.name] ?? '-');
  if (fileFormat === 'parquet') {
    // Parquet columns are typed: a number is written as the value a text reader would read, and what it would read as NULL as NULL ('-').
    tokens = tokens.map((t, i) => {
      const type = format.fields[i].athenaType;
      if (type === 'string') return t;
      const value = parseNumeric(t, type);
      return value === null ? '-' : String(value);
    });
  } else if (r.shape && 'cut' in r.shape) {
    tokens = tokens.slice(0, Math.min(r.shape.cut, tokens.length - 1));
  } else if (r.shape) {
    tokens = [...tokens, ...r.shape.extra];
  }
  return tokens;
}

/** One generated data set: where its files go, how they are laid out, and what they hold. */
export interface Dataset {
  readonly hiveCompatiblePartitions: boolean;
  readonly perHourPartition: boolean;
  readonly fileFormat: FileFormat;
  readonly formatText: string;
  /** Whether the engine is told the format (else it reads it from the files). */
  readonly passFormat: boolean;
  readonly base: number;
  readonly files: readonly FlowLogFile[];
}

export function datasetFormat(ds: Dataset): LogFormat {
  return parseLogFormat(ds.formatText);
}

/** Window numbers (5-minute steps from the base midnight), often next to an hour or day boundary. */
const windowIndex = fc.oneof(
  fc.integer({ min: -432, max: 431 }),
  fc.tuple(fc.integer({ min: -1, max: 1 }), fc.integer({ min: -3, max: 2 })).map(([d, o]) => d * 288 + o),
  fc.tuple(fc.integer({ min: -36, max: 35 }), fc.integer({ min: -2, max: 1 })).map(([h, o]) => h * 12 + o),
);

const account = fc.stringMatching(/^[0-9]{12}$/);

/** Data sets in these log formats and file formats, their records drawn from `record`. */
export function datasetOf(
  formats: readonly string[],
  record: fc.Arbitrary<LogicalRecord> = logicalRecord,
  fileFormats: readonly FileFormat[] = ['plain-text', 'parquet'],
): fc.Arbitrary<Dataset> {
  return fc
    .record({
      hiveCompatiblePartitions: fc.boolean(),
      perHourPartition: fc.boolean(),
      fileFormat: fc.constantFrom(...fileFormats),
      formatText: fc.constantFrom(...formats),
      passFormat: fc.boolean(),
      base: fc.constantFrom(...BASES),
      accounts: fc.uniqueArray(account, { minLength: 1, maxLength: 3 }),
      regions: fc.shuffledSubarray(REGIONS, { minLength: 1, maxLength: 3 }),
      files: fc.array(
        fc.record({
          account: fc.nat(),
          region: fc.nat(),
          window: windowIndex,
          records: fc.array(record, { minLength: 1, maxLength: 8 }),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    })
    .map(({ accounts, regions, files, ...rest }) => {
      const format = parseLogFormat(rest.formatText);
      // One file per account, region and window: records that land in the same one are merged.
      const byKey = new Map<string, FlowLogFile & { records: string[][] }>();
      for (const f of files) {
        const acc = accounts[f.account % accounts.length];
        const region = regions[f.region % regions.length];
        const fileTime = rest.base + f.window * MINUTES_5;
        const key = `${acc}/${region}/${fileTime}`;
        const file = byKey.get(key) ?? {
          account: acc,
          region,
          flowLogId: `fl-0${accounts.indexOf(acc)}${REGIONS.indexOf(region)}a1b2c3d4e5f6`,
          fileTime,
          records: [],
        };
        byKey.set(key, file);
        for (const r of f.records) file.records.push(renderRecord(format, rest.fileFormat, file, r));
      }
      return { ...rest, files: [...byKey.values()] };
    });
}

export const dataset: fc.Arbitrary<Dataset> = datasetOf([LOG_FORMATS.default, LOG_FORMATS.customV5, LOG_FORMATS.noLogStatus]);

/** Instants worth asking about: the records' own start times, the files' windows and the base midnight. */
function anchors(ds: Dataset, format: LogFormat): number[] {
  const startAt = format.fields.findIndex((f) => f.name === 'start');
  const out = new Set<number>([ds.base]);
  for (const f of ds.files) {
    out.add(f.fileTime);
    for (const r of f.records) {
      const start = parseNumeric(r[startAt], 'bigint');
      if (start !== null) out.add(start);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * An instant, described independently of any data set so that data and requests shrink apart:
 * the n-th anchor of the data set ± 2 s, any second within 2 days of the base midnight, or an hour
 * boundary ± 1 s.
 */
type InstantSpec = { readonly anchor: number; readonly delta: number } | { readonly offset: number };

const instantSpec: fc.Arbitrary<InstantSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ anchor: fc.nat(), delta: fc.integer({ min: -2, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ offset: fc.integer({ min: -2 * DAY, max: 2 * DAY }) }) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: -48, max: 48 }), fc.integer({ min: -1, max: 1 })).map(([h, d]) => ({ offset: h * HOUR + d })),
  },
);

/** A request before it meets a data set. */
export interface QuerySpec {
  readonly a: InstantSpec;
  readonly b: InstantSpec;
  readonly length: number;
  readonly useLength: boolean;
  readonly limit: number;
  readonly interface_id?: string;
  readonly action?: string;
}

/** An optional filter: given in about a third of the requests. */
const sometimes = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });

export function querySpec(template: TemplateName): fc.Arbitrary<QuerySpec> {
  return fc.record({
    a: instantSpec,
    b: instantSpec,
    length: fc.oneof(fc.integer({ min: 1, max: HOUR }), fc.integer({ min: 1, max: 3 * DAY })),
    useLength: fc.boolean(),
    limit: fc.integer({ min: 1, max: 20 }),
    interface_id: sometimes(fc.constantFrom(...INTERFACE_FILTERS)),
    action: template === 'top-talkers' ? sometimes(fc.constantFrom('ACCEPT', 'REJECT')) : fc.constant(undefined),
  });
}

/** A request to a template over a data set: its range at arbitrary seconds in and around the data. */
export function resolveQuery(ds: Dataset, template: TemplateName, spec: QuerySpec): OracleQuery {
  const points = anchors(ds, parseLogFormat(ds.formatText));
  const at = (i: InstantSpec) => ('anchor' in i ? points[i.anchor % points.length] + i.delta : ds.base + i.offset);
  const [a, b] = [at(spec.a), at(spec.b)];
  const [start, end] = spec.useLength || a === b ? [a, a + spec.length] : [Math.min(a, b), Math.max(a, b)];
  const q: OracleQuery = { template, start, end, limit: spec.limit };
  return {
    ...q,
    ...(spec.interface_id === undefined ? {} : { interface_id: spec.interface_id }),
    ...(spec.action === undefined ? {} : { action: spec.action }),
  };
}

/** A data set and a few requests to one template over it. */
export function datasetWithQueries(template: TemplateName, count = { min: 1, max: 4 }): fc.Arbitrary<{ ds: Dataset; queries: OracleQuery[] }> {
  return fc
    .record({ ds: dataset, specs: fc.array(querySpec(template), { minLength: count.min, maxLength: count.max }) })
    .map(({ ds, specs }) => ({ ds, queries: specs.map((spec) => resolveQuery(ds, template, spec)) }));
}
