/**
 * fast-check arbitraries for the template library (issue 10): version-5 log formats whose records
 * carry realistic instance, subnet, VPC, packet-level address, direction, path and AWS-service
 * values, and requests to each library template with its filters (VPC, subnet, action, protocol by
 * name or number, source and destination CIDR blocks of both families) given or left out.
 */
import fc from 'fast-check';
import { parseLogFormat } from '../../src/flowlog/format.js';
import {
  ADDRESSES,
  logicalRecord,
  numberText,
  querySpec,
  resolveQuery,
  stringOrDash,
  type Dataset,
  type LogicalRecord,
  type QuerySpec,
} from './arbitraries.js';
import { EXTRA_FIELDS, parseIp, type LibraryQuery, type LibraryTemplate } from './library-oracle.js';

const DAY = 86_400;

/** Version-5 formats: every field the library reads, in AWS's order and in another; one without log-status or traffic-path. */
export const V5_FORMATS = {
  full:
    '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ' +
    '${vpc-id} ${subnet-id} ${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} ' +
    '${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path}',
  reordered:
    '${traffic-path} ${flow-direction} ${pkt-dst-aws-service} ${pkt-src-aws-service} ${bytes} ${start} ${log-status} ${action} ${instance-id} ${subnet-id} ' +
    '${vpc-id} ${interface-id} ${pkt-dstaddr} ${pkt-srcaddr} ${dstaddr} ${srcaddr} ${dstport} ${protocol} ${packets} ${end} ${version}',
  noStatusNoPath:
    '${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${pkt-src-aws-service} ${pkt-dst-aws-service} ' +
    '${flow-direction} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action}',
} as const;

/** Addresses beyond the core set: a public S3 address and one of an AWS IPv6 range, so CIDR blocks split them. */
export const LIBRARY_ADDRESSES = [...ADDRESSES, '172.31.5.20', '52.216.8.1', '2600:1f18:abcd::5'];
/** VPCs and subnets of the records; a filter may also name a VPC that is never there. */
export const VPCS = ['vpc-0a1b2c3d', 'vpc-0fedcba9876543210'];
export const SUBNETS = ['subnet-0a1b2c3d', 'subnet-0123456789abcdef0', 'subnet-0f1e2d3c'];
const INSTANCES = ['i-0123456789abcdef0', 'i-0a1b2c3d4e5f60718'];
const SERVICES = ['AMAZON', 'S3', 'EC2', 'DYNAMODB', 'ROUTE53', 'CLOUDFRONT'];

/** The same address most of the time (no NAT in between), another one sometimes. */
const packetAddress = (flowAddress: string): fc.Arbitrary<string> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(flowAddress) }, { weight: 1, arbitrary: stringOrDash(LIBRARY_ADDRESSES) });

/** A record of the core generator with version-5 fields added; NODATA and SKIPDATA records carry `-` in them. */
export const v5Record: fc.Arbitrary<LogicalRecord> = fc
  .tuple(
    logicalRecord,
    fc.record({
      // Now and then an address of the wider pool, in place of the core generator's.
      srcaddr: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...LIBRARY_ADDRESSES) }),
      dstaddr: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...LIBRARY_ADDRESSES) }),
      'vpc-id': stringOrDash(VPCS),
      'subnet-id': stringOrDash(SUBNETS),
      // NAT gateways, load balancers and endpoints have network interfaces without an instance.
      'instance-id': fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...INSTANCES) }, { weight: 1, arbitrary: fc.constant('-') }),
      'flow-direction': stringOrDash(['ingress', 'egress']),
      // 1-8 are documented; 0 and 9 are not, so have no name.
      'traffic-path': fc.oneof({ weight: 6, arbitrary: numberText(fc.integer({ min: 1, max: 8 })) }, { weight: 1, arbitrary: fc.constantFrom('0', '9') }),
      'pkt-src-aws-service': fc.oneof({ weight: 3, arbitrary: fc.constant('-') }, { weight: 1, arbitrary: fc.constantFrom(...SERVICES) }),
      'pkt-dst-aws-service': fc.oneof({ weight: 3, arbitrary: fc.constant('-') }, { weight: 1, arbitrary: fc.constantFrom(...SERVICES) }),
      'az-id': fc.constantFrom('use1-az1', 'euw1-az2'),
    }),
    fc.boolean(),
    fc.boolean(),
  )
  .chain(([r, extra, natSrc, natDst]) => {
    const given = Object.entries(extra).filter((e): e is [string, string] => e[1] !== undefined);
    const values: Record<string, string> = { ...r.values, ...Object.fromEntries(given) };
    const dashed = r.kind === 'nodata' || r.kind === 'skipdata';
    if (dashed) for (const f of ['srcaddr', 'dstaddr', 'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path']) values[f] = '-';
    // Egress has a traffic path; ingress does not.
    if (values['flow-direction'] !== 'egress') values['traffic-path'] = '-';
    values.type = dashed ? '-' : values.srcaddr.includes(':') ? 'IPv6' : 'IPv4';
    return fc
      .record({
        'pkt-srcaddr': natSrc && !dashed ? packetAddress(values.srcaddr) : fc.constant(values.srcaddr),
        'pkt-dstaddr': natDst && !dashed ? packetAddress(values.dstaddr) : fc.constant(values.dstaddr),
      })
      .map((pkt) => ({ ...r, values: { ...values, ...pkt } }));
  });

/**
 * Records with scanners among them: a third of the records is turned into a rejected probe from one
 * of two sources (one per family) to whatever port it had, so sources reach several ports.
 */
export function withScans(record: fc.Arbitrary<LogicalRecord>): fc.Arbitrary<LogicalRecord> {
  return fc.oneof(
    { weight: 2, arbitrary: record },
    {
      weight: 1,
      arbitrary: fc
        .tuple(record, fc.constantFrom('10.0.0.1', '2001:db8::1'))
        .map(([r, scanner]) => (r.kind === 'ok' ? { ...r, values: { ...r.values, srcaddr: scanner, 'pkt-srcaddr': scanner, action: 'REJECT' } } : r)),
    },
  );
}

/** Templates with a fixed action, or with no action filter for another reason. */
const NO_ACTION: readonly LibraryTemplate[] = ['accepted-traffic', 'rejected-traffic', 'port-scanners'];

/** The protocol filter as a caller may write it, and the number it means (IANA). */
const PROTOCOLS: ReadonlyArray<readonly [string | number, number]> = [
  ['tcp', 6],
  ['TCP', 6],
  ['udp', 17],
  ['Icmp', 1],
  ['icmpv6', 58],
  ['17', 17],
  [6, 6],
  [58, 58],
  [0, 0],
];

/** A CIDR block drawn independently of any data set: an address of the pool and a prefix length. */
interface CidrSpec {
  readonly address: number;
  readonly length: number;
  readonly bare: boolean;
}

const cidrSpec: fc.Arbitrary<CidrSpec> = fc.record({
  address: fc.nat(),
  /** Out of 128: an IPv4 block takes a quarter of it (so 96 is /24). */
  length: fc.oneof(fc.constantFrom(0, 8, 16, 32, 64, 96, 120, 128), fc.integer({ min: 0, max: 128 })),
  bare: fc.boolean(),
});

/** The block of one of the pool's addresses at a prefix length (scaled to the family's width), its host bits cleared; or the bare address. */
export function resolveCidr(spec: CidrSpec): string {
  const address = LIBRARY_ADDRESSES[spec.address % LIBRARY_ADDRESSES.length];
  if (spec.bare) return address;
  const ip = parseIp(address)!;
  const width = ip.family === 4 ? 32 : 128;
  const length = Math.round((spec.length * width) / 128);
  const network = (ip.value >> BigInt(width - length)) << BigInt(width - length);
  if (ip.family === 4) return `${[24n, 16n, 8n, 0n].map((s) => (network >> s) & 255n).join('.')}/${length}`;
  return `${Array.from({ length: 8 }, (_, i) => ((network >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':')}/${length}`;
}

/** A request to a library template before it meets a data set. */
export interface LibraryQuerySpec {
  readonly core: QuerySpec;
  /** The whole data set: two days either side of its base midnight, so every record is in range. */
  readonly wide: boolean;
  readonly vpc_id?: string;
  readonly subnet_id?: string;
  readonly action?: string;
  readonly protocol?: number;
  readonly src_cidr?: CidrSpec;
  readonly dst_cidr?: CidrSpec;
  readonly cidr: CidrSpec;
  readonly ports?: readonly number[];
  readonly bucket?: string;
  readonly min_ports?: number;
}

/** An optional filter, given in about one request in five, so that a third of the requests have none and results are seldom empty. */
const sometimes = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });

/** Requests with each optional filter given now and then; the required `cidr` is drawn always and used by traffic-from/-to. */
export const libraryQuerySpec: fc.Arbitrary<LibraryQuerySpec> = fc.record({
  core: querySpec('eni-bytes'),
  wide: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  vpc_id: sometimes(fc.constantFrom(...VPCS, 'vpc-0badbadbad')),
  subnet_id: sometimes(fc.constantFrom(...SUBNETS)),
  action: sometimes(fc.constantFrom('ACCEPT', 'REJECT')),
  protocol: sometimes(fc.nat({ max: PROTOCOLS.length - 1 })),
  src_cidr: sometimes(cidrSpec),
  dst_cidr: sometimes(cidrSpec),
  cidr: cidrSpec,
  ports: sometimes(fc.uniqueArray(fc.oneof(fc.constantFrom(22, 53, 443, 3389, 5432), fc.integer({ min: 0, max: 65_535 })), { minLength: 1, maxLength: 6 })),
  bucket: sometimes(fc.constantFrom('5m', '1h', '1d', '5M', '1H')),
  // Small data sets rarely reach the default of 10 ports: give a low threshold most of the time.
  min_ports: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 3 }) }),
});

/** A request as the oracle takes it, and the raw parameters a caller would send for it. */
export interface LibraryRequest {
  readonly query: LibraryQuery;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * A request to a template over a data set: the range, limit and interface filter drawn as for the
 * core templates, and each of the template's own filters that the data set's format can answer.
 */
export function resolveLibraryQuery(ds: Dataset, template: LibraryTemplate, spec: LibraryQuerySpec): LibraryRequest {
  const core = resolveQuery(ds, 'eni-bytes', spec.core);
  const { limit, interface_id } = core;
  const [start, end] = spec.wide ? [ds.base - 2 * DAY, ds.base + 2 * DAY] : [core.start, core.end];
  const columns = new Set(parseLogFormat(ds.formatText).fields.map((f) => f.column));
  const query: Record<string, unknown> = { template, start, end, limit };
  const params: Record<string, unknown> = { start, end, limit };
  const give = (name: string, value: unknown, raw: unknown = value) => {
    if (value === undefined) return;
    query[name] = value;
    params[name] = raw;
  };
  give('interface_id', interface_id);
  if (columns.has('vpc_id')) give('vpc_id', spec.vpc_id);
  if (columns.has('subnet_id')) give('subnet_id', spec.subnet_id);
  if (!NO_ACTION.includes(template)) give('action', spec.action);
  if (spec.protocol !== undefined) give('protocol', PROTOCOLS[spec.protocol][1], PROTOCOLS[spec.protocol][0]);
  if (template !== 'traffic-from' && spec.src_cidr) give('src_cidr', resolveCidr(spec.src_cidr));
  if (template !== 'traffic-to' && spec.dst_cidr) give('dst_cidr', resolveCidr(spec.dst_cidr));
  if (template === 'traffic-from' || template === 'traffic-to') give('cidr', resolveCidr(spec.cidr));
  if (template === 'admin-ports') give('ports', spec.ports);
  if (template === 'traffic-over-time') {
    give('bucket', spec.bucket?.toLowerCase(), spec.bucket);
    // The contract's default limit for this template is 1000: leave it out half the time.
    if (spec.core.useLength) {
      delete params.limit;
      query.limit = 1000;
    }
  }
  if (template === 'port-scanners') give('min_ports', spec.min_ports);
  return { query: query as unknown as LibraryQuery, params };
}

/** A data set and a few requests to one template over it. */
export function datasetWithLibraryQueries(
  template: LibraryTemplate,
  datasets: fc.Arbitrary<Dataset>,
): fc.Arbitrary<{ ds: Dataset; requests: LibraryRequest[] }> {
  return fc
    .record({ ds: datasets, specs: fc.array(libraryQuerySpec, { minLength: 1, maxLength: 4 }) })
    .map(({ ds, specs }) => ({ ds, requests: specs.map((spec) => resolveLibraryQuery(ds, template, spec)) }));
}

/** Whether a format has every field a template needs (the Contract table's "fields needed"). */
export function formatServes(formatText: string, template: LibraryTemplate): boolean {
  const names = new Set(parseLogFormat(formatText).fields.map((f) => f.name));
  return EXTRA_FIELDS[template].every((f) => names.has(f));
}
